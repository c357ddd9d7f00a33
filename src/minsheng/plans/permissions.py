"""Who may see and change plans and projects, and import plans; the shared predicates are in core."""

from __future__ import annotations

import rules
from django.db.models import Q, QuerySet

from minsheng.core.models import User
from minsheng.core.permissions import REGION_ROLES, UNIT_ROLES, coordinated_regions, is_coordinator, region_ids
from minsheng.plans.models import Plan, Project


def _public_projects() -> Q:
    return Q(plan__status=Plan.Status.PUBLISHED, public=True)


def visible_projects(user) -> QuerySet[Project]:
    projects = Project.objects.all()
    if not user.is_authenticated:
        return projects.filter(_public_projects())
    if user.is_superuser:
        return projects
    if user.role in REGION_ROLES:
        scope = Q(plan__region_id__in=region_ids(user))
        if user.role == User.Role.DEPUTY:
            scope &= Q(plan__status=Plan.Status.PUBLISHED)
        return projects.filter(scope | _public_projects())
    if user.role in UNIT_ROLES and user.unit_id:
        # A district government is "allocated" the shares its region was given.
        own = Q(unit_links__unit_id=user.unit_id) | Q(allocations__region_id=user.unit.region_id)
        ids = projects.filter(own).values("id")
        return projects.filter(Q(id__in=ids) | _public_projects())
    return projects.filter(_public_projects())


def visible_plans(user) -> QuerySet[Plan]:
    return Plan.objects.filter(id__in=visible_projects(user).values("plan_id")) | Plan.objects.filter(
        _plan_scope(user)
    )


def _plan_scope(user) -> Q:
    if user.is_authenticated and user.is_superuser:
        return Q()
    if user.is_authenticated and user.role in {User.Role.COORDINATOR, User.Role.LEADER}:
        return Q(region_id__in=region_ids(user))
    return Q(status=Plan.Status.PUBLISHED)


@rules.predicate
def can_view_project(user, project: Project | None) -> bool:
    return project is not None and visible_projects(user).filter(pk=project.pk).exists()


@rules.predicate
def can_view_plan(user, plan: Plan | None) -> bool:
    return plan is not None and visible_plans(user).filter(pk=plan.pk).exists()


@rules.predicate
def coordinates_plan(user, plan: Plan | None) -> bool:
    if plan is None or not user.is_authenticated:
        return False
    return user.is_superuser or plan.region_id in coordinated_regions(user)


@rules.predicate
def coordinates_project(user, project: Project | None) -> bool:
    return project is not None and coordinates_plan(user, project.plan)


@rules.predicate
def oversees_plan(user, plan) -> bool:
    """Coordinators, leaders and deputies read a plan's progress overview for their region."""
    if plan is None or not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return user.role in REGION_ROLES and plan.region_id in region_ids(user) and can_view_plan(user, plan)


rules.add_perm("plans.view_plan", can_view_plan)
rules.add_perm("plans.change_plan", coordinates_plan)
rules.add_perm("plans.import_plan", is_coordinator)
rules.add_perm("plans.view_project", can_view_project)
rules.add_perm("plans.change_project", coordinates_project)


@rules.predicate
def imports_into_region(user, region) -> bool:
    """A coordinator imports plans into their own region and the regions below it only."""
    if region is None or not is_coordinator(user):
        return False
    return user.is_superuser or region.pk in coordinated_regions(user)


@rules.predicate
def can_handle_import(user, draft) -> bool:
    """The coordinator who uploaded it, or one who coordinates the region it imports into.

    The region is the one stored on the draft (resolved among the uploader's regions), never the
    document's region name looked up anew: a document that names another city must not open a
    draft to that city's coordinators.
    """
    if draft is None or not is_coordinator(user):
        return False
    if user.is_superuser or draft.created_by_id == user.pk:
        return True
    return draft.region_id is not None and draft.region_id in coordinated_regions(user)


rules.add_perm("plans.change_planimport", can_handle_import)
rules.add_perm("plans.import_into_region", imports_into_region)
