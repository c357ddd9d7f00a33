"""Trust I in the admin: a coordinator of 无锡 reaches none of 杭州's rows, by any page of it.

The per-model checks are generated from ``admin.site._registry``: a newly registered admin is
covered by default, and fails until it has a case here (and a scope in ``core/admin_scope.py``).
"""

import hashlib
import re
from html.parser import HTMLParser

import pytest
from django.contrib import admin
from django.contrib.admin.sites import all_sites
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory
from simple_history.admin import SimpleHistoryAdmin

from minsheng.appeals.models import AppealCategory, ExportLog, Open311Key, RoutingRule
from minsheng.core.admin_scope import (
    RegionScopedAdmin,
    ScopedTabularInline,
    SuperuserOnlyAdmin,
    check_admin_scopes,
    site_errors,
)
from minsheng.core.models import CalendarDay, CalendarYear, Person, Region, Unit, User
from minsheng.plans.models import Plan, Project, ProjectUnit
from tests.helpers import login

REGISTRY = sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label_lower)
REGIONAL = [m._meta.label_lower for m, a in REGISTRY if isinstance(a, RegionScopedAdmin) and a.scope.regional]
SHARED = [m._meta.label_lower for m, a in REGISTRY if isinstance(a, RegionScopedAdmin) and a.scope.shared]
SUPERUSER_ONLY = [m._meta.label_lower for m, a in REGISTRY if isinstance(a, SuperuserOnlyAdmin)]


# --- reading and posting admin forms the way a browser does -------------------------------------


class _FormReader(HTMLParser):
    """The fields a browser would submit from the admin's object form (``<model>_form``)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.data: dict[str, list[str]] = {}
        self._in_form = False
        self._select = None  # (name, multiple, options, selected)
        self._option = None
        self._textarea = None

    def _add(self, name, value):
        self.data.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._in_form = (a.get("id") or "").endswith("_form")
        if not self._in_form or "disabled" in a:
            return
        if tag == "input" and a.get("name"):
            kind = (a.get("type") or "text").lower()
            if kind in {"submit", "button", "image", "file", "reset"}:
                return
            if kind in {"checkbox", "radio"}:
                if "checked" in a:
                    self._add(a["name"], a.get("value", "on"))
                return
            self._add(a["name"], a.get("value") or "")
        elif tag == "select" and a.get("name"):
            self._select = (a["name"], "multiple" in a, [], [])
        elif tag == "option" and self._select is not None:
            value = a.get("value")
            self._option = [value, "selected" in a, ""]
        elif tag == "textarea" and a.get("name"):
            self._textarea = [a["name"], ""]

    def handle_data(self, data):
        if self._option is not None:
            self._option[2] += data
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_form = False
        elif tag == "option" and self._option is not None and self._select is not None:
            value, selected, text = self._option
            value = text.strip() if value is None else value
            self._select[2].append(value)
            if selected:
                self._select[3].append(value)
            self._option = None
        elif tag == "select" and self._select is not None:
            name, multiple, options, selected = self._select
            chosen = selected if (multiple or selected) else options[:1]
            for value in chosen[: None if multiple else 1]:
                self._add(name, value)
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            name, text = self._textarea
            self._add(name, text[1:] if text.startswith("\n") else text)
            self._textarea = None


def form_data(response) -> dict:
    assert response.status_code == 200, response.status_code
    reader = _FormReader()
    reader.feed(response.content.decode())
    assert reader.data, "no object form on the page"
    return {k: v if len(v) > 1 else v[0] for k, v in reader.data.items()}


def as_new(data: dict) -> dict:
    """The same values for a new object: no inline rows (they belong to the object copied)."""
    fresh = {}
    for key, value in data.items():
        if key.endswith("-TOTAL_FORMS") or key.endswith("-INITIAL_FORMS"):
            fresh[key] = "0"
        elif not re.search(r"-\d+-", key):
            fresh[key] = value
    return fresh


def url(obj, view: str = "change", *args) -> str:
    opts = obj._meta
    base = f"/admin/{opts.app_label}/{opts.model_name}/"
    if view == "changelist":
        return base
    if view == "add":
        return base + "add/"
    if view == "revert":
        return f"{base}{obj.pk}/history/{args[0]}/"
    return f"{base}{obj.pk}/{view}/"


# --- one object of each model in each city ----------------------------------------------------


def _city(name: str) -> Region:
    return Region.objects.get(name=name)


def _unit(city: Region) -> Unit:
    return Unit.objects.filter(region=city).order_by("id").first()


def _coordinator(city: Region) -> User:
    return User.objects.get(role=User.Role.COORDINATOR, region=city)


# label -> (make the object of a city, the text field a change renames, extra fields of the add form)
CASES = {
    "core.region": (lambda city: city.children.order_by("id").first(), "name", {}),
    "core.unit": (_unit, "name", {}),
    "core.person": (lambda city: Person.objects.create(name=f"{city.name}测试人员", region=city), "name", {}),
    "core.user": (
        lambda city: User.objects.create_user(
            username=f"liaison-{city.pk}", role=User.Role.LIAISON, region=city, unit=_unit(city)
        ),
        "username",
        {"password1": "Ceshi-Mima-2024!", "password2": "Ceshi-Mima-2024!", "usable_password": "true"},
    ),
    "plans.plan": (lambda city: Plan.objects.get(region=city), "title", {}),
    "plans.project": (lambda city: Plan.objects.get(region=city).projects.order_by("id").first(), "name", {}),
    "appeals.routingrule": (
        lambda city: RoutingRule.objects.create(name=f"{city.name}测试规则", region=city, unit=_unit(city)),
        "name",
        {},
    ),
    "appeals.open311key": (
        lambda city: Open311Key.objects.create(
            name=f"{city.name}测试密钥", key_hash=hashlib.sha256(city.name.encode()).hexdigest(), region=city
        ),
        None,
        {},
    ),
    "appeals.exportlog": (
        lambda city: ExportLog.objects.create(user=_coordinator(city), personal=True, count=3),
        None,
        {},
    ),
}


@pytest.fixture
def pair(db, users):
    """For a label: (杭州's object, 无锡's object)."""

    def make(label: str):
        build = CASES[label][0]
        return build(_city("杭州市")), build(_city("无锡市"))

    return make


def _admin_of(label: str):
    return next(a for m, a in REGISTRY if m._meta.label_lower == label)


def _request(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


def _text(obj, field: str) -> str:
    return getattr(type(obj)._default_manager.get(pk=obj.pk), field)


# --- the declaration covers every admin ---------------------------------------------------------


def test_every_registered_admin_declares_its_scope():
    assert site_errors(admin.site) == []
    assert check_admin_scopes() == []
    for model, model_admin in REGISTRY:
        assert isinstance(model_admin, RegionScopedAdmin | SuperuserOnlyAdmin), model


def test_every_regional_admin_has_a_case_here():
    assert sorted(REGIONAL) == sorted(CASES)
    assert {"appeals.appealcategory", "core.calendarday", "core.calendaryear"} <= set(SHARED)
    assert {"auth.group", "axes.accessattempt", "django_rq.dashboard"} <= set(SUPERUSER_ONLY)


def test_an_admin_without_a_scope_fails_loudly():
    from minsheng.progress.models import Report

    site = admin.AdminSite(name="throwaway")
    all_sites.discard(site)

    class Plain(admin.ModelAdmin):
        pass

    class Misordered(SimpleHistoryAdmin, RegionScopedAdmin):
        pass

    class LooseInline(admin.TabularInline):
        model = ProjectUnit

    class ProjectWithLooseInline(RegionScopedAdmin):
        inlines = [LooseInline]

    site.register(Unit, Plain)
    site.register(Plan, Misordered)
    site.register(Project, ProjectWithLooseInline)
    ids = sorted({e.id for e in site_errors(site)})
    assert ids == ["minsheng.E001", "minsheng.E004", "minsheng.E005"]
    with pytest.raises(ImproperlyConfigured, match="progress.report"):
        site.register(Report, RegionScopedAdmin)

    class ScopedInline(ScopedTabularInline):
        model = Report

    site.unregister(Project)
    site.register(Project, type("P", (RegionScopedAdmin,), {"inlines": [ScopedInline]}))
    assert [e.id for e in site_errors(site) if "progress.report" in e.msg] == ["minsheng.E002"]


# --- every regional model, generated from the registry ----------------------------------------


@pytest.mark.parametrize("label", REGIONAL)
def test_list_shows_own_region_only(client, users, pair, label):
    hz, wx = pair(label)
    for user, own, foreign in ((users["wuxi"], wx, hz), (users["coordinator"], hz, wx)):
        response = login(client, user).get(url(hz, "changelist"))
        assert response.status_code == 200
        listed = set(response.context["cl"].queryset.values_list("pk", flat=True))
        assert own.pk in listed and foreign.pk not in listed


@pytest.mark.parametrize("label", REGIONAL)
def test_another_citys_object_is_closed_on_every_page(client, users, pair, label):
    hz, _wx = pair(label)
    field = CASES[label][1]
    payload = form_data(login(client, users["admin"]).get(url(hz)))
    before = {f.attname: getattr(hz, f.attname) for f in hz._meta.concrete_fields}
    login(client, users["wuxi"])

    model_admin = _admin_of(label)
    response = client.get(url(hz))
    assert (response.status_code, response.get("Location")) == (302, "/admin/")
    response = client.post(url(hz), {**payload, **({field: "被改名"} if field else {})})
    if model_admin.has_change_permission(_request(users["wuxi"])):
        assert (response.status_code, response.get("Location")) == (302, "/admin/")
    else:  # a read-only model refuses any POST before looking the object up
        assert response.status_code == 403
    assert client.get(url(hz, "delete")).status_code == 403
    assert client.post(url(hz, "delete"), {"post": "yes"}).status_code == 403
    assert client.get(url(hz, "history")).status_code == 404
    if label == "core.user":
        assert client.get(url(hz, "password")).status_code == 404
    if isinstance(model_admin, SimpleHistoryAdmin):
        version = hz.history.order_by("history_date").first().history_id
        assert client.get(url(hz, "revert", version)).status_code == 404
        assert client.post(url(hz, "revert", version), {**payload, field: "被改名"}).status_code == 404
        assert client.get(url(hz, "revert", version)).status_code == 404

    # A changelist action on a foreign row does nothing either.
    client.post(url(hz, "changelist"), {"action": "delete_selected", "_selected_action": [hz.pk], "post": "yes"})
    after = type(hz)._default_manager.get(pk=hz.pk)
    assert {f.attname: getattr(after, f.attname) for f in hz._meta.concrete_fields} == before


@pytest.mark.parametrize("label", REGIONAL)
def test_own_object_can_be_viewed_changed_and_reverted(client, users, pair, label):
    hz, _wx = pair(label)
    field = CASES[label][1]
    login(client, users["coordinator"])
    page = client.get(url(hz))
    assert page.status_code == 200
    assert client.get(url(hz, "history")).status_code == 200
    # Deleting stays with superusers, in their own region too.
    assert client.get(url(hz, "delete")).status_code == 403
    if field is None:
        return
    original = _text(hz, field)
    response = client.post(url(hz), {**form_data(page), field: f"{original}改"})
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert _text(hz, field) == f"{original}改"
    if isinstance(_admin_of(label), SimpleHistoryAdmin):
        version = hz.history.order_by("history_date").first().history_id
        old = client.get(url(hz, "revert", version))
        response = client.post(url(hz, "revert", version), form_data(old))
        assert response.status_code == 302
        assert _text(hz, field) == original


@pytest.mark.parametrize("label", REGIONAL)
def test_add_with_another_citys_choice_is_refused(client, users, pair, label):
    hz, _wx = pair(label)
    model = type(hz)
    field, extra = CASES[label][1], CASES[label][2]
    if not _admin_of(label).has_add_permission(_request(users["coordinator"])):
        for user in (users["wuxi"], users["coordinator"]):
            assert login(client, user).get(url(hz, "add")).status_code == 403
        return
    # Everything a valid 杭州 object has, posted as a new one.
    payload = {**as_new(form_data(login(client, users["admin"]).get(url(hz)))), **extra}
    payload[field] = f"{_text(hz, field)}副本"
    count = model._default_manager.count()

    response = login(client, users["wuxi"]).post(url(hz, "add"), payload)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    assert model._default_manager.count() == count

    response = login(client, users["coordinator"]).post(url(hz, "add"), payload)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert model._default_manager.count() == count + 1


# --- shared configuration and other packages' admins ----------------------------------------------


SHARED_OBJECTS = {
    "appeals.appealcategory": lambda: AppealCategory.objects.order_by("id").first(),
    "core.calendaryear": lambda: CalendarYear.objects.order_by("year").first(),
    "core.calendarday": lambda: CalendarDay.objects.order_by("date").first(),
}


def test_every_shared_admin_has_a_case_here():
    assert sorted(SHARED) == sorted(SHARED_OBJECTS)


@pytest.mark.parametrize("label", SHARED)
def test_shared_configuration_is_read_only_for_coordinators(client, users, label):
    obj = SHARED_OBJECTS[label]()
    obj.save()  # seeded in bulk: give it a version to revert to
    payload = form_data(login(client, users["admin"]).get(url(obj)))
    version = obj.history.order_by("history_date").first().history_id
    before = {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}
    login(client, users["wuxi"])
    listed = client.get(url(obj, "changelist"))
    assert obj.pk in set(listed.context["cl"].queryset.values_list("pk", flat=True))
    page = client.get(url(obj))
    assert page.status_code == 200 and not page.context["adminform"].form.fields
    assert client.post(url(obj), payload).status_code == 403
    assert client.get(url(obj, "add")).status_code == 403
    assert client.post(url(obj, "delete"), {"post": "yes"}).status_code == 403
    # simple_history would take a revert from anyone who may view the version.
    assert client.post(url(obj, "revert", version), payload).status_code == 403
    after = type(obj)._default_manager.get(pk=obj.pk)
    assert {f.attname: getattr(after, f.attname) for f in obj._meta.concrete_fields} == before


@pytest.mark.parametrize("path", ["/admin/auth/group/", "/admin/axes/accessattempt/", "/admin/authtoken/tokenproxy/",
                                  "/admin/django_rq/dashboard/", "/admin/django_rq/dashboard/queues/0/"])
def test_other_packages_admins_are_superusers_only(client, users, path):
    assert users["coordinator"].is_staff  # the dashboard itself lets in any is_staff user
    response = login(client, users["coordinator"]).get(path)
    assert response.status_code == 403


def test_superuser_still_reaches_other_packages_admins(client, users):
    assert login(client, users["admin"]).get("/admin/axes/accessattempt/").status_code == 200


# --- the findings, one by one ---------------------------------------------------------------------


def test_project_add_form_offers_own_plans_and_refuses_a_foreign_one(client, users, hangzhou_plan):
    wuxi_plan = Plan.objects.get(region__name="无锡市")
    login(client, users["wuxi"])
    form = client.get("/admin/plans/project/add/").context["adminform"].form
    assert list(form.fields["plan"].queryset) == [wuxi_plan]
    assert set(form.fields["category"].queryset.values_list("plan_id", flat=True)) <= {wuxi_plan.pk}

    data = {"plan": hangzhou_plan.pk, "name": "混入杭州计划的项目", "position": 0, "public": "on"}
    for prefix in ("unit_links", "targets", "milestones", "allocations", "funding", "sites"):
        data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0})
    response = client.post("/admin/plans/project/add/", data)
    assert response.status_code == 200
    assert "plan" in response.context["adminform"].form.errors
    assert not Project.objects.filter(name="混入杭州计划的项目").exists()
    assert "混入杭州计划的项目" not in client.get(f"/plans/{hangzhou_plan.pk}/").content.decode()

    data["plan"] = wuxi_plan.pk
    assert client.post("/admin/plans/project/add/", data).status_code == 302
    assert Project.objects.get(name="混入杭州计划的项目").plan == wuxi_plan


def test_an_inline_row_cannot_point_at_another_citys_unit(client, users, hangzhou_plan):
    project = hangzhou_plan.projects.order_by("id").first()
    wuxi_unit = _unit(_city("无锡市"))
    links = list(project.unit_links.values_list("unit_id", flat=True))
    login(client, users["coordinator"])
    data = form_data(client.get(url(project)))
    row = int(data["unit_links-TOTAL_FORMS"])
    data.update({"unit_links-TOTAL_FORMS": row + 1, f"unit_links-{row}-unit": wuxi_unit.pk,
                 f"unit_links-{row}-role": ProjectUnit.Role.PARTNER, f"unit_links-{row}-project": project.pk})
    response = client.post(url(project), data)
    assert response.status_code == 200
    formset = next(f for f in response.context["inline_admin_formsets"] if f.formset.prefix == "unit_links")
    assert "unit" in formset.formset.forms[row].errors
    # The raw id box does not name the foreign unit it was given.
    assert wuxi_unit.name not in response.content.decode()
    assert list(project.unit_links.values_list("unit_id", flat=True)) == links


def test_revert_cannot_bring_back_a_version_that_belonged_to_another_city(client, users, hangzhou_plan):
    wuxi_plan = Plan.objects.get(region__name="无锡市")
    project = wuxi_plan.projects.order_by("id").first()
    foreign_version = project.history.order_by("history_date").first().history_id
    project.plan = hangzhou_plan  # a superuser moved it to 杭州
    project.save()
    login(client, users["coordinator"])
    assert client.get(url(project)).status_code == 200
    assert client.get(url(project, "revert", foreign_version)).status_code == 403
    payload = form_data(client.get(url(project)))
    assert client.post(url(project, "revert", foreign_version), payload).status_code == 403
    project.refresh_from_db()
    assert project.plan == hangzhou_plan


def test_coordinator_manages_own_accounts_without_granting_rights(client, users):
    hangzhou = _city("杭州市")
    boss = User.objects.create_superuser("hz-root", password="x", region=hangzhou)
    liaison = users["liaison"]
    login(client, users["coordinator"])
    listed = client.get("/admin/core/user/").context["cl"].queryset
    assert liaison in listed and boss not in listed and users["wuxi"] not in listed
    assert client.get(url(boss)).status_code == 302

    page = client.get(url(liaison))
    form = page.context["adminform"].form
    assert not {"is_staff", "is_superuser", "groups", "user_permissions"} & set(form.fields)
    assert set(form.fields["region"].queryset) == set(Region.objects.filter(pk__in=hangzhou.descendant_ids()))
    data = {**form_data(page), "is_superuser": "on", "is_staff": "on"}
    assert client.post(url(liaison), data).status_code == 302
    liaison.refresh_from_db()
    assert not liaison.is_superuser and not liaison.is_staff

    # Another city's unit on an account of one's own region: refused.
    wuxi_unit = _unit(_city("无锡市"))
    response = client.post(url(liaison), {**data, "unit": wuxi_unit.pk})
    assert response.status_code == 200 and "unit" in response.context["adminform"].form.errors
    liaison.refresh_from_db()
    assert liaison.unit.region == hangzhou

    # A new account needs a region or unit inside one's own.
    new = {"username": "nobody-yet", "password1": "Ceshi-Mima-2024!", "password2": "Ceshi-Mima-2024!",
           "usable_password": "true", "role": User.Role.COORDINATOR}
    response = client.post("/admin/core/user/add/", new)
    assert response.status_code == 200 and response.context["adminform"].form.non_field_errors()
    assert not User.objects.filter(username="nobody-yet").exists()


def test_routing_rule_without_region_is_superusers(client, users):
    unit = _unit(_city("杭州市"))
    data = {"name": "全省兜底", "region": "", "unit": unit.pk, "keywords": "", "priority": 0, "active": "on"}
    response = login(client, users["coordinator"]).post("/admin/appeals/routingrule/add/", data)
    assert response.status_code == 200 and response.context["adminform"].form.non_field_errors()
    assert not RoutingRule.objects.filter(name="全省兜底").exists()
    assert login(client, users["admin"]).post("/admin/appeals/routingrule/add/", data).status_code == 302
    assert RoutingRule.objects.filter(name="全省兜底", region=None).exists()


def test_list_editable_rows_of_another_city_are_not_saved(client, users):
    rule = RoutingRule.objects.create(name="杭州规则", region=_city("杭州市"), unit=_unit(_city("杭州市")), priority=3)
    data = {"form-TOTAL_FORMS": 1, "form-INITIAL_FORMS": 1, "form-0-id": rule.pk, "form-0-priority": 99,
            "form-0-active": "on", "_save": "保存"}
    login(client, users["wuxi"]).post("/admin/appeals/routingrule/", data)
    rule.refresh_from_db()
    assert rule.priority == 3


def test_filters_and_autocomplete_name_no_other_city(client, users, hangzhou_plan):
    login(client, users["wuxi"])
    page = client.get("/admin/plans/project/").content.decode()
    assert hangzhou_plan.title not in page
    found = client.get("/admin/autocomplete/", {"app_label": "appeals", "model_name": "routingrule",
                                                "field_name": "unit", "term": ""}).json()
    ids = {int(r["id"]) for r in found["results"]}
    wuxi = _city("无锡市").descendant_ids()
    assert ids and set(Unit.objects.filter(pk__in=ids).values_list("region_id", flat=True)) <= wuxi


def test_admin_login_lets_in_whom_the_admin_does(client, users):
    from minsheng.demo import DEMO_PASSWORD

    liaison, wuxi = users["liaison"], users["wuxi"]
    liaison.is_staff = True
    liaison.save()
    wuxi.is_staff = False
    wuxi.save()
    refused = client.post("/admin/login/", {"username": "liaison", "password": DEMO_PASSWORD})
    assert refused.status_code == 200 and refused.context["form"].errors
    allowed = client.post("/admin/login/", {"username": "wuxi", "password": DEMO_PASSWORD, "next": "/admin/"})
    assert (allowed.status_code, allowed["Location"]) == (302, "/admin/")
    assert client.get("/admin/").status_code == 200


def test_a_value_the_object_already_has_stays_but_no_foreign_one_can_be_chosen(client, users):
    hangzhou = _city("杭州市")
    login(client, users["coordinator"])
    page = client.get(url(hangzhou))
    parent = page.context["adminform"].form.fields["parent"]
    assert set(parent.queryset) == set(Region.objects.filter(pk__in=hangzhou.descendant_ids())) | {hangzhou.parent}
    data = form_data(page)
    assert client.post(url(hangzhou), {**data, "aliases": '["杭城"]'}).status_code == 302
    hangzhou.refresh_from_db()
    assert (hangzhou.aliases, hangzhou.parent.name) == (["杭城"], "浙江省")
    response = client.post(url(hangzhou), {**data, "parent": _city("江苏省").pk})
    assert response.status_code == 200 and "parent" in response.context["adminform"].form.errors
    hangzhou.refresh_from_db()
    assert hangzhou.parent.name == "浙江省"
