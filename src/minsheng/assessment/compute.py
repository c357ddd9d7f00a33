"""Gather each unit's and district's inputs from the stages before (through their selectors) and score them.

Nothing here writes; ``services.save_run`` stores what ``assess`` returns.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from minsheng.appeals import selectors as appeal_selectors
from minsheng.assessment import scoring
from minsheng.assessment.adherence import milestone_checks
from minsheng.assessment.models import Adjustment, DeputyRating, Scheme, SurveyResponse
from minsheng.core.models import Region, Unit
from minsheng.core.plan_settings import plan_setting
from minsheng.plans.models import Allocation, Plan, ProjectUnit
from minsheng.plans.structure import ROLLUP_RULE
from minsheng.portal.models import Rating as PortalRating
from minsheng.progress import punctuality
from minsheng.progress.selectors import plan_progress
from minsheng.supervision.selectors import finding_facts


@dataclass
class SubjectScore:
    kind: str  # "unit" or "district"
    key: int  # unit id or region id
    name: str
    components: list[scoring.Points]
    total: Decimal
    rank: int = 0
    grade: str = ""


@dataclass
class Assessment:
    plan: Plan
    on: datetime.date
    weights: dict[str, float]
    units: list[SubjectScore] = field(default_factory=list)
    districts: list[SubjectScore] = field(default_factory=list)
    grades: dict[str, float] = field(default_factory=lambda: dict(scoring.DEFAULT_GRADES))
    # What the reader must know: components left out for everyone, how pieces of work are counted.
    notes: list[str] = field(default_factory=list)


def scheme_weights(plan: Plan) -> dict[str, float]:
    scheme = Scheme.objects.filter(plan=plan).first()
    return dict(scheme.weights) if scheme and scheme.weights else scoring.default_weights()


def scheme_grades(plan: Plan) -> dict[str, float]:
    scheme = Scheme.objects.filter(plan=plan).first()
    return dict(scheme.grades) if scheme and scheme.grades else dict(scoring.DEFAULT_GRADES)


def _appeal_rows(by: str, plan: Plan, on: datetime.date) -> dict[int, appeal_selectors.Rates]:
    period = appeal_selectors.Period(datetime.date(plan.year, 1, 1), on)
    rows, _total = appeal_selectors.region_rates(plan.region, period, by=by)
    return {r.key: r for r in rows if r.key is not None}


def _appeals_result(row) -> scoring.Result:
    if row is None or not row.received:
        return scoring.Result(None, {"received": 0, "rule": "无诉求"})
    return scoring.appeal_rates(row.response_rate, row.satisfaction_rate, row.received)


def _finding_dict(f) -> dict:
    return {"id": f.id, "severity": f.severity, "state": f.state, "on_time": f.on_time,
            "workdays_overdue": f.workdays_overdue, "deadline": f.deadline.isoformat()}


def _adjustments(plan: Plan) -> tuple[dict[int, list[dict]], dict[int, list[dict]]]:
    """The plan's adjustments in one query, as (by unit id, by region id)."""
    by_unit: dict[int, list[dict]] = defaultdict(list)
    by_region: dict[int, list[dict]] = defaultdict(list)
    for a in Adjustment.objects.filter(plan=plan).select_related("by").order_by("at", "id"):
        row = {"id": a.pk, "label": a.get_kind_display(), "kind": a.kind, "points": a.points, "reason": a.reason,
               "by": a.by.get_full_name() or a.by.username, "at": a.at.isoformat()}
        if a.unit_id is not None:
            by_unit[a.unit_id].append(row)
        if a.region_id is not None:
            by_region[a.region_id].append(row)
    return by_unit, by_region


def _ranked(subjects: list[SubjectScore], grades: dict[str, float]) -> list[SubjectScore]:
    for s, r in zip(subjects, scoring.rank([s.total for s in subjects]), strict=True):
        s.rank = r
        s.grade = scoring.grade(s.total, grades)
    return sorted(subjects, key=lambda s: (s.rank, s.name))


def _scored(kind: str, subjects: list[tuple[int, str, dict[str, scoring.Result], list[dict]]],
            weights: dict[str, float], notes: list[str], title: str) -> list[SubjectScore]:
    """Combine each subject's results, leaving out (with a note) the components nobody has data for."""
    absent = {k for k in scoring.absent_components([results for _, _, results, _ in subjects], weights)
              if weights.get(k)}
    if subjects and absent:
        labels = "、".join(scoring.LABELS.get(k, k) for k in weights if k in absent)
        notes.append(f"{title}：{labels}——{scoring.ABSENT_NOTE}。")
    out = []
    for key, name, results, adjustments in subjects:
        for k in absent:
            results[k] = scoring.Result(None, {**(results[k].inputs if k in results else {}),
                                               "absent": True, "rule": scoring.ABSENT_NOTE})
        points, total = scoring.combine(weights, results, adjustments)
        out.append(SubjectScore(kind, key, name, points, total))
    return out


def assess(plan: Plan, on: datetime.date) -> Assessment:
    weights = scheme_weights(plan)
    progress = plan_progress(plan, on)
    # Each piece of work once (progress.rollup): completion and milestones over the leaves; a
    # parent's own ratings (deputies rate the voted projects) still count for its lead unit.
    by_project = {p.project.pk: p for p in progress.projects}
    parents = {p.project.pk for p in progress.parents}
    facts = finding_facts(plan, on)
    checks = milestone_checks(plan, on, [p.project for p in progress.projects])

    # Who answers for which project: the lead counts fully, a partner half (task load only).
    # Collective names nobody could expand are not units and are not scored.
    led: dict[int, set[int]] = defaultdict(set)
    partnered: dict[int, set[int]] = defaultdict(set)
    rated_led: dict[int, set[int]] = defaultdict(set)
    for unit_id, project_id, role in ProjectUnit.objects.filter(project__plan=plan).exclude(
            unit__kind=Unit.Kind.COLLECTIVE).values_list("unit_id", "project_id", "role"):
        if role == ProjectUnit.Role.LEAD:
            rated_led[unit_id].add(project_id)
        if project_id in parents:
            continue
        (led if role == ProjectUnit.Role.LEAD else partnered)[unit_id].add(project_id)
    unit_ids = set(led) | set(partnered) | set(rated_led)

    # The notice's window and rule (progress.punctuality): a report owed for a closed period and
    # never filed counts as one not on time.
    punctual = punctuality.by_unit(progress)
    on_time = Counter({u: p.on_time for u, p in punctual.items()})
    reports = Counter({u: p.owed for u, p in punctual.items()})
    units = {u.pk: u for u in Unit.objects.filter(pk__in=unit_ids | set(reports)).exclude(
        kind=Unit.Kind.COLLECTIVE)}
    unit_ids = (unit_ids | set(reports)) & set(units)

    ratings: dict[int, Counter] = defaultdict(Counter)
    for project_id, rating in DeputyRating.objects.filter(project__plan=plan).values_list("project_id", "rating"):
        ratings[project_id][rating] += 1
    answers: dict[int, Counter] = defaultdict(Counter)
    district_answers: dict[int, Counter] = defaultdict(Counter)
    for project_id, region_id, rating in SurveyResponse.objects.filter(
            survey__project__plan=plan, created_at__date__lte=on).values_list(
            "survey__project_id", "region_id", "rating"):
        answers[project_id][rating] += 1
        if region_id:
            district_answers[region_id][rating] += 1
    portal: dict[int, Counter] = defaultdict(Counter)
    for project_id, choice in PortalRating.objects.filter(
            project__plan=plan, created_at__date__gte=datetime.date(plan.year, 1, 1),
            created_at__date__lte=on).values_list("project_id", "choice"):
        portal[project_id][choice] += 1

    appeals_by_unit = _appeal_rows("unit", plan, on)
    adjustments_by_unit, adjustments_by_region = _adjustments(plan)
    max_load = max((len(led[u]) + 0.5 * len(partnered[u]) for u in unit_ids), default=0)
    tolerance = float(plan_setting(plan, "lagging_points"))

    def counted(projects: set[int], source: dict[int, Counter]) -> dict[str, int]:
        total = Counter()
        for pid in projects:
            total.update(source.get(pid, Counter()))
        return dict(total)

    result = Assessment(plan, on, weights, grades=scheme_grades(plan))
    if parents:
        result.notes.append(ROLLUP_RULE)
    # The governments of the regions below are assessed as their district, not beside the departments.
    below = plan.region.descendant_ids() - {plan.region_id}
    governments = {pk for pk, u in units.items() if u.kind == Unit.Kind.GOVERNMENT and u.region_id in below}
    if governments:
        result.notes.append("区县（镇街）政府不列入单位排名，在区县排名中考核：其承担的任务分解、牵头或配合的项目、"
                            "报送、督查问题和评价均计入所在区县。")
    subjects = []
    for unit_id in sorted(unit_ids - governments):
        mine = led[unit_id] | partnered[unit_id]
        projects = [by_project[p] for p in sorted(mine) if p in by_project]
        results = {
            "task_load": scoring.task_load(len(led[unit_id]), len(partnered[unit_id]), max_load),
            "completion": scoring.completion({p.project.name: p.percent for p in projects}),
            "milestones": scoring.milestones([c for p in sorted(led[unit_id]) for c in checks.get(p, [])],
                                             tolerance),
            "punctuality": scoring.punctuality(on_time[unit_id], reports[unit_id]),
            "rectification": scoring.rectification([_finding_dict(f) for f in facts if f.unit_id == unit_id]),
            "deputies": scoring.satisfaction(counted(rated_led[unit_id], ratings)),
            "public": scoring.public_satisfaction(counted(rated_led[unit_id], answers),
                                                  counted(rated_led[unit_id], portal)),
            "appeals": _appeals_result(appeals_by_unit.get(unit_id)),
        }
        subjects.append((unit_id, units[unit_id].name, results, adjustments_by_unit[unit_id]))
    result.units = _scored("unit", subjects, weights, result.notes, "单位")

    # Districts: the shares of targets allocated to them, their governments' reports, findings on
    # units of the district, survey answers from the district and appeals in it.
    shares: dict[int, dict[str, float]] = defaultdict(dict)
    allocations = Allocation.objects.filter(project__plan=plan).exclude(project_id__in=parents).values_list(
        "region_id", "label", "project_id", "project__name")
    share_by_label = {
        (label, p.project.pk): f for label, items in progress.district_shares.items() for p, f in items
    }
    for region_id, label, project_id, name in allocations:
        fraction = share_by_label.get((label, project_id))
        shares[region_id][name] = round(min(fraction or 0.0, 1.0) * 100, 1)
    appeals_by_region = _appeal_rows("region", plan, on)
    regions = {r.pk: r for r in Region.objects.filter(pk__in=set(shares) | {units[g].region_id for g in governments})}
    district_units: dict[int, set[int]] = defaultdict(set)
    for u in units.values():
        if u.region_id in regions:
            district_units[u.region_id].add(u.pk)

    def load(region_id: int) -> tuple[int, int]:
        """Shares allocated and projects its government leads count 1, projects it partners on ½."""
        own = district_units[region_id]
        work = set().union(*(led[u] for u in own)) if own else set()
        helped = set().union(*(partnered[u] for u in own)) - work if own else set()
        return len(shares[region_id]) + len(work), len(helped)

    loads = {r: load(r) for r in regions}
    max_shares = max((a + 0.5 * b for a, b in loads.values()), default=0)
    subjects = []
    for region_id in sorted(regions):
        own = district_units[region_id]
        led_here = set().union(*(led[u] for u in own)) if own else set()
        rated_here = set().union(*(rated_led[u] for u in own)) if own else set()
        # Its own shares where the plan allocates them; else the projects its government answers for.
        mine = shares[region_id] or {by_project[p].project.name: by_project[p].percent
                                     for p in sorted(led_here | set().union(*(partnered[u] for u in own)))
                                     if p in by_project}
        results = {
            "task_load": scoring.task_load(*loads[region_id], max_shares),
            "completion": scoring.completion(mine),
            "milestones": scoring.milestones([c for p in sorted(led_here) for c in checks.get(p, [])], tolerance),
            "punctuality": scoring.punctuality(sum(on_time[u] for u in own), sum(reports[u] for u in own)),
            "rectification": scoring.rectification([_finding_dict(f) for f in facts if f.unit_id in own]),
            "deputies": scoring.satisfaction(counted(rated_here, ratings)),
            "public": scoring.public_satisfaction(
                dict(Counter(district_answers.get(region_id, {})) + Counter(counted(rated_here, answers))),
                counted(rated_here, portal)),
            "appeals": _appeals_result(appeals_by_region.get(region_id)),
        }
        subjects.append((region_id, regions[region_id].name, results, adjustments_by_region[region_id]))
    result.districts = _scored("district", subjects, weights, result.notes, "区县")
    result.units = _ranked(result.units, result.grades)
    result.districts = _ranked(result.districts, result.grades)
    return result


def as_json(assessment: Assessment) -> dict:
    def subject(s: SubjectScore) -> dict:
        return {"rank": s.rank, "name": s.name, "id": s.key, "total": str(s.total), "grade": s.grade,
                "components": [{"key": c.key, "label": c.label, "weight": _text(c.weight), "score": _text(c.value),
                                "points": str(c.points), "inputs": _plain(c.inputs)} for c in s.components]}

    return {"plan": assessment.plan.pk, "title": assessment.plan.title, "on": assessment.on.isoformat(),
            "weights": assessment.weights, "grades": assessment.grades, "notes": assessment.notes,
            "units": [subject(s) for s in assessment.units],
            "districts": [subject(s) for s in assessment.districts]}


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _plain(value):
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, Decimal):
        return str(value)
    return value
