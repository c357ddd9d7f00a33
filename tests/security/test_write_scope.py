"""Write scope: every path that creates or changes data refuses to write into another city or unit.

Each case is a request a user is allowed to make with their own ids (the control, which must write)
and the same request with 无锡's ids in the payload (the attack, which must write nothing). The user
is always one of 杭州's: the 杭州 coordinator, or the liaison of 市民政局.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from html.parser import HTMLParser

import pytest
from django.contrib import admin
from django.test import Client

from minsheng.appeals.models import Appeal
from minsheng.plans.export import export_plan
from minsheng.plans.models import Plan, PlanImport
from tests.helpers import login
from tests.security.matrix import ADMIN_REGION_PATHS, SUPERUSER
from tests.security.probe import fingerprint, probe
from tests.security.world import City, World

pytestmark = pytest.mark.django_db


@dataclass
class Case:
    user: str
    method: str
    url: object  # (world) -> str
    payload: object  # (world, target city) -> dict


def _web(c: City) -> dict:
    return {"submission_key": str(uuid.uuid4()), "category": c.appeal.category_id, "region": c.district.pk,
            "content": "楼道灯坏了", "address": f"{c.district.name}某路", "name": "王五", "phone": "13922223333",
            "id_number": ""}


CASES: dict[str, Case] = {
    # Pages
    "page: phone appeal entered into another city": Case(
        "coordinator", "POST", lambda w: "/staff/appeals/new/", lambda w, c: _web(c)),
    "page: candidate project for another city's region": Case(
        "coordinator", "POST", lambda w: "/staff/appeals/candidates/",
        lambda w, c: {"region": c.region.pk, "keyword": "路灯", "appeal": [c.appeal.pk, w.A.appeal.pk]}),
    "page: accepting an appeal onto another city's unit": Case(
        "coordinator", "POST", lambda w: f"/staff/appeals/{w.A.new_appeal.code}/accept/",
        lambda w, c: {"unit": c.unit.pk, "category": w.A.appeal.category_id, "note": "交办"}),
    "page: reassigning an appeal to another city's unit": Case(
        "coordinator", "POST", lambda w: f"/staff/appeals/{w.A.appeal.code}/reassign/",
        lambda w, c: {"unit": c.unit.pk if c.key == "B" else c.other_unit.pk, "reason": "改派"}),
    "page: inspection of another city's projects and units": Case(
        "coordinator", "POST", lambda w: f"/staff/supervision/plans/{w.A.plan.pk}/",
        lambda w, c: {"kind": "online", "date": f"{w.A.plan.year}-05-01", "team": "督查组",
                      "projects": [c.project.pk], "description": "台账不全", "severity": "minor", "unit": c.unit.pk,
                      "finding_project": c.project.pk, "deadline": f"{w.A.plan.year}-06-01",
                      "required_action": "补齐"}),
    "page: flagging another city's project": Case(
        "coordinator", "POST", lambda w: f"/staff/supervision/plans/{w.A.plan.pk}/flags/",
        lambda w, c: {"project": c.hidden.pk, "reason": "滞后", "lift_criteria": "恢复"}),
    "page: deputy question to another city's unit": Case(
        "coordinator", "POST", lambda w: f"/staff/supervision/plans/{w.A.plan.pk}/congress/",
        lambda w, c: {"question": "进度如何？", "asked_by": "王代表", "unit": c.unit.pk,
                      "asked_on": f"{w.A.plan.year}-07-01"}),
    "page: assessment adjustment for another city's unit": Case(
        "coordinator", "POST", lambda w: f"/staff/assessment/plans/{w.A.plan.pk}/adjust/",
        lambda w, c: {"kind": "bonus", "unit": c.unit.pk, "points": "1", "reason": "表扬"}),
    "page: assessment adjustment for another city's district": Case(
        "coordinator", "POST", lambda w: f"/staff/assessment/plans/{w.A.plan.pk}/adjust/",
        lambda w, c: {"kind": "bonus", "region": c.district.pk, "points": "1", "reason": "表扬"}),
    "page: survey on another city's project": Case(
        "coordinator", "POST", lambda w: f"/staff/assessment/plans/{w.A.plan.pk}/surveys/",
        lambda w, c: {"create": "1", "project": c.project.pk, "title": "测评", "audience": "public"}),
    "page: deputy rating another city's project through their own plan's page": Case(
        "deputy", "POST", lambda w: f"/staff/assessment/plans/{w.A.plan.pk}/evaluate/",
        lambda w, c: {"project": c.project.pk, "rating": "satisfied", "comment": "好"}),
    "page: notice for another city's period": Case(
        "coordinator", "POST", lambda w: f"/staff/progress/plans/{w.A.plan.pk}/notices/",
        lambda w, c: {"period": c.period.pk}),
    # A GET only looks; the POST opens (creates) the draft.
    "page: opening a report on another city's period": Case(
        "liaison", "POST", lambda w: None, lambda w, c: {}),  # URL built from the payload city, see below
    # REST API
    "api: appeal created in another city": Case(
        "coordinator", "POST", lambda w: "/api/v1/appeals/",
        lambda w, c: {"category": "help", "region": c.district.pk, "content": "楼道灯坏了",
                      "address": f"{c.district.name}某路", "phone": "13922223333"}),
    "api: appeal accepted onto another city's unit": Case(
        "coordinator", "POST", lambda w: f"/api/v1/appeals/{w.A.new_appeal.code}/accept/",
        lambda w, c: {"unit": c.unit.pk, "note": "交办"}),
    # Open311: a key of 杭州 writes into 杭州 only.
    "open311: request into another city's jurisdiction": Case(
        "anonymous", "POST", lambda w: "/open311/v2/requests.json",
        lambda w, c: {"api_key": w.A.extra["open311_key"], "service_code": "help", "description": "路灯坏了",
                      "address_string": c.district.name, "jurisdiction_id": c.region.pk}),
    "open311: request into another city's district": Case(
        "anonymous", "POST", lambda w: "/open311/v2/requests.json",
        lambda w, c: {"api_key": w.A.extra["open311_key"], "service_code": "help", "description": "路灯坏了",
                      "address_string": "某路", "attribute[district]": c.district.pk}),
}


def _url(case: Case, world: World, target: City) -> str:
    if case.url(world) is None:
        return f"/staff/progress/projects/{world.A.hidden.pk}/periods/{target.period2.pk}/report/"
    return case.url(world)


@pytest.fixture(scope="module")
def staff_clients(world, django_db_blocker):
    from minsheng.appeals import services

    made = {}
    with django_db_blocker.unblock():
        for name in ("coordinator", "liaison", "deputy", "admin", "anonymous"):
            client = Client(raise_request_exception=False)
            if name != "anonymous":
                login(client, world.users[name])
            made[name] = client
        world.A.extra["open311_key"] = services.issue_key("杭州测试接口", world.A.region)
    return made


@pytest.mark.parametrize("name", sorted(CASES))
def test_write_into_another_city_is_refused(name, world, staff_clients):
    case = CASES[name]
    client = staff_clients[case.user]
    before = fingerprint(world)
    own = probe(client, case.method, _url(case, world, world.A), case.payload(world, world.A), world, before)
    assert own.status < 500 and own.changed, f"control: the request with 杭州's own ids must write ({own})"
    foreign = probe(client, case.method, _url(case, world, world.B), case.payload(world, world.B), world, before)
    assert foreign.status < 500, foreign
    assert not foreign.changed, f"{name}: the write with 无锡's ids went through ({foreign.status})"


def test_api_cannot_move_a_project_into_another_plan(world, staff_clients):
    client = staff_clients["coordinator"]
    before = fingerprint(world)
    url = f"/api/v1/projects/{world.A.project.pk}/"
    result = probe(client, "PATCH", url, {"plan": world.B.plan.pk, "public": True}, world, before)
    world.A.project.refresh_from_db()
    assert result.status < 500
    assert world.A.project.plan_id == world.A.plan.pk


def test_importer_save_refuses_a_document_of_another_city(world, staff_clients):
    """A 杭州 coordinator uploading 无锡's plan document must not be able to save it over 无锡's plan."""
    document = export_plan(world.B.plan)
    document["plan"]["title"] = world.B.plan.title  # the same plan: saving would update 无锡's projects
    document["projects"][0]["name"] = "被改写的项目"
    draft = PlanImport.objects.create(created_by=world.users["coordinator"], file_name="wuxi.txt",
                                      file_sha256="1" * 64, document=document)
    own = PlanImport.objects.create(created_by=world.users["coordinator"], file_name="hz.txt",
                                    file_sha256="2" * 64, document=export_plan(world.A.plan), region=world.A.region)
    client = staff_clients["coordinator"]
    # The importer saves only into an explicitly chosen target: "new" or one of the draft's candidate plans.
    control = probe(client, "POST", f"/staff/imports/{own.pk}/save/", {"target": world.A.plan.pk}, world,
                    fingerprint(world))
    assert control.status == 302 and f"/staff/plans/{world.A.plan.pk}/" in control.location, control
    before = fingerprint(world)
    # The reader leaves the region empty for a name outside the user's regions; 无锡 itself stands for a
    # draft whose region was set some other way.
    for region, target in [(None, "new"), (None, world.B.plan.pk), (world.B.region, "new"),
                           (world.B.region, world.B.plan.pk)]:
        PlanImport.objects.filter(pk=draft.pk).update(region=region)
        result = probe(client, "POST", f"/staff/imports/{draft.pk}/save/", {"target": target}, world, before)
        # Refused: back to the preview with the reason, nothing written.
        assert result.status == 302 and result.location == f"/staff/imports/{draft.pk}/", (target, result)
        assert not result.changed, f"the 无锡 document was saved by 杭州's coordinator ({target}: {result})"
    draft.refresh_from_db()
    assert draft.status == PlanImport.Status.DRAFT
    assert not Plan.objects.filter(region=world.B.region).exclude(pk=world.B.plan.pk).exclude(
        pk=world.B.draft_plan.pk).exists()


@pytest.mark.parametrize("path", ["/appeals/track/{code}/", "/api/v1/appeals/track/{code}/rate/"])
def test_the_public_tracking_code_alone_cannot_rate(path, world, staff_clients):
    """The tracking code is printed on public pages; rating needs the secret only the citizen holds."""
    appeal = world.A.answered_appeal
    before = fingerprint(world)
    result = probe(staff_clients["anonymous"], "POST", path.format(code=appeal.code),
                   {"rating": "unsatisfied", "resolved": "0", "comment": "没修好"}, world, before)
    assert result.status < 500
    assert Appeal.objects.get(pk=appeal.pk).rating == ""
    assert not result.changed, f"rated with the public code alone ({result.status})"


# --- the admin: change and add with a foreign region or unit ----------------------------------------


class _FormFields(HTMLParser):
    """The fields of the admin's model form as a browser would post them."""

    def __init__(self, form_id: str):
        super().__init__()
        self.form_id, self.inside, self.fields = form_id, False, []
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inside = a.get("id") == self.form_id
        if not self.inside:
            return
        if tag == "input" and a.get("name"):
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            if kind in ("submit", "button", "file", "image"):
                return
            self.fields.append([a["name"], a.get("value", "on" if kind == "checkbox" else "")])
        elif tag == "select":
            self._select = a.get("name")
        elif tag == "option" and self._select and "selected" in a:
            self.fields.append([self._select, a.get("value", "")])
        elif tag == "textarea":
            self._textarea = a.get("name")
            self.fields.append([self._textarea, ""])

    def handle_data(self, data):
        if self._textarea:
            self.fields[-1][1] += data

    def handle_endtag(self, tag):
        if tag == "form" and self.inside:
            self.inside = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def _form_data(client: Client, url: str, model) -> dict:
    page = client.get(url)
    assert page.status_code == 200, (url, page.status_code)
    parser = _FormFields(f"{model._meta.model_name}_form")
    parser.feed(page.content.decode())
    data: dict[str, list[str]] = {}
    for key, value in parser.fields:
        data.setdefault(key, []).append(value.strip("\n") if value else value)
    data.pop("csrfmiddlewaretoken", None)
    return data


def _path(model) -> str:
    return ADMIN_REGION_PATHS[f"{model._meta.app_label}.{model._meta.model_name}"]


def _foreign_value(model, city: City) -> tuple[str, str]:
    """The form field that ties a row to a region, and a value of it that lies in ``city``."""
    path = _path(model)
    field, _, rest = path.partition("__")
    related = model._meta.get_field(field).related_model
    target = (related.objects.filter(**{f"{rest}__in": city.region.descendant_ids()}).order_by("pk").first()
              if rest else city.region)
    return field, str(target.pk)


def _in_city(model, city: City):
    return model.objects.filter(**{f"{_path(model)}__in": city.region.descendant_ids()})


REGIONAL_ADMIN = sorted(label for label, path in ADMIN_REGION_PATHS.items() if path not in (None, SUPERUSER, "id"))


def _model(label: str):
    return next(m for m in admin.site._registry if f"{m._meta.app_label}.{m._meta.model_name}" == label)


@pytest.mark.parametrize("label", REGIONAL_ADMIN)
def test_admin_change_cannot_move_an_object_into_another_city(label, world, staff_clients):
    """The superuser's own form, re-posted by 杭州's coordinator with the region switched to 无锡."""
    model = _model(label)
    obj = _in_city(model, world.A).order_by("pk").first()
    assert obj is not None, f"no 杭州 {label} to try"
    url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/{obj.pk}/change/"
    data = _form_data(staff_clients["admin"], url, model)
    field, value = _foreign_value(model, world.B)
    if field not in data:
        # The admin shows the field read-only (even to a superuser): no form can move the row.
        return
    data[field] = [value]
    before = fingerprint(world)
    result = probe(staff_clients["coordinator"], "POST", url, data, world, before, admin=True)
    assert result.status < 500, result
    assert _in_city(model, world.A).filter(pk=obj.pk).exists()
    assert not result.changed, f"{label}: 杭州's coordinator moved a row into 无锡 ({result.status})"


@pytest.mark.parametrize("label", REGIONAL_ADMIN)
def test_admin_add_cannot_create_in_another_city(label, world, staff_clients):
    model = _model(label)
    url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/add/"
    if staff_clients["admin"].get(url).status_code != 200:
        # Not even a superuser may add here (keys are made on the command line): nor may a coordinator.
        assert staff_clients["coordinator"].get(url).status_code != 200
        return
    obj = _in_city(model, world.A).order_by("pk").first()
    change = f"/admin/{model._meta.app_label}/{model._meta.model_name}/{obj.pk}/change/"
    data = _form_data(staff_clients["admin"], change, model)  # a complete set of values to copy
    for key in ("name", "username", "title"):
        if key in data:
            data[key] = [f"越权新建{uuid.uuid4().hex[:6]}"]
    field, value = _foreign_value(model, world.B)
    data[field] = [value]
    before = fingerprint(world)
    result = probe(staff_clients["coordinator"], "POST", url, data, world, before, admin=True)
    assert result.status < 500, result
    assert not result.changed, f"{label}: 杭州's coordinator created a row in 无锡 ({result.status})"

