"""Which report states count (progress.report_states), seen through every reader that asks.

A report the unit has submitted counts as reported everywhere (its task is done, it is a past
year's last round); its figures are in force nowhere (progress, portal) until it is accepted.
"""

import datetime
from decimal import Decimal

import pytest

from minsheng.core.models import Unit
from minsheng.plans.services import load_plan_document
from minsheng.portal.selectors import latest_public_reports
from minsheng.progress.models import Report, TargetFigure
from minsheng.progress.report_states import in_force, is_reported
from minsheng.progress.selectors import plan_progress, reading_day
from minsheng.progress.services import ensure_periods
from minsheng.progress.tasks_page import unit_tasks

pytestmark = pytest.mark.django_db
ON = datetime.date(2024, 3, 1)


def test_the_two_rules_state_by_state():
    states = [s.value for s in Report.State]
    assert [s for s in states if is_reported(s)] == ["submitted", "reviewed", "accepted"]
    assert [s for s in states if in_force(s)] == ["accepted"]


@pytest.fixture
def submitted():
    project = {"section": None, "category": "测试", "content": None, "leaders": [], "unit_leaders": [],
               "deadline": "2024-12-31", "kind": None, "funding": None, "partner_units": [], "milestones": [],
               "allocations": [], "targets": [{"value": 100, "unit": "个", "op": ">="}]}
    plan = load_plan_document({
        "schema": "minsheng.plan/1", "source": None,
        "plan": {"title": "报送状态测试计划", "issuer": None, "doc_number": None, "year": 2024, "issued_on": None,
                 "region": "杭州市"},
        "projects": [{**project, "ref": "1", "name": "新增助餐点100个", "lead_units": ["市民政局"]}]}).plan
    project = plan.projects.get()
    unit = Unit.objects.get(region=plan.region, name="市民政局")
    january = next(p for p in ensure_periods(plan, ON) if p.month == 1)
    report = Report.objects.create(project=project, unit=unit, period=january, state=Report.State.SUBMITTED,
                                   progress_text="已建成40个")
    TargetFigure.objects.create(report=report, target=project.targets.get(), value=Decimal(40))
    return plan, project, unit, report


def test_submitted_is_reported_but_its_figures_are_not_in_force(submitted):
    plan, project, unit, report = submitted
    # Reported: January is off the unit's list; February (still open) is on it.
    assert [t.period.month for t in unit_tasks(unit, ON) if t.project == project] == [2, 3]
    # A past year's pages read on the day after its last reported round: January's due date + 1.
    assert reading_day(plan, datetime.date(2025, 6, 1)) == report.period.due_on + datetime.timedelta(days=1)
    # Not in force: no actual figure and nothing public.
    row = plan_progress(plan, ON).projects[0]
    assert row.targets[0].actual is None and latest_public_reports(project) == []

    Report.objects.filter(pk=report.pk).update(state=Report.State.ACCEPTED)
    row = plan_progress(plan, ON).projects[0]
    assert row.targets[0].actual == Decimal(40)
    assert [r.progress_text for r in latest_public_reports(project)] == ["已建成40个"]


def test_a_returned_report_is_neither(submitted):
    plan, project, unit, report = submitted
    Report.objects.filter(pk=report.pk).update(state=Report.State.RETURNED)
    assert [t.period.month for t in unit_tasks(unit, ON) if t.project == project] == [1, 2, 3]
    # No round reported: a past year is read on its last day.
    assert reading_day(plan, datetime.date(2025, 6, 1)) == datetime.date(2024, 12, 31)
    assert plan_progress(plan, ON).projects[0].targets[0].actual is None
