"""The appeal REST API: visibility and masking, the workflow over HTTP, and schemathesis fuzzing of its schema."""

import re
import uuid

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error

from minsheng.appeals.models import Appeal, secret_hash
from minsheng.core.models import Region, Unit
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
    # The rating secret comes with the first answer only, and only its hash is stored.
    secret = first.json()["secret"]
    assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}", secret) and "secret" not in again.json()
    stored = Appeal.objects.get(code=first.json()["code"])
    assert stored.secret_hash == secret_hash(stored.code, secret) and secret not in stored.secret_hash
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
    made = client.post("/api/v1/appeals/", new_appeal(west_lake.pk, content="楼道漏雨，请联系我 +86 137 6666 7777"),
                       content_type="application/json").json()
    code, secret = made["code"], made["secret"]
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

    assert answered.json()["content"] == "楼道漏雨，请联系我 +86 137 6666 7777"  # the unit reads it whole

    # Leaders and deputies read the region's appeals without the citizen's data, in the text too.
    login(client, users["leader"])
    seen = client.get(f"/api/v1/appeals/{code}/").json()
    assert seen["contact"] == {"name": "钱*", "phone": "137****7777", "id_number": "3301**********1234",
                               "masked": True}
    assert seen["content"] == "楼道漏雨，请联系我 +86 137 **** 7777"

    client.logout()
    assert client.get(f"/api/v1/appeals/{code}/").status_code == 404
    public = client.get(f"/api/v1/appeals/track/{code}/").json()
    assert public["state"] == "answered" and "phone" not in public and "contact" not in public
    assert "6666" not in public["content"]
    rate = f"/api/v1/appeals/track/{code}/rate/"
    # The code alone does not rate: it is public (Open311 lists it).
    assert client.post(rate, {"rating": "unsatisfied", "resolved": False},
                       content_type="application/json").status_code == 400
    wrong = client.post(rate, {"rating": "unsatisfied", "resolved": False, "secret": "AAAA-BBBB"},
                        content_type="application/json")
    assert wrong.status_code == 403 and Appeal.objects.get(code=code).state_id == "answered"
    rated = client.post(rate, {"rating": "unsatisfied", "resolved": False, "secret": secret.lower()},
                        content_type="application/json")
    assert rated.status_code == 200 and rated.json()["state"] == "reopened"


def test_rating_by_the_phone_given(client, users, make_appeal, civil_affairs):
    from minsheng.appeals import services

    appeal = services.answer(services.accept(make_appeal(phone="13900001111"), users["coordinator"], civil_affairs),
                             users["liaison"], "已处理")
    rate = f"/api/v1/appeals/track/{appeal.code}/rate/"
    assert client.post(rate, {"rating": "satisfied", "resolved": True, "phone": "13900001112"},
                       content_type="application/json").status_code == 403
    done = client.post(rate, {"rating": "satisfied", "resolved": True, "phone": "+86 139-0000-1111"},
                       content_type="application/json")
    assert done.status_code == 200 and done.json()["state"] == "closed"


def test_failed_rating_attempts_are_limited_per_address(client, users, make_appeal, civil_affairs,
                                                        settings):
    """Guessing secrets from one address stops after five failures, the right one included."""
    from minsheng.appeals import services

    settings.APPEALS_RATE_LIMITS = {"proof_failures_per_hour": 5}
    made = make_appeal()
    appeal = services.answer(services.accept(made, users["coordinator"], civil_affairs), users["liaison"], "已处理")
    rate = f"/api/v1/appeals/track/{appeal.code}/rate/"
    body = {"rating": "unsatisfied", "resolved": False}
    for guess in range(5):
        response = client.post(rate, {**body, "secret": f"AAAA-AAA{guess + 2}"}, content_type="application/json",
                               REMOTE_ADDR="10.0.0.7")
        assert response.status_code == 403
    limited = client.post(rate, {**body, "secret": made.secret}, content_type="application/json",
                          REMOTE_ADDR="10.0.0.7")
    assert limited.status_code == 429 and "次数过多" in limited.json()["detail"]
    assert Appeal.objects.get(pk=appeal.pk).state_id == "answered"
    # The citizen at another address is not locked out.
    ok = client.post(rate, {**body, "secret": made.secret}, content_type="application/json",
                     REMOTE_ADDR="10.0.0.8")
    assert ok.status_code == 200 and ok.json()["state"] == "reopened"


# --- regions: an API user writes only into the regions they coordinate ------------------------------------


def test_entry_in_another_citys_region_is_refused(coordinator_api):
    """The original attack: 杭州's coordinator registered an appeal in 无锡 through the API."""
    wuxi = Region.objects.get(name="无锡市")
    before = Appeal.objects.count()
    response = coordinator_api.post("/api/v1/appeals/", new_appeal(wuxi.pk), content_type="application/json")
    assert response.status_code == 403 and "不统筹" in response.json()["detail"]
    assert Appeal.objects.count() == before


def test_accepting_with_a_unit_of_another_city_is_refused(coordinator_api, west_lake, civil_affairs, wuxi_unit):
    """The original attack: accept with any unit id, which hands the citizen's name and phone to 无锡."""
    code = coordinator_api.post("/api/v1/appeals/", new_appeal(west_lake.pk),
                                content_type="application/json").json()["code"]
    accept = f"/api/v1/appeals/{code}/accept/"
    refused = coordinator_api.post(accept, {"unit": wuxi_unit.pk}, content_type="application/json")
    assert refused.status_code == 400 and "不属于诉求所在区划" in refused.json()["unit"][0]
    # A district's appeal does not go to a sibling district's government either.
    chunan = Unit.objects.get(name="淳安县人民政府")
    assert coordinator_api.post(accept, {"unit": chunan.pk}, content_type="application/json").status_code == 400
    appeal = Appeal.objects.get(code=code)
    assert appeal.state_id == "submitted" and appeal.unit is None
    # The city's bureau serves its districts.
    assert coordinator_api.post(accept, {"unit": civil_affairs.pk},
                                content_type="application/json").json()["unit"] == civil_affairs.pk


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
