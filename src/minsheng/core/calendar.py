"""The working-day calendar table: seeding from chinese_calendar and reading a snapshot."""

from django.core.cache import cache
from django.db import transaction

from minsheng.core.models import CalendarDay, CalendarYear
from minsheng.core.workdays import HolidaySource, WorkCalendar, package_exceptions

_CACHE_KEY = "minsheng:work-calendar"


def work_calendar() -> WorkCalendar:
    snapshot = cache.get(_CACHE_KEY)
    if snapshot is None:
        days = list(CalendarDay.objects.values_list("date", "is_workday", "name"))
        snapshot = WorkCalendar(
            exceptions={d: w for d, w, _ in days},
            names={d: n for d, _, n in days if n},
            published_years=frozenset(CalendarYear.objects.values_list("year", flat=True)),
        )
        cache.set(_CACHE_KEY, snapshot, 60)
    return snapshot


def forget_calendar() -> None:
    cache.delete(_CACHE_KEY)


@transaction.atomic
def seed_calendar(
    first_year: int = 2020,
    last_year: int = 2030,
    holidays: HolidaySource = package_exceptions,
    source: str = "chinese_calendar",
) -> list[int]:
    """Copy every year ``holidays`` knows (the package by default) into the table; returns the years seeded.

    Years already in the table are left alone: a coordinator's corrections win.
    """
    seeded = []
    for year in range(first_year, last_year + 1):
        if CalendarYear.objects.filter(year=year).exists():
            continue
        try:
            exceptions = holidays(year)
        except NotImplementedError:
            continue
        CalendarDay.objects.bulk_create(
            [CalendarDay(date=d, is_workday=w, name=n) for d, w, n in exceptions], ignore_conflicts=True
        )
        CalendarYear.objects.create(year=year, source=source)
        seeded.append(year)
    forget_calendar()
    return seeded


def set_day(date, is_workday: bool, name: str = "") -> None:
    """Record a coordinator's entry; a year gets 'published' once anyone enters its schedule."""
    weekday_default = date.weekday() < 5
    if is_workday == weekday_default:
        CalendarDay.objects.filter(date=date).delete()
    else:
        CalendarDay.objects.update_or_create(date=date, defaults={"is_workday": is_workday, "name": name})
    CalendarYear.objects.get_or_create(year=date.year, defaults={"source": "manual"})
    forget_calendar()
