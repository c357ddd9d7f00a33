"""Who reads, handles and coordinates citizens' appeals, and to which units an appeal may go."""

from __future__ import annotations

import rules
from django.db.models import QuerySet

from minsheng.appeals.models import Appeal
from minsheng.core.models import Unit
from minsheng.core.permissions import (
    REGION_ROLES,
    UNIT_ROLES,
    coordinated_regions,
    coordinates_region,
    is_coordinator,
    oversees_a_region,
    region_ids,
)

# The handling unit and the coordinators of the appeal's region see the citizen's name, phone and
# ID number; leaders and deputies read the region's appeals with those masked.

def visible_appeals(user) -> QuerySet:
    appeals = Appeal.objects.all()
    if not user.is_authenticated:
        return appeals.none()
    if user.is_superuser:
        return appeals
    if user.role in REGION_ROLES:
        return appeals.filter(region_id__in=region_ids(user))
    if user.role in UNIT_ROLES and user.unit_id:
        return appeals.filter(unit_id=user.unit_id)
    return appeals.none()


@rules.predicate
def can_view_appeal(user, appeal) -> bool:
    return appeal is not None and visible_appeals(user).filter(pk=appeal.pk).exists()


@rules.predicate
def coordinates_appeal(user, appeal) -> bool:
    if appeal is None or not user.is_authenticated:
        return False
    return user.is_superuser or appeal.region_id in coordinated_regions(user)


@rules.predicate
def handles_appeal(user, appeal) -> bool:
    return (appeal is not None and user.is_authenticated and user.role in UNIT_ROLES
            and appeal.unit_id is not None and user.unit_id == appeal.unit_id)


def assignable_units(user, region) -> QuerySet:
    """The units an appeal in ``region`` may be handed to by ``user``.

    Those of the region and the regions below it, and those of the regions above it that the
    user coordinates: a district's appeal may go to a bureau of its city, but an appeal never
    goes to another city's units, nor to a higher government the coordinator does not run.
    """
    if region is None or not user.is_authenticated:
        return Unit.objects.none()
    ids = region.descendant_ids()
    above = {r.pk for r in region.ancestors()}
    ids |= above if user.is_superuser else above & coordinated_regions(user)
    return Unit.objects.filter(region_id__in=ids)


rules.add_perm("appeals.view_appeal", can_view_appeal)
rules.add_perm("appeals.change_appeal", coordinates_appeal | handles_appeal)
rules.add_perm("appeals.coordinate_appeal", coordinates_appeal)
rules.add_perm("appeals.handle_appeal", handles_appeal)
rules.add_perm("appeals.view_contact", coordinates_appeal | handles_appeal)
rules.add_perm("appeals.enter_appeal", coordinates_region)  # obj: the appeal's region
rules.add_perm("appeals.export_personal", is_coordinator)
rules.add_perm("appeals.view_figures", oversees_a_region)
rules.add_perm("appeals.create_candidate", coordinates_region)  # obj: the candidate's region
rules.add_perm("appeals.publish_appeal", coordinates_appeal)
