"""Scoring rules as plain functions: each component turns its inputs into a score out of 100.

A component with nothing to judge (no ratings yet, no appeals) scores ``None`` and drops out:
the weights of the components that do apply are scaled up to 100, so a unit is neither rewarded
nor punished for what did not happen to it. ``combine`` returns each component's points rounded
to 0.01, and the total is their sum, so a drill-down always adds up to the score.
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
SEVERITY_POINTS = {"minor": 2, "major": 5, "serious": 10}
# Share of a finding's severity points deducted, by how it ended up.
FINDING_FACTORS = {"closed_on_time": 0.25, "closed_late": 0.75, "open": 0.5, "open_overdue": 1.0}
LAGGING = {"lagging", "critical", "missing"}


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


def milestones(statuses: Mapping[str, str]) -> Result:
    """Share of the subject's projects that are not lagging, critical or unreported."""
    if not statuses:
        return Result(None, {"rule": "无负责项目"})
    ok = sum(s not in LAGGING for s in statuses.values())
    return Result(_round(100 * ok / len(statuses)),
                  {"statuses": dict(statuses), "on_schedule": ok, "rule": "未滞后项目数 ÷ 项目数 × 100"})


def punctuality(on_time: int, submitted: int) -> Result:
    if not submitted:
        return Result(None, {"on_time": 0, "submitted": 0, "rule": "无报送"})
    return Result(_round(100 * on_time / submitted),
                  {"on_time": on_time, "submitted": submitted, "rule": "按时报送数 ÷ 报送数 × 100"})


def finding_deduction(severity: str, state: str, on_time: bool | None, workdays_overdue: int) -> float:
    base = SEVERITY_POINTS[severity]
    if state == "closed":
        return base * FINDING_FACTORS["closed_on_time" if on_time else "closed_late"]
    return base * FINDING_FACTORS["open_overdue" if workdays_overdue > 0 else "open"]


def rectification(findings: Sequence[Mapping]) -> Result:
    """100 less each finding's deduction: its severity points, less for a fix on time, more when overdue.

    ``findings`` are dicts with id, severity, state, on_time, workdays_overdue; no findings scores 100.
    """
    rows, total = [], 0.0
    for f in findings:
        d = finding_deduction(f["severity"], f["state"], f["on_time"], f["workdays_overdue"])
        total += d
        rows.append({**f, "deduction": d})
    return Result(_round(max(0.0, 100 - total)), {"findings": rows, "deducted": total,
                                                  "rule": "100 − Σ 问题分值 × 系数（按时销号0.25、超期销号0.75、"
                                                          "未到期0.5、超期未改1）"})


def satisfaction(counts: Mapping[str, int]) -> Result:
    """满意 100, 基本满意 70, 不满意 0, averaged over the answers."""
    n = sum(counts.values())
    if not n:
        return Result(None, {"counts": dict(counts), "rule": "无评价"})
    score = sum(RATING_POINTS[k] * v for k, v in counts.items()) / n
    return Result(_round(score), {"counts": dict(counts), "answers": n,
                                  "rule": "满意100、基本满意70、不满意0，取平均"})


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


def rank(totals: Sequence[Decimal]) -> list[int]:
    """Competition ranking (1, 2, 2, 4): equal totals share a place."""
    ordered = sorted(totals, reverse=True)
    return [ordered.index(t) + 1 for t in totals]
