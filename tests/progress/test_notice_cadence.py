"""Notice period and cadence, the document's rules in the plan settings, and where the notices are linked."""

from __future__ import annotations

import datetime

import pytest

from minsheng.core.plan_settings import plan_setting
from minsheng.plans.models import Plan
from minsheng.plans.services import apply_document_rules
from minsheng.progress import services
from minsheng.progress.notice import create_notice, default_period, notice_date, notice_figures, summary_sentence
from minsheng.progress.selectors import plan_progress
from tests.helpers import login

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def hangzhou() -> Plan:
    return Plan.objects.get(region__name="杭州市")


@pytest.fixture
def wuxi() -> Plan:
    return Plan.objects.get(region__name="无锡市")


@pytest.fixture
def yichang() -> Plan:
    return Plan.objects.get(region__name="宜昌市")


def _rules(plan: Plan) -> dict:
    """The rules in force: what the plan stores, else the declared defaults (3rd, monthly, year's end, no pace)."""
    return {k: plan_setting(plan, k) for k in ("reporting_day", "notice_cadence", "deadline", "pace")}


def test_the_importer_takes_the_documents_own_rules_into_the_plan(hangzhou, wuxi, yichang):
    # 宜昌: 各牵头单位每月3日前将工作进展报市发改委汇总…每季度向全市通报; 确保在2024年11月底前完成全部任务.
    assert _rules(yichang) == {"reporting_day": 3, "notice_cadence": "quarterly", "deadline": D(2024, 11, 30),
                               "pace": []}
    # 杭州 names no monthly deadline nor cadence: nothing stored, the defaults stay; the deadline is 11月底.
    assert _rules(hangzhou) == {"reporting_day": 3, "notice_cadence": "monthly", "deadline": D(2024, 11, 30),
                                "pace": []}
    assert "reporting_day" not in hangzhou.settings and "notice_cadence" not in hangzhou.settings
    # 无锡: 月底前报送至市发展改革委; 半年度完成全年目标的60%、11月底前全面完成.
    assert wuxi.settings["reporting_day"] == 0 and wuxi.settings.get("notice_cadence") is None
    assert wuxi.settings["pace"] == [{"due": "2024-06-30", "percent": 60}]


def test_the_pace_rule_is_a_milestone_for_projects_without_their_own(wuxi):
    progress = plan_progress(wuxi, D(2024, 6, 30))
    bare = [p for p in progress.projects if not any(m.percent is not None or m.value is not None
                                                    for m in p.project.milestones.all())]
    assert bare
    for p in bare:
        # 60% on 30 June whatever the deadline (all of 无锡's run to 30 November or later).
        assert p.expected == pytest.approx(0.6), p.project.name
    later = plan_progress(wuxi, D(2024, 9, 30))
    p = next(x for x in later.projects if x.project.pk == bare[0].project.pk)
    deadline = bare[0].project.deadline
    # Then linear from 60% to 100% at the project's deadline.
    assert p.expected == pytest.approx(0.6 + 0.4 * 92 / (deadline - D(2024, 6, 30)).days)


def test_the_default_notice_period_is_the_last_closed_one_of_the_plans_cadence(yichang, wuxi):
    periods = services.ensure_periods(yichang, D(2024, 12, 31))
    # Quarterly: September's reports are due 3 October, in the National Day holiday, so 8 October.
    assert default_period(yichang, periods, D(2024, 10, 8)).month == 6
    assert default_period(yichang, periods, D(2024, 10, 9)).month == 9
    assert default_period(yichang, periods, D(2024, 3, 1)) is None  # no quarter closed yet
    # Monthly, due at the month's end: 30 June 2024 is a Sunday, so June is due Monday 1 July.
    monthly = services.ensure_periods(wuxi, D(2024, 12, 31))
    assert default_period(wuxi, monthly, D(2024, 7, 1)).month == 5
    assert default_period(wuxi, monthly, D(2024, 7, 2)).month == 6


def test_quarterly_notices_are_numbered_on_from_one_quarter_to_the_next(yichang, users):
    periods = {p.month: p for p in services.ensure_periods(yichang, D(2024, 12, 31))}
    first = create_notice(yichang, periods[3], users["coordinator"])
    second = create_notice(yichang, periods[6], users["coordinator"])
    assert (first.number, second.number) == (1, 2)
    assert first.title.endswith("（第1期·2024年第一季度）")
    assert second.title.endswith("（第2期·2024年第二季度）")
    figures = notice_figures(plan_progress(yichang, notice_date(periods[6])), 2, periods[6], D(2024, 7, 10))
    assert (figures["period_label"], figures["cadence"]) == ("2024年第二季度", "quarterly")


def test_the_notice_names_the_late_reports_beside_the_status_and_ranks_the_districts(hangzhou, users):
    period = {p.month: p for p in services.ensure_periods(hangzhou, D(2024, 12, 31))}[6]
    progress = plan_progress(hangzhou, notice_date(period))
    figures = notice_figures(progress, 1, period, D(2024, 7, 10))
    assert figures["period_label"] == "2024年6月" and figures["cadence"] == "monthly"
    # Nothing reported at all: every project 未报送 as a status, and its June report overdue.
    assert len(figures["overdue_reports"]) == len(progress.projects) == figures["counts"]["missing"]
    assert f"另有{len(progress.projects)}个项目本期进展逾期未报送" in summary_sentence(figures)
    assert figures["districts"] and [d["name"] for d in figures["districts"]] == [
        g["name"] for g in progress.by_district()]
    assert all(d["rank"] is None and d["status"] == "missing" for d in figures["districts"])


def test_notices_are_linked_from_the_plan_and_the_menu_and_default_to_the_last_closed_period(client, users,
                                                                                              hangzhou):
    login(client, users["coordinator"])
    plan_page = client.get(f"/staff/plans/{hangzhou.pk}/").content.decode()
    assert f'href="/staff/progress/plans/{hangzhou.pk}/notices/"' in plan_page
    assert 'href="/staff/progress/notices/"' in plan_page  # the menu
    index = client.get("/staff/progress/notices/")
    assert index.status_code in (200, 302)
    if index.status_code == 200:
        assert f"/staff/progress/plans/{hangzhou.pk}/notices/" in index.content.decode()
    page = client.get(f"/staff/progress/plans/{hangzhou.pk}/notices/").content.decode()
    # The plan year is over: every month is closed, the last one is chosen (not a month with no data
    # still open, as before).
    options = page.split('id="id_period"')[1].split("</select>")[0].split("<option")[1:]
    assert [o.split(">")[1].split("<")[0] for o in options] == [f"2024年{m}月" for m in range(1, 13)]
    assert "selected" in options[-1] and not any("selected" in o for o in options[:-1])


def test_the_plan_page_edits_the_rules_and_a_reimport_keeps_the_edit(client, users, hangzhou):
    login(client, users["liaison"])
    assert client.get(f"/staff/plans/{hangzhou.pk}/settings/").status_code == 404
    login(client, users["coordinator"])
    form = {"reporting_day": 5, "notice_cadence": "monthly", "pace": "60", "deadline": "2024-11-30",
            "ahead_points": 10, "lagging_points": 10, "critical_points": 25, "critical_overdue_days": 30}
    assert client.post(f"/staff/plans/{hangzhou.pk}/settings/", form).status_code == 302
    hangzhou.refresh_from_db()
    assert hangzhou.settings["reporting_day"] == 5 and hangzhou.settings["notice_cadence"] == "monthly"
    assert hangzhou.settings["pace"] == [{"due": "2024-06-30", "percent": 60.0}]
    # A bad value is refused with the reason, nothing saved.
    bad = client.post(f"/staff/plans/{hangzhou.pk}/settings/", {**form, "reporting_day": 31, "critical_points": 5})
    assert bad.status_code == 200 and "errorlist" in bad.content.decode()
    hangzhou.refresh_from_db()
    assert hangzhou.settings["reporting_day"] == 5
    # The document gave the deadline only: loading it again changes nothing.
    assert not apply_document_rules(hangzhou, {"deadline": "2024-11-30"})
    # A new version of it that also names a reporting day and a cadence: what the coordinator
    # set by hand stays, the rules the coordinator left alone follow the document -- the cadence
    # too, saved on the page but still at its default (monthly), like an untouched reporting day.
    assert apply_document_rules(hangzhou, {"reporting_day": 3, "notice_cadence": "quarterly",
                                           "deadline": "2024-12-15"})
    assert (hangzhou.settings["reporting_day"], hangzhou.settings["notice_cadence"]) == (5, "quarterly")
    assert hangzhou.settings["deadline"] == "2024-12-15"
