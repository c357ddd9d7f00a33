"""The State Council working-day calendar: plain rules and the editable table.

The schedules are the tests' own (tests.helpers.AUTUMN_2024, typed from the State Council notice), and the
"year without a schedule" is the first one after both the package's data and the table, so nothing here
changes the day chinese_calendar ships another year. Only the adapter test reads the package itself.
"""

import datetime

import chinese_calendar
import pytest

from minsheng.core.calendar import seed_calendar, set_day, work_calendar
from minsheng.core.models import CalendarDay, CalendarYear
from minsheng.core.workdays import WorkCalendar, package_exceptions
from tests.helpers import AUTUMN_2024, autumn_2024, login

D = datetime.date


def year_without_schedule() -> int:
    """The first year neither chinese_calendar nor the table knows (2027 while the package stops at 2026)."""
    known = [d.year for d in chinese_calendar.holidays] + list(CalendarYear.objects.values_list("year", flat=True))
    return max(known) + 1


def first_weekday(year: int, month: int) -> datetime.date:
    day = D(year, month, 1)
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    return day


def test_plain_calendar_counts_monday_to_friday_and_moves_weekend_deadlines():
    cal = WorkCalendar()  # no schedule at all: any year behaves like this one
    assert cal.is_workday(D(2027, 3, 5)) and not cal.is_workday(D(2027, 3, 6))  # Friday, Saturday
    assert cal.next_workday(D(2027, 3, 6)) == D(2027, 3, 8)
    assert cal.add_workdays(D(2027, 3, 5), 1) == D(2027, 3, 8)
    assert cal.unpublished([D(2027, 1, 4)]) == [2027]


@pytest.mark.django_db
def test_package_gives_the_notices_autumn_2024_and_nothing_past_its_data():
    autumn = [(d, w, n) for d, w, n in package_exceptions(2024) if d.month in (9, 10)]
    assert autumn == AUTUMN_2024
    with pytest.raises(NotImplementedError):
        package_exceptions(year_without_schedule())


@pytest.mark.django_db
def test_seeded_table_gives_working_days_across_national_day():
    # The test database was seeded from the package; seed 2024 again from the tests' own table.
    CalendarDay.objects.filter(date__year=2024).delete()
    CalendarYear.objects.filter(year=2024).delete()
    assert seed_calendar(2020, 2030, holidays=autumn_2024, source="test") == [2024]
    cal = work_calendar()
    assert cal.is_published(2024)
    assert cal.is_workday(D(2024, 9, 29))
    assert not cal.is_workday(D(2024, 10, 1))
    assert cal.holiday_name(D(2024, 10, 1)) == "国庆节"
    # Answered on Monday 30 September, 3 working days later: 10-8, 10-9, 10-10 (10-1 to 10-7 are off).
    assert cal.add_workdays(D(2024, 9, 30), 3) == D(2024, 10, 10)
    assert cal.add_workdays(D(2024, 9, 27), 1) == D(2024, 9, 29)  # the adjusted Sunday
    assert cal.next_workday(D(2024, 10, 1)) == D(2024, 10, 8)
    assert cal.workdays_between(D(2024, 9, 27), D(2024, 10, 8)) == 3  # 9-29, 9-30, 10-8


@pytest.mark.django_db
def test_a_year_without_schedule_counts_monday_to_friday_until_a_coordinator_enters_one():
    year = year_without_schedule()
    day = first_weekday(year, 10)
    assert seed_calendar(year, year) == []
    cal = work_calendar()
    assert not cal.is_published(year)
    assert cal.is_workday(day)  # a weekday: counted as a working day, and pages say so

    set_day(day, False, "国庆节")
    cal = work_calendar()
    assert cal.is_published(year)
    assert not cal.is_workday(day)
    set_day(day, True)
    assert not CalendarDay.objects.filter(date=day).exists()


@pytest.mark.django_db
def test_seeding_again_keeps_a_coordinators_correction():
    CalendarDay.objects.filter(date__year=2024).delete()
    CalendarYear.objects.filter(year=2024).delete()
    set_day(D(2024, 10, 8), False, "补充假日")
    assert seed_calendar(2024, 2024, holidays=autumn_2024) == []  # 2024 already has a schedule: left alone
    assert CalendarDay.objects.get(date=D(2024, 10, 8)).name == "补充假日"
    assert not CalendarDay.objects.filter(date=D(2024, 10, 1)).exists()
    assert CalendarYear.objects.filter(year=2024).count() == 1


@pytest.mark.django_db
def test_calendar_page_edit_is_for_coordinators_only(client, users):
    year = year_without_schedule()
    day = first_weekday(year, 1).isoformat()
    login(client, users["liaison"])
    assert client.post(f"/staff/calendar/{year}/", {"date": day, "is_workday": "0"}).status_code == 403
    page = client.get(f"/staff/calendar/{year}/").content.decode()
    assert f"{year}年尚无国务院节假日安排" in page

    login(client, users["coordinator"])
    response = client.post(f"/staff/calendar/{year}/", {"date": day, "is_workday": "0", "name": "元旦"})
    assert response.status_code == 302
    page = client.get(f"/staff/calendar/{year}/").content.decode()
    assert "元旦" in page and "尚无国务院节假日安排" not in page


@pytest.mark.django_db
def test_a_deadline_in_a_year_without_schedule_says_the_calendar_is_monday_to_friday(client, users, hangzhou_plan):
    year = year_without_schedule()
    project = hangzhou_plan.projects.first()
    project.deadline = D(year, 3, 31)
    project.save()
    page = login(client, users["coordinator"]).get(f"/staff/projects/{project.pk}/").content.decode()
    assert f"{year}年尚无国务院节假日安排" in page
