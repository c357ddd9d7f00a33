"""节点进度: which scheduled milestones the accepted reports show were reached on time.

A milestone is checked once the reporting period of the month it falls in has closed: the
fraction the schedule fixes on its date (``progress.status.expected_fraction``, the same curve
the status uses) against the accepted cumulative figures of that month (or the latest month
before it). The deadline counts as the last milestone (100%), so a project with no 进度安排
is still held to its 完成时限. Dated tasks without a figure or percent fix nothing to check.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from minsheng.core.calendar import work_calendar
from minsheng.core.plan_settings import plan_setting
from minsheng.plans.models import Plan, Project
from minsheng.progress import periods as period_rules
from minsheng.progress.figures import as_of, month_key, project_percents, target_figures
from minsheng.progress.selectors import milestone_steps
from minsheng.progress.status import Step, TargetSpec, expected_fraction, target_fraction


def _month(day: datetime.date) -> int:
    return month_key(day.year, day.month)


def applies(step: Step, index: int, targets: list[TargetSpec]) -> bool:
    """Whether a step fixes a point for target ``index`` (a percent fixes one for every target)."""
    if step.percent is not None:
        return True
    return step.value is not None and (step.target == index or (step.target is None and len(targets) == 1))


def project_checks(project: Project, year: int, steps: list[Step], specs: list[TargetSpec], closed_month: int,
                   figures: dict[int, dict[int, Decimal]], percents: dict[int, Decimal]) -> list[dict]:
    """The milestone checks of one project: plain values in, plain dicts out (see ``scoring.milestones``)."""
    start = datetime.date(year, 1, 1)
    deadline = project.deadline or datetime.date(year, 12, 31)
    targets = list(project.targets.all())
    checks = []
    numeric = [i for i, t in enumerate(targets) if t.value]
    for i in numeric or [None]:
        own = [s for s in steps if s.percent is not None] if i is None else [s for s in steps if applies(s, i, specs)]
        dues = sorted({s.due for s in own} | {deadline})
        for due in dues:
            if _month(due) > closed_month:
                continue
            if i is None:
                expected = expected_fraction(due, start, deadline, own)
                value = as_of(percents, _month(due))
                actual = float(value) / 100 if value is not None else None
                label = "形象进度"
            else:
                expected = expected_fraction(due, start, deadline, steps, specs, i)
                value = as_of(figures.get(targets[i].pk, {}), _month(due))
                actual = target_fraction(float(value) if value is not None else None, specs[i])
                label = f"{targets[i].value.normalize():f}{targets[i].unit}"
            checks.append({"project": project.name, "target": label, "due": due.isoformat(),
                           "deadline": due == deadline, "expected": round(expected, 4),
                           "actual": None if actual is None else round(actual, 4)})
    return checks


def milestone_checks(plan: Plan, on: datetime.date, projects: list[Project]) -> dict[int, list[dict]]:
    """Checks per project id for the given projects (targets and milestones prefetched), in fixed queries."""
    reporting_day = plan_setting(plan, "reporting_day")
    closed = period_rules.last_closed_month(plan.year, on, reporting_day, work_calendar())
    if closed is None:
        return {}
    closed_month = month_key(*closed)
    # The figures the status reads (co-lead units reporting one target in one month: the larger).
    figures = target_figures(report__project__plan=plan)
    percents, _reported = project_percents(project__plan=plan)
    out = {}
    for project in projects:
        specs = [TargetSpec(float(t.value) if t.value is not None else None, t.op) for t in project.targets.all()]
        out[project.pk] = project_checks(project, plan.year, milestone_steps(project), specs, closed_month, figures,
                                         percents.get(project.pk, {}))
    return out
