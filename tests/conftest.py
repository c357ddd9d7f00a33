"""Fixtures shared by the Django tests: the demo's regions, plans and accounts, loaded once per worker."""

import pytest


@pytest.fixture(scope="session")
def django_db_setup(request, django_db_setup, django_db_blocker):
    # Browser tests run in their own pytest process (see .ci/run): live_server flushes tables.
    with django_db_blocker.unblock():
        from minsheng import demo

        # Without simulated reports: workflow tests start from empty periods; tests that need a
        # lived-in plan simulate it themselves.
        demo.prepare(simulate=False)


@pytest.fixture
def users(db):
    from minsheng.core.models import User

    return {u.username: u for u in User.objects.all()}


@pytest.fixture
def hangzhou_plan(db):
    from minsheng.plans.models import Plan

    return Plan.objects.get(region__name="杭州市")


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Tests roll their database changes back; cached snapshots of them must go too.
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _default_language():
    # A request in English leaves English active on the worker's thread; every test starts in
    # the interface's own language.
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)
