"""The appeal REST API: visibility and masking, the workflow over HTTP, and schemathesis fuzzing of its schema."""

import uuid

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error

from minsheng.appeals.models import Appeal
from tests.helpers import login

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator_api(client, users):
    return login(client, users["coordinator"])


def new_appeal(region_id: int, **extra) -> dict:
    return {"category": "help", "region": region_id, "content": "希望社区开设老年食堂，提供助餐服务",
            "address": "西湖区文三路 5 号", "name": "钱七", "phone": "13766667777", "id_number": "330106199001011234",
            "submission_key": str(uuid.uuid4()), **extra}


def test_staff_entry_is_idempotent_and_suggests_the_unit(coordinator_api, west_lake):
    body = new_appeal(west_lake.pk)
    first = coordinator_api.post("/api/v1/appeals/", body, content_type="application/json")
    assert first.status_code == 201, first.content
    again = coordinator_api.post("/api/v1/appeals/", body, content_type="application/json")
    assert again.status_code == 200 and again.json()["code"] == first.json()["code"]
    data = first.json()
    assert data["state"] == "submitted" and data["channel"] == "api" and "助餐" in data["suggestion"]
    assert data["contact"] == {"name": "钱七", "phone": "13766667777", "id_number": "330106199001011234",
                               "masked": False}


def test_bad_entries_get_field_errors(coordinator_api, west_lake):
    response = coordinator_api.post("/api/v1/appeals/", new_appeal(west_lake.pk, phone="1"),
                                    content_type="application/json")
    assert response.status_code == 400 and "phone" in response.json()
    response = coordinator_api.post("/api/v1/appeals/", new_appeal(west_lake.pk, address=""),
                                    content_type="application/json")
    assert response.status_code == 400 and "请填写地址或经纬度" in response.json()["non_field_errors"][0]


def test_anonymous_and_unit_users_cannot_enter(client, users, west_lake):
    assert client.post("/api/v1/appeals/", new_appeal(west_lake.pk), content_type="application/json").status_code == 403
    login(client, users["liaison"])
    assert client.post("/api/v1/appeals/", new_appeal(west_lake.pk), content_type="application/json").status_code == 403


def test_workflow_over_the_api_and_contact_masking_for_leaders(client, users, west_lake, civil_affairs):
    login(client, users["coordinator"])
    code = client.post("/api/v1/appeals/", new_appeal(west_lake.pk), content_type="application/json").json()["code"]
    accepted = client.post(f"/api/v1/appeals/{code}/accept/", {"unit": civil_affairs.pk},
                           content_type="application/json")
    assert accepted.status_code == 200 and accepted.json()["state"] == "accepted"
    conflict = client.post(f"/api/v1/appeals/{code}/accept/", {"unit": civil_affairs.pk},
                           content_type="application/json")
    assert conflict.status_code == 409 and "不能受理" in conflict.json()["detail"]
    # The coordinator is not the handling unit.
    assert client.post(f"/api/v1/appeals/{code}/answer/", {"text": "x"},
                       content_type="application/json").status_code == 403

    login(client, users["liaison"])
    answered = client.post(f"/api/v1/appeals/{code}/answer/", {"text": "已安排。"}, content_type="application/json")
    assert answered.status_code == 200 and answered.json()["state"] == "answered"
    assert answered.json()["contact"]["phone"] == "13766667777"

    login(client, users["leader"])
    seen = client.get(f"/api/v1/appeals/{code}/").json()
    assert seen["contact"] == {"name": "钱*", "phone": "137****7777", "id_number": "3301**********1234",
                               "masked": True}

    client.logout()
    assert client.get(f"/api/v1/appeals/{code}/").status_code == 404
    public = client.get(f"/api/v1/appeals/track/{code}/").json()
    assert public["state"] == "answered" and "phone" not in public and "contact" not in public
    rated = client.post(f"/api/v1/appeals/track/{code}/rate/", {"rating": "unsatisfied", "resolved": False},
                        content_type="application/json")
    assert rated.status_code == 200 and rated.json()["state"] == "reopened"


def test_unit_users_see_only_their_units_appeals(client, users):
    login(client, users["liaison"])
    codes = [a["code"] for a in client.get("/api/v1/appeals/").json()["results"]]
    assert codes and set(Appeal.objects.filter(code__in=codes).values_list("unit__name", flat=True)) == {"市民政局"}
    assert client.get("/api/v1/appeals/categories/").json()["count"] >= 6


# --- schemathesis: no generated input gets a server error ----------------------------------------------


@pytest.fixture
def keep_test_connection():
    """Schemathesis calls the WSGI app directly; like Django's test client, don't let the
    end of each request close the test's database connection (it holds the test transaction)."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def coordinator_token(users) -> str:
    return Token.objects.get_or_create(user=users["coordinator"])[0].key


def _appeal_schema():
    # Loaded through the app itself (no server): drf-spectacular answers /api/schema/ without the database.
    from minsheng.wsgi import application

    return schemathesis.openapi.from_wsgi("/api/schema/", application).include(path_regex=r"^/api/v1/appeals/")


schema = _appeal_schema()


@schema.parametrize()
@settings(max_examples=12, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                                 HealthCheck.function_scoped_fixture])
def test_no_server_error_on_generated_input(case, coordinator_token, keep_test_connection):
    case.call_and_validate(headers={"Authorization": f"Token {coordinator_token}"}, checks=[not_a_server_error])
