"""Scoring rules as plain functions: each component turns its inputs into a score out of 100.

A component with nothing to judge (no ratings yet, no appeals, no findings, no milestone due)
scores ``None`` and drops out: the weights of the components that do apply are scaled up to 100,
so a unit is neither rewarded nor punished for what did not happen to it. A component that has
no data for anyone is left out of the whole run with a note (``absent_note``), never scored 0.
``combine`` returns each component's points rounded to 0.01, and the total is their sum, so a
drill-down always adds up to the score. ``grade`` turns a total into 优秀/良好/一般/较差.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


@dataclass(frozen=True)
class ComponentSpec:
    key: str
    label: str
    weight: int
    basis: str  # what the seed documents say counts


# The default scheme: what the Hangzhou (001) and Wuxi (000) documents name as counting.
COMPONENTS: tuple[ComponentSpec, ...] = (
    ComponentSpec("task_load", "牵头实施任务量", 10, "杭州：牵头实施任务量"),
    ComponentSpec("completion", "项目完成率", 20, "杭州：通报评价优劣度；无锡：季季评"),
    ComponentSpec("milestones", "节点进度", 10, "无锡：季季评；原则上半年完成60%"),
    ComponentSpec("punctuality", "报送及时率", 5, "杭州：通报评价优劣度"),
    ComponentSpec("rectification", "督查问题整改", 10, "杭州：参与监督积极性、督查结果运用到绩效评价"),
    ComponentSpec("deputies", "人大代表满意度", 20, "杭州：人大常委会满意度测评；无锡：人大年终综合评议"),
    ComponentSpec("public", "群众满意度（第三方评价）", 15, "杭州：第三方评价"),
    ComponentSpec("appeals", "诉求办理", 10, "无锡：受理—办理—反馈—监督闭环"),
)
LABELS = {c.key: c.label for c in COMPONENTS}


def default_weights() -> dict[str, int]:
    return {c.key: c.weight for c in COMPONENTS}


RATING_POINTS = {"satisfied": 100, "basic": 70, "unsatisfied": 0}
# The portal's own rating choices, in the survey's terms.
PORTAL_RATINGS = {"satisfied": "satisfied", "basic": "basic", "dissatisfied": "unsatisfied"}
SEVERITY_POINTS = {"minor": 2, "major": 5, "serious": 10}
# How well a finding was handled, out of 100; a finding still within its deadline is not judged yet.
FINDING_VALUES = {"closed_on_time": 100, "closed_late": 50, "open_overdue": 0}
# 优秀/良好/一般 from these totals up, 较差 below: the scheme's default, changeable per plan.
DEFAULT_GRADES = {"优秀": 90, "良好": 80, "一般": 60}
LOWEST_GRADE = "较差"
ABSENT_NOTE = "所有考核对象均无此项数据，本次不计分，其权重按比例分配给其他指标"


@dataclass(frozen=True)
class Result:
    score: float | None
    inputs: dict = field(default_factory=dict)


def _round(value: float) -> float:
    return float(Decimal(str(value)).quantize(CENT, ROUND_HALF_UP))


def task_load(led: int, partnered: int, max_load: float) -> Result:
    """Projects led count 1, projects partnered 0.5; the heaviest load scores 100."""
    load = led + 0.5 * partnered
    score = 100 * load / max_load if max_load else None
    return Result(score and _round(score), {"led": led, "partnered": partnered, "load": load, "max_load": max_load,
                                            "rule": "（牵头数 + 0.5 × 配合数）÷ 最大任务量 × 100"})


def completion(percents: Mapping[str, float]) -> Result:
    """Mean progress (capped at 100%) of the projects or shares the subject is responsible for."""
    if not percents:
        return Result(None, {"rule": "无负责项目"})
    capped = [min(p, 100.0) for p in percents.values()]
    return Result(_round(sum(capped) / len(capped)),
                  {"percents": dict(percents), "rule": "各项目完成率（封顶100%）平均"})


def milestones(checks: Sequence[Mapping], tolerance_points: float = 10) -> Result:
    """Share of the milestones due so far that the accepted reports show were reached.

    ``checks`` are dicts with project, due, expected (the fraction the schedule fixes at ``due``)
    and actual (the accepted cumulative progress of the month of ``due``, None if nothing was
    accepted by then). A milestone is met when actual ≥ expected − the plan's 滞后 threshold.
    """
    if not checks:
        return Result(None, {"checks": [], "rule": "无已到期的进度节点"})
    rows = [{**c, "met": c["actual"] is not None and c["actual"] >= c["expected"] - tolerance_points / 100 - 1e-9}
            for c in checks]
    met = sum(r["met"] for r in rows)
    return Result(_round(100 * met / len(rows)),
                  {"checks": rows, "met": met, "due": len(rows),
                   "rule": f"已到期节点中按期达到的个数 ÷ 已到期节点数 × 100（以节点当月已审核通过的累计进度计，"
                           f"落后不超过{tolerance_points:g}个百分点视为达到）"})


def punctuality(on_time: int, submitted: int) -> Result:
    if not submitted:
        return Result(None, {"on_time": 0, "submitted": 0, "rule": "无报送"})
    return Result(_round(100 * on_time / submitted),
                  {"on_time": on_time, "submitted": submitted,
                   "rule": "按时报送数 ÷ 应报送数 × 100（未报送计为不按时）"})


def finding_outcome(state: str, on_time: bool | None, workdays_overdue: int) -> str | None:
    """closed_on_time / closed_late / open_overdue, or None while a finding is within its deadline."""
    if state == "closed":
        return "closed_on_time" if on_time else "closed_late"
    return "open_overdue" if workdays_overdue > 0 else None


def rectification(findings: Sequence[Mapping]) -> Result:
    """How the subject handled its findings: each judged finding's value, weighted by its severity.

    ``findings`` are dicts with id, severity, state, on_time, workdays_overdue. Closed on time 100,
    closed late 50, overdue and not closed 0; a finding still within its deadline is not judged.
    A subject with no judged findings is neutral (None): not being inspected earns nothing.
    """
    rows, points, weight = [], 0.0, 0
    for f in findings:
        outcome = finding_outcome(f["state"], f["on_time"], f["workdays_overdue"])
        value = FINDING_VALUES[outcome] if outcome else None
        if value is not None:
            points += SEVERITY_POINTS[f["severity"]] * value
            weight += SEVERITY_POINTS[f["severity"]]
        rows.append({**f, "outcome": outcome, "value": value, "severity_points": SEVERITY_POINTS[f["severity"]]})
    rule = ("Σ 问题分值 × 处理得分 ÷ Σ 问题分值（按时销号100、超期销号50、超期未整改0；未到整改期限的不计；"
            "一般2、较重5、严重10分）")
    return Result(_round(points / weight) if weight else None, {"findings": rows, "rule": rule if weight else
                                                                "无已到期的督查问题，不计分"})


def satisfaction(counts: Mapping[str, int]) -> Result:
    """满意 100, 基本满意 70, 不满意 0, averaged over the answers."""
    n = sum(counts.values())
    if not n:
        return Result(None, {"counts": dict(counts), "rule": "无评价"})
    score = sum(RATING_POINTS[k] * v for k, v in counts.items()) / n
    return Result(_round(score), {"counts": dict(counts), "answers": n,
                                  "rule": "满意100、基本满意70、不满意0，取平均"})


def public_satisfaction(survey_counts: Mapping[str, int], portal_counts: Mapping[str, int]) -> Result:
    """Survey answers and the portal's ratings pooled: every answer counts once, whichever way it came."""
    pooled: dict[str, int] = dict(survey_counts)
    for choice, n in portal_counts.items():
        key = PORTAL_RATINGS.get(choice, choice)
        pooled[key] = pooled.get(key, 0) + n
    result = satisfaction(pooled)
    rule = "满意度测评答卷与门户网站群众评价合并计数：满意100、基本满意70、不满意0，取平均"
    return Result(result.score, {**result.inputs, "surveys": dict(survey_counts), "portal": dict(portal_counts),
                                 "rule": rule})


def appeal_rates(response_rate: float | None, satisfaction_rate: float | None, received: int) -> Result:
    rates = [r for r in (response_rate, satisfaction_rate) if r is not None]
    inputs = {"received": received, "response_rate": response_rate, "satisfaction_rate": satisfaction_rate,
              "rule": "按时受理率与满意率的平均"}
    return Result(_round(sum(rates) / len(rates)) if rates else None, inputs)


@dataclass(frozen=True)
class Points:
    key: str
    label: str
    weight: Decimal | None
    value: Decimal | None
    points: Decimal
    inputs: dict


def _cents(value: float | Decimal) -> Decimal:
    return Decimal(str(value)).quantize(CENT, ROUND_HALF_UP)


def combine(weights: Mapping[str, float], results: Mapping[str, Result],
            adjustments: Iterable[Mapping] = ()) -> tuple[list[Points], Decimal]:
    """Points per component (weights of the applicable ones scaled to 100) plus adjustments; their sum."""
    applicable = {k: float(w) for k, w in weights.items() if w and k in results and results[k].score is not None}
    scale = sum(applicable.values())
    out = []
    for key, weight in weights.items():
        result = results.get(key, Result(None))
        effective = 100 * float(weight) / scale if key in applicable else 0.0
        points = _cents(result.score * effective / 100) if key in applicable else Decimal("0.00")
        inputs = {**result.inputs, "weight": float(weight), "effective_weight": round(effective, 4)}
        out.append(Points(key, LABELS.get(key, key), _cents(weight),
                          _cents(result.score) if result.score is not None else None, points, inputs))
    for adj in adjustments:
        out.append(Points("adjustment", adj["label"], None, None, _cents(adj["points"]), dict(adj)))
    return out, sum((p.points for p in out), Decimal("0.00"))


def grade(total: Decimal | float, thresholds: Mapping[str, float] | None = None) -> str:
    """优秀/良好/一般 for the highest threshold the total reaches, else 较差."""
    for label, floor in sorted((thresholds or DEFAULT_GRADES).items(), key=lambda kv: -float(kv[1])):
        if float(total) >= float(floor) - 1e-9:
            return label
    return LOWEST_GRADE


def absent_components(results: Sequence[Mapping[str, Result]], keys: Iterable[str] | None = None) -> set[str]:
    """Components no subject has data for: left out of the run, with a note, rather than scored 0."""
    keys = set(keys) if keys is not None else {k for r in results for k in r}
    return {k for k in keys if all(r.get(k) is None or r[k].score is None for r in results)}


def rank(totals: Sequence[Decimal]) -> list[int]:
    """Competition ranking (1, 2, 2, 4): equal totals share a place."""
    ordered = sorted(totals, reverse=True)
    return [ordered.index(t) + 1 for t in totals]
