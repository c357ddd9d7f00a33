"""The assessment on a lived-in plan: units and districts ranked, every score adding up from its parts."""

import datetime
import json
from decimal import Decimal

import pytest

from minsheng.assessment import services
from minsheng.assessment.compute import assess
from minsheng.assessment.models import Adjustment, Rating, Score, Survey
from minsheng.core.models import Unit
from minsheng.progress.models import Report
from minsheng.progress.simulate import simulate_plan
from minsheng.supervision import services as supervision
from minsheng.supervision.models import Finding, Inspection

ON = datetime.date(2024, 10, 8)


def _lived_in(plan, users, whole: bool):
    Report.objects.filter(period__plan=plan).delete()
    # The whole plan for the ranking test; a few projects where only the arithmetic is at stake.
    ids = None if whole else list(plan.projects.order_by("position").values_list("pk", flat=True)[:6])
    simulate_plan(plan, (2024, 9), seed=2024, project_ids=ids)
    civil = Unit.objects.get(region=plan.region, name="市民政局")
    project = plan.projects.filter(unit_links__unit=civil, unit_links__role="lead").first()
    supervision.record_inspection(
        plan, users["coordinator"], kind=Inspection.Kind.ONLINE, date=datetime.date(2024, 8, 1), team="督查室",
        projects=[project], findings=[supervision.FindingInput("进度数据与台账不一致", Finding.Severity.SERIOUS, civil,
                                                               datetime.date(2024, 8, 20), "核对台账", project)])
    services.rate_project(project, users["deputy"], Rating.BASIC, "加快进度")
    survey = services.create_survey(project, users["coordinator"], "第三方满意度测评", Survey.Audience.THIRD_PARTY)
    for rating in (Rating.SATISFIED, Rating.SATISFIED, Rating.UNSATISFIED):
        services.answer_survey(survey, rating)
    # Answered in September (the assessment counts answers up to its date).
    survey.responses.update(created_at=datetime.datetime(2024, 9, 20, 10, tzinfo=datetime.UTC))
    services.add_adjustment(plan, users["coordinator"], Adjustment.Kind.BONUS, Decimal("1.5"), "获省级表彰",
                            unit=civil)
    return plan, civil, project


@pytest.fixture
def lived_in(hangzhou_plan, users):
    return _lived_in(hangzhou_plan, users, whole=True)


@pytest.fixture
def lived_in_part(hangzhou_plan, users):
    return _lived_in(hangzhou_plan, users, whole=False)


def _check(subjects):
    assert subjects
    totals = [s.total for s in subjects]
    assert totals == sorted(totals, reverse=True)
    assert [s.rank for s in subjects][0] == 1
    for s in subjects:
        assert s.total == sum(c.points for c in s.components)


def test_units_and_districts_are_ranked_and_each_score_adds_up(lived_in):
    plan, civil, project = lived_in
    result = assess(plan, ON)
    _check(result.units)
    _check(result.districts)
    mine = next(s for s in result.units if s.key == civil.pk)
    parts = {c.key: c for c in mine.components}
    # Traceable: the finding, the deputy's rating, the survey answers and the bonus with its reason.
    assert [f["state"] for f in parts["rectification"].inputs["findings"]] == ["open"]
    assert parts["rectification"].value == Decimal("0.00")  # its one finding is open and overdue
    assert parts["deputies"].inputs["counts"] == {"basic": 1}
    assert parts["public"].inputs["counts"] == {"satisfied": 2, "unsatisfied": 1}
    assert next(c for c in mine.components if c.key == "adjustment").inputs["reason"] == "获省级表彰"
    # The completion component is the mean of plan_progress's capped project percents.
    percents = parts["completion"].inputs["percents"]
    assert parts["completion"].value == Decimal(str(round(sum(min(p, 100) for p in percents.values())
                                                          / len(percents), 2)))


def test_a_stored_run_keeps_components_with_their_inputs(lived_in_part, users):
    plan, civil, _ = lived_in_part
    run = services.save_run(plan, ON, users["coordinator"])
    scores = run.scores.prefetch_related("components")
    assert scores.filter(kind=Score.Kind.UNIT).exists() and scores.filter(kind=Score.Kind.DISTRICT).exists()
    for score in scores:
        assert score.total == sum(c.points for c in score.components.all())
    unit_score = scores.get(unit=civil)
    assert unit_score.components.get(key="rectification").inputs["findings"][0]["severity"] == "serious"


def test_scheme_weights_change_the_scores_and_are_checked(lived_in_part, users):
    plan, civil, _ = lived_in_part
    with pytest.raises(services.AssessmentError):
        services.set_weights(plan, {"bogus": 1})
    services.set_weights(plan, {"completion": 100})
    result = assess(plan, ON)
    for s in result.units:
        base = [c for c in s.components if c.key != "adjustment" and c.points]
        assert {c.key for c in base} <= {"completion"}


def test_adjustments_need_a_reason_and_a_sign_that_fits(hangzhou_plan, users):
    unit = Unit.objects.filter(region=hangzhou_plan.region).first()
    with pytest.raises(services.AssessmentError):
        services.add_adjustment(hangzhou_plan, users["coordinator"], Adjustment.Kind.BONUS, Decimal(1), " ", unit=unit)
    with pytest.raises(services.AssessmentError):
        services.add_adjustment(hangzhou_plan, users["coordinator"], Adjustment.Kind.DEDUCTION, Decimal(1), "迟报",
                                unit=unit)


def test_cli_prints_each_units_score_with_its_components(lived_in_part, capsys):
    from minsheng.cli import main

    plan, civil, _ = lived_in_part
    assert main(["assess", "--plan", str(plan.pk), "--json", "--on", ON.isoformat()]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["units"][0]["rank"] == 1
    for unit in out["units"]:
        assert Decimal(unit["total"]) == sum(Decimal(c["points"]) for c in unit["components"])
    assert main(["assess", "--plan", "999999", "--json"]) == 2
