"""Flag proposals (建议挂牌督办) from the stored history: the engine proposes, a coordinator decides.

The rules are ``status.suggest_flag``'s; this module feeds them what they need from the
database: the statuses each project had at the two closed periods before the last one (each
judged the day after its deadline, as its notice was) and the run of missed reports.
"""

from __future__ import annotations

from minsheng.plans.models import Plan
from minsheng.progress.models import FlagSuggestion, Period
from minsheng.progress.plan_settings import plan_thresholds
from minsheng.progress.selectors import PlanProgress, judged_on, plan_progress
from minsheng.progress.status import Status, suggest_flag

HISTORY = 2  # three periods in a row: the last closed one and the two before it


def earlier_statuses(progress: PlanProgress, count: int = HISTORY) -> dict[int, list[Status]]:
    """Each project's status at the ``count`` closed periods before the last one, oldest first.

    One ``plan_progress`` per earlier period (a fixed number of queries each).
    """
    if progress.closed_period is None:
        return {}
    plan = progress.plan
    year, month = progress.closed_period
    ids = [p.project.pk for p in progress.projects]
    history: dict[int, list[Status]] = {pk: [] for pk in ids}
    for back in range(count, 0, -1):
        if month - back < 1:
            continue  # before the plan year: nothing was due
        earlier = plan_progress(plan, judged_on(plan, year, month - back), project_ids=ids)
        for p in earlier.projects:
            history[p.project.pk].append(p.status)
    return history


def propose_flags(plan: Plan, progress: PlanProgress) -> list[FlagSuggestion]:
    """The pending proposals for the last closed period, created once per project and period."""
    if progress.closed_period is None:
        return []
    period = Period.objects.filter(plan=plan, year=progress.closed_period[0], month=progress.closed_period[1]).first()
    if period is None:
        return []
    existing = set(FlagSuggestion.objects.filter(period=period).values_list("project_id", flat=True))
    candidates = [p for p in progress.projects if not p.flagged and p.project.pk not in existing]
    if candidates:
        thresholds = plan_thresholds(plan)
        history = earlier_statuses(progress)
        new = [FlagSuggestion(project=p.project, period=period, reason=reason) for p in candidates
               if (reason := suggest_flag(p.status, history.get(p.project.pk, []), p.overdue_days, thresholds,
                                          p.missed_reports))]
        FlagSuggestion.objects.bulk_create(new, ignore_conflicts=True)
    return list(FlagSuggestion.objects.filter(period=period, decision=FlagSuggestion.Decision.PENDING)
                .select_related("project"))
