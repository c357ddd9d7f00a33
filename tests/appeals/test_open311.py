"""Open311 GeoReport v2 conformance: the standard's JSON schemas, its error lists, and the independent
``georeport`` client reading a running server."""

import json
import threading
import uuid
from pathlib import Path
from xml.etree import ElementTree

import pytest
from jsonschema import Draft7Validator, FormatChecker
from referencing import Registry
from referencing.jsonschema import DRAFT7

from minsheng.appeals.models import Appeal, secret_hash

SCHEMAS = Path(__file__).resolve().parents[1] / "data" / "open311"


def _registry() -> Registry:
    # The standard's files refer to each other by file name ("$ref": "request.json"); none declares a draft.
    return Registry().with_resources(
        (p.name, DRAFT7.create_resource(json.loads(p.read_text()))) for p in SCHEMAS.glob("*.json")
        if p.name != "swagger.json"
    )


REGISTRY = _registry()


def validate(document, schema_name: str) -> None:
    schema = json.loads((SCHEMAS / schema_name).read_text())
    validator = Draft7Validator(schema, registry=REGISTRY, format_checker=FormatChecker())
    errors = sorted(validator.iter_errors(document), key=str)
    assert not errors, "\n".join(e.message for e in errors[:5])


@pytest.fixture
def api_key(db, hangzhou) -> str:
    from minsheng.appeals.services import issue_key

    return issue_key("测试", hangzhou)


def post_form(api_key: str, **overrides) -> dict:
    data = {"api_key": api_key, "jurisdiction_id": "杭州市", "service_code": "complaint", "lat": "30.259244",
            "long": "120.130642", "description": "西湖区文三路夜间施工噪音扰民，请查处。", "first_name": "明",
            "last_name": "李", "phone": "13955556666", "attribute[publish]": "yes"}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


# --- schemas and errors, through the test client -----------------------------------------------------

pytestmark_db = pytest.mark.django_db


@pytestmark_db
def test_services_and_definitions_validate(client):
    services = client.get("/open311/v2/services.json").json()
    validate(services, "services.json")
    assert {s["service_code"] for s in services} >= {"consult", "help", "complaint", "report", "utility", "emergency"}
    for service in services:
        definition = client.get(f"/open311/v2/services/{service['service_code']}.json").json()
        validate(definition, "service-definition.json")
    district = next(a for a in definition["attributes"] if a["code"] == "district")
    assert "西湖区" in {v["name"] for v in district["values"]}


@pytestmark_db
def test_request_lists_validate_and_show_only_published_appeals(client):
    listed = client.get("/open311/v2/requests.json").json()
    validate(listed, "requests.json")
    assert listed, "the demo publishes appeals from the last 90 days"
    codes = [r["service_request_id"] for r in listed]
    # Consent alone is not enough: a coordinator approved each one, and has not withdrawn it.
    assert all(Appeal.objects.get(code=c).publish and Appeal.objects.get(code=c).publication.live for c in codes)
    waiting = Appeal.objects.filter(publish=True, publication__isnull=True).exclude(state_id="submitted")
    assert waiting.exists() and not set(waiting.values_list("code", flat=True)) & set(codes)
    one = client.get(f"/open311/v2/requests/{codes[0]}.json").json()
    validate(one, "requests.json")
    validate(one[0], "request.json")
    # The swagger file spells the path in the singular; it answers too.
    assert client.get(f"/open311/v2/request/{codes[0]}.json").json() == one


@pytestmark_db
def test_request_filters(client):
    closed = client.get("/open311/v2/requests.json", {"status": "closed", "service_code": "complaint"}).json()
    assert closed and all(r["status"] == "closed" and r["service_code"] == "complaint" for r in closed)
    opened = client.get("/open311/v2/requests.json", {"status": "open"}).json()
    assert all(r["status"] == "open" for r in opened)
    start, end = "2000-01-01T00:00:00Z", "2000-02-01T00:00:00Z"
    assert client.get("/open311/v2/requests.json", {"start_date": start, "end_date": end}).json() == []
    hidden = Appeal.objects.filter(publish=False).first()
    # An explicit id reads any appeal: the code is what its author was given.
    by_id = client.get("/open311/v2/requests.json", {"service_request_id": hidden.code}).json()
    assert [r["service_request_id"] for r in by_id] == [hidden.code]


@pytestmark_db
def test_no_personal_data_leaves(client):
    appeal = Appeal.objects.exclude(phone="").filter(publish=True).exclude(state_id="submitted").first()
    body = client.get(f"/open311/v2/requests/{appeal.code}.json").content.decode()
    assert appeal.phone not in body and appeal.name not in body


@pytestmark_db
def test_numbers_in_description_address_and_notes_are_masked(client, make_appeal, users, civil_affairs):
    """The original leak: Open311 published the address whole, and the masking missed +86, spaced and
    full-width numbers and landlines."""
    from minsheng.appeals import services

    appeal = services.accept(make_appeal("电话 +86 138 0013 8000，或１３９００００１１１１", title="噪音",
                                         address="文三路 1 号（0571）8765 4321", publish=True),
                             users["coordinator"], civil_affairs)
    services.answer(appeal, users["liaison"], "请致电 0571-87654321 或 86-138-0013-8000")
    found = client.get(f"/open311/v2/requests/{appeal.code}.json").json()[0]
    assert found["description"] == "噪音\n电话 +86 138 **** 8000，或１３９****１１１１"
    assert found["address"] == "文三路 1 号（0571）**** 4321"
    assert found["status_notes"] == "已答复：请致电 0571-****4321 或 86-138-****-8000"
    # Not in the list until a coordinator approves; then with the approved text.
    def listed():
        return [r for r in client.get("/open311/v2/requests.json").json() if r["service_request_id"] == appeal.code]

    assert listed() == []
    services.approve_publication(appeal, users["coordinator"], "夜间噪音", "夜间施工噪音，电话 13800138000", "已处理")
    (item,) = listed()
    assert item["description"] == "夜间噪音\n夜间施工噪音，电话 138****8000"
    assert item["status_notes"] == "已答复：已处理"
    services.withdraw_publication(appeal, users["coordinator"], "误批")
    assert listed() == []

@pytestmark_db
def test_xml_answers(client):
    root = ElementTree.fromstring(client.get("/open311/v2/services.xml").content)
    assert root.tag == "services" and root.find("service/service_code") is not None
    root = ElementTree.fromstring(client.get("/open311/v2/services/utility.xml").content)
    assert root.tag == "service_definition" and root.find("attributes/attribute/values/value/key") is not None
    root = ElementTree.fromstring(client.get("/open311/v2/requests.xml").content)
    assert root.tag == "service_requests" and root.find("request/service_request_id") is not None


@pytestmark_db
def test_form_encoded_post_creates_a_request_found_by_id_and_token(client, api_key, west_lake):
    form = post_form(api_key, **{"attribute[district]": str(west_lake.pk)})
    response = client.post("/open311/v2/requests.json", form)
    assert response.status_code == 200
    answer = response.json()
    assert isinstance(answer, list) and answer[0]["service_request_id"]
    code, token = answer[0]["service_request_id"], answer[0]["token"]
    appeal = Appeal.objects.get(code=code)
    # The rating secret is in the answer this once, and in the notice a plain client shows.
    secret = answer[0]["secret"]
    assert appeal.secret_hash == secret_hash(code, secret) and secret in answer[0]["service_notice"]
    assert appeal.channel == "open311" and appeal.region == west_lake and appeal.publish
    assert appeal.name == "李明" and appeal.api_key.name == "测试"
    found = client.get(f"/open311/v2/requests/{code}.json").json()
    validate(found, "requests.json")
    assert found[0]["status"] == "open" and found[0]["service_code"] == "complaint"
    assert client.get(f"/open311/v2/tokens/{token}.json").json() == [{"service_request_id": code, "token": token}]
    xml = client.post("/open311/v2/requests.xml", post_form(api_key, lat=None, long=None,
                                                             address_string="杭州市上城区解放路 1 号"))
    root = ElementTree.fromstring(xml.content)
    made = Appeal.objects.get(code=root.find("request/service_request_id").text)
    assert made.region.name == "上城区"  # found from the address


@pytestmark_db
@pytest.mark.parametrize("overrides,status,words", [
    ({"api_key": None}, 403, "api_key"),
    ({"api_key": "not-a-key"}, 403, "api_key"),
    ({"service_code": None}, 400, "service_code"),
    ({"service_code": "nope"}, 400, "service_code not found"),
    ({"lat": None, "long": None}, 400, "location"),
    ({"lat": "abc"}, 400, "lat"),
    ({"lat": "91"}, 400, "lat"),
    ({"description": None}, 400, "description"),
    ({"attribute[district]": "999999"}, 400, "attribute[district]"),
    ({"jurisdiction_id": "火星市"}, 404, "jurisdiction_id"),
])
def test_bad_posts_get_the_standards_error_list(client, api_key, overrides, status, words):
    before = Appeal.objects.count()
    form = {**post_form(api_key), **overrides}
    form = {k: v for k, v in form.items() if v is not None}
    response = client.post("/open311/v2/requests.json", form)
    assert response.status_code == status
    body = response.json()
    assert body[0]["code"] == status and words in body[0]["description"]
    assert Appeal.objects.count() == before
    xml = client.post("/open311/v2/requests.xml", form)
    root = ElementTree.fromstring(xml.content)
    assert root.tag == "errors" and root.find("error/code").text == str(status)


@pytestmark_db
@pytest.mark.parametrize("url,status", [
    ("/open311/v2/requests/MSNOSUCHCODE.json", 404),
    ("/open311/v2/services/nope.json", 404),
    ("/open311/v2/tokens/not-a-token.json", 404),
    (f"/open311/v2/tokens/{uuid.UUID(int=0x5EED)}.json", 404),
    ("/open311/v2/requests.json?start_date=yesterday", 400),
    ("/open311/v2/requests.json?start_date=2024-01-01T00:00:00Z&end_date=2024-06-01T00:00:00Z", 400),
    ("/open311/v2/requests.json?status=pending", 400),
    ("/open311/v2/services.json?jurisdiction_id=999999", 404),
    ("/open311/v2/services.csv", 404),
])
def test_bad_reads_get_the_error_list(client, url, status):
    response = client.get(url)
    assert response.status_code == status
    assert response.json()[0]["code"] == status


def test_cli_issues_a_key_that_works(db, capsys, client):
    from minsheng.cli import main

    assert main(["open311-key", "--create", "区县网格平台"]) == 0
    key = capsys.readouterr().out.strip()
    assert len(key) >= 24
    assert client.post("/open311/v2/requests.json", post_form(key)).status_code == 200


def test_cli_key_for_another_region_works_only_there(db, capsys, client):
    from minsheng.cli import main

    assert main(["open311-key", "--create", "无锡平台", "--region", "无锡市"]) == 0
    key = capsys.readouterr().out.strip()
    assert client.post("/open311/v2/requests.json", post_form(key)).status_code == 403  # 杭州市 in the form
    assert main(["open311-key", "--create", "x", "--region", "火星市"]) == 2
    assert "没有名为 火星市 的区划" in capsys.readouterr().err


@pytestmark_db
def test_a_key_creates_appeals_only_in_its_own_region(client, api_key):
    """The original attack: a key is issued for 杭州; it must not file appeals in 无锡."""
    from minsheng.core.models import Region

    wuxi = Region.objects.get(name="无锡市")
    before = Appeal.objects.count()
    for jurisdiction in ("无锡市", str(wuxi.pk)):
        response = client.post("/open311/v2/requests.json", post_form(api_key, jurisdiction_id=jurisdiction))
        assert response.status_code == 403 and "not valid for this jurisdiction_id" in response.json()[0]["description"]
    # Nor through a district of another city named in the attribute.
    wuxi_district = Region.objects.filter(parent=wuxi).first()
    if wuxi_district is not None:
        response = client.post("/open311/v2/requests.json",
                               post_form(api_key, **{"attribute[district]": str(wuxi_district.pk)}))
        assert response.status_code == 400
    assert Appeal.objects.count() == before


@pytestmark_db
def test_posts_are_limited_per_key_and_per_phone(client, api_key, settings):
    settings.APPEALS_RATE_LIMITS = {"key_per_hour": 3, "phone_per_day": 2}
    assert client.post("/open311/v2/requests.json", post_form(api_key, phone="13700000001")).status_code == 200
    assert client.post("/open311/v2/requests.json", post_form(api_key, phone="13700000001")).status_code == 200
    by_phone = client.post("/open311/v2/requests.json", post_form(api_key, phone="+86 137 0000 0001"))
    assert by_phone.status_code == 429 and "同一手机号" in by_phone.json()[0]["description"]
    assert client.post("/open311/v2/requests.json", post_form(api_key, phone="13700000002")).status_code == 200
    by_key = client.post("/open311/v2/requests.json", post_form(api_key, phone="13700000003"))
    assert by_key.status_code == 429 and "接口密钥" in by_key.json()[0]["description"]
    xml = client.post("/open311/v2/requests.xml", post_form(api_key, phone="13700000004"))
    assert xml.status_code == 429 and ElementTree.fromstring(xml.content).find("error/code").text == "429"


@pytestmark_db
def test_the_secret_from_the_post_rates_and_the_listed_code_does_not(client, api_key, users, civil_affairs):
    from minsheng.appeals import services

    answer = client.post("/open311/v2/requests.json", post_form(api_key)).json()[0]
    appeal = services.accept(Appeal.objects.get(code=answer["service_request_id"]), users["coordinator"],
                             civil_affairs)
    services.answer(appeal, users["liaison"], "已查处")
    rate = f"/api/v1/appeals/track/{appeal.code}/rate/"
    body = {"rating": "unsatisfied", "resolved": False}
    assert client.post(rate, body, content_type="application/json").status_code == 400
    done = client.post(rate, {**body, "secret": answer["secret"]}, content_type="application/json")
    assert done.status_code == 200 and done.json()["state"] == "reopened"


# --- the independent client against a running server ------------------------------------------------


@pytest.fixture(scope="module")
def running_server(django_db_setup, django_db_blocker):
    """A real HTTP server on loopback, like pytest-django's live_server, but without its flush.

    live_server forces a transactional test that empties every table afterwards, which would
    take the session's demo data from the tests that follow on this worker. Reading the demo
    and posting one new appeal needs no isolation, so the server runs on the committed data.
    """
    from django.db import connections
    from django.test.testcases import LiveServerThread, _StaticFilesHandler

    with django_db_blocker.unblock():
        connection = connections["default"]
        shared = {}
        if connection.vendor == "sqlite" and connection.is_in_memory_db():
            # An in-memory SQLite database exists in one connection only: the server thread borrows it.
            connection.inc_thread_sharing()
            shared["default"] = connection
        server = LiveServerThread("127.0.0.1", _StaticFilesHandler, connections_override=shared, port=0)
        server.daemon = True
        server.start()
        server.is_ready.wait()
        if server.error:
            raise server.error
        yield f"http://127.0.0.1:{server.port}/open311/v2"
        server.terminate()
        if shared:
            connection.dec_thread_sharing()


def test_georeport_client_reads_services_definitions_and_requests(running_server, django_db_blocker):
    import requests
    from georeport import GeoReport

    client = GeoReport(running_server, jurisdiction="杭州市")
    services = client.get_service_list()
    validate(services, "services.json")
    definition = client.get_service_definition("complaint")
    validate(definition, "service-definition.json")

    listed = client.get_service_requests()
    validate(listed, "requests.json")
    assert listed
    closed = client.get_service_requests(status="closed", service_code="complaint,help")
    assert closed and all(r["status"] == "closed" and r["service_code"] in {"complaint", "help"} for r in closed)
    assert client.get_service_requests(start_date="2001-01-01T00:00:00Z", end_date="2001-02-01T00:00:00Z") == []

    one = client.get_service_request(listed[0]["service_request_id"])
    validate(one, "request.json")
    assert one == listed[0]

    xml_client = GeoReport(running_server, jurisdiction="杭州市", output_format="xml")
    assert {s["service_code"] for s in xml_client.get_service_list()} == {s["service_code"] for s in services}

    with django_db_blocker.unblock():
        from minsheng.appeals.services import issue_key
        from minsheng.core.models import Region

        key = issue_key(f"georeport-{threading.get_ident()}", Region.objects.get(name="杭州市"))
    posted = requests.post(f"{running_server}/requests.json",
                           data=post_form(key, phone="", description="georeport 客户端测试：路灯不亮"), timeout=300)
    assert posted.status_code == 200
    code = posted.json()[0]["service_request_id"]
    fetched = client.get_service_request(code)
    validate(fetched, "request.json")
    assert fetched["status"] == "open" and "路灯不亮" in fetched["description"]
    bad = requests.post(f"{running_server}/requests.json", data=post_form("wrong"), timeout=300)
    assert bad.status_code == 403 and bad.json()[0]["code"] == 403
