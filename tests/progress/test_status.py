"""The status engine's rules on plain values."""

import datetime

import pytest

from minsheng.progress.status import (
    ReportGap,
    Status,
    Step,
    TargetSpec,
    Thresholds,
    classify,
    expected_fraction,
    forecast_completion,
    midyear_check,
    missed_milestone_days,
    project_fraction,
    report_gap,
    suggest_flag,
    target_fraction,
    with_pace,
    worst,
)

D = datetime.date
START, DEADLINE = D(2024, 1, 1), D(2024, 11, 30)
ONE = [TargetSpec(227)]


def test_without_milestones_expected_runs_linearly_from_start_to_deadline():
    assert expected_fraction(START, START, DEADLINE) == 0
    assert expected_fraction(DEADLINE, START, DEADLINE) == 1
    mid = START + (DEADLINE - START) / 2
    assert expected_fraction(mid, START, DEADLINE) == pytest.approx(0.5)
    assert expected_fraction(D(2024, 12, 31), START, DEADLINE) == 1


def test_cumulative_milestones_give_points_between_which_expected_is_linear():
    # Hangzhou's schedule: 3/31 and 6/30 dated tasks, 100 by 9/30 (of 227), all by 11/30.
    steps = [Step(D(2024, 3, 31)), Step(D(2024, 6, 30)), Step(D(2024, 9, 30), value=100, cumulative=True),
             Step(D(2024, 11, 30), percent=100, cumulative=True)]
    assert expected_fraction(D(2024, 9, 30), START, DEADLINE, steps, ONE) == pytest.approx(100 / 227)
    half_way = D(2024, 5, 16)  # 136 of 273 days to 30 September
    assert expected_fraction(half_way, START, DEADLINE, steps, ONE) == pytest.approx(136 / 273 * 100 / 227, rel=1e-3)
    assert expected_fraction(D(2024, 10, 31), START, DEADLINE, steps, ONE) == pytest.approx(
        100 / 227 + (1 - 100 / 227) * 31 / 61, rel=1e-3)


def test_quarterly_own_shares_add_up_to_a_running_total():
    steps = [Step(D(2024, 3, 31), value=50, cumulative=False), Step(D(2024, 6, 30), value=50, cumulative=False),
             Step(D(2024, 9, 30), value=60, cumulative=False), Step(D(2024, 12, 31), value=40, cumulative=False)]
    targets = [TargetSpec(200)]
    assert expected_fraction(D(2024, 6, 30), START, D(2024, 12, 31), steps, targets) == pytest.approx(0.5)
    assert expected_fraction(D(2024, 9, 30), START, D(2024, 12, 31), steps, targets) == pytest.approx(0.8)


def test_a_figure_for_one_target_does_not_move_another():
    targets = [TargetSpec(100), TargetSpec(10)]
    steps = [Step(D(2024, 6, 30), value=80, cumulative=True, target=0)]
    assert expected_fraction(D(2024, 6, 30), START, DEADLINE, steps, targets, 0) == pytest.approx(0.8)
    second = expected_fraction(D(2024, 6, 30), START, DEADLINE, steps, targets, 1)
    assert second == pytest.approx((D(2024, 6, 30) - START).days / (DEADLINE - START).days)


def test_actual_progress_is_uncapped_and_ceilings_count_as_met_below_them():
    assert target_fraction(250, TargetSpec(227)) == pytest.approx(250 / 227)
    assert target_fraction(None, TargetSpec(227)) is None
    assert target_fraction(28, TargetSpec(30, "<=")) == 1.0
    assert target_fraction(40, TargetSpec(30, "<=")) == pytest.approx(0.75)
    assert project_fraction([0.5, 1.0]) == pytest.approx(0.75)
    assert project_fraction([0.5, 1.0], [3, 1]) == pytest.approx(0.625)
    assert project_fraction([None, 0.4]) == pytest.approx(0.4)
    assert project_fraction([]) is None


@pytest.mark.parametrize(
    "actual, expected, overdue, reported, status",
    [
        (1.0, 0.5, 0, True, Status.DONE),
        (1.2, 0.5, 0, True, Status.DONE),
        (0.7, 0.6, 0, True, Status.AHEAD),
        (0.65, 0.6, 0, True, Status.ON_TRACK),
        (0.45, 0.6, 0, True, Status.LAGGING),
        (0.34, 0.6, 0, True, Status.CRITICAL),
        (0.55, 0.6, 31, True, Status.CRITICAL),
        (0.55, 0.6, 30, True, Status.ON_TRACK),
        (0.9, 0.6, 0, False, Status.MISSING),
    ],
)
def test_classify_follows_the_default_thresholds(actual, expected, overdue, reported, status):
    assert classify(actual, expected, Thresholds(), overdue, reported) == status


def test_a_stricter_lagging_threshold_flags_sooner():
    strict = Thresholds(lagging_points=5)
    assert classify(0.54, 0.6, strict) == Status.LAGGING
    assert classify(0.54, 0.6) == Status.ON_TRACK


def test_missed_milestone_counts_days_since_the_oldest_unmet_point():
    steps = [Step(D(2024, 6, 30), value=100, cumulative=True)]
    assert missed_milestone_days(D(2024, 8, 15), steps, 80 / 227, ONE) == 46
    assert missed_milestone_days(D(2024, 8, 15), steps, 100 / 227, ONE) == 0


def test_worst_status_and_midyear_check():
    assert worst([Status.DONE, Status.LAGGING, Status.ON_TRACK]) == Status.LAGGING
    assert worst([]) is None
    assert midyear_check(2024, 0.5, D(2024, 6, 1)) is None
    assert midyear_check(2024, 0.59, D(2024, 7, 3)) is False
    assert midyear_check(2024, 0.6, D(2024, 7, 3)) is True


def test_forecast_extends_the_trend_to_completion():
    series = [(D(2024, 3, 31), 0.25), (D(2024, 4, 30), 0.35), (D(2024, 5, 31), 0.45)]
    forecast = forecast_completion(series)
    assert D(2024, 11, 10) <= forecast <= D(2024, 11, 20)  # 0.1 a month, 5.5 months to go
    assert forecast_completion([(D(2024, 3, 31), 0.3), (D(2024, 4, 30), 0.3)]) is None
    assert forecast_completion([(D(2024, 3, 31), 0.3)]) is None
    assert forecast_completion([(D(2024, 3, 31), 1.0)]) == D(2024, 3, 31)


def test_flag_suggestions_name_their_reason():
    assert suggest_flag(Status.CRITICAL, [], 0) == "进度严重滞后"
    assert suggest_flag(Status.CRITICAL, [], 45) == "进度节点已逾期45天"
    assert suggest_flag(Status.LAGGING, [Status.LAGGING, Status.LAGGING], 0) == "连续三期进度滞后"
    assert suggest_flag(Status.LAGGING, [Status.ON_TRACK, Status.LAGGING], 0) is None
    assert suggest_flag(Status.ON_TRACK, [Status.CRITICAL], 0) is None
    # Missing reports are counted apart from the status: two closed periods in a row without one.
    assert suggest_flag(Status.ON_TRACK, [], 0, missed_reports=2) == "连续两期未报送"
    assert suggest_flag(Status.MISSING, [Status.MISSING], 0, missed_reports=1) is None


def test_report_gap_is_a_fact_beside_the_status():
    assert report_gap(False, False, False, False) is None  # nothing due yet
    assert report_gap(True, False, False, False) == ReportGap.MISSING
    assert report_gap(True, False, False, True) is None  # a completed project needs no further report
    assert report_gap(True, True, True, False) == ReportGap.LATE
    assert report_gap(True, True, False, False) is None


def test_pace_rule_is_a_point_only_where_the_project_has_no_schedule_of_its_own():
    pace = [Step(D(2024, 6, 30), percent=60)]
    # 半年度完成全年目标的60%: 60% at 30 June, then linear to the deadline 11-30 (153 days later).
    steps = with_pace([Step(D(2024, 3, 31))], pace)  # a dated task fixes no figure
    assert expected_fraction(D(2024, 6, 30), START, DEADLINE, steps, ONE) == pytest.approx(0.6)
    assert expected_fraction(D(2024, 9, 30), START, DEADLINE, steps, ONE) == pytest.approx(0.6 + 0.4 * 92 / 153)
    own = [Step(D(2024, 9, 30), value=100, cumulative=True)]
    assert with_pace(own, pace) == own
