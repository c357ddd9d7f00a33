"""The State Council working-day calendar: plain rules and the editable table."""

import datetime

import pytest

from minsheng.core.calendar import seed_calendar, set_day, work_calendar
from minsheng.core.models import CalendarDay, CalendarYear
from minsheng.core.workdays import WorkCalendar, package_exceptions
from tests.helpers import login

D = datetime.date


def test_plain_calendar_counts_monday_to_friday_and_moves_weekend_deadlines():
    cal = WorkCalendar()
    assert cal.is_workday(D(2027, 3, 5)) and not cal.is_workday(D(2027, 3, 6))
    assert cal.next_workday(D(2027, 3, 6)) == D(2027, 3, 8)
    assert cal.add_workdays(D(2027, 3, 5), 1) == D(2027, 3, 8)
    assert cal.unpublished([D(2027, 1, 4)]) == [2027]


def test_package_knows_2024_national_day_and_the_adjusted_sunday():
    exceptions = {d: w for d, w, _ in package_exceptions(2024)}
    assert exceptions[D(2024, 9, 29)] is True  # Sunday, worked in exchange for the holiday
    assert all(exceptions[D(2024, 10, day)] is False for day in (1, 2, 3, 4, 7))
    with pytest.raises(NotImplementedError):
        package_exceptions(2027)


@pytest.mark.django_db
def test_seeded_table_gives_working_days_across_national_day():
    cal = work_calendar()
    assert cal.is_published(2024)
    assert cal.is_workday(D(2024, 9, 29))
    assert not cal.is_workday(D(2024, 10, 1))
    assert cal.holiday_name(D(2024, 10, 1)) == "国庆节"
    # Answered on Monday 30 September, an appeal with 3 working days is due on 9 October.
    assert cal.add_workdays(D(2024, 9, 30), 3) == D(2024, 10, 10)
    assert cal.add_workdays(D(2024, 9, 27), 1) == D(2024, 9, 29)
    assert cal.next_workday(D(2024, 10, 1)) == D(2024, 10, 8)
    assert cal.workdays_between(D(2024, 9, 27), D(2024, 10, 8)) == 3


@pytest.mark.django_db
def test_2027_has_no_schedule_until_a_coordinator_enters_one():
    assert seed_calendar(2027, 2027) == []
    cal = work_calendar()
    assert not cal.is_published(2027)
    assert cal.is_workday(D(2027, 10, 1))  # a Friday: counted as a working day, and pages say so

    set_day(D(2027, 10, 1), False, "国庆节")
    cal = work_calendar()
    assert cal.is_published(2027)
    assert not cal.is_workday(D(2027, 10, 1))
    set_day(D(2027, 10, 1), True)
    assert not CalendarDay.objects.filter(date=D(2027, 10, 1)).exists()


@pytest.mark.django_db
def test_seeding_again_keeps_a_coordinators_correction():
    set_day(D(2024, 10, 8), False, "补充假日")
    seed_calendar(2024, 2024)
    assert CalendarDay.objects.get(date=D(2024, 10, 8)).name == "补充假日"
    assert CalendarYear.objects.filter(year=2024).count() == 1


@pytest.mark.django_db
def test_calendar_page_edit_is_for_coordinators_only(client, users):
    login(client, users["liaison"])
    assert client.post("/staff/calendar/2027/", {"date": "2027-01-01", "is_workday": "0"}).status_code == 403
    page = client.get("/staff/calendar/2027/").content.decode()
    assert "2027年尚无国务院节假日安排" in page

    login(client, users["coordinator"])
    response = client.post("/staff/calendar/2027/", {"date": "2027-01-01", "is_workday": "0", "name": "元旦"})
    assert response.status_code == 302
    page = client.get("/staff/calendar/2027/").content.decode()
    assert "元旦" in page and "尚无国务院节假日安排" not in page


@pytest.mark.django_db
def test_a_2027_deadline_page_says_the_calendar_is_monday_to_friday(client, users, hangzhou_plan):
    project = hangzhou_plan.projects.first()
    project.deadline = D(2027, 3, 31)
    project.save()
    page = login(client, users["coordinator"]).get(f"/staff/projects/{project.pk}/").content.decode()
    assert "2027年尚无国务院节假日安排" in page
