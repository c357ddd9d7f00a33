"""The security tests' world, built once per module inside a transaction that is rolled back at the end.

Every request the tests make runs in its own savepoint and is rolled back too, so each one meets the
same untouched world and a denied write can be checked against one fingerprint of the database.
"""

from __future__ import annotations

import pytest
from django.db import transaction

from tests.security.world import build_world


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        built = build_world()
        yield built
        transaction.set_rollback(True)
