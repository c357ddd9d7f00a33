"""The status engine: expected vs actual progress and the status that follows (DESIGN.md).

Plain functions over plain values, so the rules can be read and tested without a database.
Fractions are floats in [0, ∞): 1.0 means the target is met; actual progress is stored
uncapped (over-fulfilment shows) and capped only for display.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from django.utils.translation import pgettext


class Status(StrEnum):
    DONE = "done"
    AHEAD = "ahead"
    ON_TRACK = "on_track"
    LAGGING = "lagging"
    CRITICAL = "critical"
    MISSING = "missing"


STATUS_LABELS = {
    Status.DONE: "已完成",
    Status.AHEAD: "超前",
    Status.ON_TRACK: "正常",
    Status.LAGGING: "滞后",
    Status.CRITICAL: "严重滞后",
    Status.MISSING: "未报送",
}
# Worst first: a group of projects is shown by its worst member where one status must stand for all.
SEVERITY = [Status.MISSING, Status.CRITICAL, Status.LAGGING, Status.ON_TRACK, Status.AHEAD, Status.DONE]


class ReportGap(StrEnum):
    """What is wrong with the report for the last closed period: shown beside the status, never instead of it."""

    MISSING = "missing"  # nothing submitted by the deadline, nor since
    LATE = "late"  # submitted, but after the deadline


REPORT_GAP_LABELS = {
    ReportGap.MISSING: "逾期未报",
    ReportGap.LATE: "逾期报送",
}


# The labels above stay Chinese for the notices and the half-year report, which print them; pages
# show these. The context keeps the status 正常 apart from the appeal clock's.
def status_label(status: Status | str) -> str:
    """The status's name in the active language."""
    return {
        Status.DONE: pgettext("status", "已完成"),
        Status.AHEAD: pgettext("status", "超前"),
        Status.ON_TRACK: pgettext("status", "正常"),
        Status.LAGGING: pgettext("status", "滞后"),
        Status.CRITICAL: pgettext("status", "严重滞后"),
        Status.MISSING: pgettext("status", "未报送"),
    }[Status(status)]


def report_gap_label(gap: ReportGap | str) -> str:
    """The report gap's name in the active language."""
    return {ReportGap.MISSING: pgettext("report gap", "逾期未报"),
            ReportGap.LATE: pgettext("report gap", "逾期报送")}[ReportGap(gap)]


@dataclass(frozen=True)
class Thresholds:
    ahead_points: float = 10
    lagging_points: float = 10
    critical_points: float = 25
    critical_overdue_days: int = 30


@dataclass(frozen=True)
class Step:
    """A milestone as the status engine sees it."""

    due: datetime.date
    percent: float | None = None
    value: float | None = None
    cumulative: bool | None = None
    target: int | None = None


@dataclass(frozen=True)
class TargetSpec:
    value: float | None
    op: str = ">="


def _points(
    steps: Sequence[Step], target_index: int, targets: Sequence[TargetSpec]
) -> list[tuple[datetime.date, float]]:
    """The (date, expected fraction) points the schedule fixes for one target.

    A percent applies to every target; a figure applies to the target it names (or the only
    one). Per-quarter shares (cumulative False) are added up to a running total. A step with
    no number fixes no point: it is a dated task, checked as a milestone, not a fraction.
    """
    goal = targets[target_index].value if targets else None
    running = 0.0
    points = []
    for step in sorted(steps, key=lambda s: s.due):
        applies = step.target is None or step.target == target_index
        if step.percent is not None and applies:
            points.append((step.due, step.percent / 100))
        elif step.value is not None and goal and (
            step.target == target_index or (step.target is None and len(targets) == 1)
        ):
            if step.cumulative is False:
                running += step.value
                points.append((step.due, running / goal))
            else:
                points.append((step.due, step.value / goal))
    return points


def _interpolate(on: datetime.date, points: list[tuple[datetime.date, float]]) -> float:
    if on <= points[0][0]:
        return points[0][1]
    for (d0, f0), (d1, f1) in zip(points, points[1:], strict=False):
        if on <= d1:
            span = (d1 - d0).days
            return f1 if span <= 0 else f0 + (f1 - f0) * (on - d0).days / span
    return points[-1][1]


def expected_fraction(
    on: datetime.date,
    start: datetime.date,
    deadline: datetime.date,
    steps: Sequence[Step] = (),
    targets: Sequence[TargetSpec] = (),
    target_index: int = 0,
) -> float:
    """Where a target should be on ``on``: linear between milestone points, 0 at plan start,
    all of it by the deadline."""
    points = [(start, 0.0), *_points(steps, target_index, targets)]
    if not any(d >= deadline for d, _ in points[1:]):
        points.append((deadline, 1.0))
    points.sort(key=lambda p: p[0])
    # Later points never expect less than earlier ones (a schedule restating a smaller figure).
    monotone, best = [], 0.0
    for d, f in points:
        best = max(best, f)
        monotone.append((d, best))
    return min(_interpolate(on, monotone), 1.0)


def target_fraction(actual: float | None, target: TargetSpec) -> float | None:
    """Actual progress of one target; uncapped so that over-fulfilment shows."""
    if actual is None or not target.value:
        return None
    if target.op == "<=":
        # A ceiling (控制在…以内) is met while the figure stays under it.
        return 1.0 if actual <= target.value else target.value / actual
    return actual / target.value


def project_fraction(fractions: Iterable[float | None], weights: Iterable[float | None] | None = None) -> float | None:
    """Mean of the targets' progress, weighted when the plan sets weights."""
    pairs = [(f, w) for f, w in zip(fractions, weights or _ones(), strict=False) if f is not None]
    if not pairs:
        return None
    weights_given = [w if w is not None else 1.0 for _, w in pairs]
    total = sum(weights_given)
    return sum(f * w for (f, _), w in zip(pairs, weights_given, strict=True)) / total if total else None


def _ones():
    while True:
        yield 1.0


def missed_milestone_days(on: datetime.date, steps: Sequence[Step], actual: float | None,
                          targets: Sequence[TargetSpec], target_index: int = 0) -> int:
    """Days since the oldest milestone whose fraction the actual progress has not reached."""
    worst = 0
    for due, fraction in _points(steps, target_index, targets):
        if due < on and (actual or 0) < fraction - 1e-9:
            worst = max(worst, (on - due).days)
    return worst


def classify(
    actual: float | None,
    expected: float,
    thresholds: Thresholds = Thresholds(),
    overdue_days: int = 0,
    reported: bool = True,
) -> Status:
    """The status of the latest accepted figures against the expected progress of the date.

    ``reported`` is whether the project has any accepted figures at all: only a project with
    none is 未报送. A report missing for one period does not enter here (see ``report_gap``).
    """
    if not reported:
        return Status.MISSING
    a = actual or 0.0
    if a >= 1.0 - 1e-9:
        return Status.DONE
    gap = round((a - expected) * 100, 6)  # 0.7 - 0.6 is 9.999… in floating point
    if gap < -thresholds.critical_points or overdue_days > thresholds.critical_overdue_days:
        return Status.CRITICAL
    if gap < -thresholds.lagging_points:
        return Status.LAGGING
    if gap >= thresholds.ahead_points:
        return Status.AHEAD
    return Status.ON_TRACK


def report_gap(period_closed: bool, submitted: bool, submitted_late: bool, done: bool) -> ReportGap | None:
    """The last closed period's report: missing, late, or fine.

    A project already done needs no further report; before the first deadline nothing is owed.
    """
    if not period_closed:
        return None
    if not submitted:
        return None if done else ReportGap.MISSING
    return ReportGap.LATE if submitted_late else None


def with_pace(steps: Sequence[Step], pace: Sequence[Step]) -> list[Step]:
    """A project's schedule with the document's pace rules (半年度完成全年目标的60%) as points.

    The project's own schedule wins: the document's rules apply only to a project whose
    milestones fix no figure of their own.
    """
    if any(s.percent is not None or s.value is not None for s in steps):
        return list(steps)
    return [*steps, *pace]


def worst(statuses: Iterable[Status]) -> Status | None:
    found = set(statuses)
    return next((s for s in SEVERITY if s in found), None)


def forecast_completion(series: Sequence[tuple[datetime.date, float]]) -> datetime.date | None:
    """When the trend of the last reports reaches 100%: least squares over (date, fraction).

    None when there are fewer than two points or progress is not rising.
    """
    if series and series[-1][1] >= 1.0:
        return series[-1][0]
    points = list(series)[-6:]
    if len(points) < 2:
        return None
    xs = [d.toordinal() for d, _ in points]
    ys = [f for _, f in points]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    var = sum((x - mx) ** 2 for x in xs)
    if var == 0:
        return None
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / var
    if slope <= 0:
        return None
    day = mx + (1.0 - my) / slope
    return datetime.date.fromordinal(min(int(round(day)), datetime.date.max.toordinal()))


MIDYEAR_SHARE = 0.6  # 时间过半任务过半 where the plan names no mid-year share of its own (the seeds' 60%)


def midyear_check(year: int, actual: float | None, on: datetime.date, share: float = MIDYEAR_SHARE) -> bool | None:
    """时间过半任务过半: by 30 June at least ``share`` must be done.

    None before the check date (nothing to say yet).
    """
    if on < datetime.date(year, 6, 30):
        return None
    return (actual or 0.0) >= share - 1e-9


def suggest_flag(status: Status, previous: Sequence[Status], overdue_days: int,
                 thresholds: Thresholds = Thresholds(), missed_reports: int = 0) -> str | None:
    """Why a project should be put under flagged supervision (挂牌督办), or None.

    Critical now, lagging for three periods running, a milestone missed by more than the
    critical delay, or the reports of the last two closed periods missing (``missed_reports``
    counts the closed periods in a row, latest first, with no report): the cases the seeds'
    notices name for 挂牌督办. ``previous`` are the statuses at the earlier closed periods,
    oldest first.
    """
    if status == Status.CRITICAL:
        if overdue_days > thresholds.critical_overdue_days:
            return f"进度节点已逾期{overdue_days}天"
        return "进度严重滞后"
    recent = [*previous[-2:], status]
    if len(recent) == 3 and all(s in (Status.LAGGING, Status.CRITICAL) for s in recent):
        return "连续三期进度滞后"
    if missed_reports >= 2:
        return "连续两期未报送"
    return None
