"""Simulated reporting: a plan's months of reports, as if its units had been filing them.

The demo and the benchmarks need a plan that looks lived-in: most units on schedule, some
lagging, a few critical, reports missing, returned and resubmitted, filed late, still waiting
for review in the latest month. Two halves:

* a plain core (``script_project``) that, given a project's targets, its reporting units,
  the periods and a random generator, writes each report's *script*: the workflow actions
  (open, save, submit, return, review, accept) with their times, users and contents;
* a thin database part (``simulate_plan``) that plays the scripts either through the real
  services (``via_services=True``: slow, the reference) or with bulk inserts that produce the
  same rows the services would (reports, figures, events with snapshots, history).

A test plays the same scripts both ways and compares every row, so the fast path cannot drift
from the workflow it imitates.
"""

from __future__ import annotations

import datetime
import random
from collections import Counter
from collections.abc import Callable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from unittest import mock
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from minsheng.core import services as core_services
from minsheng.core.calendar import work_calendar
from minsheng.core.collective import government_name
from minsheng.core.models import Region, Unit, User
from minsheng.core.workdays import WorkCalendar
from minsheng.plans.models import Plan, Project, ProjectUnit
from minsheng.progress import periods as period_rules
from minsheng.progress import services
from minsheng.progress.models import AllocationFigure, Period, Report, ReportEvent, TargetFigure
from minsheng.progress.selectors import (
    district_governments,
    pace_steps,
    plan_deadline,
    project_schedule,
    reporting_units,
)
from minsheng.progress.status import TargetSpec, expected_fraction

TZ = ZoneInfo("Asia/Shanghai")
SPENT_FIELDS = {"superior": "spent_superior", "local": "spent_local", "social": "spent_social",
                "self_raised": "spent_self"}
# Units whose figures are rates or shares, not counts: reported with a decimal, never rounded to whole numbers.
RATE_UNITS = ("%", "‰", "百分点", "个百分点")


class SimulationError(Exception):
    """The plan cannot be simulated; the message is for the user."""


# ---------------------------------------------------------------------------------------------
# The plain core: no database.


@dataclass(frozen=True)
class SimTarget:
    id: int
    value: Decimal
    op: str
    unit: str
    expected: tuple[float, ...]  # expected fraction at the end of each period's month


@dataclass(frozen=True)
class SimAllocation:
    id: int
    region_id: int
    value: Decimal
    unit: str
    expected: tuple[float, ...]


@dataclass(frozen=True)
class SimProject:
    name: str
    targets: tuple[SimTarget, ...]  # numeric targets only: the ones a report gives figures for
    allocations: tuple[SimAllocation, ...] = ()
    funding: dict[str, Decimal] = field(default_factory=dict)  # planned amount per component (万元)
    expected: tuple[float, ...] = ()  # the project's own curve, for projects reported as 形象进度


@dataclass(frozen=True)
class SimUnit:
    id: int
    name: str
    lead: bool
    region_id: int | None = None


@dataclass(frozen=True)
class SimPeriod:
    year: int
    month: int
    due_on: datetime.date


@dataclass(frozen=True)
class Content:
    """What one save writes: the arguments of ``services.save_report``."""

    fields: dict
    figures: dict[int, dict]
    allocation_figures: dict[int, Decimal]


@dataclass(frozen=True)
class Action:
    kind: str  # open, save, submit, return, review, accept
    at: datetime.datetime
    by: tuple[str, int | None]  # (role, unit id): liaison/reviewer of a unit, or the plan's coordinator
    reason: str = ""
    content: Content | None = None


@dataclass
class ScriptedReport:
    unit_id: int
    period: int  # index into the periods
    actions: list[Action]

    @property
    def final_state(self) -> str:
        last = next((a.kind for a in reversed(self.actions) if a.kind != "save"), "open")
        return {"open": Report.State.DRAFT, "submit": Report.State.SUBMITTED, "return": Report.State.RETURNED,
                "review": Report.State.REVIEWED, "accept": Report.State.ACCEPTED}[last]


# Gap to the expected curve, in fractions of the target, by the project's profile. Lagging and
# critical gaps sit inside the status engine's default bands (−10/−25 points) so the statuses show.
PROFILES = {
    "ahead": ((0.12, 0.22), 0.10),
    "on_track": ((-0.05, 0.06), 0.66),
    "lagging": ((-0.22, -0.13), 0.17),
    "critical": ((-0.45, -0.30), 0.07),
}

PROGRESS_PHRASES = {
    "ahead": ["项目提前谋划、整体推进较快", "各点位同步施工，进度超出序时要求", "已提前完成部分年度任务，正在巩固提升"],
    "on_track": ["项目按计划有序推进", "各项工作按序时进度推进", "已完成前期手续，施工（实施）有序开展",
                 "已建立工作专班，定期调度推进"],
    "lagging": ["项目推进较序时进度略有滞后", "部分点位尚未开工，整体进度偏慢", "前期手续办理耗时较长，实施进度滞后"],
    "critical": ["项目进度严重滞后于序时要求", "多数点位尚未启动实施", "项目实施方案仍在调整，进度明显滞后"],
}
PROBLEMS = ["受持续降雨影响，部分点位施工进度受阻", "上级补助资金尚未全部到位，资金拨付流程较长",
            "部分点位选址调整，需重新办理用地、规划手续", "个别点位周边群众有不同意见，正在沟通协调",
            "招标采购流程较长，设备尚未到货", "专业技术人员不足，服务能力有待提升"]
NEXT_STEPS = ["倒排工期、挂图作战，确保按期完成年度目标", "加强与财政部门沟通，加快资金拨付进度",
              "加大督导力度，每周调度各点位进展", "加快办理前期手续，尽快全面开工",
              "做好群众沟通解释工作，推动项目落地", "持续巩固提升，做好项目验收准备"]
RETURN_REASONS = ["累计完成数与佐证材料不一致，请核实后重新报送", "未上传现场照片等佐证材料，请补充后重新报送",
                  "进展情况过于简略，请补充具体点位完成情况", "资金支出数据与财政口径不一致，请核对后重新报送"]


def _quantize(value: float, target: Decimal, unit: str) -> Decimal:
    whole = target == target.to_integral_value() and not unit.endswith(RATE_UNITS)
    return Decimal(round(value)) if whole else Decimal(str(round(value, 2)))


def _fmt(value: Decimal) -> str:
    return f"{value.normalize():f}"


class _Clock:
    """Office-hours times on working days, for when people act."""

    def __init__(self, rng: random.Random, work: WorkCalendar):
        self.rng, self.work = rng, work

    def on(self, day: datetime.date, after: datetime.datetime | None = None) -> datetime.datetime:
        minute = self.rng.randint(9 * 60, 17 * 60 + 30)
        at = datetime.datetime.combine(day, datetime.time(minute // 60, minute % 60), TZ)
        if after is not None and at <= after:
            at = after + datetime.timedelta(minutes=self.rng.randint(5, 90))
        return at

    def workdays_after(self, at: datetime.datetime, low: int, high: int) -> datetime.datetime:
        day = self.work.add_workdays(at.astimezone(TZ).date(), self.rng.randint(low, high))
        return self.on(day, after=at)


def _trajectory(rng: random.Random, expected: Sequence[float], gap: float) -> list[float]:
    """Cumulative fractions per period: the expected curve shifted by the gap, noisy, never falling.

    A lagging unit drifts behind over the first months rather than starting behind, as the
    notices describe it; over-fulfilment stops a few percent above the target.
    """
    out, best = [], 0.0
    ceiling = rng.uniform(1.0, 1.06) if gap > 0 else 1.0
    for k, e in enumerate(expected):
        ramp = min(1.0, (k + 1) / 3)
        value = min(max(e + gap * ramp + rng.gauss(0, 0.015), 0.0), ceiling)
        best = max(best, value)
        out.append(best)
    return out


def _target_value(fraction: float, target: SimTarget, ceiling_level: float) -> Decimal:
    if target.op == "<=":
        # A ceiling (控制在…以内) is a level, not a running count: it stays put month to month.
        return _quantize(float(target.value) * ceiling_level, target.value, target.unit)
    return _quantize(float(target.value) * fraction, target.value, target.unit)


def script_project(project: SimProject, units: Sequence[SimUnit], periods: Sequence[SimPeriod],
                   rng: random.Random, work: WorkCalendar) -> tuple[str, list[ScriptedReport]]:
    """The project's profile and every report its units file over the periods.

    Lead units report the project's figures (co-leads report the same figures: it is one
    project); a district government reports its allocated shares on a curve of its own near the
    project's. The last period is the current one: some reports are still waiting for review.
    """
    names = list(PROFILES)
    profile = rng.choices(names, weights=[PROFILES[n][1] for n in names])[0]
    low, high = PROFILES[profile][0]
    gap = rng.uniform(low, high)
    ceiling_level = rng.uniform(0.7, 0.97) if profile in ("ahead", "on_track") else rng.uniform(1.05, 1.3)
    lead_paths = {t.id: _trajectory(rng, t.expected, gap) for t in project.targets}
    percent_path = _trajectory(rng, project.expected, gap) if not project.targets and project.expected else None
    spend_factor = rng.uniform(0.8, 1.05)
    # Without a funding plan, about half the projects still report what they have spent.
    budget = Decimal(rng.choice([50, 120, 300, 600, 1200, 2500])) if rng.random() < 0.5 else None
    clock = _Clock(rng, work)
    leads = [u for u in units if u.lead]
    reviewer = ("reviewer", leads[0].id) if leads else ("coordinator", None)

    scripts = []
    for unit in units:
        sloppy = rng.random() < (0.35 if profile == "critical" else 0.15)
        missing_p, late_p = (0.08, 0.2) if sloppy else (0.015, 0.04)
        if unit.lead:
            paths = lead_paths
        else:
            # Districts scatter around the project's curve; one in ten falls well behind.
            own_gap = gap + (rng.uniform(-0.3, -0.15) if rng.random() < 0.1 else rng.uniform(-0.08, 0.08))
            shares = [a for a in project.allocations if a.region_id == unit.region_id]
            paths = {a.id: _trajectory(rng, a.expected, own_gap) for a in shares}
            if not shares:
                continue
        for k, period in enumerate(periods):
            latest = k == len(periods) - 1
            fate = _fate(rng, latest, missing_p)
            if fate == "missing":
                continue
            content = _content(rng, project, unit, period, k, profile, paths, percent_path, ceiling_level,
                               spend_factor, budget)
            slip = _slip(content, project) if fate in ("returned", "resubmitted") else None
            actions = _actions(rng, clock, unit, period, fate, late_p, content, slip, reviewer)
            scripts.append(ScriptedReport(unit.id, k, actions))
    return profile, scripts


def _fate(rng: random.Random, latest: bool, missing_p: float) -> str:
    """How far the report gets: the latest period is still being worked through."""
    if latest:
        return rng.choices(["missing", "draft", "submitted", "reviewed", "returned", "resubmitted", "accepted"],
                           weights=[missing_p + 0.06, 0.03, 0.14, 0.10, 0.03, 0.03, 0.61 - missing_p])[0]
    return rng.choices(["missing", "draft", "resubmitted", "accepted"],
                       weights=[missing_p, 0.01, 0.06, 0.93 - missing_p])[0]


def _slip(content: Content, project: SimProject) -> Content:
    """The first submission of a report that gets returned: figures a tenth too high, too little said."""
    goals = {t.id: t.value for t in project.targets}
    figures = {}
    for i, f in content.figures.items():
        value = _inflate(f["value"])
        figures[i] = {**f, "value": value, "over_target_confirmed": f["over_target_confirmed"] or value > goals[i]}
    text = content.fields["progress_text"].split("。")[0] + "。"
    return Content({**content.fields, "progress_text": text}, figures,
                   {i: _inflate(v) for i, v in content.allocation_figures.items()})


def _inflate(value: Decimal) -> Decimal:
    return (value * Decimal("1.1")).to_integral_value() if value == value.to_integral_value() else value * 11 / 10


def _content(rng: random.Random, project: SimProject, unit: SimUnit, period: SimPeriod, k: int, profile: str,
             paths: dict[int, list[float]], percent_path: list[float] | None, ceiling_level: float,
             spend_factor: float, budget: Decimal | None) -> Content:
    figures: dict[int, dict] = {}
    allocation_figures: dict[int, Decimal] = {}
    parts = []
    fields: dict = {"percent_complete": None}
    if unit.lead:
        for t in project.targets:
            value = _target_value(paths[t.id][k], t, ceiling_level)
            over = t.op != "<=" and value > t.value
            figures[t.id] = {"value": value, "decrease_reason": "", "over_target_confirmed": over}
            share = f"，完成年度目标的{round(float(value / t.value) * 100, 1)}%" if t.op != "<=" else ""
            parts.append(f"累计完成{_fmt(value)}{t.unit}{share}")
        if percent_path is not None:
            fields["percent_complete"] = Decimal(str(round(percent_path[k] * 100, 2))).quantize(Decimal("0.01"))
            parts.append(f"形象进度{fields['percent_complete']}%")
        fraction = (sum(p[k] for p in paths.values()) / len(paths) if paths
                    else (percent_path[k] if percent_path else 0.0))
        for component, planned in project.funding.items():
            fields[SPENT_FIELDS[component]] = Decimal(str(round(float(planned) * min(fraction * spend_factor, 1.0),
                                                                2)))
        if not project.funding and budget is not None:
            fields["spent_local"] = Decimal(str(round(float(budget) * min(fraction * spend_factor, 1.0), 2)))
    else:
        for a in project.allocations:
            if a.id in paths:
                value = _quantize(float(a.value) * paths[a.id][k], a.value, a.unit)
                allocation_figures[a.id] = value
                parts.append(f"本区累计完成{_fmt(value)}{a.unit}（分解任务{_fmt(a.value)}{a.unit}）")
        fraction = sum(p[k] for p in paths.values()) / len(paths)
    status = profile if unit.lead else ("lagging" if fraction < 0.5 and k >= 5 else "on_track")
    phrase = rng.choice(PROGRESS_PHRASES[status])
    fields["progress_text"] = f"截至{period.month}月底，{phrase}。{'；'.join(parts)}。" if parts else f"{phrase}。"
    behind = status in ("lagging", "critical")
    fields["problems"] = rng.choice(PROBLEMS) + "。" if behind or rng.random() < 0.2 else "暂无。"
    fields["next_steps"] = rng.choice(NEXT_STEPS[:5] if fraction < 1 else NEXT_STEPS[5:]) + "。"
    return Content(fields, figures, allocation_figures)


def _actions(rng: random.Random, clock: _Clock, unit: SimUnit, period: SimPeriod, fate: str, late_p: float,
             content: Content, slip: Content | None, reviewer: tuple[str, int | None]) -> list[Action]:
    liaison = ("liaison", unit.id)
    month_end = period_rules.month_end(period.year, period.month)
    if rng.random() < late_p:
        day = clock.work.next_workday(period.due_on + datetime.timedelta(days=rng.randint(1, 8)))
    else:
        start = month_end - datetime.timedelta(days=4)
        days = [start + datetime.timedelta(days=i) for i in range((period.due_on - start).days + 1)]
        day = rng.choice([d for d in days if clock.work.is_workday(d)] or [period.due_on])
    submit_at = clock.on(day)
    opened = submit_at - datetime.timedelta(minutes=rng.randint(40, 300))
    saved = submit_at - datetime.timedelta(minutes=rng.randint(2, 30))
    actions = [Action("open", opened, liaison), Action("save", saved, liaison, content=slip or content)]
    if fate == "draft":
        return actions
    if slip is not None:
        actions.append(Action("submit", submit_at, liaison))
        back = clock.workdays_after(submit_at, 1, 2)
        actions.append(Action("return", back, reviewer, reason=rng.choice(RETURN_REASONS)))
        if fate == "returned":
            return actions
        fixed = clock.workdays_after(back, 0, 2)
        actions.append(Action("save", fixed, liaison, content=content))
        submit_at = fixed + datetime.timedelta(minutes=rng.randint(3, 40))
    actions.append(Action("submit", submit_at, liaison))
    if fate == "submitted":
        return actions
    reviewed = clock.workdays_after(submit_at, 0, 2)
    actions.append(Action("review", reviewed, reviewer))
    if fate == "reviewed":
        return actions
    actions.append(Action("accept", clock.workdays_after(reviewed, 1, 3), ("coordinator", None)))
    return actions


# ---------------------------------------------------------------------------------------------
# The database part.


@dataclass
class SimulationResult:
    plan: Plan
    periods: list[Period]
    reports: int = 0
    states: Counter = field(default_factory=Counter)
    missing: int = 0  # (unit, period) pairs with no report at all
    late: int = 0
    returned: int = 0  # reports returned at least once
    profiles: Counter = field(default_factory=Counter)
    units_created: list[str] = field(default_factory=list)

    def summary(self) -> str:
        states = "、".join(f"{Report.State(s).label}{n}" for s, n in sorted(self.states.items()))
        return (f"{self.plan.title}：{len(self.periods)}期，报告{self.reports}份（{states}），"
                f"未报送{self.missing}、逾期{self.late}、曾退回{self.returned}")


def ensure_district_units(plan: Plan) -> list[Unit]:
    """A government unit for every county-level region the plan allocates to, so districts can report.

    Pseudo-regions such as 市本级 (the city's own departments) get none: their share is the lead
    unit's. A name already used elsewhere (杭州西湖风景名胜区管委会 filed under the city) is not
    duplicated either, since imports resolve units by name.
    """
    regions = Region.objects.filter(allocations__project__plan=plan, level__in=[Region.Level.COUNTY,
                                                                                 Region.Level.CITY]).distinct()
    covered = set(Unit.objects.filter(region__in=regions, kind=Unit.Kind.GOVERNMENT).values_list("region_id",
                                                                                                   flat=True))
    created = []
    for region in regions.order_by("id"):
        name = government_name(region.name)
        if region.pk in covered or Unit.objects.filter(name=name).exists():
            continue
        created.append(core_services.get_or_create_unit(region, name, Unit.Kind.GOVERNMENT))
    return created


def _sim_project(project: Project, periods: list[Period]) -> SimProject:
    start = datetime.date(project.plan.year, 1, 1)
    # The curve the status engine judges by: own milestones, else the document's pace rules.
    deadline, steps = project_schedule(project, pace_steps(project.plan), plan_deadline(project.plan))
    targets = list(project.targets.all())
    specs = [TargetSpec(float(t.value) if t.value is not None else None, t.op) for t in targets]
    ends = [period_rules.month_end(p.year, p.month) for p in periods]

    def curve(index: int | None) -> tuple[float, ...]:
        if index is None:  # no target named: the schedule's percents, as the selector does
            return tuple(expected_fraction(d, start, deadline, [s for s in steps if s.percent is not None])
                         for d in ends)
        return tuple(expected_fraction(d, start, deadline, steps, specs, index) for d in ends)

    index = {t.pk: i for i, t in enumerate(targets)}
    numeric = tuple(SimTarget(t.pk, t.value, t.op, t.unit, curve(i)) for i, t in enumerate(targets) if t.value)
    allocations = tuple(SimAllocation(a.pk, a.region_id, a.value, a.unit or "", curve(index.get(a.target_id)))
                        for a in project.allocations.all() if a.value)
    funding = getattr(project, "funding", None)
    planned = {c: getattr(funding, c) for c in SPENT_FIELDS if funding and getattr(funding, c)}
    return SimProject(project.name, numeric, allocations, planned, () if numeric else curve(None))


class _Actors:
    """The users who act in the simulation: each unit's liaison and reviewer, the plan's coordinator.

    Existing accounts are used where they exist (the demo's 市民政局 liaison); the rest are
    created without a usable password, named after their unit, so history reads naturally.
    """

    def __init__(self, plan: Plan):
        self.plan = plan
        self.cache: dict[tuple[str, int | None], User] = {}

    def __call__(self, key: tuple[str, int | None]) -> User:
        if key not in self.cache:
            self.cache[key] = self._find_or_create(*key)
        return self.cache[key]

    def _find_or_create(self, role: str, unit_id: int | None) -> User:
        if role == "coordinator":
            region = self.plan.region
            user = User.objects.filter(role=User.Role.COORDINATOR, region=region).order_by("id").first()
            defaults = {"role": User.Role.COORDINATOR, "region": region, "first_name": f"{region.name}督查室"}
            username = f"sim-coordinator-{region.pk}"
        else:
            unit = Unit.objects.get(pk=unit_id)
            user_role = User.Role.LIAISON if role == "liaison" else User.Role.REVIEWER
            user = User.objects.filter(role=user_role, unit=unit).order_by("id").first()
            label = "联络员" if role == "liaison" else "审核人"
            defaults = {"role": user_role, "unit": unit, "region": unit.region, "first_name": f"{unit}{label}"}
            username = f"sim-{role}-{unit.pk}"
        if user is None:
            user = core_services.get_or_create_account(username, defaults)
        return user


def simulate_plan(plan: Plan, until: tuple[int, int], seed: int, *, via_services: bool = False,
                  project_ids: Sequence[int] | None = None) -> SimulationResult:
    """Fill the plan's reports from January up to the month ``until`` (year, month).

    Refuses a plan that already has reports: a simulation adds a history, it does not merge one.
    ``project_ids`` limits it to some projects (the tests play a few both ways).
    """
    if Report.objects.filter(period__plan=plan).exists():
        raise SimulationError(f"计划“{plan.title}”已有报送数据，不再模拟")
    year, month = min(until, (plan.year, 12))
    if year < plan.year:
        raise SimulationError(f"{year}年{month}月早于计划年度{plan.year}年")
    with transaction.atomic():
        created = ensure_district_units(plan)
        periods = [p for p in services.ensure_periods(plan, period_rules.month_end(year, month))
                   if (p.year, p.month) <= (year, month)]
        sim_periods = [SimPeriod(p.year, p.month, p.due_on) for p in periods]
        projects = (plan.projects.select_related("plan", "funding")
                    .prefetch_related("targets", "milestones", "allocations", "unit_links__unit")
                    .order_by("position", "id"))
        if project_ids is not None:
            projects = projects.filter(pk__in=project_ids)
        work = work_calendar()
        result = SimulationResult(plan, periods, units_created=[u.name for u in created])
        scripts: list[tuple[Project, ScriptedReport]] = []
        projects = list(projects)
        governments = district_governments({a.region_id for p in projects for a in p.allocations.all()})
        for project in projects:
            units = reporting_units(project, governments)
            leads = {link.unit_id for link in project.unit_links.all() if link.role == ProjectUnit.Role.LEAD}
            sim_units = [SimUnit(u.pk, str(u), u.pk in leads, u.region_id) for u in units]
            # One generator per project, seeded by what identifies it in any database, so a
            # project's reports do not depend on ids or on which other projects are simulated.
            rng = random.Random(f"{seed}/{plan.region.name}/{plan.year}/{plan.title}/{project.position}/{project.name}")
            profile, project_scripts = script_project(_sim_project(project, periods), sim_units, sim_periods, rng,
                                                      work)
            result.profiles[profile] += 1
            expected = sum(len(periods) for u in sim_units if u.lead or any(
                a.region_id == u.region_id for a in project.allocations.all()))
            result.missing += expected - len(project_scripts)
            scripts.extend((project, s) for s in project_scripts)
        actors = _Actors(plan)
        write = _write_via_services if via_services else _write_bulk
        write(scripts, periods, actors)
    for _, script in scripts:
        result.reports += 1
        result.states[script.final_state] += 1
        result.returned += any(a.kind == "return" for a in script.actions)
        submits = [a.at for a in script.actions if a.kind == "submit"]
        result.late += bool(submits) and timezone.localtime(submits[-1]).date() > periods[script.period].due_on
    return result


@contextmanager
def _clock_at(at: datetime.datetime):
    # auto_now fields, ReportEvent.at and history dates all read django.utils.timezone.now.
    with mock.patch("django.utils.timezone.now", return_value=at):
        yield


def _write_via_services(scripts: list[tuple[Project, ScriptedReport]], periods: list[Period],
                        actors: Callable[[tuple[str, int | None]], User]) -> None:
    """Play each script through the workflow services, at the scripted times."""
    units = {u.pk: u for u in Unit.objects.filter(pk__in={s.unit_id for _, s in scripts})}
    for project, script in scripts:
        report = None
        for action in script.actions:
            user = actors(action.by)
            with _clock_at(action.at):
                if action.kind == "open":
                    report = services.open_report(project, units[script.unit_id], periods[script.period])
                elif action.kind == "save":
                    c = action.content
                    report = services.save_report(report, user, report.version, c.fields, c.figures,
                                                  c.allocation_figures)
                elif action.kind == "submit":
                    report = services.submit_report(report, user, now=action.at)
                elif action.kind == "return":
                    report = services.return_report(report, user, action.reason)
                elif action.kind == "review":
                    report = services.review_report(report, user)
                else:
                    report = services.accept_report(report, user)


REPORT_FIELDS = ("progress_text", "problems", "next_steps", "percent_complete", "spent_superior", "spent_local",
                 "spent_social", "spent_self")
TRANSITIONS = {  # action → (state after, event action), as services._transition records them
    "submit": (Report.State.SUBMITTED, ReportEvent.Action.SUBMITTED),
    "return": (Report.State.RETURNED, ReportEvent.Action.RETURNED),
    "review": (Report.State.REVIEWED, ReportEvent.Action.REVIEWED),
    "accept": (Report.State.ACCEPTED, ReportEvent.Action.ACCEPTED),
}


@contextmanager
def _scripted_timestamps():
    """Let bulk inserts keep the scripted times: auto_now/auto_now_add would stamp them all 'now'.

    Only the simulation (a command, not a request) runs this, and the flags are restored after.
    """
    updated_at, event_at = Report._meta.get_field("updated_at"), ReportEvent._meta.get_field("at")
    updated_at.auto_now, event_at.auto_now_add = False, False
    try:
        yield
    finally:
        updated_at.auto_now, event_at.auto_now_add = True, True


def _snapshot(fields: dict, figures: dict[int, dict], allocations: dict[int, Decimal]) -> dict:
    # The same dict services._snapshot builds from the saved rows (values as the database returns them).
    percent = fields["percent_complete"]
    return {
        "targets": {str(t): _fmt(Decimal(f["value"])) for t, f in figures.items()},
        "allocations": {str(a): _fmt(Decimal(v)) for a, v in allocations.items()},
        "percent_complete": str(percent.quantize(Decimal("0.01"))) if percent is not None else None,
        "progress_text": fields["progress_text"],
        "problems": fields["problems"],
        "next_steps": fields["next_steps"],
    }


def _write_bulk(scripts: list[tuple[Project, ScriptedReport]], periods: list[Period],
                actors: Callable[[tuple[str, int | None]], User]) -> None:
    """Insert the rows the services would write for each script, in a few statements per table.

    For every report: the final row; one history row per service call (open '+', then '~' for
    each save and transition, by the acting user); the figures with their own history ('+' on
    first save, '~' on each later save); and one event per save and transition, transitions with
    the snapshot of the figures and text at that moment.
    """
    HistoricalReport = Report.history.model
    HistoricalTarget = TargetFigure.history.model
    HistoricalAllocation = AllocationFigure.history.model
    reports, report_history, events = [], [], []
    figure_rows: list[tuple[int, list[tuple]]] = []  # per report: (target id, final values, history)
    allocation_rows: list[tuple[int, list[tuple]]] = []
    for project, script in scripts:
        period = periods[script.period]
        row = {"project_id": project.pk, "unit_id": script.unit_id, "period_id": period.pk,
               "state": Report.State.DRAFT, "version": 0, "submitted_at": None, "late": False, "return_reason": "",
               **dict.fromkeys(REPORT_FIELDS)}
        row.update(progress_text="", problems="", next_steps="")
        history, report_events = [], []
        figures: dict[int, dict] = {}
        allocations: dict[int, Decimal] = {}
        figure_history: dict[int, list] = {}
        allocation_history: dict[int, list] = {}
        for action in script.actions:
            user_id = actors(action.by).pk if action.kind != "open" else None
            row["updated_at"] = action.at
            if action.kind == "open":
                history.append((dict(row), action.at, "+", None))
                continue
            row["version"] += 1
            if action.kind == "save":
                c = action.content
                row.update(c.fields)
                for target_id, entry in c.figures.items():
                    figures[target_id] = {"value": entry["value"], "decrease_reason": entry.get("decrease_reason", ""),
                                          "over_target_confirmed": bool(entry.get("over_target_confirmed"))}
                    kind = "~" if target_id in figure_history else "+"
                    figure_history.setdefault(target_id, []).append((dict(figures[target_id]), action.at, kind))
                for allocation_id, value in c.allocation_figures.items():
                    allocations[allocation_id] = value
                    kind = "~" if allocation_id in allocation_history else "+"
                    allocation_history.setdefault(allocation_id, []).append(({"value": value}, action.at, kind))
                history.append((dict(row), action.at, "~", user_id))
                report_events.append((ReportEvent.Action.SAVED, user_id, action.at, "", {}))
                continue
            state, event = TRANSITIONS[action.kind]
            row["state"] = state
            if action.kind == "submit":
                row.update(submitted_at=action.at, late=timezone.localtime(action.at).date() > period.due_on,
                           return_reason="")
            elif action.kind == "return":
                row["return_reason"] = action.reason
            history.append((dict(row), action.at, "~", user_id))
            report_events.append((event, user_id, action.at, action.reason, _snapshot(row, figures, allocations)))
        reports.append(Report(**row))
        report_history.append(history)
        events.append(report_events)
        figure_rows.append([(t, figures[t], figure_history[t]) for t in figures])
        allocation_rows.append([(a, {"value": allocations[a]}, allocation_history[a]) for a in allocations])

    with _scripted_timestamps():
        Report.objects.bulk_create(reports, batch_size=500)
        ReportEvent.objects.bulk_create(
            [ReportEvent(report_id=r.pk, action=a, by_id=u, at=at, reason=reason, snapshot=snap)
             for r, evs in zip(reports, events, strict=True) for a, u, at, reason, snap in evs], batch_size=1000)
    HistoricalReport.objects.bulk_create(
        [HistoricalReport(id=r.pk, **values, history_date=at, history_type=kind, history_user_id=user)
         for r, hist in zip(reports, report_history, strict=True) for values, at, kind, user in hist],
        batch_size=1000)
    for model, history_model, key, rows in ((TargetFigure, HistoricalTarget, "target_id", figure_rows),
                                            (AllocationFigure, HistoricalAllocation, "allocation_id",
                                             allocation_rows)):
        finals = [model(report_id=r.pk, **{key: k}, **values)
                  for r, items in zip(reports, rows, strict=True) for k, values, _ in items]
        model.objects.bulk_create(finals, batch_size=1000)
        histories = [h for items in rows for _, _, h in items]
        history_model.objects.bulk_create(
            [history_model(id=f.pk, report_id=f.report_id, **{key: getattr(f, key)}, **values, history_date=at,
                           history_type=kind)
             for f, hist in zip(finals, histories, strict=True) for values, at, kind in hist], batch_size=1000)
