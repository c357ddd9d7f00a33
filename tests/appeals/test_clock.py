"""The appeal clock on the State Council calendar: National Day 2024 and its adjusted Sunday workday."""

import datetime

import pytest

from minsheng.appeals import clock
from minsheng.appeals.clock import ClockColour, Limit, LimitUnit
from minsheng.core.workdays import WorkCalendar
from tests.helpers import calendar_2024

TZ = clock.TZ


@pytest.fixture(scope="module")
def cal() -> WorkCalendar:
    return calendar_2024()  # the tests' own schedule, not whichever years chinese_calendar ships


def at(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=TZ)


def eod(y, m, d) -> datetime.datetime:
    return at(y, m, d, 23, 59, 59)


def test_the_calendar_is_the_one_the_tests_assume(cal):
    assert cal.is_workday(datetime.date(2024, 9, 29))  # Sunday, worked for National Day
    assert cal.is_workday(datetime.date(2024, 10, 12))  # Saturday, worked too
    assert not any(cal.is_workday(datetime.date(2024, 10, d)) for d in range(1, 8))


def test_three_working_days_from_the_adjusted_sunday_jump_the_holiday(cal):
    # 9-29 is not counted; 9-30 is the first working day, then 10-08 and 10-09.
    assert clock.deadline(at(2024, 9, 29, 10), Limit(3, LimitUnit.WORKDAYS), cal) == eod(2024, 10, 9)


def test_acceptance_on_the_eve_of_the_holiday_is_due_after_it(cal):
    assert clock.accept_deadline(at(2024, 9, 30, 15), cal) == eod(2024, 10, 8)


def test_an_appeal_sent_during_the_holiday_starts_counting_after_it(cal):
    assert clock.accept_deadline(at(2024, 10, 3, 9), cal) == eod(2024, 10, 8)
    assert clock.deadline(at(2024, 10, 3, 9), Limit(3, LimitUnit.WORKDAYS), cal) == eod(2024, 10, 10)


def test_thirteen_working_days_count_the_adjusted_saturday(cal):
    # 10-08..11 (4), 10-12 Saturday workday (5), 10-14..18 (10), 10-21..23 (13).
    assert clock.deadline(at(2024, 9, 30, 11), Limit(13, LimitUnit.WORKDAYS), cal) == eod(2024, 10, 23)


def test_a_deadline_never_lands_on_a_holiday(cal):
    start = at(2024, 9, 20, 9)
    for days in range(1, 20):
        due = clock.deadline(start, Limit(days, LimitUnit.WORKDAYS), cal)
        assert cal.is_workday(due.date())


def test_hour_limits_run_through_the_holiday(cal):
    assert clock.deadline(at(2024, 10, 1, 10), Limit(24, LimitUnit.HOURS), cal) == at(2024, 10, 2, 10)
    assert clock.deadline(at(2024, 10, 5, 23, 30), Limit(2, LimitUnit.HOURS), cal) == at(2024, 10, 6, 1, 30)


def test_colours_green_then_yellow_on_the_last_working_day_then_red(cal):
    due = eod(2024, 10, 9)
    assert clock.colour(due, at(2024, 10, 8, 12), LimitUnit.WORKDAYS, cal) == ClockColour.GREEN
    assert clock.colour(due, at(2024, 10, 9, 0, 1), LimitUnit.WORKDAYS, cal) == ClockColour.YELLOW
    assert clock.colour(due, at(2024, 10, 9, 23, 59), LimitUnit.WORKDAYS, cal) == ClockColour.YELLOW
    assert clock.colour(due, at(2024, 10, 10, 0, 0, 1), LimitUnit.WORKDAYS, cal) == ClockColour.RED
    assert clock.colour(None, at(2024, 10, 10), LimitUnit.WORKDAYS, cal) == ClockColour.NONE


def test_the_holiday_before_a_deadline_is_not_its_last_working_day(cal):
    due = eod(2024, 10, 8)
    # On 10-07 (holiday) all of 10-08 still lies ahead.
    assert clock.colour(due, at(2024, 10, 7, 20), LimitUnit.WORKDAYS, cal) == ClockColour.GREEN
    assert clock.colour(due, at(2024, 10, 8, 8), LimitUnit.WORKDAYS, cal) == ClockColour.YELLOW


def test_hour_limits_turn_yellow_in_their_last_quarter(cal):
    due = at(2024, 10, 2, 10)
    assert clock.colour(due, at(2024, 10, 2, 3), LimitUnit.HOURS, cal, 24) == ClockColour.GREEN
    assert clock.colour(due, at(2024, 10, 2, 4), LimitUnit.HOURS, cal, 24) == ClockColour.YELLOW
    assert clock.colour(due, at(2024, 10, 2, 10, 1), LimitUnit.HOURS, cal, 24) == ClockColour.RED


def test_extensions_add_working_days_to_the_deadline_in_force(cal):
    assert clock.extend(eod(2024, 9, 30), 1, LimitUnit.WORKDAYS, cal) == eod(2024, 10, 8)
    assert clock.extend(eod(2024, 10, 9), 3, LimitUnit.WORKDAYS, cal) == eod(2024, 10, 12)
    assert clock.extend(at(2024, 10, 2, 10), 12, LimitUnit.HOURS, cal) == at(2024, 10, 2, 22)


def test_escalation_goes_to_the_leader_after_three_late_working_days(cal):
    due = eod(2024, 9, 30)
    assert clock.escalation_level(due, at(2024, 9, 30, 12), LimitUnit.WORKDAYS, cal) == 0
    # The whole holiday passes without adding lateness.
    assert clock.escalation_level(due, at(2024, 10, 7, 12), LimitUnit.WORKDAYS, cal) == 1
    assert clock.escalation_level(due, at(2024, 10, 9, 12), LimitUnit.WORKDAYS, cal) == 1
    assert clock.escalation_level(due, at(2024, 10, 10, 12), LimitUnit.WORKDAYS, cal) == 2
    assert clock.overdue_workdays(due, at(2024, 10, 12, 9), cal) == 5  # 10-08..11 and the adjusted Saturday


def test_hour_escalation(cal):
    due = at(2024, 10, 2, 10)
    assert clock.escalation_level(due, at(2024, 10, 2, 11), LimitUnit.HOURS, cal) == 1
    assert clock.escalation_level(due, at(2024, 10, 3, 10), LimitUnit.HOURS, cal) == 2


def test_limits_describe_themselves():
    assert Limit(3, LimitUnit.WORKDAYS).describe() == "3 个工作日"
    assert Limit(24, LimitUnit.HOURS).describe() == "24 小时"
