"""The appeal clock as plain functions: deadlines and their colours on the working-day calendar.

Limits come in two kinds. Working-day limits (咨询 3, 投诉 13, acceptance 1) run on the State Council
calendar: the day the appeal arrives is not counted, and the deadline is the end of the last working
day (23:59:59 Asia/Shanghai), so an appeal received on Friday evening and one received on Saturday
both have Monday as their first working day. Hour limits (urgent utilities 24 h, emergencies 2 h)
run on the wall clock, holidays included: a burst main does not wait for the holiday to end.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from enum import StrEnum
from zoneinfo import ZoneInfo

from minsheng.core.workdays import WorkCalendar

TZ = ZoneInfo("Asia/Shanghai")
ACCEPT_WORKDAYS = 1
# For hour limits the "last working day" warning has no meaning; the last quarter of the time does.
HOUR_WARNING_SHARE = 0.25


class LimitUnit(StrEnum):
    WORKDAYS = "workdays"
    HOURS = "hours"


class ClockColour(StrEnum):
    NONE = ""  # no running clock (closed or not yet started)
    GREEN = "green"
    YELLOW = "yellow"
    RED = "red"


@dataclass(frozen=True)
class Limit:
    value: int
    unit: LimitUnit

    def describe(self) -> str:
        return f"{self.value} 个工作日" if self.unit == LimitUnit.WORKDAYS else f"{self.value} 小时"


def local(moment: datetime.datetime) -> datetime.datetime:
    return moment.astimezone(TZ)


def end_of_day(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(23, 59, 59), tzinfo=TZ)


def deadline(start: datetime.datetime, limit: Limit, calendar: WorkCalendar) -> datetime.datetime:
    """When an appeal started at ``start`` must be done within ``limit``."""
    if limit.unit == LimitUnit.HOURS:
        return start + datetime.timedelta(hours=limit.value)
    return end_of_day(calendar.add_workdays(local(start).date(), limit.value))


def accept_deadline(received: datetime.datetime, calendar: WorkCalendar) -> datetime.datetime:
    return deadline(received, Limit(ACCEPT_WORKDAYS, LimitUnit.WORKDAYS), calendar)


def extend(current: datetime.datetime, amount: int, unit: LimitUnit, calendar: WorkCalendar) -> datetime.datetime:
    """An approved extension adds to the deadline in force, in the category's own kind of time."""
    if unit == LimitUnit.HOURS:
        return current + datetime.timedelta(hours=amount)
    return end_of_day(calendar.add_workdays(local(current).date(), amount))


def colour(
    due: datetime.datetime | None,
    now: datetime.datetime,
    unit: LimitUnit,
    calendar: WorkCalendar,
    limit_hours: int | None = None,
) -> ClockColour:
    """Green while time remains, yellow in the last working day (last quarter for hour limits), red once past.

    The last working day is the deadline's own date: on the weekend before a Monday deadline a full
    working day still remains, so that weekend stays green.
    """
    if due is None:
        return ClockColour.NONE
    if now > due:
        return ClockColour.RED
    if unit == LimitUnit.HOURS:
        window = datetime.timedelta(hours=(limit_hours or 0) * HOUR_WARNING_SHARE)
        return ClockColour.YELLOW if due - now <= window else ClockColour.GREEN
    remaining = calendar.workdays_between(local(now).date(), local(due).date())
    return ClockColour.YELLOW if remaining == 0 else ClockColour.GREEN


def overdue_workdays(due: datetime.datetime, now: datetime.datetime, calendar: WorkCalendar) -> int:
    """Working days elapsed since the deadline's day (0 while on or before it)."""
    if now <= due:
        return 0
    return calendar.workdays_between(local(due).date(), local(now).date())


def escalation_level(
    due: datetime.datetime | None, now: datetime.datetime, unit: LimitUnit, calendar: WorkCalendar
) -> int:
    """0 on time; 1 overdue (the coordinator's list); 2 when three working days (or a second full
    limit for hour categories, at least 24 h) past due, which goes to the leader in charge."""
    if due is None or now <= due:
        return 0
    if unit == LimitUnit.HOURS:
        return 2 if now - due >= datetime.timedelta(hours=24) else 1
    return 2 if overdue_workdays(due, now, calendar) >= 3 else 1
