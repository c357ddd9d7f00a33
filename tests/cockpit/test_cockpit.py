"""The leaders' cockpit: who may open it, what each chart carries, and drill-down links."""

import json
import re

import pytest
from django.urls import reverse

from minsheng.cockpit.selectors import cockpit
from minsheng.progress.selectors import plan_progress
from minsheng.progress.simulate import simulate_plan
from tests.helpers import login

pytestmark = pytest.mark.django_db


@pytest.fixture
def lived_in(hangzhou_plan):
    simulate_plan(hangzhou_plan, (hangzhou_plan.year, 9), 2024)
    return hangzhou_plan


@pytest.mark.parametrize(("username", "status"), [("coordinator", 200), ("leader", 200), ("liaison", 404),
                                                   ("wuxi", 404)])
def test_who_may_open_the_cockpit(client, users, hangzhou_plan, username, status):
    login(client, users[username])
    assert client.get(reverse("cockpit:plan", args=[hangzhou_plan.pk])).status_code == status


def test_anonymous_is_sent_to_login(client, hangzhou_plan):
    response = client.get(reverse("cockpit:plan", args=[hangzhou_plan.pk]))
    assert response.status_code == 302 and "/staff/login/" in response["Location"]


def test_leader_with_one_plan_lands_on_it(client, users, hangzhou_plan):
    login(client, users["leader"])
    response = client.get(reverse("cockpit:index"))
    assert response["Location"] == reverse("cockpit:plan", args=[hangzhou_plan.pk])


def test_figures_agree_with_plan_progress_and_drill_down(users, lived_in):
    on = __import__("datetime").date(lived_in.year, 10, 10)
    data = cockpit(users["coordinator"], lived_in, on)
    progress = plan_progress(lived_in, on)
    counts = progress.counts()
    assert {s["status"]: s["value"] for s in data["charts"]["status"]} == {str(k): v for k, v in counts.items()}
    assert len(data["lagging"]) + len(data["critical"]) == len(progress.lagging())
    category = data["charts"]["category"][0]
    assert category["url"].startswith(reverse("progress:overview", args=[lived_in.pk]))
    assert "group=category" in category["url"]
    timeline = data["charts"]["timeline"]
    assert len(timeline["months"]) == 10 and timeline["actual"][-1] == progress.mean_percent()
    funds = data["charts"]["funds"]
    assert funds["spent"] > 0
    assert data["charts"]["appeals"] is not None


def test_page_embeds_charts_map_and_drill_links(client, users, lived_in):
    login(client, users["coordinator"])
    response = client.get(reverse("cockpit:plan", args=[lived_in.pk]) + f"?on={lived_in.year}-10-10")
    assert response.status_code == 200
    data = json.loads(re.search(r'<script id="cockpit-data" type="application/json">(.*?)</script>',
                                response.text, re.S).group(1))
    assert set(data) >= {"status", "category", "unit", "district", "timeline", "funds", "appeals"}
    assert "vendor/echarts/echarts.min.js" in response.text and 'id="plan-map"' in response.text
    drill = data["status"][3]["url"]
    page = client.get(drill)
    assert page.status_code == 200


def test_query_count_does_not_grow_with_the_plan(client, users, lived_in, django_assert_max_num_queries):
    login(client, users["coordinator"])
    url = reverse("cockpit:plan", args=[lived_in.pk]) + f"?on={lived_in.year}-10-10"
    client.get(url)  # the timeline is cached per revision after the first view
    with django_assert_max_num_queries(60):
        client.get(url)


def test_staff_site_page_adds_and_imports(client, users, hangzhou_plan):
    project = hangzhou_plan.projects.first()
    url = reverse("maps:project_sites", args=[project.pk])
    login(client, users["liaison"])
    assert client.get(url).status_code == 404
    login(client, users["coordinator"])
    response = client.get(url)
    assert "WGS-84" in response.text and "BD-09" in response.text
    before = project.sites.count()
    response = client.post(url, {"action": "add", "name": "新点位", "address": "", "district": "",
                                 "longitude": "120.1485", "latitude": "30.2420", "datum": "gcj02"})
    assert response.status_code == 302 and project.sites.count() == before + 1
    response = client.post(url, {"action": "add", "name": "北京", "address": "", "district": "",
                                 "longitude": "116.4", "latitude": "39.9", "datum": "gcj02"})
    assert "不在杭州市范围内" in response.text
