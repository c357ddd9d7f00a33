"""Reads of supervision: open items with their escalation, a plan's findings, facts for the assessment."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from minsheng.core.calendar import work_calendar
from minsheng.plans.models import Plan
from minsheng.progress.models import FlaggedSupervision
from minsheng.supervision import rules
from minsheng.supervision.models import ContactLog, DeputyQuestion, Finding, Inspection
from minsheng.supervision.permissions import visible_findings


@dataclass
class FindingRow:
    finding: Finding
    escalation: rules.Escalation | None  # None once closed


def with_escalation(findings, today: datetime.date) -> list[FindingRow]:
    calendar = work_calendar()
    return [FindingRow(f, rules.escalation(f.deadline, today, calendar) if f.is_open else None) for f in findings]


def _rows(findings: QuerySet[Finding]) -> QuerySet[Finding]:
    return findings.select_related("inspection__plan", "unit", "project")


def open_findings(user, plan: Plan | None = None) -> QuerySet[Finding]:
    findings = visible_findings(user).exclude(state=Finding.State.CLOSED)
    if plan is not None:
        findings = findings.filter(inspection__plan=plan)
    return _rows(findings).order_by("deadline", "id")


def plan_findings(plan: Plan) -> QuerySet[Finding]:
    return _rows(Finding.objects.filter(inspection__plan=plan)).order_by("inspection__date", "id")


def plan_inspections(plan: Plan) -> QuerySet[Inspection]:
    return plan.inspections.prefetch_related("projects", "findings").order_by("-date", "-id")


def flags(plan: Plan) -> QuerySet[FlaggedSupervision]:
    return (FlaggedSupervision.objects.filter(project__plan=plan).select_related("project", "leader", "flagged_by")
            .order_by("state", "-flagged_at"))


def contact_logs(plan: Plan) -> QuerySet[ContactLog]:
    return plan.contact_logs.all()


def questions(plan: Plan, upto: datetime.date | None = None) -> QuerySet[DeputyQuestion]:
    qs = plan.deputy_questions.select_related("unit", "project")
    return qs.filter(asked_on__lte=upto) if upto else qs


@dataclass(frozen=True)
class FindingFact:
    """What the assessment needs of one finding, as of a date."""

    id: int
    unit_id: int
    region_id: int
    unit: str
    severity: str
    state: str  # open / reported / closed, as of the date
    deadline: datetime.date
    on_time: bool | None  # closed: was the fix reported by the deadline; open: None
    workdays_overdue: int


def finding_facts(plan: Plan, on: datetime.date) -> list[FindingFact]:
    calendar = work_calendar()
    out = []
    for f in (Finding.objects.filter(inspection__plan=plan, inspection__date__lte=on)
              .select_related("unit").order_by("id")):
        closed = f.closed_at is not None and timezone.localdate(f.closed_at) <= on
        reported = f.reported_at is not None and timezone.localdate(f.reported_at) <= on
        if closed:
            state = Finding.State.CLOSED
        elif f.state == Finding.State.CLOSED:  # closed later: as of ``on`` it was reported or still open
            state = Finding.State.REPORTED if reported else Finding.State.OPEN
        else:
            state = f.state
        on_time = None
        if closed:
            on_time = rules.closed_on_time(f.deadline, timezone.localdate(f.reported_at or f.closed_at), calendar)
        overdue = 0 if closed else rules.escalation(f.deadline, on, calendar).workdays_overdue
        out.append(FindingFact(f.pk, f.unit_id, f.unit.region_id, str(f.unit), f.severity, state, f.deadline,
                               on_time, overdue))
    return out


def rectification_summary(plan: Plan, on: datetime.date) -> dict:
    return summarize(finding_facts(plan, on))


def summarize(facts: list[FindingFact]) -> dict:
    """Counts by state of findings already read with ``finding_facts``."""
    return {
        "total": len(facts),
        "closed": sum(f.state == Finding.State.CLOSED for f in facts),
        "reported": sum(f.state == Finding.State.REPORTED for f in facts),
        "open": sum(f.state == Finding.State.OPEN for f in facts),
        "overdue": sum(f.workdays_overdue > 0 for f in facts),
    }
