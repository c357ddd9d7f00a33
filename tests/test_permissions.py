"""Visibility: a unit's liaison cannot reach another unit's unpublished data by any URL."""

import pytest

from minsheng.plans.models import Plan, ProjectUnit
from minsheng.plans.permissions import visible_plans, visible_projects
from tests.helpers import login

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft_plan(hangzhou_plan):
    hangzhou_plan.status = Plan.Status.DRAFT
    hangzhou_plan.save()
    return hangzhou_plan


def _projects_by_lead(plan, unit, mine: bool):
    led = plan.projects.filter(unit_links__unit=unit, unit_links__role=ProjectUnit.Role.LEAD)
    if mine:
        return led
    return plan.projects.exclude(unit_links__unit=unit).exclude(allocations__region=unit.region)


def test_liaison_sees_own_unpublished_projects_only(draft_plan, users):
    liaison = users["liaison"]
    visible = set(visible_projects(liaison).filter(plan=draft_plan).values_list("id", flat=True))
    own = set(_projects_by_lead(draft_plan, liaison.unit, True).values_list("id", flat=True))
    assert own and own <= visible
    others = set(_projects_by_lead(draft_plan, liaison.unit, False).values_list("id", flat=True))
    assert others and not (others & visible)


@pytest.mark.parametrize("url", ["/staff/projects/{pk}/", "/api/v1/projects/{pk}/"])
def test_liaison_gets_404_for_another_units_unpublished_project(client, users, draft_plan, url):
    other = _projects_by_lead(draft_plan, users["liaison"].unit, False).first()
    own = _projects_by_lead(draft_plan, users["liaison"].unit, True).first()
    login(client, users["liaison"])
    assert client.get(url.format(pk=other.pk)).status_code == 404
    assert client.get(url.format(pk=own.pk)).status_code == 200


def test_liaison_cannot_change_projects_through_the_api_or_admin(client, users, draft_plan):
    own = _projects_by_lead(draft_plan, users["liaison"].unit, True).first()
    login(client, users["liaison"])
    response = client.patch(f"/api/v1/projects/{own.pk}/", {"name": "改名"}, content_type="application/json")
    assert response.status_code == 403
    own.refresh_from_db()
    assert own.name != "改名"
    admin_page = client.get(f"/admin/plans/project/{own.pk}/change/")
    assert admin_page.status_code == 302 and "/admin/login/" in admin_page["Location"]
    assert client.get(f"/staff/plans/{draft_plan.pk}/export.json").status_code == 403


def test_api_list_and_plan_page_leave_out_other_units_projects(client, users, draft_plan):
    other = _projects_by_lead(draft_plan, users["liaison"].unit, False).first()
    login(client, users["liaison"])
    listed = client.get(f"/api/v1/projects/?plan={draft_plan.pk}&page_size=500").json()
    ids = {p["id"] for p in listed["results"]}
    assert other.pk not in ids and ids
    page = client.get(f"/staff/plans/{draft_plan.pk}/").content.decode()
    assert f"/staff/projects/{other.pk}/" not in page


def test_coordinator_of_another_city_sees_nothing_unpublished(client, users, draft_plan):
    wuxi = users["wuxi"]
    assert draft_plan not in visible_plans(wuxi)
    login(client, wuxi)
    project = draft_plan.projects.first()
    assert client.get(f"/staff/projects/{project.pk}/").status_code == 404
    assert client.get(f"/admin/plans/project/{project.pk}/change/").status_code == 302


def test_coordinator_edits_own_region_in_admin_and_api(client, users, draft_plan):
    project = draft_plan.projects.first()
    login(client, users["coordinator"])
    assert client.get(f"/admin/plans/project/{project.pk}/change/").status_code == 200
    response = client.patch(f"/api/v1/projects/{project.pk}/", {"public": False}, content_type="application/json")
    assert response.status_code == 200
    project.refresh_from_db()
    assert project.public is False


def test_public_sees_published_public_projects_only(client, hangzhou_plan):
    hidden = hangzhou_plan.projects.first()
    hidden.public = False
    hidden.save()
    listed = client.get(f"/api/v1/projects/?plan={hangzhou_plan.pk}").json()
    assert listed["count"] == hangzhou_plan.projects.count() - 1
    assert client.get(f"/api/v1/projects/{hidden.pk}/").status_code == 404
    hangzhou_plan.status = Plan.Status.DRAFT
    hangzhou_plan.save()
    assert client.get(f"/api/v1/projects/?plan={hangzhou_plan.pk}").json()["count"] == 0
    assert client.get("/staff/").status_code == 302


def test_deputy_sees_published_plans_of_their_region_only(users, draft_plan):
    deputy = users["deputy"]
    assert not visible_projects(deputy).filter(plan=draft_plan).exists()
    draft_plan.status = Plan.Status.PUBLISHED
    draft_plan.save()
    hidden = draft_plan.projects.first()
    hidden.public = False
    hidden.save()
    assert visible_projects(deputy).filter(pk=hidden.pk).exists()
