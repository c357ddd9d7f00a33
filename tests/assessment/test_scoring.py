"""The scoring rules on their own: each component, the combination and the ranking."""

from decimal import Decimal

from minsheng.assessment import scoring
from minsheng.assessment.scoring import Result, combine


def test_default_scheme_names_what_the_seeds_count_and_sums_to_100():
    weights = scoring.default_weights()
    assert sum(weights.values()) == 100
    bases = " ".join(c.basis for c in scoring.COMPONENTS)
    for phrase in ("人大常委会满意度测评", "第三方评价", "牵头实施任务量", "参与监督积极性", "通报评价优劣度",
                   "季季评", "人大年终综合评议"):
        assert phrase in bases


def test_task_load_counts_partners_half_against_the_heaviest():
    assert scoring.task_load(2, 2, 6).score == 50.0
    assert scoring.task_load(0, 0, 0).score is None


def test_completion_caps_each_project_at_100():
    assert scoring.completion({"a": 150.0, "b": 50.0}).score == 75.0
    assert scoring.completion({}).score is None


def test_milestones_count_the_due_milestones_reached_within_the_lagging_threshold():
    checks = [
        {"project": "a", "due": "2024-06-30", "expected": 0.5, "actual": 0.45},  # 5 points short: met
        {"project": "a", "due": "2024-11-30", "expected": 1.0, "actual": 0.85},  # 15 short: missed
        {"project": "b", "due": "2024-11-30", "expected": 1.0, "actual": None},  # nothing accepted: missed
        {"project": "c", "due": "2024-03-31", "expected": 0.2, "actual": 0.3},
    ]
    result = scoring.milestones(checks, tolerance_points=10)
    assert result.score == 50.0
    assert [c["met"] for c in result.inputs["checks"]] == [True, False, False, True]
    assert scoring.milestones(checks, tolerance_points=0).score == 25.0
    assert scoring.milestones([]).score is None


def test_punctuality():
    assert scoring.punctuality(3, 4).score == 75.0
    assert scoring.punctuality(0, 0).score is None


def test_rectification_scores_how_findings_were_handled_weighted_by_severity():
    findings = [
        {"id": 1, "severity": "serious", "state": "closed", "on_time": True, "workdays_overdue": 0},  # 10 × 100
        {"id": 2, "severity": "major", "state": "closed", "on_time": False, "workdays_overdue": 0},  # 5 × 50
        {"id": 3, "severity": "minor", "state": "open", "on_time": None, "workdays_overdue": 4},  # 2 × 0
        {"id": 4, "severity": "minor", "state": "reported", "on_time": None, "workdays_overdue": 0},  # not yet due
    ]
    result = scoring.rectification(findings)
    assert result.score == 73.53  # (1000 + 250 + 0) / 17
    assert [f["value"] for f in result.inputs["findings"]] == [100, 50, 0, None]
    # Never inspected, or nothing due yet: neutral, not full marks.
    assert scoring.rectification([]).score is None
    assert scoring.rectification(findings[3:]).score is None
    # One serious finding closed on time is full marks: being inspected is not a penalty.
    assert scoring.rectification(findings[:1]).score == 100.0


def test_public_satisfaction_pools_survey_answers_and_portal_ratings():
    result = scoring.public_satisfaction({"satisfied": 1, "unsatisfied": 1}, {"satisfied": 1, "basic": 1})
    assert result.score == 67.5  # (100 + 0 + 100 + 70) / 4
    assert result.inputs["counts"] == {"satisfied": 2, "unsatisfied": 1, "basic": 1}
    assert scoring.public_satisfaction({}, {"dissatisfied": 2}).score == 0.0
    assert scoring.public_satisfaction({}, {}).score is None


def test_grades_follow_the_thresholds():
    grades = [scoring.grade(t) for t in (95, 90, 89.99, 80, 60, 59.99)]
    assert grades == ["优秀", "优秀", "良好", "良好", "一般", "较差"]
    assert scoring.grade(85, {"优秀": 85, "良好": 75, "一般": 60}) == "优秀"


def test_a_component_nobody_has_data_for_is_absent():
    results = [{"completion": Result(80.0), "deputies": Result(None)}, {"completion": Result(None)}]
    assert scoring.absent_components(results, ["completion", "deputies", "appeals"]) == {"deputies", "appeals"}


def test_satisfaction_points():
    assert scoring.satisfaction({"satisfied": 2, "basic": 1, "unsatisfied": 1}).score == 67.5
    assert scoring.satisfaction({}).score is None


def test_components_without_data_drop_out_and_the_rest_scale_to_100():
    weights = {"completion": 20, "deputies": 20, "public": 10}
    points, total = combine(weights, {"completion": Result(80.0), "deputies": Result(None), "public": Result(50.0)})
    by_key = {p.key: p for p in points}
    assert by_key["deputies"].points == 0 and by_key["deputies"].value is None
    assert by_key["completion"].inputs["effective_weight"] == round(100 * 20 / 30, 4)
    assert by_key["completion"].points == Decimal("53.33") and by_key["public"].points == Decimal("16.67")
    assert total == sum(p.points for p in points) == Decimal("70.00")


def test_adjustments_are_components_with_their_reason():
    points, total = combine({"completion": 10}, {"completion": Result(90.0)},
                            [{"label": "加分", "points": Decimal("2.5"), "reason": "获省级表彰"}])
    assert total == Decimal("92.50")
    assert points[-1].inputs["reason"] == "获省级表彰"


def test_rank_shares_places():
    assert scoring.rank([Decimal(80), Decimal(90), Decimal(80), Decimal(70)]) == [2, 1, 2, 4]
