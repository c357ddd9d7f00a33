"""What a unit's liaison has to do: reports due, returned, drafts; and what waits for review."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Q

from minsheng.core.models import Unit
from minsheng.plans.models import Plan, Project, ProjectUnit
from minsheng.progress.models import Period, Report
from minsheng.progress.report_states import is_reported
from minsheng.progress.services import ensure_periods


@dataclass
class Task:
    project: Project
    period: Period
    report: Report | None
    overdue: bool

    @property
    def returned(self) -> bool:
        return self.report is not None and self.report.state == Report.State.RETURNED


def unit_projects(unit: Unit) -> list[Project]:
    """Projects the unit reports on: those it leads, and those with a share for its district."""
    own = Q(unit_links__unit=unit, unit_links__role=ProjectUnit.Role.LEAD)
    if unit.kind == Unit.Kind.GOVERNMENT:
        own |= Q(allocations__region_id=unit.region_id)
    return list(Project.objects.filter(own).select_related("plan", "category").distinct()
                .order_by("plan_id", "position"))


def unit_tasks(unit: Unit, today: datetime.date) -> list[Task]:
    projects = unit_projects(unit)
    plans = {p.plan_id: p.plan for p in projects}
    periods: dict[int, list[Period]] = {pid: ensure_periods(plan, today) for pid, plan in plans.items()}
    reports = {(r.project_id, r.period_id): r for r in
               Report.objects.filter(unit=unit, project__in=projects).select_related("period")}
    tasks = []
    for project in projects:
        for period in periods[project.plan_id]:
            report = reports.get((project.pk, period.pk))
            if report is None or not is_reported(report.state):
                tasks.append(Task(project, period, report, overdue=period.due_on < today))
    tasks.sort(key=lambda t: (not t.returned, t.period.due_on, t.project.position))
    return tasks


def review_queue(unit: Unit) -> list[Report]:
    return list(Report.objects.filter(
        state=Report.State.SUBMITTED,
        project__unit_links__unit=unit, project__unit_links__role=ProjectUnit.Role.LEAD,
    ).select_related("project", "unit", "period").distinct().order_by("submitted_at"))


def acceptance_queue(plans: list[Plan]) -> list[Report]:
    return list(Report.objects.filter(state=Report.State.REVIEWED, project__plan__in=plans)
                .select_related("project", "unit", "period").order_by("submitted_at"))
