"""报送及时率 has one window (progress.punctuality) that the notice and the assessment both read.

Before, the notice counted the reports of the months up to its period and the assessment those of
periods whose stored due date was before its date, while both counted the missing reports up to
the month closed by the reporting-day rule. When a stored due date lagged the rule (a period
opened before the plan's reporting day or the holiday calendar changed, and not yet re-synced)
the two disagreed on the same data. Worked by hand below.
"""

import datetime
from decimal import Decimal

import pytest

from minsheng.assessment.compute import assess
from minsheng.core.models import Unit
from minsheng.plans.services import load_plan_document
from minsheng.progress import punctuality
from minsheng.progress.models import Period, Report
from minsheng.progress.notice import notice_date, notice_figures
from minsheng.progress.selectors import plan_progress
from minsheng.progress.services import ensure_periods

pytestmark = pytest.mark.django_db
ON = datetime.date(2024, 7, 4)  # June's reports were due Wednesday 3 July (reporting day 3)


def _doc() -> dict:
    project = {"section": None, "category": "测试", "content": None, "leaders": [], "unit_leaders": [],
               "deadline": "2024-12-31", "kind": None, "funding": None, "partner_units": [], "milestones": [],
               "allocations": [], "targets": [{"value": 100, "unit": "个", "op": ">="}]}
    return {"schema": "minsheng.plan/1", "source": None,
            "plan": {"title": "报送及时率测算用计划", "issuer": None, "doc_number": None, "year": 2024,
                     "issued_on": None, "region": "杭州市"},
            "projects": [{**project, "ref": "1", "name": "新增助餐点100个", "lead_units": ["市民政局"]},
                         {**project, "ref": "2", "name": "新建学校100所", "lead_units": ["市教育局"]}]}


@pytest.fixture
def case():
    plan = load_plan_document(_doc()).plan
    p1 = plan.projects.get(ref="1")
    civil = Unit.objects.get(region=plan.region, name="市民政局")
    education = Unit.objects.get(region=plan.region, name="市教育局")
    periods = {p.month: p for p in ensure_periods(plan, ON)}  # January to July, due by the rule
    assert periods[6].due_on == datetime.date(2024, 7, 3)
    # June's stored due date lags the rule by two days.
    Period.objects.filter(pk=periods[6].pk).update(due_on=datetime.date(2024, 7, 5))
    periods[6].refresh_from_db()
    # 市民政局 files January (late) to June (on time), and July early; submitted, not yet accepted.
    for month in range(1, 8):
        Report.objects.create(project=p1, unit=civil, period=periods[month], state=Report.State.SUBMITTED,
                              late=month == 1)
    return plan, periods, civil, education


def test_one_window_for_the_notice_and_the_assessment(case):
    plan, periods, civil, education = case
    # Closed on 4 July: January–June. 市民政局 filed 6 of them, 5 on time (July is not yet due);
    # 市教育局 filed none of its 6.
    units = punctuality.by_unit(plan_progress(plan, ON))
    mine = units[civil.pk]
    assert (mine.owed, mine.submitted, mine.on_time, mine.missed) == (6, 6, 5, 0)
    assert round(mine.rate, 2) == 83.33
    theirs = units[education.pk]
    assert (theirs.owed, theirs.submitted, theirs.missed, theirs.rate) == (6, 0, 6, 0.0)

    # The assessment on 4 July used to count January–May only (June's stored date is 5 July):
    # 4 of 5 = 80.00. Now it reads the same window as the status: 5 of 6.
    result = assess(plan, ON)
    scored = {s.key: {c.key: c for c in s.components} for s in result.units}
    assert scored[civil.pk]["punctuality"].value == Decimal("83.33")
    assert scored[civil.pk]["punctuality"].inputs["submitted"] == 6  # owed
    assert scored[education.pk]["punctuality"].value == Decimal("0.00")

    # The June notice says 83.3 too. It is judged the day after June's due date by the rule (4 July),
    # as the status and the flag proposals are, not by the lagging stored date (it said 6 July).
    assert notice_date(periods[6]) == ON
    figures = notice_figures(plan_progress(plan, notice_date(periods[6])), 1, periods[6])
    rows = {u["unit"]: u for u in figures["units_by_punctuality"]}
    assert (rows["市民政局"]["owed"], rows["市民政局"]["on_time"], rows["市民政局"]["rate"]) == (6, 5, 83.3)
    # A unit that filed nothing is listed last and unranked, as the notice's rule says, its 6 owed shown.
    assert figures["units_by_punctuality"][-1] == {"rank": None, "unit": "市教育局", "owed": 6, "submitted": 0,
                                                   "on_time": 0, "missed": 6, "rate": None}


def test_nothing_is_owed_before_the_first_due_date(case):
    plan, _periods, civil, _education = case
    # 1 February: January's reports are not due before the 3rd, so no month is closed yet and
    # neither the report filed for January nor the one missing counts.
    assert punctuality.by_unit(plan_progress(plan, datetime.date(2024, 2, 1))) == {}
