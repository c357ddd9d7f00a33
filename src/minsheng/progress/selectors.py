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
from minsheng.core.models import Unit
from minsheng.core.plan_settings import plan_setting
from minsheng.plans.models import Plan, Project, ProjectLeader, ProjectUnit
from minsheng.progress import figures, rollup
from minsheng.progress import periods as period_rules
from minsheng.progress.figures import month_key
from minsheng.progress.models import FlaggedSupervision, Period, Report
from minsheng.progress.plan_settings import midyear_share, plan_thresholds
from minsheng.progress.report_states import REPORTED
from minsheng.progress.status import (
    ReportGap,
    Status,
    Step,
    TargetSpec,
    classify,
    expected_fraction,
    forecast_completion,
    midyear_check,
    missed_milestone_days,
    project_fraction,
    report_gap,
    report_gap_label,
    status_label,
    target_fraction,
    with_pace,
)


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
    reported: bool  # the last closed period's report is in (or none was due yet)
    flagged: bool = False
    children: list[ProjectProgress] = field(default_factory=list)  # set by rollup.roll_up on parents
    # The last closed period's report missing or late: shown beside the status, counted in punctuality.
    report_gap: ReportGap | None = None
    # Closed periods in a row, latest first, with no report from a lead unit (连续未报送).
    missed_reports: int = 0
    lead_unit_ids: list[int] = field(default_factory=list)
    # Month key -> {unit id: submitted late} for every closed period's counted reports.
    reports_by_period: dict[int, dict[int, bool]] = field(default_factory=dict)
    done_since: int | None = None  # month key of the first accepted figures at 100%: no report owed after it

    @property
    def status_label(self) -> str:
        return status_label(self.status)

    @property
    def report_gap_label(self) -> str:
        return report_gap_label(self.report_gap) if self.report_gap else ""

    @property
    def percent(self) -> float:
        return round((self.fraction or 0) * 100, 1)

    @property
    def percent_capped(self) -> float:
        return min(self.percent, 100.0)

    @property
    def expected_percent(self) -> float:
        return round(self.expected * 100, 1)


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
    # District -> its allocations with their own expected progress and status.
    district_rows: dict[str, list[AllocationProgress]] = field(default_factory=dict)

    def counts(self) -> dict[Status, int]:
        counts = {s: 0 for s in Status}
        for p in self.projects:
            counts[p.status] += 1
        return counts

    def by_status(self) -> list[tuple[Status, str, int]]:
        return [(s, status_label(s), n) for s, n in self.counts().items()]

    def overdue_reports(self) -> list[ProjectProgress]:
        """Projects whose report for the last closed period is missing (逾期未报)."""
        return [p for p in self.projects if p.report_gap == ReportGap.MISSING]

    def missed_by_unit(self) -> dict[int, int]:
        """Reports each lead unit owed for the closed periods and never submitted.

        A period counts from January to the last closed one, except after the month a project's
        accepted figures first reached 100% (a completed project needs no further report).
        """
        missed: dict[int, int] = defaultdict(int)
        if self.closed_period is None:
            return missed
        first, last = month_key(self.plan.year, 1), month_key(*self.closed_period)
        for p in self.projects:
            end = min(last, p.done_since) if p.done_since is not None else last
            for key in range(first, end + 1):
                reported = p.reports_by_period.get(key, {})
                for unit_id in p.lead_unit_ids:
                    if unit_id not in reported:
                        missed[unit_id] += 1
        return missed

    def late_reports(self) -> list[ProjectProgress]:
        """Projects whose report for the last closed period came after the deadline (逾期报送)."""
        return [p for p in self.projects if p.report_gap == ReportGap.LATE]

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
        """Each district's allocated shares: completion, expected progress, status and rank (best first).

        A district's status is its mean share (each capped at 100%) against the mean expected
        progress of the same shares; 未报送 when none of its shares has an accepted figure.
        """
        thresholds = plan_thresholds(self.plan)
        out = []
        for name, shares in self.district_shares.items():
            rows = self.district_rows.get(name, [])
            reported = [f for _, f in shares if f is not None]
            counts = {s: 0 for s in Status}
            for r in rows:
                counts[r.status] += 1
            mean = sum(min(f, 1.0) for f in reported) / len(reported) if reported else None
            expected = sum(min(r.expected, 1.0) for r in rows) / len(rows) if rows else 0.0
            status = classify(mean, expected, thresholds, 0, mean is not None or self.closed_period is None)
            out.append({"name": name, "count": len({id(p) for p, _ in shares}),
                        "reported": len(reported), "allocations": len(shares),
                        "percent": round(mean * 100, 1) if mean is not None else None,
                        "expected_percent": round(expected * 100, 1),
                        "status": status, "status_label": status_label(status), "counts": counts,
                        "lagging": counts[Status.LAGGING] + counts[Status.CRITICAL],
                        "rows": rows,
                        "projects": list({id(p): p for p, _ in shares}.values())})
        out.sort(key=lambda g: -(g["percent"] or -1))
        # Competition ranking (1, 2, 2, 4) by completion; districts with no figures are unranked.
        place, previous = 0, None
        for i, g in enumerate(out, start=1):
            if g["percent"] is None:
                g["rank"] = None
                continue
            if g["percent"] != previous:
                place, previous = i, g["percent"]
            g["rank"] = place
        return out

    @property
    def midyear_percent(self) -> str:
        return f"{midyear_share(self.plan) * 100:g}"

    def midyear_shortfall(self) -> list[ProjectProgress] | None:
        """Projects short of 时间过半任务过半 (the plan's mid-year share); None before the check date."""
        share = midyear_share(self.plan)
        if midyear_check(self.plan.year, 0, self.on, share) is None:
            return None
        return [p for p in self.projects if not midyear_check(self.plan.year, p.fraction, self.on, share)]

    def lagging(self) -> list[ProjectProgress]:
        return [p for p in self.projects if p.status in (Status.LAGGING, Status.CRITICAL)]


def judged_on(plan: Plan, year: int, month: int) -> datetime.date:
    """The first day a period's reports are overdue: the day its status, notice and flag proposals are judged."""
    day = plan_setting(plan, "reporting_day")
    return period_rules.judged_on(year, month, day, work_calendar())


def reading_day(plan: Plan, today: datetime.date) -> datetime.date:
    """The day a plan is read on: today during its year; for a past year, the day its last reporting
    round (the last period anyone reported for) was judged on, else its last day."""
    if today.year <= plan.year:
        return today
    last = Period.objects.filter(plan=plan, reports__state__in=REPORTED).order_by("-year", "-month").first()
    return judged_on(plan, last.year, last.month) if last else datetime.date(plan.year, 12, 31)


def milestone_steps(project: Project) -> list[Step]:
    index = {t.pk: i for i, t in enumerate(project.targets.all())}
    return [
        Step(m.due, float(m.percent) if m.percent is not None else None,
             float(m.value) if m.value is not None else None, m.cumulative, index.get(m.target_id))
        for m in project.milestones.all()
    ]


def pace_steps(plan: Plan) -> list[Step]:
    """The document's pace rules as points (settings ``pace``: ``[{"due": "2024-06-30", "percent": 60}]``)."""
    return [Step(datetime.date.fromisoformat(r["due"]), percent=float(r["percent"]))
            for r in plan_setting(plan, "pace")]


def plan_deadline(plan: Plan) -> datetime.date:
    """The document-wide deadline (11月底前全面完成) for projects without their own; else the year's end."""
    return plan_setting(plan, "deadline") or datetime.date(plan.year, 12, 31)


def project_schedule(project: Project, pace: list[Step], default_deadline: datetime.date
                     ) -> tuple[datetime.date, list[Step]]:
    """A project's deadline and the steps its expected progress follows (own milestones, else the pace)."""
    deadline = project.deadline or default_deadline
    return deadline, with_pace(milestone_steps(project), [s for s in pace if s.due < deadline])


@dataclass
class AllocationProgress:
    """A district's share of a target: its own actual, expected and status (区县任务分解)."""

    label: str
    project: ProjectProgress
    value: Decimal | None
    actual: Decimal | None
    fraction: float | None
    expected: float
    status: Status


def _missed_in_a_row(months: set[int], closed_key: int | None, first_key: int) -> int:
    """Closed periods in a row, counted back from the last closed one, with no report."""
    missed, key = 0, closed_key
    while key is not None and key >= first_key and key not in months:
        missed += 1
        key -= 1
    return missed


def plan_progress(plan: Plan, on: datetime.date, project_ids: list[int] | None = None) -> PlanProgress:
    work = work_calendar()
    thresholds = plan_thresholds(plan)
    closed = period_rules.last_closed_month(plan.year, on, plan_setting(plan, "reporting_day"), work)
    closed_key = month_key(*closed) if closed else None
    upto = month_key(on.year, on.month)

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

    # The figures in force (progress.figures) up to the month in question: target -> month key -> value.
    per_period = {t: kept for t, months in figures.target_figures(report__project__plan=plan).items()
                  if (kept := {k: v for k, v in months.items() if k <= upto})}
    latest = {t: months[max(months)] for t, months in per_period.items()}
    districts: dict[int, Decimal] = {}
    allocation_latest = {a: v for a, months in figures.allocation_figures(report__project__plan=plan).items()
                         if (v := figures.as_of(months, upto)) is not None}

    # Every accepted report: the projects that have figures at all, the latest 形象进度, and the
    # first month it reached 100%.
    percent_months, reported_months = figures.project_percents(project__plan=plan)
    accepted = {p for p, months in reported_months.items() if min(months) <= upto}
    percents = {p: v for p, months in percent_months.items() if (v := figures.as_of(months, upto)) is not None}
    percent_done = {p: k for p, months in percent_months.items()
                    if (k := next((k for k in sorted(months) if k <= upto and months[k] >= 100), None)) is not None}

    # Who has reported for which closed period, and whether on time: for the late-report fact
    # beside the status and the run of missed periods, never for the status itself.
    submitted: dict[int, dict[int, dict[int, bool]]] = defaultdict(lambda: defaultdict(dict))
    if closed:
        for project_id, unit_id, year, month, late in (
            Report.objects.filter(project__plan=plan, state__in=REPORTED, period__year=plan.year,
                                  period__month__lte=closed[1])
            .values_list("project_id", "unit_id", "period__year", "period__month", "late")
        ):
            submitted[project_id][month_key(year, month)][unit_id] = late
    flagged = set(FlaggedSupervision.objects.filter(project__plan=plan, state=FlaggedSupervision.State.ACTIVE)
                  .values_list("project_id", flat=True))

    start = datetime.date(plan.year, 1, 1)
    pace, default_deadline = pace_steps(plan), plan_deadline(plan)
    out = []
    district_shares: dict[str, list[tuple[ProjectProgress, float | None]]] = defaultdict(list)
    district_rows: dict[str, list[AllocationProgress]] = defaultdict(list)
    for project in projects:
        deadline, steps = project_schedule(project, pace, default_deadline)
        targets = list(project.targets.all())
        specs = [TargetSpec(float(t.value) if t.value is not None else None, t.op) for t in targets]
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
        percent_steps = [s for s in steps if s.percent is not None]
        if numeric:
            fraction = project_fraction([r.fraction for r in numeric], [t.weight for t in targets if t.value])
            expected = sum(r.expected for r in numeric) / len(numeric)
            overdue = max(missed_milestone_days(on, steps, r.fraction, specs, i) for i, r in enumerate(rows) if r.value)
        else:
            fraction = float(percents[project.pk]) / 100 if project.pk in percents else None
            expected = expected_fraction(on, start, deadline, percent_steps)
            overdue = 0
        # 未报送 is a status only for a project with no accepted figures at all, and only once a
        # report has been due: before the first deadline a project has simply not started.
        has_figures = fraction is not None or project.pk in accepted or closed is None
        status = classify(fraction, expected, thresholds, overdue, has_figures)

        leads = [link.unit_id for link in project.unit_links.all()]
        by_month = submitted.get(project.pk, {})

        def lead_reports(key: int, by_month=by_month, leads=leads) -> dict[int, bool]:
            # A project without a lead unit is answered for by whoever reports on it.
            units = by_month.get(key, {})
            return {u: late for u, late in units.items() if u in leads} if leads else units

        in_closed = lead_reports(closed_key) if closed_key else {}
        done = status == Status.DONE
        gap = report_gap(closed is not None, bool(in_closed), bool(in_closed) and all(in_closed.values()), done)
        missed = 0 if done else _missed_in_a_row({k for k in by_month if lead_reports(k)}, closed_key,
                                                  month_key(plan.year, 1))
        series = progress_series(targets, specs, per_period)
        if numeric:
            done_since = next((month_key(d.year, d.month) for d, f in series if f >= 1.0 - 1e-9), None)
        else:
            done_since = percent_done.get(project.pk)
        row = ProjectProgress(
            project=project,
            lead_units=list(dict.fromkeys(link.label for link in project.unit_links.all())),  # a collective once
            leaders=[x.person.name for x in project.leader_links.all()],
            targets=rows, fraction=fraction, expected=expected,
            status=status,
            overdue_days=overdue, forecast=forecast_completion(series),
            reported=closed is None or bool(in_closed),
            flagged=project.pk in flagged,
            report_gap=gap,
            missed_reports=missed,
            lead_unit_ids=leads,
            reports_by_period=dict(by_month),
            done_since=done_since,
        )
        out.append(row)
        index = {t.pk: i for i, t in enumerate(targets)}
        for a in project.allocations.all():
            done_value = allocation_latest.get(a.pk)
            share = float(done_value / a.value) if done_value is not None and a.value else None
            district_shares[a.label].append((row, share))
            i = index.get(a.target_id)
            a_expected = (expected_fraction(on, start, deadline, steps, specs, i) if i is not None
                          else expected_fraction(on, start, deadline, percent_steps))
            district_rows[a.label].append(AllocationProgress(
                label=a.label, project=row, value=a.value, actual=done_value, fraction=share, expected=a_expected,
                status=classify(share, a_expected, thresholds, 0, share is not None or closed is None)))
    return rollup.roll_up(PlanProgress(plan=plan, on=on, projects=out, closed_period=closed,
                                       unpublished_years=work.unpublished([on]), district_shares=dict(district_shares),
                                       district_rows=dict(district_rows)),
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


# --- who reports ------------------------------------------------------------------------------------

def district_governments(region_ids) -> dict[int, list[Unit]]:
    """Government units by region: who reports a district's allocated share."""
    out: dict[int, list[Unit]] = {}
    for unit in Unit.objects.filter(region_id__in=region_ids, kind=Unit.Kind.GOVERNMENT).order_by("id"):
        out.setdefault(unit.region_id, []).append(unit)
    return out


def reporting_units(project: Project, governments: dict[int, list[Unit]] | None = None) -> list[Unit]:
    """Lead units report the targets; a district's government reports its allocated share.

    ``governments`` (from :func:`district_governments`) saves the query when looping over projects.
    A parent (voted key project, 序号 row above 1-1) reports nothing: its children carry the work.
    """
    if project.implied or project.children.exists():
        return []
    leads = [link.unit for link in project.unit_links.all()
             if link.role == ProjectUnit.Role.LEAD and link.unit.kind != Unit.Kind.COLLECTIVE]
    regions = {a.region_id for a in project.allocations.all()}
    if governments is None:
        governments = district_governments(regions)
    districts = sorted((u for r in regions for u in governments.get(r, [])), key=lambda u: u.pk)
    return leads + [u for u in districts if u not in leads]
