"""Progress reads cost the same number of queries for a small plan and a three times larger one."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from minsheng.core.models import Region, User
from minsheng.progress.models import FlagSuggestion
from minsheng.progress.selectors import plan_progress
from minsheng.scale import generate
from tests.helpers import login

pytestmark = pytest.mark.django_db
ON = datetime.date(2024, 8, 20)  # July closed, so 未报送 and flag suggestions are computed too


@pytest.fixture
def small_and_large():
    small = generate(plans=1, projects=6, allocations=3, periods=12, seed=103)
    large = generate(plans=1, projects=18, allocations=9, periods=12, seed=102)
    assert large.reports >= 3 * small.reports
    return small.plans[0], large.plans[0]


def _queries(fn) -> int:
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


def test_plan_progress_costs_the_same_queries_for_a_three_times_larger_plan(small_and_large):
    small, large = small_and_large
    counts = [_queries(lambda p=p: plan_progress(p, ON)) for p in (small, large)]
    assert counts[0] == counts[1], counts
    assert len(plan_progress(large, ON).projects) == 3 * len(plan_progress(small, ON).projects)


def test_overview_page_costs_the_same_queries_for_a_three_times_larger_plan(client, small_and_large):
    small, large = small_and_large

    def page(plan):
        # Each plan seen by a coordinator of its own province, the way staff reach it.
        coordinator, _ = User.objects.get_or_create(
            username=f"coordinator-{plan.region.parent_id}",
            defaults={"role": User.Role.COORDINATOR, "region": Region.objects.get(pk=plan.region.parent_id)})
        login(client, coordinator)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(f"/staff/progress/plans/{plan.pk}/", {"on": ON.isoformat()})
        assert response.status_code == 200
        return len(ctx.captured_queries)

    # First visit (flag suggestions are created: seeds chosen so both plans have critical projects,
    # since a plan with none skips the insert) and a later one (they exist).
    first = [page(p) for p in (small, large)]
    assert all(FlagSuggestion.objects.filter(project__plan=p).exists() for p in (small, large))
    again = [page(p) for p in (small, large)]
    assert first[0] == first[1], first
    assert again[0] == again[1], again
