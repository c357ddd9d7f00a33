"""The State Council working-day calendar as plain functions over a snapshot of the table.

A year with a published schedule uses its holidays and adjusted workdays; a year without one
(``chinese_calendar`` stops at 2026) counts Monday to Friday, and callers say so on the page.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

# Where a year's schedule comes from: (date, is_workday, name) for each day that differs from Monday to
# Friday; raises NotImplementedError for a year it has no schedule for. The package by default; tests
# pass their own small table so they do not depend on which years the package ships.
HolidaySource = Callable[[int], list[tuple[datetime.date, bool, str]]]


@dataclass(frozen=True)
class WorkCalendar:
    # date -> True for a weekend workday (调休上班), False for a weekday holiday.
    exceptions: dict[datetime.date, bool] = field(default_factory=dict)
    names: dict[datetime.date, str] = field(default_factory=dict)
    published_years: frozenset[int] = frozenset()

    def is_published(self, year: int) -> bool:
        return year in self.published_years

    def is_workday(self, day: datetime.date) -> bool:
        if day in self.exceptions:
            return self.exceptions[day]
        return day.weekday() < 5

    def holiday_name(self, day: datetime.date) -> str:
        return self.names.get(day, "")

    def next_workday(self, day: datetime.date) -> datetime.date:
        """The day itself when it is a working day, else the next one (deadline rule)."""
        while not self.is_workday(day):
            day += datetime.timedelta(days=1)
        return day

    def add_workdays(self, day: datetime.date, count: int) -> datetime.date:
        """The date ``count`` working days after ``day`` (``day`` itself not counted)."""
        step = 1 if count >= 0 else -1
        remaining = abs(count)
        while remaining:
            day += datetime.timedelta(days=step)
            if self.is_workday(day):
                remaining -= 1
        return day

    def workdays_between(self, start: datetime.date, end: datetime.date) -> int:
        """Working days after ``start`` up to and including ``end``."""
        days = (end - start).days
        return sum(self.is_workday(start + datetime.timedelta(days=i)) for i in range(1, days + 1))

    def unpublished(self, days: Iterable[datetime.date]) -> list[int]:
        """The years among ``days`` that have no published schedule, for the page's warning."""
        return sorted({d.year for d in days if d and not self.is_published(d.year)})


def package_exceptions(year: int) -> list[tuple[datetime.date, bool, str]]:
    """The exceptions ``chinese_calendar`` knows for a year; raises NotImplementedError past it."""
    import chinese_calendar
    from chinese_calendar.constants import Holiday

    chinese = {h.value: h.chinese for h in Holiday}
    day = datetime.date(year, 1, 1)
    out = []
    while day.year == year:
        on_holiday, name = chinese_calendar.get_holiday_detail(day)
        workday = not on_holiday
        if workday != (day.weekday() < 5):
            label = chinese.get(name, name or "")
            out.append((day, workday, f"{label}调休上班" if workday else label))
        day += datetime.timedelta(days=1)
    return out
