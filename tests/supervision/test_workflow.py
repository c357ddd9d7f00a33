"""Inspection → finding → the unit's fix with evidence → closed or sent back; flags; congress records."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from minsheng.core.models import Unit
from minsheng.core.uploads import UploadRejected
from minsheng.progress.models import FlaggedSupervision
from minsheng.supervision import selectors, services
from minsheng.supervision.models import Finding, Inspection
from tests.helpers import png

PNG = png()  # a real photo: uploads are decoded


def photo(name="after.png", data=PNG):
    return SimpleUploadedFile(name, data, content_type="image/png")


@pytest.fixture
def civil(hangzhou_plan):
    return Unit.objects.get(region=hangzhou_plan.region, name="市民政局")


@pytest.fixture
def finding(hangzhou_plan, users, civil):
    project = hangzhou_plan.projects.filter(unit_links__unit=civil).first()
    inspection = services.record_inspection(
        hangzhou_plan, users["coordinator"], kind=Inspection.Kind.UNANNOUNCED, date=datetime.date(2024, 6, 12),
        team="督查室 张三、李四", projects=[project], sites=project.sites.all()[:1],
        findings=[services.FindingInput("助餐点台账不全", Finding.Severity.MAJOR, civil, datetime.date(2024, 6, 29),
                                        "一周内补齐台账", project)])
    return inspection.findings.get()


def test_a_deadline_on_a_weekend_moves_to_monday(finding):
    assert finding.deadline == datetime.date(2024, 7, 1)  # Sat 29 June -> Mon 1 July


def test_fix_with_photo_then_close(finding, users):
    services.report_fix(finding, users["liaison"], "已补齐台账", [(photo(), "photo")])
    assert finding.state == Finding.State.REPORTED and finding.reported_at
    assert finding.events.get().evidence.get().content_type == "image/png"
    services.verify(finding, users["coordinator"], close=True, note="")
    assert finding.state == Finding.State.CLOSED and finding.closed_at
    assert not selectors.open_findings(users["coordinator"]).filter(pk=finding.pk).exists()
    assert [h.state for h in finding.history.order_by("history_id")] == ["open", "reported", "closed"]


def test_sent_back_needs_a_reason_and_reopens(finding, users):
    services.report_fix(finding, users["liaison"], "已整改", [(photo(), "photo")])
    with pytest.raises(services.SupervisionError):
        services.verify(finding, users["coordinator"], close=False, note=" ")
    services.verify(finding, users["coordinator"], close=False, note="照片不能反映整改后情况")
    assert finding.state == Finding.State.OPEN
    assert selectors.open_findings(users["liaison"]).filter(pk=finding.pk).exists()


def test_evidence_is_checked_and_nothing_is_written_when_it_fails(finding, users):
    with pytest.raises(UploadRejected):
        services.report_fix(finding, users["liaison"], "已整改", [(photo("x.png", b"MZ\x90\x00" * 8), "photo")])
    with pytest.raises(services.SupervisionError):
        services.report_fix(finding, users["liaison"], "已整改", [])
    finding.refresh_from_db()
    assert finding.state == Finding.State.OPEN and not finding.events.exists()


def test_only_the_responsible_unit_and_the_inspector_may_act(finding, users):
    assert users["liaison"].has_perm("supervision.rectify_finding", finding)
    assert not users["coordinator"].has_perm("supervision.rectify_finding", finding)
    assert users["coordinator"].has_perm("supervision.verify_finding", finding)
    assert not users["liaison"].has_perm("supervision.verify_finding", finding)
    assert not users["wuxi"].has_perm("supervision.view_finding", finding)
    assert users["deputy"].has_perm("supervision.view_finding", finding)


def test_follow_up_links_the_findings_it_rechecks(hangzhou_plan, finding, users):
    with pytest.raises(services.SupervisionError):
        services.record_inspection(hangzhou_plan, users["coordinator"], kind=Inspection.Kind.ONLINE,
                                   date=datetime.date(2024, 7, 10), team="督查室", rechecks=[finding])
    again = services.record_inspection(hangzhou_plan, users["coordinator"], kind=Inspection.Kind.FOLLOW_UP,
                                       date=datetime.date(2024, 7, 10), team="督查室", rechecks=[finding])
    assert list(finding.rechecked_by.all()) == [again]


def test_escalation_on_the_open_list(finding):
    rows = selectors.with_escalation([finding], datetime.date(2024, 7, 10))
    assert rows[0].escalation.workdays_overdue == 7 and rows[0].escalation.label == "超期，报分管领导"


def test_flag_and_lift_keeps_the_note_in_history(hangzhou_plan, users):
    project = hangzhou_plan.projects.first()
    flag = services.flag_project(project, users["coordinator"], "连续两月滞后", None, "进度恢复正常")
    with pytest.raises(services.SupervisionError):
        services.flag_project(project, users["coordinator"], "再挂", None, "x")
    with pytest.raises(services.SupervisionError):
        services.lift_flag(flag, users["coordinator"], "")
    services.lift_flag(flag, users["coordinator"], "9月进度已达序时")
    assert flag.state == FlaggedSupervision.State.LIFTED
    assert flag.history.first().history_change_reason == "摘牌：9月进度已达序时"


def test_finding_facts_as_of_a_date(hangzhou_plan, finding, users):
    services.report_fix(finding, users["liaison"], "已补齐", [(photo(), "photo")])
    services.verify(finding, users["coordinator"], close=True, note="")
    today = datetime.date.today()
    assert selectors.finding_facts(hangzhou_plan, today)[0].state == "closed"
    assert selectors.finding_facts(hangzhou_plan, today)[0].on_time is (today <= datetime.date(2024, 7, 1))
    assert selectors.finding_facts(hangzhou_plan, datetime.date(2024, 6, 30))[0].state == "open"
    assert selectors.finding_facts(hangzhou_plan, datetime.date(2024, 6, 1)) == []
