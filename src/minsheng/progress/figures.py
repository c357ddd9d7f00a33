"""The figures in force, per month: what accepted reports say each target, share and project reached.

Figures are cumulative, so a month's figure stands until a later month's replaces it. Where two
units report the same figure for the same month (co-lead units on one target, or a district and
the lead unit on one share), the larger counts, whatever the row order: the status, the chart
and the milestone checks all read these functions, so they all see the same number.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from minsheng.progress.models import AllocationFigure, Report, TargetFigure
from minsheng.progress.report_states import IN_FORCE

PERIOD = ("report__period__year", "report__period__month")


def month_key(year: int, month: int) -> int:
    return year * 12 + month


def _larger_per_month(rows) -> dict[int, dict[int, Decimal]]:
    out: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for pk, value, year, month in rows:
        key = month_key(year, month)
        if value is not None and (key not in out[pk] or value > out[pk][key]):
            out[pk][key] = value
    return dict(out)


def target_figures(**filters) -> dict[int, dict[int, Decimal]]:
    """Target id -> month key -> the figure in force (``filters`` on TargetFigure, e.g. report__project=…)."""
    return _larger_per_month(TargetFigure.objects.filter(report__state=IN_FORCE, **filters)
                             .values_list("target_id", "value", *PERIOD))


def allocation_figures(**filters) -> dict[int, dict[int, Decimal]]:
    """Allocation id -> month key -> the district's figure in force."""
    return _larger_per_month(AllocationFigure.objects.filter(report__state=IN_FORCE, **filters)
                             .values_list("allocation_id", "value", *PERIOD))


def project_percents(**filters) -> tuple[dict[int, dict[int, Decimal]], dict[int, set[int]]]:
    """(project id -> month key -> 形象进度 in force, project id -> months with any accepted report)."""
    rows = list(Report.objects.filter(state=IN_FORCE, **filters)
                .values_list("project_id", "percent_complete", "period__year", "period__month"))
    reported: dict[int, set[int]] = defaultdict(set)
    for project_id, _value, year, month in rows:
        reported[project_id].add(month_key(year, month))
    return _larger_per_month(rows), dict(reported)


def as_of(history: dict[int, Decimal], key: int) -> Decimal | None:
    """The figure in force at month ``key``: that month's, or the latest before it."""
    past = [k for k in history if k <= key]
    return history[max(past)] if past else None
