"""Reads of progress: each project's actual vs expected status, and its roll-ups.

Everything for a plan is loaded in a fixed number of queries and computed in Python, so the
overview and the notice cost the same number of queries for 10 projects or 10,000.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch, Q

from minsheng.core.calendar import work_calendar
from minsheng.plans.models import Plan, Project, ProjectLeader, ProjectUnit
from minsheng.progress import periods as period_rules
from minsheng.progress import rollup
from minsheng.progress.models import AllocationFigure, FlaggedSupervision, Report, TargetFigure
from minsheng.progress.status import (
    STATUS_LABELS,
    Status,
    Step,
    TargetSpec,
    Thresholds,
    classify,
    expected_fraction,
    forecast_completion,
    midyear_check,
    missed_milestone_days,
    project_fraction,
    target_fraction,
)

COUNTED = (Report.State.SUBMITTED, Report.State.REVIEWED, Report.State.ACCEPTED)


@dataclass
class TargetProgress:
    label: str
    value: Decimal | None
    actual: Decimal | None
    fraction: float | None
    expected: float
    rolled_up: bool = False  # the figure is the sum of the districts' reports


@dataclass
class ProjectProgress:
    project: Project
    lead_units: list[str]
    leaders: list[str]
    targets: list[TargetProgress]
    fraction: float | None
    expected: float
    status: Status
    overdue_days: int
    forecast: datetime.date | None
    reported: bool
    flagged: bool = False
    children: list[ProjectProgress] = field(default_factory=list)  # set by rollup.roll_up on parents

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def percent(self) -> float:
        return round((self.fraction or 0) * 100, 1)

    @property
    def percent_capped(self) -> float:
        return min(self.percent, 100.0)

    @property
    def expected_percent(self) -> float:
        return round(self.expected * 100, 1)


def _month_key(year: int, month: int) -> int:
    return year * 12 + month


@dataclass
class PlanProgress:
    plan: Plan
    on: datetime.date
    projects: list[ProjectProgress]
    closed_period: tuple[int, int] | None
    unpublished_years: list[int] = field(default_factory=list)
    # District -> (project, share of its allocation done) for every allocated share.
    district_shares: dict[str, list[tuple[ProjectProgress, float]]] = field(default_factory=dict)
    # Projects with children, rolled up from them and left out of ``projects`` (see progress.rollup).
    parents: list[ProjectProgress] = field(default_factory=list)

    def counts(self) -> dict[Status, int]:
        counts = {s: 0 for s in Status}
        for p in self.projects:
            counts[p.status] += 1
        return counts

    def by_status(self) -> list[tuple[Status, str, int]]:
        return [(s, STATUS_LABELS[s], n) for s, n in self.counts().items()]

    def mean_percent(self, items: list[ProjectProgress] | None = None) -> float:
        items = self.projects if items is None else items
        values = [min(p.fraction or 0, 1.0) for p in items]
        return round(sum(values) / len(values) * 100, 1) if values else 0.0

    def groups(self, key) -> list[dict]:
        grouped: dict[str, list[ProjectProgress]] = defaultdict(list)
        for p in self.projects:
            for name in key(p):
                grouped[name].append(p)
        out = []
        for name, items in grouped.items():
            counts = {s: 0 for s in Status}
            for p in items:
                counts[p.status] += 1
            out.append({"name": name, "projects": items, "count": len(items), "percent": self.mean_percent(items),
                        "counts": counts, "lagging": counts[Status.LAGGING] + counts[Status.CRITICAL]})
        return out

    def by_category(self) -> list[dict]:
        return self.groups(lambda p: [p.project.category.name if p.project.category else "未分类"])

    def by_unit(self) -> list[dict]:
        return sorted(self.groups(lambda p: p.lead_units or ["（未定牵头单位）"]), key=lambda g: -g["percent"])

    def by_district(self) -> list[dict]:
        out = []
        for name, shares in self.district_shares.items():
            reported = [f for _, f in shares if f is not None]
            out.append({"name": name, "count": len({id(p) for p, _ in shares}),
                        "reported": len(reported), "allocations": len(shares),
                        "percent": round(sum(min(f, 1.0) for f in reported) / len(reported) * 100, 1)
                        if reported else None,
                        "projects": list({id(p): p for p, _ in shares}.values())})
        return sorted(out, key=lambda g: -(g["percent"] or -1))

    def midyear_shortfall(self, share: float = 0.6) -> list[ProjectProgress] | None:
        """Projects short of 时间过半任务过半 (60% by 30 June in the seeds); None before the check date."""
        if midyear_check(self.plan.year, 0, self.on, share) is None:
            return None
        return [p for p in self.projects if not midyear_check(self.plan.year, p.fraction, self.on, share)]

    def lagging(self) -> list[ProjectProgress]:
        return [p for p in self.projects if p.status in (Status.LAGGING, Status.CRITICAL)]


def milestone_steps(project: Project) -> list[Step]:
    index = {t.pk: i for i, t in enumerate(project.targets.all())}
    return [
        Step(m.due, float(m.percent) if m.percent is not None else None,
             float(m.value) if m.value is not None else None, m.cumulative, index.get(m.target_id))
        for m in project.milestones.all()
    ]


def plan_progress(plan: Plan, on: datetime.date, project_ids: list[int] | None = None) -> PlanProgress:
    work = work_calendar()
    thresholds = Thresholds.from_settings(plan.settings or {})
    reporting_day = int((plan.settings or {}).get("reporting_day", 3))
    closed = period_rules.last_closed_month(plan.year, on, reporting_day, work)
    upto = _month_key(on.year, on.month)

    projects = (
        plan.projects.select_related("category")
        .prefetch_related(
            Prefetch("unit_links", queryset=ProjectUnit.objects.filter(role=ProjectUnit.Role.LEAD)
                     .order_by("position")),
            Prefetch("leader_links", queryset=ProjectLeader.objects.filter(role=ProjectLeader.Role.LEADER)
                     .select_related("person").order_by("position")),
            "targets", "milestones", "allocations",
        )
        .order_by("position", "id")
    )
    if project_ids is not None:
        projects = projects.filter(Q(id__in=project_ids) | Q(parent_id__in=project_ids))  # a parent needs its children
    projects = list(projects)

    # Accepted cumulative figures up to the month in question, oldest first: the last one wins.
    # Co-lead units reporting the same target in one month: the larger figure, whatever the row order.
    figures = (
        TargetFigure.objects.filter(report__project__plan=plan, report__state=Report.State.ACCEPTED)
        .values_list("target_id", "report__unit_id", "value", "report__period__year", "report__period__month")
        .order_by("report__period__year", "report__period__month", "value")
    )
    latest: dict[int, Decimal] = {}
    per_period: dict[int, dict[int, Decimal]] = defaultdict(dict)  # target -> month key -> value
    for target_id, _unit, value, year, month in figures:
        key = _month_key(year, month)
        if key <= upto:
            latest[target_id] = value
            per_period[target_id][key] = value

    districts: dict[int, Decimal] = {}
    allocation_latest: dict[int, Decimal] = {}
    for allocation_id, value, year, month in (
        AllocationFigure.objects.filter(report__project__plan=plan, report__state=Report.State.ACCEPTED)
        .values_list("allocation_id", "value", "report__period__year", "report__period__month")
        .order_by("report__period__year", "report__period__month")
    ):
        if _month_key(year, month) <= upto:
            allocation_latest[allocation_id] = value

    percents: dict[int, Decimal] = {}
    for project_id, value, year, month in (
        Report.objects.filter(project__plan=plan, state=Report.State.ACCEPTED, percent_complete__isnull=False)
        .values_list("project_id", "percent_complete", "period__year", "period__month")
        .order_by("period__year", "period__month")
    ):
        if _month_key(year, month) <= upto:
            percents[project_id] = value

    reported_pairs: set[tuple[int, int]] = set()
    if closed:
        reported_pairs = set(
            Report.objects.filter(project__plan=plan, state__in=COUNTED, period__year=closed[0],
                                  period__month=closed[1]).values_list("project_id", "unit_id")
        )
    flagged = set(FlaggedSupervision.objects.filter(project__plan=plan, state=FlaggedSupervision.State.ACTIVE)
                  .values_list("project_id", flat=True))

    start = datetime.date(plan.year, 1, 1)
    out = []
    district_shares: dict[str, list[tuple[ProjectProgress, float | None]]] = defaultdict(list)
    for project in projects:
        deadline = project.deadline or datetime.date(plan.year, 12, 31)
        targets = list(project.targets.all())
        specs = [TargetSpec(float(t.value) if t.value is not None else None, t.op) for t in targets]
        steps = milestone_steps(project)
        for a in project.allocations.all():
            if a.pk in allocation_latest and a.target_id is not None:
                districts[a.target_id] = districts.get(a.target_id, Decimal(0)) + allocation_latest[a.pk]
        rows = []
        for i, t in enumerate(targets):
            actual, rolled = latest.get(t.pk), False
            if actual is None and t.pk in districts:
                actual, rolled = districts[t.pk], True
            rows.append(TargetProgress(
                label=f"{t.value.normalize():f}{t.unit}" if t.value is not None else t.unit,
                value=t.value, actual=actual,
                fraction=target_fraction(float(actual) if actual is not None else None, specs[i]),
                expected=expected_fraction(on, start, deadline, steps, specs, i), rolled_up=rolled,
            ))
        numeric = [r for r in rows if r.value]
        if numeric:
            fraction = project_fraction([r.fraction for r in numeric], [t.weight for t in targets if t.value])
            expected = sum(r.expected for r in numeric) / len(numeric)
            overdue = max(missed_milestone_days(on, steps, r.fraction, specs, i) for i, r in enumerate(rows) if r.value)
        else:
            fraction = float(percents[project.pk]) / 100 if project.pk in percents else None
            expected = expected_fraction(on, start, deadline, [s for s in steps if s.percent is not None])
            overdue = 0
        leads = [link.unit_id for link in project.unit_links.all()]
        reported = closed is None or any((project.pk, u) in reported_pairs for u in leads)
        row = ProjectProgress(
            project=project,
            lead_units=list(dict.fromkeys(link.label for link in project.unit_links.all())),  # a collective once
            leaders=[x.person.name for x in project.leader_links.all()],
            targets=rows, fraction=fraction, expected=expected,
            status=classify(fraction, expected, thresholds, overdue, reported),
            overdue_days=overdue, forecast=forecast_completion(progress_series(targets, specs, per_period)),
            reported=reported,
            flagged=project.pk in flagged,
        )
        out.append(row)
        for a in project.allocations.all():
            done = allocation_latest.get(a.pk)
            share = float(done / a.value) if done is not None and a.value else None
            district_shares[a.label].append((row, share))
    return rollup.roll_up(PlanProgress(plan=plan, on=on, projects=out, closed_period=closed,
                                       unpublished_years=work.unpublished([on]), district_shares=dict(district_shares)),
                          thresholds, keep=None if project_ids is None else set(project_ids))


def progress_series(targets, specs: list[TargetSpec], per_period: dict[int, dict[int, Decimal]]) -> list:
    """The project's progress at the end of each month it was reported: the forecast's input."""
    measured = [(t.pk, spec) for t, spec in zip(targets, specs, strict=True) if t.value]
    months = sorted({k for pk, _ in measured for k in per_period.get(pk, {})})
    series = []
    for key in months:
        values = []
        for pk, spec in measured:
            past = [v for k, v in sorted(per_period.get(pk, {}).items()) if k <= key]
            values.append(target_fraction(float(past[-1]), spec) if past else 0.0)
        year, month = divmod(key - 1, 12)
        series.append((period_rules.month_end(year, month + 1), sum(values) / len(values)))
    return series
