"""The shared predicates every app's permission rules stand on: who the user is, which regions they
oversee or coordinate. Each app registers its own rules beside it (``minsheng/<app>/permissions.py``,
loaded by the app's ``ready()``) on these, so this module knows no app and every rule has one home.

Visibility (DESIGN.md): a unit's users see what their unit leads, partners on or is allocated,
plus what is public; coordinators, leaders and deputies see their region and the regions below;
the public sees published data only.
"""

from __future__ import annotations

import rules

from minsheng.core.models import User

REGION_ROLES = {User.Role.COORDINATOR, User.Role.LEADER, User.Role.DEPUTY}
UNIT_ROLES = {User.Role.LIAISON, User.Role.REVIEWER}


def region_ids(user) -> set[int]:
    """The user's region and every region below it."""
    return user.region.descendant_ids() if user.region_id else set()


def coordinated_regions(user) -> set[int]:
    if user.is_authenticated and user.role == User.Role.COORDINATOR:
        return region_ids(user)
    return set()


@rules.predicate
def is_coordinator(user) -> bool:
    return user.is_authenticated and (user.is_superuser or user.role == User.Role.COORDINATOR)


@rules.predicate
def is_deputy(user) -> bool:
    return user.is_authenticated and user.role == User.Role.DEPUTY


@rules.predicate
def oversees_a_region(user) -> bool:
    """Whether the user oversees any region at all: the cockpit's menu entry (each plan is still checked)
    and the appeal figures."""
    return user.is_authenticated and (user.is_superuser or user.role in REGION_ROLES)


@rules.predicate
def coordinates_region(user, region) -> bool:
    """A coordinator writing into a region (a call taken, a candidate project): only those they
    coordinate. Without a region it answers whether the user coordinates anywhere (menus)."""
    if not is_coordinator(user):
        return False
    return region is None or user.is_superuser or region.pk in coordinated_regions(user)


rules.add_perm("core.edit_calendar", is_coordinator)
rules.add_perm("core.use_admin", is_coordinator)
