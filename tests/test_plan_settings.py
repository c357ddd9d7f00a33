"""Plan settings as declared: the accessor's defaults and fallbacks, document validation, the settings page."""

from __future__ import annotations

import datetime
import logging

import pytest

from minsheng.core.calendar import set_day
from minsheng.core.plan_settings import declared, plan_setting, settings_errors, unknown_settings
from minsheng.plans.models import Plan
from minsheng.plans.plan_json import validation_errors
from minsheng.progress.models import Period
from minsheng.progress.plan_settings import midyear_share, plan_thresholds
from minsheng.progress.services import ensure_periods
from minsheng.progress.status import Thresholds
from tests.helpers import gold, login

D = datetime.date


def _plan(**settings) -> Plan:
    return Plan(year=2024, title="测试计划", settings=settings)


def test_every_setting_is_declared_once_by_its_app():
    names = [s.name for s in declared()]
    assert names == ["reporting_day", "notice_cadence", "notice_issuer", "pace", "deadline", "ahead_points",
                     "lagging_points", "critical_points", "critical_overdue_days"]
    assert {s.app for s in declared()} == {"progress"}


def test_nothing_stored_reads_as_the_declared_defaults():
    plan = _plan()
    values = {s.name: plan_setting(plan, s.name) for s in declared()}
    assert values == {"reporting_day": 3, "notice_cadence": "monthly", "notice_issuer": "", "pace": [],
                      "deadline": None, "ahead_points": 10, "lagging_points": 10, "critical_points": 25,
                      "critical_overdue_days": 30}
    assert plan_thresholds(plan) == Thresholds(10, 10, 25, 30)


def test_stored_values_are_read_typed():
    plan = _plan(reporting_day=5, notice_cadence="quarterly", deadline="2024-11-30", lagging_points="8",
                 pace=[{"due": "2024-09-30", "percent": 80}, {"due": "2024-06-30", "percent": 60}])
    assert plan_setting(plan, "reporting_day") == 5
    assert plan_setting(plan, "notice_cadence") == "quarterly"
    assert plan_setting(plan, "deadline") == D(2024, 11, 30)
    assert plan_setting(plan, "lagging_points") == 8
    assert plan_setting(plan, "pace") == [{"due": "2024-06-30", "percent": 60}, {"due": "2024-09-30", "percent": 80}]


@pytest.mark.parametrize("name, stored, default", [
    ("reporting_day", 31, 3),
    ("reporting_day", "third", 3),
    ("reporting_day", True, 3),
    ("notice_cadence", "weekly", "monthly"),
    ("deadline", "2024-13-01", None),
    ("pace", [{"due": "2024-06-30"}], []),
    ("pace", [{"due": "2024-06-30", "percent": 0}], []),
    ("lagging_points", 0, 10),
    ("critical_overdue_days", 400, 30),
])
def test_an_invalid_stored_value_reads_as_the_default_with_a_warning(caplog, name, stored, default):
    with caplog.at_level(logging.WARNING, logger="minsheng.core.plan_settings"):
        assert plan_setting(_plan(**{name: stored}), name) == default
    assert f"setting {name}=" in caplog.text


def test_stored_json_that_is_not_an_object_reads_as_the_defaults():
    plan = Plan(year=2024, title="测试计划", settings=["reporting_day", 5])
    assert plan_setting(plan, "reporting_day") == 3 and unknown_settings(plan) == []


def test_unknown_keys_are_reported_and_an_undeclared_name_is_an_error():
    plan = _plan(reporting_day=5, colour="red", from_document={"reporting_day": 5})
    assert unknown_settings(plan) == ["colour"]
    with pytest.raises(LookupError):
        plan_setting(plan, "colour")


def test_document_values_are_checked_against_the_declarations():
    assert settings_errors({"reporting_day": 28, "deadline": "2024-11-30", "notice_cadence": "quarterly"}, 2024) == {}
    errors = settings_errors({"reporting_day": 29, "deadline": "2025-03-01", "colour": 1}, 2024)
    assert set(errors) == {"reporting_day", "deadline", "colour"}
    assert "2024" in errors["deadline"]
    # Across settings: 严重滞后 at 5 points is below the default 滞后 of 10.
    assert set(settings_errors({"critical_points": 5}, 2024)) == {"critical_points"}


@pytest.mark.django_db
def test_a_document_whose_deadline_is_outside_its_year_is_refused():
    doc = gold("001")
    assert validation_errors(doc) == []
    year = doc["plan"]["year"]
    doc["plan"]["settings"] = {"deadline": f"{year + 1}-03-31", "reporting_day": 5}
    errors = validation_errors(doc)
    assert len(errors) == 1 and errors[0].startswith("plan/settings/deadline:")


FORM = {"reporting_day": "3", "notice_cadence": "monthly", "notice_issuer": "", "pace": "", "deadline": "",
        "ahead_points": "10", "lagging_points": "10", "critical_points": "25", "critical_overdue_days": "30"}


@pytest.mark.django_db
def test_editing_the_reporting_day_moves_the_due_dates_and_is_recorded(client, users, hangzhou_plan):
    plan = hangzhou_plan
    # A day off injected into the calendar: Tuesday 5 November 2024.
    set_day(D(2024, 11, 5), False, "测试休息日")
    ensure_periods(plan, D(2024, 11, 10))
    october = Period.objects.get(plan=plan, year=2024, month=10)
    assert october.due_on == D(2024, 11, 4)  # the 3rd is a Sunday: the next working day
    coordinator = login(client, users["coordinator"])
    page = coordinator.get(f"/staff/plans/{plan.pk}/settings/").content.decode()
    assert 'name="reporting_day" value="3"' in page and "默认：3" in page and "默认：每月" in page

    assert coordinator.post(f"/staff/plans/{plan.pk}/settings/", {**FORM, "reporting_day": "5"}).status_code == 302
    plan.refresh_from_db()
    assert plan_setting(plan, "reporting_day") == 5
    ensure_periods(plan, D(2024, 11, 10))
    october.refresh_from_db()
    assert october.due_on == D(2024, 11, 6)  # the 5th is the injected day off: Wednesday the 6th
    assert Period.objects.get(plan=plan, year=2024, month=8).due_on == D(2024, 9, 5)  # a Thursday

    last = plan.history.order_by("-history_date", "-history_id").first()
    assert last.history_user == users["coordinator"] and last.settings["reporting_day"] == 5
    page = coordinator.get(f"/staff/plans/{plan.pk}/settings/").content.decode()
    assert "<del>None</del>" not in page and "报送截止日</strong>：<del>（默认）</del> → <ins>5</ins>" in page


@pytest.mark.django_db
def test_invalid_input_is_refused_with_the_reason_and_nothing_saved(client, users, hangzhou_plan):
    plan = hangzhou_plan
    plan.settings = {**plan.settings, "reporting_day": 4, "colour": "red"}
    plan.save()
    before = plan.history.count()
    coordinator = login(client, users["coordinator"])
    page = coordinator.get(f"/staff/plans/{plan.pk}/settings/").content.decode()
    assert "colour" in page  # the undeclared key is reported
    for bad in ({"reporting_day": "29"}, {"notice_cadence": "weekly"}, {"deadline": "2025-03-01"},
                {"critical_points": "5"}, {"pace": "0"}):
        response = coordinator.post(f"/staff/plans/{plan.pk}/settings/", {**FORM, **bad})
        assert response.status_code == 200, bad
        field = next(iter(bad))
        html = response.content.decode()
        assert f'id="id_{field}"' in html and "errorlist" in html, bad
        assert response.context["form"].errors.keys() == {field}, bad
    plan.refresh_from_db()
    assert plan.settings["reporting_day"] == 4 and plan.history.count() == before
    # A valid save keeps the undeclared key as it was.
    assert coordinator.post(f"/staff/plans/{plan.pk}/settings/", FORM).status_code == 302
    plan.refresh_from_db()
    assert plan.settings["colour"] == "red" and plan.settings["reporting_day"] == 3


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["wuxi", "liaison", "leader", "deputy"])
def test_only_the_plans_own_coordinators_open_or_change_its_settings(client, users, hangzhou_plan, who):
    login(client, users[who])
    assert client.get(f"/staff/plans/{hangzhou_plan.pk}/settings/").status_code in (403, 404)
    assert client.post(f"/staff/plans/{hangzhou_plan.pk}/settings/", {**FORM, "reporting_day": "5"}
                       ).status_code in (403, 404)
    hangzhou_plan.refresh_from_db()
    assert plan_setting(hangzhou_plan, "reporting_day") == 3


@pytest.mark.django_db
def test_the_page_in_english(client, users, hangzhou_plan):
    coordinator = login(client, users["coordinator"])
    coordinator.post("/i18n/setlang/", {"language": "en", "next": "/staff/"})
    html = coordinator.get(f"/staff/plans/{hangzhou_plan.pk}/settings/").content.decode()
    assert "Default: Monthly" in html and "Notice signed by" in html and "默认" not in html


def test_the_midyear_check_uses_the_plans_own_share():
    assert midyear_share(_plan()) == 0.6
    assert midyear_share(_plan(pace=[{"due": "2024-09-30", "percent": 80}])) == 0.6
    assert midyear_share(_plan(pace=[{"due": "2024-06-30", "percent": 50}])) == 0.5


@pytest.mark.django_db
def test_the_overview_names_the_plans_midyear_share(client, users, hangzhou_plan):
    # 时间过半、任务过半 in the document: half by 30 June, not the usual 60%.
    hangzhou_plan.settings = {**hangzhou_plan.settings, "pace": [{"due": "2024-06-30", "percent": 50}]}
    hangzhou_plan.save()
    page = login(client, users["coordinator"]).get(f"/staff/progress/plans/{hangzhou_plan.pk}/",
                                                   {"on": "2024-07-10"}).content.decode()
    assert "个项目截至目前完成不足 50%" in page and "不足 60%" not in page
