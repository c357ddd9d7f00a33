"""Every component of the assessment on a two-project plan, with figures worked out by hand.

The plan (杭州市, 2024): P1 led by 市民政局 with 市财政局 as partner, 100个, a milestone of 50 by
30 June, allocated 上城区 60 / 拱墅区 40; P2 led by 市教育局, 10所, no milestone. Both are due
30 November; the assessment is on 10 December, when November's reports are closed.

Reports are monthly from January, so by then each lead unit owed 11 (January to November, fewer
for a project done earlier: none after the month its figures reached 100%). A report owed and never
filed counts as one not on time (DESIGN: a missing report is counted in punctuality).
"""

import datetime
from decimal import Decimal

import pytest

from minsheng.appeals.models import Appeal, AppealCategory, AppealState
from minsheng.assessment import services
from minsheng.assessment.compute import assess
from minsheng.assessment.models import Rating
from minsheng.core.models import Region, Unit
from minsheng.plans.services import load_plan_document
from minsheng.portal.models import Rating as PortalRating
from minsheng.progress.models import AllocationFigure, Period, Report, TargetFigure
from minsheng.supervision import services as supervision
from minsheng.supervision.models import Finding, Inspection

pytestmark = pytest.mark.django_db
ON = datetime.date(2024, 12, 10)
TZ = datetime.timezone(datetime.timedelta(hours=8))


def _doc() -> dict:
    project = {"section": None, "category": "测试", "content": None, "leaders": [], "unit_leaders": [],
               "deadline": "2024-11-30", "kind": None, "funding": None}
    return {"schema": "minsheng.plan/1", "source": None,
            "plan": {"title": "考核测算用计划", "issuer": None, "doc_number": None, "year": 2024, "issued_on": None,
                     "region": "杭州市"},
            "projects": [
                {**project, "ref": "1", "name": "新增助餐点100个", "lead_units": ["市民政局"],
                 "partner_units": ["市财政局"], "targets": [{"value": 100, "unit": "个", "op": ">="}],
                 "milestones": [{"due": "2024-06-30", "percent": None, "value": 50, "cumulative": True,
                                 "target": 0}],
                 "allocations": [{"region": "上城区", "value": 60, "unit": "个", "target": 0},
                                 {"region": "拱墅区", "value": 40, "unit": "个", "target": 0}]},
                {**project, "ref": "2", "name": "新建学校10所", "lead_units": ["市教育局"], "partner_units": [],
                 "targets": [{"value": 10, "unit": "所", "op": ">="}], "milestones": [], "allocations": []},
            ]}


@pytest.fixture
def small():
    plan = load_plan_document(_doc()).plan
    city = plan.region
    units = {n: Unit.objects.get(region=city, name=n) for n in ("市民政局", "市教育局", "市财政局")}
    units["上城区"] = Unit.objects.get(region__name="上城区", kind=Unit.Kind.GOVERNMENT)
    p1, p2 = plan.projects.order_by("position")
    return plan, p1, p2, units


def _report(project, unit, month, value=None, late=False, allocation=None, allocation_value=None):
    period, _ = Period.objects.get_or_create(plan=project.plan, year=2024, month=month,
                                             defaults={"due_on": datetime.date(2024, month + 1, 3)})
    report = Report.objects.create(project=project, unit=unit, period=period, state=Report.State.ACCEPTED, late=late)
    if value is not None:
        TargetFigure.objects.create(report=report, target=project.targets.get(), value=Decimal(value))
    if allocation is not None:
        AllocationFigure.objects.create(report=report, allocation=allocation, value=Decimal(allocation_value))
    return report


def _appeal(unit, accepted_late: bool, rating: str):
    received = datetime.datetime(2024, 5, 6, 9, tzinfo=TZ)
    due = received + datetime.timedelta(days=1)
    return Appeal.objects.create(
        category=AppealCategory.objects.first(), region=unit.region, title="助餐点", content="希望增加助餐点",
        state=AppealState.objects.get(pk=AppealState.CLOSED), unit=unit, received_at=received, accept_due=due,
        accepted_at=due + datetime.timedelta(hours=2) if accepted_late else received + datetime.timedelta(hours=1),
        rating=rating)


@pytest.fixture
def with_data(small, users):
    plan, p1, p2, units = small
    civil, education, district = units["市民政局"], units["市教育局"], units["上城区"]
    _report(p1, civil, 6, 45)  # June: 45 of the 50 the milestone asks, within 10 points: met
    _report(p1, civil, 11, 85, late=True)  # November: 85% at the deadline, 15 points short: missed
    _report(p2, education, 11, 10)  # all done by the deadline
    _report(p1, district, 11, allocation=p1.allocations.get(label="上城区"), allocation_value=30)  # half its 60
    inspection = supervision.record_inspection(
        plan, users["coordinator"], kind=Inspection.Kind.ONLINE, date=datetime.date(2024, 8, 1), team="督查室",
        projects=[p1], findings=[
            supervision.FindingInput(text, severity, civil, deadline, "整改", p1) for text, severity, deadline in (
                ("台账不全", Finding.Severity.SERIOUS, datetime.date(2024, 8, 20)),
                ("公示缺失", Finding.Severity.MINOR, datetime.date(2024, 9, 30)),
                ("选址待定", Finding.Severity.MAJOR, datetime.date(2024, 12, 31)))])
    serious = inspection.findings.get(severity=Finding.Severity.SERIOUS)
    Finding.objects.filter(pk=serious.pk).update(  # fixed and reported before its deadline, signed off after
        state=Finding.State.CLOSED, reported_at=datetime.datetime(2024, 8, 15, 10, tzinfo=TZ),
        closed_at=datetime.datetime(2024, 8, 25, 10, tzinfo=TZ))
    services.rate_project(p1, users["deputy"], Rating.BASIC)
    survey = services.create_survey(p1, users["coordinator"], "满意度测评")
    for rating in (Rating.SATISFIED, Rating.UNSATISFIED):
        services.answer_survey(survey, rating)
    survey.responses.update(created_at=datetime.datetime(2024, 10, 1, 10, tzinfo=TZ))
    for choice in (PortalRating.Choice.SATISFIED, PortalRating.Choice.BASIC):
        PortalRating.objects.create(project=p1, choice=choice, address_hash="x")
    PortalRating.objects.filter(project=p1).update(created_at=datetime.datetime(2024, 10, 2, 10, tzinfo=TZ))
    _appeal(civil, accepted_late=False, rating=Appeal.Rating.SATISFIED)
    _appeal(civil, accepted_late=True, rating=Appeal.Rating.UNSATISFIED)
    return small


def _parts(result, key):
    subject = next(s for s in [*result.units, *result.districts] if s.key == key)
    return subject, {c.key: c for c in subject.components}


def test_every_component_with_data_worked_out_by_hand(with_data):
    plan, p1, p2, units = with_data
    result = assess(plan, ON)
    civil, parts = _parts(result, units["市民政局"].pk)
    values = {k: c.value for k, c in parts.items()}
    assert values == {
        "task_load": Decimal("100.00"),  # led 1, the heaviest load is 1
        "completion": Decimal("85.00"),  # 85 of 100
        "milestones": Decimal("50.00"),  # June met, the deadline missed
        # Owed January–November = 11: June on time, November late, the other 9 never filed: 1 ÷ 11 = 9.09.
        "punctuality": Decimal("9.09"),
        "rectification": Decimal("83.33"),  # (10×100 closed on time + 2×0 overdue) ÷ 12; the major one not yet due
        "deputies": Decimal("70.00"),  # one 基本满意
        "public": Decimal("67.50"),  # survey 满意+不满意, portal 满意+基本满意: (100+0+100+70) ÷ 4
        "appeals": Decimal("50.00"),  # accepted on time 1 of 2, satisfied 1 of 2
    }
    # All eight apply, so each keeps its weight: 10+17+5+0.45 (9.09 × 5%)+8.33+14+10.13+5.
    assert [parts[k].points for k in ("task_load", "completion", "milestones", "punctuality", "rectification",
                                      "deputies", "public", "appeals")] == [
        Decimal("10.00"), Decimal("17.00"), Decimal("5.00"), Decimal("0.45"), Decimal("8.33"), Decimal("14.00"),
        Decimal("10.13"), Decimal("5.00")]
    assert civil.total == Decimal("69.91") and civil.grade == "一般"
    assert parts["public"].inputs["portal"] == {"satisfied": 1, "basic": 1}

    education, parts = _parts(result, units["市教育局"].pk)
    # No findings, ratings or appeals: neutral. The other four scale up to 100 (weights 10/20/10/5 of 45).
    assert {k for k, c in parts.items() if c.value is None} == {"rectification", "deputies", "public", "appeals"}
    # P2 reached 10 of 10 in November, so November is the last month owed: January–November = 11,
    # only November filed (on time): 1 ÷ 11 = 9.09, worth 9.09 × 5/45 = 1.01.
    assert parts["punctuality"].value == Decimal("9.09")
    assert [parts[k].points for k in ("task_load", "completion", "milestones", "punctuality")] == [
        Decimal("22.22"), Decimal("44.44"), Decimal("22.22"), Decimal("1.01")]
    assert education.total == Decimal("89.89") and education.grade == "良好"

    finance, parts = _parts(result, units["市财政局"].pk)
    assert parts["task_load"].value == Decimal("50.00")  # a partner counts half
    assert parts["completion"].value == Decimal("85.00")  # the project it partners on
    assert parts["milestones"].value is None  # it leads nothing
    assert parts["punctuality"].value is None  # a partner owes no report and filed none: no data
    assert finance.total == Decimal("73.34")  # 50 × 10/30 + 85 × 20/30 = 16.67 + 56.67

    shangcheng, parts = _parts(result, Region.objects.get(name="上城区").pk)
    assert parts["completion"].value == Decimal("50.00")  # 30 of its 60
    assert parts["punctuality"].value == Decimal("100.00")
    assert shangcheng.total == Decimal("71.43")  # 28.57 + 28.57 + 14.29 over task load, completion, punctuality
    gongshu, parts = _parts(result, Region.objects.get(name="拱墅区").pk)
    assert parts["completion"].value == Decimal("0.00") and gongshu.total == Decimal("33.33")
    # Districts have no milestones, deputies' ratings, located answers or appeals here: left out, said so.
    assert any(n.startswith("区县：") and "节点进度" in n and "人大代表满意度" in n for n in result.notes)
    assert not any(n.startswith("单位：") for n in result.notes)


def test_without_data_nothing_is_scored_zero_for_everyone(small):
    plan, p1, p2, units = small
    result = assess(plan, ON)
    note = next(n for n in result.notes if n.startswith("单位："))
    for label in ("督查问题整改", "人大代表满意度", "群众满意度", "诉求办理"):
        assert label in note
    # Punctuality has data: the lead units owed 11 monthly reports each and filed none.
    assert "报送及时率" not in note
    civil, parts = _parts(result, units["市民政局"].pk)
    for key in ("rectification", "deputies", "public", "appeals"):
        assert parts[key].value is None and parts[key].points == 0 and parts[key].inputs["absent"]
    # What is there is real: nothing was reported, so nothing is done, every milestone was missed
    # and none of the 11 reports owed came in (0 ÷ 11).
    assert parts["completion"].value == Decimal("0.00") and parts["milestones"].value == Decimal("0.00")
    assert parts["punctuality"].value == Decimal("0.00") and parts["punctuality"].inputs["submitted"] == 11
    # Task load 100 is the only non-zero of the four that apply: 100 × 10/45 = 22.22.
    assert parts["task_load"].points == Decimal("22.22") and civil.total == Decimal("22.22")
    assert civil.grade == "较差"
    finance, _ = _parts(result, units["市财政局"].pk)
    assert finance.total == Decimal("16.67")


def test_a_stored_run_and_its_exports_read_like_a_results_notice(with_data, users):
    from io import BytesIO

    from docx import Document
    from openpyxl import load_workbook

    from minsheng.assessment.exports import run_docx, run_xlsx

    plan, *_ = with_data
    run = services.save_run(plan, ON, users["coordinator"])
    assert run.notes and run.grades == {"优秀": 90, "良好": 80, "一般": 60}
    # 市教育局 89.89 and 市财政局 73.34 (see the first test): 良好 and 一般; nobody reaches 90.
    assert run.scores.get(unit__name="市教育局").grade == "良好"
    text = "\n".join(p.text for p in Document(BytesIO(run_docx(run))).paragraphs)
    assert "关于2024年度民生实事项目考核结果的通报" in text
    assert "良好（1个）：市教育局" in text and "一般（" in text
    assert "节点进度" in text and "等次：优秀为90分及以上" in text
    sheet = load_workbook(BytesIO(run_xlsx(run)))["单位考核排名"]
    header = [c.value for c in sheet[1]]
    assert header[:2] == ["名次", "名称"] and header[-2:] == ["总分", "等次"]
    rows = {r[1]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["市教育局"][-1] == "良好" and rows["市教育局"][header.index("督查问题整改")] is None


def test_grade_thresholds_are_part_of_the_scheme(small):
    plan, *_ = small
    with pytest.raises(services.AssessmentError):
        services.set_grades(plan, {"优秀": 80, "良好": 85, "一般": 60})
    services.set_grades(plan, {"优秀": 99, "良好": 70, "一般": 20})
    result = assess(plan, ON)
    assert {s.grade for s in result.units} <= {"良好", "一般", "较差"}
    assert next(s for s in result.units if s.name == "市民政局").grade == "一般"  # 25.00
