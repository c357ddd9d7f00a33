"""Parents roll up from their children, and each piece of work is counted once.

The rule, applied wherever projects are counted, averaged or ranked (status counts, the cockpit,
notices, the portal, the assessment): **the work is the leaves**. A project with children (a
voted key project, the 序号 row above sub-items 1-1, 1-2) is not counted itself; its progress is
the mean of its children's (each capped at 100%, weighted by ``Project.weight`` where set, else
equally) and its status follows from that, so it is shown beside its children, never added to them.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from minsheng.plans.structure import ROLLUP_RULE
from minsheng.progress.status import Status, Thresholds, classify

if TYPE_CHECKING:
    from minsheng.progress.selectors import PlanProgress, ProjectProgress

RULE = ROLLUP_RULE


def weighted_mean(values: list[tuple[float, float]]) -> float | None:
    """Mean of (value, weight) pairs; None when there is nothing to average."""
    total = sum(w for _, w in values)
    return sum(v * w for v, w in values) / total if total else None


def _depth(project_id: int, parent_of: dict[int, int | None]) -> int:
    depth, seen, node = 0, {project_id}, parent_of.get(project_id)
    while node is not None and node in parent_of and node not in seen:
        seen.add(node)
        depth += 1
        node = parent_of.get(node)
    return depth


def roll_up(progress: PlanProgress, thresholds: Thresholds, keep: set[int] | None = None) -> PlanProgress:
    """Move the parents out of ``progress.projects`` into ``progress.parents``, rolled up from their children.

    ``keep``: the projects asked for, when the caller asked for some; the children loaded only to
    roll a parent up are left out of the result (a public page must not list a child that is not public).
    """
    by_id = {p.project.pk: p for p in progress.projects}
    parent_of = {pk: p.project.parent_id for pk, p in by_id.items()}
    children: dict[int, list[ProjectProgress]] = defaultdict(list)
    for p in progress.projects:
        if p.project.parent_id in by_id and p.project.parent_id != p.project.pk:
            children[p.project.parent_id].append(p)
    # Deepest parents first, so a middle level is rolled up before the level above reads it.
    for pk in sorted(children, key=lambda pk: -_depth(pk, parent_of)):
        parent, kids = by_id[pk], children[pk]
        weights = [float(k.project.weight) if k.project.weight is not None else 1.0 for k in kids]
        pairs = list(zip(kids, weights, strict=True))
        # A child with no accepted figures yet counts as 0 done: the parent is not further than its work.
        parent.fraction = weighted_mean([(min(k.fraction or 0.0, 1.0), w) for k, w in pairs]) \
            if any(k.fraction is not None for k in kids) else None
        parent.expected = weighted_mean([(k.expected, w) for k, w in pairs]) or 0.0
        parent.overdue_days = max(k.overdue_days for k in kids)
        parent.reported = any(k.reported for k in kids)
        # Status from the children's figures; a parent owes no report of its own, so no gap either.
        # 未报送 only when every child is: a child's own status already weighs the deadlines.
        has_figures = any(k.status != Status.MISSING for k in kids)
        parent.status = classify(parent.fraction, parent.expected, thresholds, parent.overdue_days, has_figures)
        parent.report_gap, parent.missed_reports = None, 0
        forecasts = [k.forecast for k in kids]
        parent.forecast = max(forecasts) if all(forecasts) else None
        parent.flagged = parent.flagged or any(k.flagged for k in kids)
        parent.children = kids
    progress.parents = [by_id[pk] for pk in by_id if pk in children and (keep is None or pk in keep)]
    progress.projects = [p for p in progress.projects
                         if p.project.pk not in children and (keep is None or p.project.pk in keep)]
    # A parent's own allocation table restates its children's: the districts count the children's.
    progress.district_shares = {name: [(p, f) for p, f in shares if p.project.pk not in children]
                                for name, shares in progress.district_shares.items()}
    progress.district_shares = {k: v for k, v in progress.district_shares.items() if v}
    progress.district_rows = {name: [r for r in rows if r.project.project.pk not in children]
                              for name, rows in progress.district_rows.items()}
    progress.district_rows = {k: v for k, v in progress.district_rows.items() if v}
    return progress


def find(progress: PlanProgress, project_id: int) -> ProjectProgress | None:
    """One project's progress, whether it is counted work or a parent."""
    return next((p for p in [*progress.projects, *progress.parents] if p.project.pk == project_id), None)
