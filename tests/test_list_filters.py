"""The project list's filters: the plan page and /api/v1/projects/ read one FilterSet, within the user's scope;
the progress overview's parameters are refused alike."""

import pytest

from minsheng.core.models import Region
from minsheng.plans.models import Allocation, Plan
from tests.helpers import login

pytestmark = pytest.mark.django_db

API = "/api/v1/projects/"


def _api_rows(client, params: dict) -> list[dict]:
    """Every page of the API's answer (50 a page)."""
    rows, response = [], client.get(API, params)
    while True:
        assert response.status_code == 200
        rows += response.json()["results"]
        if not response.json()["next"]:
            return rows
        response = client.get(response.json()["next"])


def _api_ids(client, params: dict) -> set[int]:
    return {row["id"] for row in _api_rows(client, params)}


@pytest.fixture
def wuxi_hidden(db):
    """A project of 无锡's plan that 杭州 may not see (not public), allocated to 无锡市."""
    plan = Plan.objects.get(region__name="无锡市")
    project = plan.projects.order_by("position").first()
    project.public = False
    project.save()
    Allocation.objects.create(project=project, region=plan.region, label="无锡市", value=1)
    return project


def test_filters_naming_another_citys_plan_or_region_never_show_what_the_user_may_not_see(
        client, users, wuxi_hidden):
    wuxi = wuxi_hidden.plan.region
    login(client, users["coordinator"])
    assert _api_ids(client, {"region": wuxi.pk}) == set()
    shown = _api_ids(client, {"plan": wuxi_hidden.plan_id})
    assert wuxi_hidden.pk not in shown
    # The plan's other projects are public: the filter gives exactly those, nothing more.
    assert shown == set(wuxi_hidden.plan.projects.filter(public=True).values_list("id", flat=True))
    page = client.get(f"/staff/plans/{wuxi_hidden.plan_id}/", {"region": wuxi.pk})
    assert page.status_code in (200, 404) and wuxi_hidden.name not in page.content.decode()

    login(client, users["wuxi"])
    assert _api_ids(client, {"region": wuxi.pk}) == {wuxi_hidden.pk}


def test_page_and_api_filter_and_sort_alike(client, users, hangzhou_plan):
    category = hangzhou_plan.categories.order_by("position").first()
    expected = list(hangzhou_plan.projects.filter(category=category).order_by("name", "id").values_list("name", "id"))
    assert expected
    login(client, users["coordinator"])
    rows = _api_rows(client, {"plan": hangzhou_plan.pk, "category": category.pk, "sort": "name"})
    assert [(row["name"], row["id"]) for row in rows] == expected
    html = client.get(f"/staff/plans/{hangzhou_plan.pk}/", {"category": category.pk, "sort": "name"}).content.decode()
    positions = [html.index(f"/staff/projects/{pk}/") for _name, pk in expected]
    assert positions == sorted(positions)
    other = hangzhou_plan.projects.exclude(category=category).first()
    assert f"/staff/projects/{other.pk}/" not in html
    # An unknown sort key falls back to the document's order on both.
    default = [row["id"] for row in _api_rows(client, {"plan": hangzhou_plan.pk})]
    assert [row["id"] for row in _api_rows(client, {"plan": hangzhou_plan.pk, "sort": "colour"})] == default
    assert default == list(hangzhou_plan.projects.order_by("position", "id").values_list("id", flat=True))


@pytest.mark.parametrize(("key", "value"), [("region", "²"), ("leader", "99999999999999999999"),
                                            ("lead_unit", "-1"), ("plan", "1.5")])
def test_a_malformed_project_filter_is_a_400_page_and_a_json_400(client, users, hangzhou_plan, key, value):
    login(client, users["coordinator"])
    if key != "plan":  # the page is one plan's list: ?plan= means nothing there
        page = client.get(f"/staff/plans/{hangzhou_plan.pk}/", {key: value})
        assert page.status_code == 400 and f"参数 {key} 的值无效：{value}" in page.content.decode()
    response = client.get(API, {key: value})
    assert response.status_code == 400 and response["Content-Type"] == "application/json"
    assert list(response.json()) == [key]


def test_the_plan_page_ignores_a_plan_parameter(client, users, hangzhou_plan):
    other = Plan.objects.exclude(pk=hangzhou_plan.pk).first()
    login(client, users["coordinator"])
    html = client.get(f"/staff/plans/{hangzhou_plan.pk}/", {"plan": other.pk}).content.decode()
    assert f"/staff/projects/{hangzhou_plan.projects.order_by('position').first().pk}/" in html


@pytest.mark.parametrize("on", ["9999-12-31T00:00:00Z", "2024-02-30", "２０２４-01-01"])
def test_the_progress_pages_refuse_a_malformed_date(client, users, hangzhou_plan, on):
    login(client, users["coordinator"])
    project = hangzhou_plan.projects.first()
    for url in (f"/staff/progress/plans/{hangzhou_plan.pk}/", f"/staff/progress/projects/{project.pk}/"):
        response = client.get(url, {"on": on})
        assert response.status_code == 400 and f"参数 on 的值无效：{on}" in response.content.decode()
    # An unknown status or group lists what the overview lists by default.
    html = client.get(f"/staff/progress/plans/{hangzhou_plan.pk}/", {"status": "bogus", "group": "bogus"})
    assert html.status_code == 200 and "滞后和严重滞后的项目" in html.content.decode()


def test_a_region_of_no_allocation_lists_nothing(client, users, hangzhou_plan):
    unused = Region.objects.create(name="新设区", parent=hangzhou_plan.region)
    login(client, users["coordinator"])
    assert _api_ids(client, {"plan": hangzhou_plan.pk, "region": unused.pk}) == set()
