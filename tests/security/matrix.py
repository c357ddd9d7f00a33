"""The access matrix: every URL pattern of the project, how to reach it with an object of 杭州 (city "A")
and of 无锡 (city "B"), and who may GET it and write to it.

One entry per URL pattern name (namespaced, e.g. ``appeals:accept``; DRF's format-suffix twins share
their name). The admin is one group handled by a generic rule in ``test_access_matrix.py``.

A rule says, for a role and the city whose object is in the URL, what the answer must be:

- ``ALLOW``: the request is let through (2xx, a redirect that is not to a login page, or a 400/409
  from a form or a workflow step the user was allowed to try);
- ``DENY``: 401/403/404, a redirect to a login page, 405, or a 400 refusing the values -- and for
  a write the database did not change;
- ``NA``: the method is not offered (405); a denial is as good;
- ``ANY``: either, as long as nothing breaks (e.g. an anonymous API list that answers with nothing);
- ``NOCHANGE``: whatever the status, the database must not change (a citizen's step that needs a
  secret the matrix does not hold).

The rules name the policy of DESIGN.md ("Visibility and writes") and the apps' permissions.py, so a row
reads like the policy: ``region_write`` -- only coordinators of the object's region; ``unit_write``
-- only the owning unit's users; ``oversee`` -- coordinators, leaders and deputies of the region.

To add a view: add its entry here (the test fails until you do). To change who may do what, change
the rule of its row; the world (``world.py``) holds the objects of both cities.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from tests.security.world import City, Role, World

ALLOW, DENY, NA, ANY, NOCHANGE = "allow", "deny", "405", "any", "nochange"

Rule = Callable[[Role, str | None], str]


# --- rules: who, relative to the city whose object the URL names ----------------------------------


def public(role: Role, city: str | None) -> str:
    return ALLOW


def anyone(role: Role, city: str | None) -> str:
    """Anyone, with whatever answer the view gives (logging out redirects to the login page)."""
    return ANY


def logged_in(role: Role, city: str | None) -> str:
    """Any account; what the page lists is the user's own scope (checked by the visibility tests)."""
    return DENY if role.kind == "anonymous" else ALLOW


def scoped_list(role: Role, city: str | None) -> str:
    """A list filtered to the user's scope: anonymous may get an empty list or a refusal."""
    return ANY if role.kind == "anonymous" else ALLOW


def any_coordinator(role: Role, city: str | None) -> str:
    """Pages every coordinator uses for their own region (the object written is checked elsewhere)."""
    return ALLOW if role.kind == "coordinator" else DENY


def region_roles_anywhere(role: Role, city: str | None) -> str:
    """Figures of the user's own region: coordinators, leaders and deputies."""
    return ALLOW if role.kind in {"coordinator", "leader", "deputy"} else DENY


def region_write(role: Role, city: str | None) -> str:
    """Changes to a plan, project, appeal or finding: coordinators of the object's region only."""
    return ALLOW if role.kind == "coordinator" and role.city == city else DENY


def oversee(role: Role, city: str | None) -> str:
    """Reading a plan's progress, supervision, assessment, cockpit: the region's coordinators, leaders, deputies."""
    return ALLOW if role.kind in {"coordinator", "leader", "deputy"} and role.city == city else DENY


def region_draft(role: Role, city: str | None) -> str:
    """An unpublished plan: its region's coordinators and leaders (deputies see published plans only)."""
    return ALLOW if role.kind in {"coordinator", "leader"} and role.city == city else DENY


def unit_write(role: Role, city: str | None) -> str:
    """Reports, answers, rectifications: the owning unit's liaison and reviewer only."""
    return ALLOW if role.own_unit and role.city == city else DENY


def unit_read(role: Role, city: str | None) -> str:
    """A unit's object: the unit itself and its region's coordinators, leaders and deputies."""
    return ALLOW if unit_write(role, city) == ALLOW or oversee(role, city) == ALLOW else DENY


def reviewer_or_coordinator(role: Role, city: str | None) -> str:
    """Returning a report: the lead unit's reviewer or the region's coordinator."""
    own_reviewer = role.kind == "reviewer" and role.own_unit and role.city == city
    return ALLOW if own_reviewer or region_write(role, city) == ALLOW else DENY


def region_deputy(role: Role, city: str | None) -> str:
    """A deputy rates the projects of their own region's plan."""
    return ALLOW if role.kind == "deputy" and role.city == city else DENY


def nobody(role: Role, city: str | None) -> str:
    return DENY


def not_offered(role: Role, city: str | None) -> str:
    return NA


def unchanged(role: Role, city: str | None) -> str:
    return NOCHANGE


def readonly(role: Role, city: str | None) -> str:
    """A POST to a read-only page: answered like the GET, refused, or 405 -- never a write."""
    return NOCHANGE


# --- entries -------------------------------------------------------------------------------------

Url = Callable[[World, City], "str | list[str]"]
Data = Callable[[World, City], dict]


@dataclass
class Entry:
    url: Url
    get: Rule
    post: Rule = readonly
    data: Data = lambda w, c: {}  # noqa: E731 - the default payload
    # Whether the URL names an object of a city; if not, it is requested once, not per city.
    per_city: bool = True
    # Other write methods (PUT, PATCH, DELETE): tried on API routes; NA unless given here.
    writes: dict[str, Rule] = field(default_factory=dict)


def fixed(path: str) -> Url:
    return lambda w, c: path


E = Entry
MATRIX: dict[str, Entry] = {
    # --- public portal -----------------------------------------------------------------------------
    "portal_index": E(fixed("/"), public, per_city=False),
    "portal:plan": E(lambda w, c: f"/plans/{c.plan.pk}/", public),
    "portal:map": E(lambda w, c: f"/plans/{c.plan.pk}/map/", public),
    "portal:boundary": E(lambda w, c: f"/plans/{c.plan.pk}/boundary.geojson", public),
    "portal:project": E(lambda w, c: f"/projects/{c.project.pk}/", public),
    "portal:rate": E(lambda w, c: f"/projects/{c.project.pk}/rate/", not_offered, public,
                     data=lambda w, c: {"choice": "satisfied"}),
    "portal:photo": E(lambda w, c: f"/projects/{c.project.pk}/photos/{c.photo.pk}/", public),
    "public_notices": E(fixed("/notices/"), public, per_city=False),
    # A generated notice before it is published: only those who oversee the plan.
    "notice_download": E(lambda w, c: [f"/notices/{c.notice.pk}.docx", f"/notices/{c.notice.pk}.xlsx"], oversee),
    "set_language": E(fixed("/i18n/setlang/"), public, public, data=lambda w, c: {"language": "en", "next": "/"},
                      per_city=False),
    # --- accounts and calendar -----------------------------------------------------------------------
    "login": E(fixed("/staff/login/"), public, public, per_city=False,
               data=lambda w, c: {"username": "coordinator", "password": "wrong"}),
    "logout": E(fixed("/staff/logout/"), not_offered, anyone, per_city=False),
    # The State Council calendar is national: any coordinator corrects it (DESIGN.md "Dates").
    "calendar": E(fixed("/staff/calendar/"), logged_in, any_coordinator, per_city=False,
                  data=lambda w, c: {"date": "2030-10-08", "is_workday": "0", "name": "测试"}),
    "calendar_year": E(fixed("/staff/calendar/2030/"), logged_in, any_coordinator, per_city=False,
                       data=lambda w, c: {"date": "2030-10-08", "is_workday": "0", "name": "测试"}),
    # --- progress ---------------------------------------------------------------------------------
    "progress:tasks": E(fixed("/staff/progress/"), logged_in, per_city=False),
    # Opening a report creates it: only a unit that reports on the project, for GET and POST alike.
    "progress:start_report": E(
        lambda w, c: f"/staff/progress/projects/{c.hidden.pk}/periods/{c.period.pk}/report/", unit_write, unit_write),
    "progress:report": E(lambda w, c: f"/staff/progress/reports/{c.report.pk}/", unit_read, unit_write,
                         data=lambda w, c: {"version": c.report.version, "progress_text": "改写", "submit": "1"}),
    "progress:report_decide": E(lambda w, c: f"/staff/progress/reports/{c.accepted_report.pk}/decide/", not_offered,
                                reviewer_or_coordinator, data=lambda w, c: {"action": "return", "reason": "数据有误"}),
    "progress:overview": E(lambda w, c: f"/staff/progress/plans/{c.plan.pk}/", oversee),
    "progress:decide_flag": E(lambda w, c: f"/staff/progress/flags/{c.suggestion.pk}/decide/", not_offered,
                              region_write, data=lambda w, c: {"decision": "confirm", "lift_criteria": "恢复"}),
    "progress:project": E(lambda w, c: f"/staff/progress/projects/{c.hidden.pk}/", unit_read),
    "progress:notices": E(lambda w, c: f"/staff/progress/plans/{c.plan.pk}/notices/", oversee, region_write,
                          data=lambda w, c: {"period": c.period.pk}),
    # The plan's notice template: its region's coordinators only, reading it as much as replacing it (the
    # upload itself, a file, is tried in tests/progress/test_notice_template.py).
    "progress:notice_template": E(lambda w, c: f"/staff/progress/plans/{c.plan.pk}/notices/template/", region_write,
                                  region_write, data=lambda w, c: {"action": "reset"}),
    "progress:notice_template_download": E(
        lambda w, c: f"/staff/progress/plans/{c.plan.pk}/notices/template.docx", region_write),
    "progress:notice_action": E(lambda w, c: f"/staff/progress/notices/{c.notice.pk}/action/", not_offered,
                                region_write, data=lambda w, c: {"action": "publish"}),
    # A report's photo or document: whoever may read the report (progress.view_report).
    "progress:attachment": E(lambda w, c: f"/staff/progress/attachments/{c.photo.pk}/", unit_read),
    # The menu's list of plans whose notices the user oversees: filtered to the user's scope.
    "progress:notice_index": E(fixed("/staff/progress/notices/"), logged_in, per_city=False),
    # --- cockpit and maps ---------------------------------------------------------------------------
    "cockpit:index": E(fixed("/staff/cockpit/"), logged_in, per_city=False),
    "cockpit:plan": E(lambda w, c: f"/staff/cockpit/plans/{c.plan.pk}/", oversee),
    "maps:boundary": E(lambda w, c: f"/staff/maps/plans/{c.draft_plan.pk}/boundary.geojson", region_draft),
    "maps:project_sites": E(lambda w, c: f"/staff/maps/projects/{c.hidden.pk}/sites/", region_write, region_write,
                            data=lambda w, c: {"action": "add", "name": "测试点位", "address": "某路",
                                               "district": c.district.name, "longitude": "120.1",
                                               "latitude": "30.2", "datum": "gcj02"}),
    # --- appeals, staff --------------------------------------------------------------------------
    "appeals:list": E(fixed("/staff/appeals/"), logged_in, per_city=False),
    # Entering a phone call: any coordinator may open the form, but only into their own region.
    "appeals:new": E(fixed("/staff/appeals/new/"), any_coordinator, region_write, data=lambda w, c: _phone_appeal(c)),
    "appeals:export": E(lambda w, c: ["/staff/appeals/export.xlsx"], logged_in, per_city=False),
    "appeals:figures": E(fixed("/staff/appeals/figures/"), region_roles_anywhere, per_city=False),
    "appeals:candidate": E(fixed("/staff/appeals/candidates/"), not_offered, region_write,
                           data=lambda w, c: {"region": c.region.pk, "keyword": "路灯", "appeal": [c.appeal.pk]}),
    "appeals:photo": E(lambda w, c: f"/staff/appeals/photos/{c.appeal_photo.pk}/", unit_read),
    "appeals:detail": E(lambda w, c: f"/staff/appeals/{c.appeal.code}/", unit_read),
    "appeals:accept": E(lambda w, c: f"/staff/appeals/{c.appeal.code}/accept/", not_offered, region_write,
                        data=lambda w, c: {"unit": c.unit.pk, "category": c.appeal.category_id, "note": "x"}),
    "appeals:reassign": E(lambda w, c: f"/staff/appeals/{c.appeal.code}/reassign/", not_offered, region_write,
                          data=lambda w, c: {"unit": c.other_unit.pk, "reason": "改派"}),
    "appeals:sign": E(lambda w, c: f"/staff/appeals/{c.appeal.code}/sign/", not_offered, unit_write),
    "appeals:answer": E(lambda w, c: f"/staff/appeals/{c.appeal.code}/answer/", not_offered, unit_write,
                        data=lambda w, c: {"text": "已修复"}),
    "appeals:extension_request": E(lambda w, c: f"/staff/appeals/{c.appeal.code}/extension/", not_offered, unit_write,
                                   data=lambda w, c: {"amount": 2, "reason": "需协调"}),
    "appeals:extension_decide": E(lambda w, c: f"/staff/appeals/{c.appeal.code}/extension/{c.extension.pk}/",
                                  not_offered, region_write, data=lambda w, c: {"decision": "approve"}),
    "appeals:close": E(lambda w, c: f"/staff/appeals/{c.appeal.code}/close/", not_offered, region_write,
                       data=lambda w, c: {"note": "办结"}),
    "appeals:reopen": E(lambda w, c: f"/staff/appeals/{c.appeal.code}/reopen/", not_offered, region_write,
                        data=lambda w, c: {"note": "重办"}),
    "appeals:key_supervision": E(lambda w, c: f"/staff/appeals/{c.appeal.code}/key-supervision/", not_offered,
                                 region_write, data=lambda w, c: {"on": "1", "note": "督办"}),
    # Publishing on the public board and withdrawing from it: the appeal region's coordinators.
    "appeals:publish": E(lambda w, c: f"/staff/appeals/{c.appeal.code}/publication/", not_offered, region_write,
                         data=lambda w, c: {"title": "路灯不亮", "content": "楼道灯坏了", "answer": "已修复"}),
    "appeals:withdraw": E(lambda w, c: f"/staff/appeals/{c.appeal.code}/publication/withdraw/", not_offered,
                          region_write, data=lambda w, c: {"reason": "撤回"}),
    # --- supervision ------------------------------------------------------------------------------
    "supervision:open": E(fixed("/staff/supervision/"), logged_in, per_city=False),
    "supervision:plan": E(lambda w, c: f"/staff/supervision/plans/{c.plan.pk}/", oversee, region_write,
                          data=lambda w, c: {"kind": "online", "date": f"{c.plan.year}-05-01", "team": "督查组",
                                             "projects": [c.project.pk]}),
    "supervision:flags": E(lambda w, c: f"/staff/supervision/plans/{c.plan.pk}/flags/", oversee, region_write,
                           data=lambda w, c: {"project": c.hidden.pk, "reason": "滞后", "lift_criteria": "恢复"}),
    "supervision:congress": E(lambda w, c: f"/staff/supervision/plans/{c.plan.pk}/congress/", oversee, region_write,
                              data=lambda w, c: {"contact": "1", "month": f"{c.plan.year}-05-01", "deputies": "王代表",
                                                 "summary": "联系"}),
    "supervision:halfyear": E(lambda w, c: f"/staff/supervision/plans/{c.plan.pk}/halfyear.docx", region_write),
    "supervision:lift": E(lambda w, c: f"/staff/supervision/flags/{c.flag.pk}/lift/", not_offered, region_write,
                          data=lambda w, c: {"note": "已恢复"}),
    "supervision:finding": E(lambda w, c: f"/staff/supervision/findings/{c.finding.pk}/", unit_read, region_write,
                             data=lambda w, c: {"decision": "close", "note": "核验"}),
    "supervision:evidence": E(lambda w, c: f"/staff/supervision/evidence/{c.evidence.pk}/", unit_read),
    "supervision:answer": E(lambda w, c: f"/staff/supervision/questions/{c.question.pk}/", unit_write, unit_write,
                            data=lambda w, c: {"answer": "正在推进"}),
    # --- assessment -------------------------------------------------------------------------------
    "assessment:plan": E(lambda w, c: f"/staff/assessment/plans/{c.plan.pk}/", oversee),
    "assessment:compute": E(lambda w, c: f"/staff/assessment/plans/{c.plan.pk}/compute/", not_offered, region_write,
                            data=lambda w, c: {"on": f"{c.plan.year}-06-30"}),
    "assessment:scheme": E(lambda w, c: f"/staff/assessment/plans/{c.plan.pk}/scheme/", not_offered, region_write),
    "assessment:adjust": E(lambda w, c: f"/staff/assessment/plans/{c.plan.pk}/adjust/", not_offered, region_write,
                           data=lambda w, c: {"kind": "bonus", "unit": c.unit.pk, "points": "1", "reason": "表扬"}),
    # The list of a published plan's projects is public; rating them is for the region's deputies.
    "assessment:evaluate": E(lambda w, c: f"/staff/assessment/plans/{c.plan.pk}/evaluate/", logged_in, region_deputy,
                             data=lambda w, c: {"project": c.project.pk, "rating": "satisfied", "comment": "好"}),
    "assessment:surveys": E(lambda w, c: f"/staff/assessment/plans/{c.plan.pk}/surveys/", oversee, region_write,
                            data=lambda w, c: {"create": "1", "project": c.project.pk, "title": "测评",
                                               "audience": "public"}),
    "assessment:export": E(lambda w, c: [f"/staff/assessment/runs/{c.run.pk}.xlsx",
                                         f"/staff/assessment/runs/{c.run.pk}.docx"], oversee),
    # --- plans and the importer ------------------------------------------------------------------
    "plans:plan_list": E(fixed("/staff/"), logged_in, per_city=False),
    "plans:plan_detail": E(lambda w, c: f"/staff/plans/{c.draft_plan.pk}/", region_draft),
    "plans:plan_export": E(lambda w, c: f"/staff/plans/{c.draft_plan.pk}/export.json", region_write),
    # The plan's working rules (deadline, cadence, thresholds): the plan region's coordinators, GET and POST.
    "plans:plan_settings": E(lambda w, c: f"/staff/plans/{c.plan.pk}/settings/", region_write, region_write,
                             data=lambda w, c: {"reporting_day": "5", "notice_cadence": "quarterly",
                                                "ahead_points": "5", "lagging_points": "10", "critical_points": "20",
                                                "critical_overdue_days": "30"}),
    # A project's parent, voted flag and weight: the plan region's coordinators.
    "plans:project_links": E(lambda w, c: f"/staff/projects/{c.hidden.pk}/links/", not_offered, region_write,
                             data=lambda w, c: {"parent": c.project.pk, "voted": "1", "weight": "2"}),
    "plans:project_detail": E(lambda w, c: f"/staff/projects/{c.hidden.pk}/", unit_read),
    "plans:import_new": E(fixed("/staff/imports/new/"), any_coordinator, any_coordinator, per_city=False),
    "plans:import_preview": E(lambda w, c: f"/staff/imports/{c.plan_import.pk}/", region_write, region_write,
                              data=lambda w, c: {"version": c.plan_import.version, "title": "改名"}),
    "plans:import_project": E(lambda w, c: f"/staff/imports/{c.plan_import.pk}/projects/0/", region_write,
                              region_write, data=lambda w, c: {"version": c.plan_import.version, "name": "改名"}),
    "plans:import_save": E(lambda w, c: f"/staff/imports/{c.plan_import.pk}/save/", not_offered, region_write),
    "plans:import_discard": E(lambda w, c: f"/staff/imports/{c.plan_import.pk}/discard/", not_offered,
                              region_write),
    # --- appeals, public ------------------------------------------------------------------------
    "appeals_public:board": E(fixed("/appeals/"), public, per_city=False),
    "appeals_public:submit": E(fixed("/appeals/new/"), public, public, data=lambda w, c: _web_appeal(c)),
    "appeals_public:track": E(lambda w, c: f"/appeals/track/?code={c.appeal.code}", public),
    # The tracking code is public; rating needs the citizen's secret, which the matrix does not hold.
    "appeals_public:track_detail": E(lambda w, c: f"/appeals/track/{c.appeal.code}/", public, unchanged,
                                     data=lambda w, c: {"rating": "satisfied", "resolved": "1", "comment": "好"}),
    "surveys_public:answer": E(lambda w, c: f"/surveys/{c.survey.pk}/", public, public,
                               data=lambda w, c: {"rating": "satisfied", "comment": "好"}),
    # --- Open311 GeoReport v2 -------------------------------------------------------------------
    "open311:discovery": E(fixed("/open311/v2/discovery.json"), public, not_offered, per_city=False),
    "open311:services": E(lambda w, c: [f"/open311/v2/services.json?jurisdiction_id={c.region.pk}",
                                        "/open311/v2/services.xml"], public, not_offered),
    "open311:service": E(lambda w, c: f"/open311/v2/services/help.json?jurisdiction_id={c.region.pk}", public,
                         not_offered),
    # Creating needs a key; without one nobody writes.
    "open311:requests": E(lambda w, c: [f"/open311/v2/requests.json?jurisdiction_id={c.region.pk}",
                                        f"/open311/v2/requests.xml?service_request_id={c.appeal.code}"], public, nobody,
                          data=lambda w, c: {"service_code": "help", "description": "路灯坏了",
                                             "address_string": c.district.name, "jurisdiction_id": c.region.pk}),
    "open311:request": E(lambda w, c: [f"/open311/v2/requests/{c.appeal.code}.json",
                                       f"/open311/v2/request/{c.appeal.code}.xml"], public, not_offered),
    "open311:token": E(lambda w, c: f"/open311/v2/tokens/{c.appeal.submission_key}.json", public, not_offered),
    # --- REST API -------------------------------------------------------------------------------
    "api-root": E(lambda w, c: ["/api/v1/", "/api/v1/.json"], public, not_offered, per_city=False),
    "api_schema": E(fixed("/api/schema/"), public, not_offered, per_city=False),
    "plan-list": E(lambda w, c: ["/api/v1/plans/", "/api/v1/plans.json"], public, not_offered, per_city=False),
    "plan-detail": E(lambda w, c: [f"/api/v1/plans/{c.draft_plan.pk}/", f"/api/v1/plans/{c.draft_plan.pk}.json"],
                     region_draft, not_offered),
    "project-list": E(lambda w, c: [f"/api/v1/projects/?plan={c.plan.pk}", "/api/v1/projects.json"], public,
                      not_offered),
    "project-detail": E(lambda w, c: [f"/api/v1/projects/{c.hidden.pk}/", f"/api/v1/projects/{c.hidden.pk}.json"],
                        unit_read, not_offered, writes={"PATCH": region_write},
                        data=lambda w, c: {"name": "改名"}),
    "appeals_api:appeal-category-list": E(fixed("/api/v1/appeals/categories/"), public, not_offered,
                                          per_city=False),
    "appeals_api:appeal-category-detail": E(fixed("/api/v1/appeals/categories/help/"), public, not_offered,
                                            per_city=False),
    "appeals_api:appeal-track-detail": E(lambda w, c: f"/api/v1/appeals/track/{c.appeal.code}/", public,
                                         not_offered),
    "appeals_api:appeal-track-rate": E(lambda w, c: f"/api/v1/appeals/track/{c.appeal.code}/rate/", not_offered,
                                       unchanged, data=lambda w, c: {"rating": "satisfied", "resolved": True}),
    # Creating through the API: a coordinator, into their own region only.
    "appeals_api:appeal-list": E(fixed("/api/v1/appeals/"), scoped_list, region_write,
                                 data=lambda w, c: _api_appeal(c)),
    "appeals_api:appeal-detail": E(lambda w, c: f"/api/v1/appeals/{c.appeal.code}/", unit_read, not_offered),
    "appeals_api:appeal-accept": E(lambda w, c: f"/api/v1/appeals/{c.appeal.code}/accept/", not_offered,
                                   region_write, data=lambda w, c: {"unit": c.unit.pk, "note": "交办"}),
    "appeals_api:appeal-answer": E(lambda w, c: f"/api/v1/appeals/{c.appeal.code}/answer/", not_offered, unit_write,
                                   data=lambda w, c: {"text": "已处理"}),
}


def _web_appeal(c: City) -> dict:
    import uuid

    return {"submission_key": str(uuid.uuid4()), "category": c.appeal.category_id, "region": c.district.pk,
            "content": "楼道灯坏了", "address": f"{c.district.name}某路", "name": "王五", "phone": "13922223333"}


def _phone_appeal(c: City) -> dict:
    return {**_web_appeal(c), "id_number": ""}


def _api_appeal(c: City) -> dict:
    return {"category": "help", "region": c.district.pk, "content": "楼道灯坏了", "address": f"{c.district.name}某路",
            "phone": "13922223333"}


# --- the admin: one group, one generic rule ---------------------------------------------------------
# How each model registered in the admin belongs to a region: a lookup from the model to a Region id,
# or None for the country-wide tables (categories, calendar) that any coordinator may keep or that the
# admin leaves to superusers -- both are accepted; or SUPERUSER for tables no coordinator may open
# (accounts' groups, API tokens, login logs, task queues). A ModelAdmin registered without a line fails.
SUPERUSER = "superuser only"
# Admin URLs named outside the ``{app}_{model}_`` scheme, by name prefix, and the model they belong to.
ADMIN_EXTRA_NAMES = {"auth_user_password_change": "core.user", "django_rq_": "django_rq.dashboard"}
ADMIN_REGION_PATHS: dict[str, str | None] = {
    "auth.group": SUPERUSER,
    "authtoken.tokenproxy": SUPERUSER,
    "axes.accessattempt": SUPERUSER,
    "axes.accessfailurelog": SUPERUSER,
    "axes.accesslog": SUPERUSER,
    "django_rq.dashboard": SUPERUSER,
    "django_tasks_database.dbtaskresult": SUPERUSER,
    "core.region": "id",
    "core.unit": "region",
    "core.person": "region",
    "core.user": "region",
    "core.calendaryear": None,
    "core.calendarday": None,
    "plans.plan": "region",
    "plans.project": "plan__region",
    "appeals.appealcategory": None,
    "appeals.routingrule": "region",
    "appeals.open311key": "region",
    "appeals.exportlog": "user__region",
}
