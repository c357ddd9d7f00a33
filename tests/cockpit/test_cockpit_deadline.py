"""The cockpit across a reporting deadline, on the simulated Hangzhou plan.

October's reports are due 4 November 2024 (the 3rd is a Sunday): on the 4th September is the last
closed period, on the 5th October is. Nothing is accepted between the two days, so every project
keeps its figures, and its status moves only as far as one day of expected progress moves it;
October's missing reports appear beside the statuses, not instead of them.
"""

import datetime

import pytest

from minsheng.cockpit.selectors import cockpit
from minsheng.plans.models import ProjectUnit
from minsheng.progress.models import Report
from minsheng.progress.report_states import REPORTED
from minsheng.progress.simulate import simulate_plan
from minsheng.progress.status import Status, classify

pytestmark = pytest.mark.django_db
BEFORE, AFTER = datetime.date(2024, 11, 4), datetime.date(2024, 11, 5)


def _counts(data: dict) -> dict[str, int]:
    return {s["status"]: s["value"] for s in data["charts"]["status"]}


def _overdue_by_hand(plan, month: int, done: set[int]) -> set[int]:
    """Projects none of whose lead units has a submitted (or later) report for the month, unless done."""
    leads: dict[int, set[int]] = {}
    for project_id, unit_id in ProjectUnit.objects.filter(project__plan=plan, role=ProjectUnit.Role.LEAD
                                                          ).values_list("project_id", "unit_id"):
        leads.setdefault(project_id, set()).add(unit_id)
    filed = set(Report.objects.filter(project__plan=plan, period__month=month, state__in=REPORTED)
                .values_list("project_id", "unit_id"))
    return {pk for pk, units in leads.items()
            if pk not in done and not any((pk, u) in filed for u in units)}


@pytest.mark.parametrize("until", [9, 10], ids=["simulated-to-september", "simulated-to-october"])
def test_the_day_after_a_deadline_shows_the_same_statuses_plus_the_late_reports(users, hangzhou_plan, until):
    simulate_plan(hangzhou_plan, (2024, until), 2024)
    before = cockpit(users["coordinator"], hangzhou_plan, BEFORE)
    after = cockpit(users["coordinator"], hangzhou_plan, AFTER)
    assert (before["progress"].closed_period, after["progress"].closed_period) == ((2024, 9), (2024, 10))

    assert _counts(after) == _counts(before)
    assert _counts(after)["done"] + _counts(after)["lagging"] + _counts(after)["critical"] > 0
    rows_before = {p.project.pk: p for p in before["progress"].projects}
    accepted = set(Report.objects.filter(project__plan=hangzhou_plan, state=Report.State.ACCEPTED)
                   .values_list("project_id", flat=True))
    for p in after["progress"].projects:
        assert p.fraction == rows_before[p.project.pk].fraction  # the same figures on both days
        assert p.status == classify(p.fraction, p.expected, overdue_days=p.overdue_days,
                                    reported=p.project.pk in accepted)
        assert (p.status == Status.MISSING) == (p.project.pk not in accepted)

    done = {p.project.pk for p in after["progress"].projects if p.status == Status.DONE}
    overdue = _overdue_by_hand(hangzhou_plan, 10, done)
    assert {p.project.pk for p in after["progress"].overdue_reports()} == overdue
    assert after["overdue_reports"]["count"] == len(overdue) > 0
    if until == 9:  # nobody has filed October: every project not done is late, none lost its status
        assert len(overdue) == len(after["progress"].projects) - len(done)
    assert before["overdue_reports"]["count"] == len(_overdue_by_hand(hangzhou_plan, 9, done))
