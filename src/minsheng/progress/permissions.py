"""Who fills, reviews, accepts and reads progress reports, and who reads a plan's overview."""

from __future__ import annotations

import rules
from django.db.models import Q, QuerySet

from minsheng.core.models import User
from minsheng.core.permissions import UNIT_ROLES, coordinated_regions, region_ids
from minsheng.plans.models import ProjectUnit
from minsheng.plans.permissions import coordinates_plan, oversees_plan, visible_projects
from minsheng.progress.models import Report


def _lead_unit_ids(project) -> set[int]:
    return set(project.unit_links.filter(role=ProjectUnit.Role.LEAD).values_list("unit_id", flat=True))


@rules.predicate
def fills_report(user, report) -> bool:
    return (report is not None and user.is_authenticated and user.role in UNIT_ROLES
            and user.unit_id == report.unit_id)


@rules.predicate
def reviews_report(user, report) -> bool:
    """The lead unit's reviewer checks every report on the projects it leads, its own included."""
    return (report is not None and user.is_authenticated and user.role == User.Role.REVIEWER
            and user.unit_id in _lead_unit_ids(report.project))


@rules.predicate
def accepts_report(user, report) -> bool:
    return report is not None and coordinates_plan(user, report.project.plan)


@rules.predicate
def sees_report(user, report) -> bool:
    return report is not None and visible_reports(user, Report.objects.filter(pk=report.pk)).exists()


def visible_reports(user, reports: QuerySet) -> QuerySet:
    """The reports a user may read: their unit's, those on projects their unit leads (reviewers),
    their region's (coordinators), and, for leaders and deputies, those on the projects they see
    in their own region's plans (another city's public project does not open its internal reports)."""
    if not user.is_authenticated:
        return reports.none()
    if user.is_superuser:
        return reports
    scope = Q(project__plan__region_id__in=coordinated_regions(user))
    if user.role in {User.Role.LEADER, User.Role.DEPUTY}:
        scope |= Q(project__in=visible_projects(user), project__plan__region_id__in=region_ids(user))
    if user.role in UNIT_ROLES and user.unit_id:
        scope |= Q(unit_id=user.unit_id)
        if user.role == User.Role.REVIEWER:
            led = ProjectUnit.objects.filter(unit_id=user.unit_id, role=ProjectUnit.Role.LEAD)
            scope |= Q(project__in=led.values("project_id"))
    return reports.filter(scope)


rules.add_perm("progress.change_report", fills_report)
rules.add_perm("progress.review_report", reviews_report)
rules.add_perm("progress.accept_report", accepts_report)
rules.add_perm("progress.view_report", sees_report)
rules.add_perm("progress.view_overview", oversees_plan)
rules.add_perm("progress.decide_flag", coordinates_plan)
rules.add_perm("progress.change_notice_template", coordinates_plan)
