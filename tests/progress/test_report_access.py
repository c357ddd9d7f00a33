"""Who reads a report, and that opening a report's page never writes one."""

import datetime

import pytest

from minsheng.core.models import Region, User
from minsheng.plans.models import Plan, ProjectUnit
from minsheng.progress import services
from minsheng.progress.models import Report
from minsheng.progress.permissions import visible_reports
from tests.helpers import login

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(hangzhou_plan, users):
    unit = users["liaison"].unit
    return hangzhou_plan.projects.filter(unit_links__unit=unit, unit_links__role=ProjectUnit.Role.LEAD,
                                         public=True).order_by("position").first()


@pytest.fixture
def period(hangzhou_plan):
    return next(p for p in services.ensure_periods(hangzhou_plan, datetime.date(2024, 12, 31)) if p.month == 5)


def test_a_get_does_not_create_a_report_a_post_does(client, users, project, period):
    url = f"/staff/progress/projects/{project.pk}/periods/{period.pk}/report/"
    unit = users["liaison"].unit
    login(client, users["liaison"])
    page = client.get(url)
    assert page.status_code == 200 and "开始填写" in page.content.decode()
    assert not Report.objects.filter(project=project, unit=unit, period=period).exists()

    created = client.post(url)
    report = Report.objects.get(project=project, unit=unit, period=period)
    assert created["Location"] == f"/staff/progress/reports/{report.pk}/"
    # Once it exists, the GET leads to it; a second POST does not make another.
    assert client.get(url)["Location"] == f"/staff/progress/reports/{report.pk}/"
    client.post(url)
    assert Report.objects.filter(project=project, unit=unit, period=period).count() == 1


def test_starting_a_report_needs_the_csrf_token(users, project, period):
    from django.test import Client

    csrf_client = login(Client(enforce_csrf_checks=True), users["liaison"])
    response = csrf_client.post(f"/staff/progress/projects/{project.pk}/periods/{period.pk}/report/")
    assert response.status_code == 403
    assert not Report.objects.filter(project=project, period=period).exists()


def test_the_tasks_page_starts_a_report_with_a_form_not_a_link(client, users, hangzhou_plan):
    hangzhou_plan.status = Plan.Status.PUBLISHED
    hangzhou_plan.save()
    page = login(client, users["liaison"]).get("/staff/progress/").content.decode()
    assert 'method="post" action="/staff/progress/projects/' in page
    assert 'class="button" href="/staff/progress/projects/' not in page


def _other_city_leader(role: str) -> User:
    return User.objects.create(username=f"wuxi-{role}", role=role, region=Region.objects.get(name="无锡市"))


@pytest.mark.parametrize("role", [User.Role.LEADER, User.Role.DEPUTY])
def test_leaders_and_deputies_of_another_city_do_not_read_its_reports(client, users, project, period, role):
    assert project.public and project.plan.status == Plan.Status.PUBLISHED
    report = services.open_report(project, users["liaison"].unit, period)
    stranger = _other_city_leader(role)
    # The project itself is public: they may see it, just not its internal reports.
    assert stranger.has_perm("plans.view_project", project)
    assert not visible_reports(stranger, Report.objects.filter(pk=report.pk)).exists()
    assert not stranger.has_perm("progress.view_report", report)
    login(client, stranger)
    assert client.get(f"/staff/progress/reports/{report.pk}/").status_code == 404
    page = client.get(f"/staff/progress/projects/{project.pk}/").content.decode()
    assert f"/staff/progress/reports/{report.pk}/" not in page

    own = users[str(role)]  # the demo's leader and deputy are Hangzhou's
    assert own.has_perm("progress.view_report", report)
    assert login(client, own).get(f"/staff/progress/reports/{report.pk}/").status_code == 200
