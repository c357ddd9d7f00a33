"""Reporting periods and their due dates on the working-day calendar (plain functions)."""

from __future__ import annotations

import calendar as _calendar
import datetime

from minsheng.core.workdays import WorkCalendar

MONTH_END = 0  # reporting_day 0: due by the end of the month reported on ("月底前报送")


def month_end(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, _calendar.monthrange(year, month)[1])


def nominal_due(year: int, month: int, reporting_day: int) -> datetime.date:
    """Due date before the calendar moves it: the Nth of the next month, or the month's end."""
    if reporting_day == MONTH_END:
        return month_end(year, month)
    next_year, next_month = (year + 1, 1) if month == 12 else (year, month + 1)
    day = min(reporting_day, _calendar.monthrange(next_year, next_month)[1])
    return datetime.date(next_year, next_month, day)


def due_date(year: int, month: int, reporting_day: int, work: WorkCalendar) -> datetime.date:
    """A due date that falls on a day off moves to the next working day."""
    return work.next_workday(nominal_due(year, month, reporting_day))


def judged_on(year: int, month: int, reporting_day: int, work: WorkCalendar) -> datetime.date:
    """The first day a month's reports are overdue: the day its status, its notice and its flag
    proposals are judged on, and the first day ``last_closed_month`` names it (reports may arrive
    until the end of the due date)."""
    return due_date(year, month, reporting_day, work) + datetime.timedelta(days=1)


def open_months(plan_year: int, today: datetime.date, reporting_day: int) -> list[tuple[int, int]]:
    """Months of the plan year whose reports can be filed today.

    A month opens on its first day (a unit may report during the month), and every month of
    the plan year up to today's stays open for late reports.
    """
    if today.year < plan_year:
        return []
    last = 12 if today.year > plan_year else today.month
    return [(plan_year, m) for m in range(1, last + 1)]


def last_closed_month(plan_year: int, today: datetime.date, reporting_day: int,
                      work: WorkCalendar) -> tuple[int, int] | None:
    """The latest month of the plan year whose due date has passed: what 未报送 is judged on."""
    closed = [(y, m) for y, m in open_months(plan_year, today, reporting_day)
              if due_date(y, m, reporting_day, work) < today]
    return closed[-1] if closed else None


def reminder_dates(due: datetime.date, days_before: int, work: WorkCalendar) -> list[datetime.date]:
    """When to remind: N working days before the due date, and the working day after it."""
    return [work.add_workdays(due, -days_before), work.add_workdays(due, 1)]
