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


def test_milestones_and_punctuality():
    assert scoring.milestones({"a": "on_track", "b": "lagging", "c": "done", "d": "missing"}).score == 50.0
    assert scoring.punctuality(3, 4).score == 75.0
    assert scoring.punctuality(0, 0).score is None


def test_rectification_deducts_by_severity_and_outcome():
    findings = [
        {"id": 1, "severity": "serious", "state": "closed", "on_time": True, "workdays_overdue": 0},  # 2.5
        {"id": 2, "severity": "major", "state": "closed", "on_time": False, "workdays_overdue": 0},  # 3.75
        {"id": 3, "severity": "minor", "state": "open", "on_time": None, "workdays_overdue": 4},  # 2
        {"id": 4, "severity": "minor", "state": "reported", "on_time": None, "workdays_overdue": 0},  # 1
    ]
    result = scoring.rectification(findings)
    assert result.score == 90.75
    assert [f["deduction"] for f in result.inputs["findings"]] == [2.5, 3.75, 2.0, 1.0]
    assert scoring.rectification([]).score == 100.0


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
