"""Escalation of overdue rectification items, counted on the working-day calendar."""

import datetime

from minsheng.core.workdays import WorkCalendar
from minsheng.supervision.rules import Level, closed_on_time, escalation

D = datetime.date
# 2024 National Day: 1–7 Oct off, Sat 12 Oct a working day.
NATIONAL_DAY = WorkCalendar(
    exceptions={**{D(2024, 10, d): False for d in range(1, 8)}, D(2024, 10, 12): True},
    published_years=frozenset({2024}),
)


def test_not_due_on_or_before_the_deadline():
    assert escalation(D(2024, 9, 27), D(2024, 9, 27), NATIONAL_DAY).level == Level.NOT_DUE


def test_a_deadline_in_the_holiday_moves_to_the_next_working_day():
    e = escalation(D(2024, 10, 3), D(2024, 10, 8), NATIONAL_DAY)
    assert e.due == D(2024, 10, 8) and e.level == Level.NOT_DUE
    assert closed_on_time(D(2024, 10, 3), D(2024, 10, 8), NATIONAL_DAY)
    assert not closed_on_time(D(2024, 10, 3), D(2024, 10, 9), NATIONAL_DAY)


def test_levels_climb_with_working_days_overdue_not_calendar_days():
    due = D(2024, 9, 30)  # Monday; the holiday follows
    assert escalation(due, D(2024, 10, 7), NATIONAL_DAY).workdays_overdue == 0  # Oct 1–7 are holidays
    e = escalation(due, D(2024, 10, 8), NATIONAL_DAY)
    assert (e.level, e.workdays_overdue) == (Level.OVERDUE, 1)
    e = escalation(due, D(2024, 10, 14), NATIONAL_DAY)  # 8,9,10,11,12(Sat workday),14
    assert (e.level, e.workdays_overdue) == (Level.LEADER, 6)
    e = escalation(due, D(2024, 10, 21), NATIONAL_DAY)
    assert (e.level, e.workdays_overdue) == (Level.NOTICE, 11)
