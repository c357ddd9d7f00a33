"""Who may see and change what: the one place every page, admin screen and API endpoint asks.

Visibility (DESIGN.md): a unit's users see what their unit leads, partners on or is allocated,
plus what is public; coordinators, leaders and deputies see their region and the regions below;
the public sees published data only.
"""

from __future__ import annotations

import rules
from django.db.models import Q, QuerySet

from minsheng.core.models import User
from minsheng.plans.models import Plan, Project

REGION_ROLES = {User.Role.COORDINATOR, User.Role.LEADER, User.Role.DEPUTY}
UNIT_ROLES = {User.Role.LIAISON, User.Role.REVIEWER}


def _public_projects() -> Q:
    return Q(plan__status=Plan.Status.PUBLISHED, public=True)


def _region_ids(user) -> set[int]:
    return user.region.descendant_ids() if user.region_id else set()


def visible_projects(user) -> QuerySet[Project]:
    projects = Project.objects.all()
    if not user.is_authenticated:
        return projects.filter(_public_projects())
    if user.is_superuser:
        return projects
    if user.role in REGION_ROLES:
        scope = Q(plan__region_id__in=_region_ids(user))
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
        return Q(region_id__in=_region_ids(user))
    return Q(status=Plan.Status.PUBLISHED)


def coordinated_regions(user) -> set[int]:
    if user.is_authenticated and user.role == User.Role.COORDINATOR:
        return _region_ids(user)
    return set()


@rules.predicate
def is_coordinator(user) -> bool:
    return user.is_authenticated and (user.is_superuser or user.role == User.Role.COORDINATOR)


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


rules.add_perm("plans.view_plan", can_view_plan)
rules.add_perm("plans.change_plan", coordinates_plan)
rules.add_perm("plans.import_plan", is_coordinator)
rules.add_perm("plans.view_project", can_view_project)
rules.add_perm("plans.change_project", coordinates_project)
rules.add_perm("core.edit_calendar", is_coordinator)
rules.add_perm("core.use_admin", is_coordinator)


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


# --- progress reports -------------------------------------------------------------------------

def _lead_unit_ids(project) -> set[int]:
    from minsheng.plans.models import ProjectUnit

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
    from minsheng.progress.models import Report

    return report is not None and visible_reports(user, Report.objects.filter(pk=report.pk)).exists()


def visible_reports(user, reports: QuerySet) -> QuerySet:
    """The reports a user may read: their unit's, those on projects their unit leads (reviewers),
    their region's (coordinators), and, for leaders and deputies, those on the projects they see
    in their own region's plans (another city's public project does not open its internal reports)."""
    from minsheng.plans.models import ProjectUnit

    if not user.is_authenticated:
        return reports.none()
    if user.is_superuser:
        return reports
    scope = Q(project__plan__region_id__in=coordinated_regions(user))
    if user.role in {User.Role.LEADER, User.Role.DEPUTY}:
        scope |= Q(project__in=visible_projects(user), project__plan__region_id__in=_region_ids(user))
    if user.role in UNIT_ROLES and user.unit_id:
        scope |= Q(unit_id=user.unit_id)
        if user.role == User.Role.REVIEWER:
            led = ProjectUnit.objects.filter(unit_id=user.unit_id, role=ProjectUnit.Role.LEAD)
            scope |= Q(project__in=led.values("project_id"))
    return reports.filter(scope)


@rules.predicate
def oversees_plan(user, plan) -> bool:
    """Coordinators, leaders and deputies read a plan's progress overview for their region."""
    if plan is None or not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return user.role in REGION_ROLES and plan.region_id in _region_ids(user) and can_view_plan(user, plan)


rules.add_perm("progress.change_report", fills_report)
rules.add_perm("progress.review_report", reviews_report)
rules.add_perm("progress.accept_report", accepts_report)
rules.add_perm("progress.view_report", sees_report)
rules.add_perm("progress.view_overview", oversees_plan)
rules.add_perm("progress.decide_flag", coordinates_plan)
rules.add_perm("progress.change_notice_template", coordinates_plan)


# --- citizen appeals ----------------------------------------------------------------------------
# The handling unit and the coordinators of the appeal's region see the citizen's name, phone and
# ID number; leaders and deputies read the region's appeals with those masked.

def visible_appeals(user) -> QuerySet:
    from minsheng.appeals.models import Appeal

    appeals = Appeal.objects.all()
    if not user.is_authenticated:
        return appeals.none()
    if user.is_superuser:
        return appeals
    if user.role in REGION_ROLES:
        return appeals.filter(region_id__in=_region_ids(user))
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


@rules.predicate
def reads_appeal_figures(user) -> bool:
    return user.is_authenticated and (user.is_superuser or user.role in REGION_ROLES)


@rules.predicate
def coordinates_region(user, region) -> bool:
    """A coordinator writing into a region (a call taken, a candidate project): only those they
    coordinate. Without a region it answers whether the user coordinates anywhere (menus)."""
    if not is_coordinator(user):
        return False
    return region is None or user.is_superuser or region.pk in coordinated_regions(user)


def assignable_units(user, region) -> QuerySet:
    """The units an appeal in ``region`` may be handed to by ``user``.

    Those of the region and the regions below it, and those of the regions above it that the
    user coordinates: a district's appeal may go to a bureau of its city, but an appeal never
    goes to another city's units, nor to a higher government the coordinator does not run.
    """
    from minsheng.core.models import Unit

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
rules.add_perm("appeals.view_figures", reads_appeal_figures)
rules.add_perm("appeals.create_candidate", coordinates_region)  # obj: the candidate's region
rules.add_perm("appeals.publish_appeal", coordinates_appeal)


# --- supervision and assessment -------------------------------------------------------------------
# Inspectors are the coordinators of the plan's region; the responsible unit's users answer a
# finding; leaders and deputies read their region's findings.

def visible_findings(user) -> QuerySet:
    from minsheng.supervision.models import Finding

    findings = Finding.objects.all()
    if not user.is_authenticated:
        return findings.none()
    if user.is_superuser:
        return findings
    if user.role in REGION_ROLES:
        return findings.filter(inspection__plan__region_id__in=_region_ids(user))
    if user.role in UNIT_ROLES and user.unit_id:
        return findings.filter(unit_id=user.unit_id)
    return findings.none()


@rules.predicate
def can_view_finding(user, finding) -> bool:
    return finding is not None and visible_findings(user).filter(pk=finding.pk).exists()


@rules.predicate
def inspects_finding(user, finding) -> bool:
    return finding is not None and coordinates_plan(user, finding.inspection.plan)


@rules.predicate
def rectifies_finding(user, finding) -> bool:
    return (finding is not None and user.is_authenticated and user.role in UNIT_ROLES
            and user.unit_id == finding.unit_id)


@rules.predicate
def answers_question(user, question) -> bool:
    return (question is not None and user.is_authenticated and user.role in UNIT_ROLES
            and user.unit_id == question.unit_id)


@rules.predicate
def is_deputy(user) -> bool:
    return user.is_authenticated and user.role == User.Role.DEPUTY


rules.add_perm("supervision.view_finding", can_view_finding)
rules.add_perm("supervision.inspect", coordinates_plan)  # record inspections on a plan
rules.add_perm("supervision.verify_finding", inspects_finding)
rules.add_perm("supervision.rectify_finding", rectifies_finding)
rules.add_perm("supervision.flag", coordinates_plan)
rules.add_perm("supervision.view_plan", oversees_plan)
rules.add_perm("supervision.congress", coordinates_plan)  # contact log, questions, half-year report
rules.add_perm("supervision.answer_question", answers_question)
rules.add_perm("assessment.view_assessment", oversees_plan)
rules.add_perm("assessment.change_scheme", coordinates_plan)
rules.add_perm("assessment.manage_survey", coordinates_plan)
@rules.predicate
def project_in_own_region(user, project: Project | None) -> bool:
    """The project's plan belongs to the user's region or one below it: another city's public project
    is visible to everyone, but it is not the user's to judge."""
    return project is not None and user.is_authenticated and project.plan.region_id in _region_ids(user)


rules.add_perm("assessment.rate_project", is_deputy & can_view_project & project_in_own_region)


# --- cockpit -------------------------------------------------------------------------------------
# The leaders' cockpit shows the same figures as the progress overview, to the same people.
rules.add_perm("cockpit.view_cockpit", oversees_plan)


@rules.predicate
def oversees_a_region(user) -> bool:
    """Whether the cockpit belongs in the user's menu at all (each plan is still checked)."""
    return user.is_authenticated and (user.is_superuser or user.role in REGION_ROLES)


rules.add_perm("cockpit.open_cockpit", oversees_a_region)
