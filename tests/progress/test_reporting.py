"""The monthly report from draft to acceptance, with the checks that protect its figures."""

import datetime
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from minsheng.core.models import Unit
from minsheng.plans.models import Plan, ProjectUnit
from minsheng.progress import periods as period_rules
from minsheng.progress import services
from minsheng.progress.models import Report, ReportEvent
from minsheng.progress.selectors import plan_progress, reporting_units
from minsheng.progress.status import Status
from tests.helpers import calendar_2024, login, png

pytestmark = pytest.mark.django_db
PNG = png()


def test_due_dates_move_past_national_day_and_a_year_without_schedule_counts_monday_to_friday():
    work = calendar_2024()  # the tests' own schedule: 2024 published, 2027 not, whatever the package ships
    assert period_rules.nominal_due(2024, 9, 3) == datetime.date(2024, 10, 3)
    # 10-3 is inside the 10-1..10-7 holiday: moved to 10-8.
    assert period_rules.due_date(2024, 9, 3, work) == datetime.date(2024, 10, 8)
    # 8-31 is a Saturday: moved to Monday 9-2.
    assert period_rules.due_date(2024, 8, period_rules.MONTH_END, work) == datetime.date(2024, 9, 2)
    # 2027-01-01 is a Friday, so 2-3 and 3-3 are Wednesdays and 5-3 a Monday: none moves (Labour Day unknown).
    assert period_rules.due_date(2027, 1, 3, work) == datetime.date(2027, 2, 3)
    assert period_rules.due_date(2027, 2, 3, work) == datetime.date(2027, 3, 3)
    assert period_rules.due_date(2027, 4, 3, work) == datetime.date(2027, 5, 3)
    # Two working days before 10-8: 9-30 (Monday), then the adjusted Sunday 9-29; the one after: 10-9.
    assert period_rules.reminder_dates(datetime.date(2024, 10, 8), 2, work) == [
        datetime.date(2024, 9, 29), datetime.date(2024, 10, 9)]


@pytest.fixture
def plan():
    return Plan.objects.get(region__name="杭州市")


@pytest.fixture
def project(plan, users):
    """A project the liaison's unit leads, with one numeric target."""
    unit = users["liaison"].unit
    return next(p for p in plan.projects.filter(unit_links__unit=unit, unit_links__role=ProjectUnit.Role.LEAD)
                .order_by("position") if p.targets.count() == 1)


@pytest.fixture
def periods(plan):
    return {p.month: p for p in services.ensure_periods(plan, datetime.date(2024, 12, 31))}


def _form(report, target, value, **extra):
    return {"version": report.version, f"target_{target.pk}": str(value), "progress_text": "按计划推进",
            "problems": "", "next_steps": "", **extra}


def test_liaison_submits_lead_returns_liaison_resubmits_coordinator_accepts(client, users, project, periods):
    target = project.targets.get()
    period = periods[6]
    login(client, users["liaison"])
    start = client.post(f"/staff/progress/projects/{project.pk}/periods/{period.pk}/report/")
    report = Report.objects.get(project=project, unit=users["liaison"].unit, period=period)
    assert start["Location"] == f"/staff/progress/reports/{report.pk}/"

    half = (target.value / 2).quantize(Decimal(1)) // 10 * 10  # a round figure: 110 must not read 1.1E+2
    photo = SimpleUploadedFile("现场.png", PNG, content_type="image/png")
    response = client.post(start["Location"], {**_form(report, target, half), "photos": photo, "submit": "1"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.state == Report.State.SUBMITTED and report.late  # 2024 is long past
    assert report.attachments.get().content_type == "image/png"

    login(client, users["reviewer"])
    assert "待审核的报告" in client.get("/staff/progress/").content.decode()
    assert client.post(f"/staff/progress/reports/{report.pk}/decide/", {"action": "return", "reason": ""}
                       ).status_code == 302
    report.refresh_from_db()
    assert report.state == Report.State.SUBMITTED  # a return needs its reason
    client.post(f"/staff/progress/reports/{report.pk}/decide/", {"action": "return", "reason": "完成数与台账不符"})
    report.refresh_from_db()
    assert report.state == Report.State.RETURNED and report.return_reason == "完成数与台账不符"

    login(client, users["liaison"])
    tasks = client.get("/staff/progress/").content.decode()
    assert "被退回" in tasks and "完成数与台账不符" in tasks
    corrected = half - 1
    client.post(f"/staff/progress/reports/{report.pk}/", {**_form(report, target, corrected), "submit": "1"})
    report.refresh_from_db()
    assert report.state == Report.State.SUBMITTED
    page = client.get(f"/staff/progress/reports/{report.pk}/").content.decode()
    assert "本次报送相比上次的修改" in page and f"<del>{half}</del>" in page and f"<ins>{corrected}</ins>" in page

    login(client, users["reviewer"])
    client.post(f"/staff/progress/reports/{report.pk}/decide/", {"action": "review"})
    on = period.due_on + datetime.timedelta(days=1)
    before = plan_progress(project.plan, on, [project.pk]).projects[0]
    assert before.fraction is None

    login(client, users["coordinator"])
    client.post(f"/staff/progress/reports/{report.pk}/decide/", {"action": "accept"})
    report.refresh_from_db()
    assert report.state == Report.State.ACCEPTED
    after = plan_progress(project.plan, on, [project.pk]).projects[0]
    assert after.fraction == pytest.approx(float(corrected / target.value))
    overview = client.get(f"/staff/progress/plans/{project.plan.pk}/?on={on}&status={after.status}").content
    assert project.name in overview.decode()
    actions = list(report.events.values_list("action", flat=True))
    assert [a for a in actions if a != ReportEvent.Action.SAVED] == [
        "submitted", "returned", "submitted", "reviewed", "accepted"]


def _draft(project, unit, period):
    return services.open_report(project, unit, period)


def _accept(report, users, value, target, **entry):
    services.save_report(report, users["liaison"], report.version, {}, {target.pk: {"value": value, **entry}}, {})
    services.submit_report(report, users["liaison"])
    services.review_report(report, users["reviewer"])
    services.accept_report(report, users["coordinator"])


def test_a_figure_that_goes_down_needs_a_reason_and_one_above_target_a_confirmation(users, project, periods):
    unit, target = users["liaison"].unit, project.targets.get()
    _accept(_draft(project, unit, periods[3]), users, Decimal(50), target)
    report = _draft(project, unit, periods[4])
    with pytest.raises(services.ReportProblems) as problems:
        services.save_report(report, users["liaison"], report.version, {}, {target.pk: {"value": Decimal(40)}}, {})
    assert "比上期（50）减少" in problems.value.errors[f"target_{target.pk}"]
    assert not report.target_figures.exists()

    over = target.value + 10
    with pytest.raises(services.ReportProblems) as problems:
        services.save_report(report, users["liaison"], report.version, {}, {target.pk: {"value": over}}, {})
    assert "超过目标" in problems.value.errors[f"target_{target.pk}"]
    services.save_report(report, users["liaison"], report.version, {},
                         {target.pk: {"value": over, "over_target_confirmed": True}}, {})
    assert report.target_figures.get().value == over
    services.save_report(report, users["liaison"], report.version, {},
                         {target.pk: {"value": Decimal(45), "decrease_reason": "核减重复统计"}}, {})
    assert report.target_figures.get().decrease_reason == "核减重复统计"


def test_over_fulfilment_is_allowed_and_shown(users, project, periods):
    target = project.targets.get()
    _accept(_draft(project, users["liaison"].unit, periods[10]), users, target.value * 2, target,
            over_target_confirmed=True)
    progress = plan_progress(project.plan, datetime.date(2024, 12, 1), [project.pk]).projects[0]
    assert progress.percent == 200.0 and progress.percent_capped == 100.0
    assert progress.status == Status.DONE


def test_two_people_editing_the_same_report_second_save_is_refused(client, users, project, periods):
    target = project.targets.get()
    report = _draft(project, users["liaison"].unit, periods[5])
    stale_version = report.version
    first = login(client, users["liaison"]).post(f"/staff/progress/reports/{report.pk}/",
                                                 _form(report, target, 30))
    assert first.status_code == 302
    second = client.post(f"/staff/progress/reports/{report.pk}/",
                         {**_form(report, target, 31), "version": stale_version, "progress_text": "我的修改"})
    assert second.status_code == 409
    body = second.content.decode()
    assert "这份报告刚被他人保存过" in body and "我的修改" in body  # the refused input is still there
    report.refresh_from_db()
    assert report.target_figures.get().value == 30


def test_submitting_twice_is_refused_and_recorded_once(users, project, periods):
    target = project.targets.get()
    report = _draft(project, users["liaison"].unit, periods[7])
    services.save_report(report, users["liaison"], report.version, {}, {target.pk: {"value": Decimal(5)}}, {})
    services.submit_report(report, users["liaison"])
    with pytest.raises(services.WorkflowError):
        services.submit_report(Report.objects.get(pk=report.pk), users["liaison"])
    assert report.events.filter(action="submitted").count() == 1


def test_an_empty_report_cannot_be_submitted(users, project, periods):
    report = _draft(project, users["liaison"].unit, periods[8])
    with pytest.raises(services.WorkflowError, match="请至少填写"):
        services.submit_report(report, users["liaison"])


def test_report_is_on_time_before_its_due_date(users, project, periods):
    target = project.targets.get()
    report = _draft(project, users["liaison"].unit, periods[2])
    services.save_report(report, users["liaison"], report.version, {}, {target.pk: {"value": Decimal(5)}}, {})
    on_time = timezone.make_aware(datetime.datetime.combine(periods[2].due_on, datetime.time(9)))
    assert services.submit_report(report, users["liaison"], now=on_time).late is False


@pytest.mark.parametrize(
    "name, data, message",
    [("photo.jpg", b"MZ\x90\x00 an executable", "不是可识别的照片（仅支持 JPEG、PNG、WebP）"),
     ("big.png", PNG + b"\x00" * (10 * 1024 * 1024), "超过 10 MB")],
)
def test_photos_are_checked_by_content_and_size(client, users, project, periods, name, data, message):
    target = project.targets.get()
    report = _draft(project, users["liaison"].unit, periods[9])
    response = login(client, users["liaison"]).post(
        f"/staff/progress/reports/{report.pk}/",
        {**_form(report, target, 3), "photos": SimpleUploadedFile(name, data)})
    assert message in response.content.decode()
    assert not report.attachments.exists()


def test_other_units_cannot_see_or_act_on_a_report(client, users, project, periods):
    report = _draft(project, users["liaison"].unit, periods[1])
    other = Unit.objects.filter(region=users["liaison"].unit.region).exclude(pk=users["liaison"].unit_id).first()
    stranger = type(users["liaison"]).objects.create(username="stranger", role="liaison", unit=other)
    login(client, stranger)
    assert client.get(f"/staff/progress/reports/{report.pk}/").status_code == 404
    assert client.get(f"/staff/progress/projects/{project.pk}/periods/{periods[1].pk}/report/").status_code == 403
    login(client, users["liaison"])
    client.post(f"/staff/progress/reports/{report.pk}/decide/", {"action": "accept"})
    report.refresh_from_db()
    assert report.state == Report.State.DRAFT


def test_district_figures_roll_up_when_the_lead_reports_no_total(users, plan, periods):
    project = plan.projects.filter(allocations__isnull=False).order_by("position").first()
    allocation = project.allocations.order_by("position").first()
    # Loading the plan made the district's government (its collective partner names were expanded).
    district, _ = Unit.objects.get_or_create(name=f"{allocation.label}人民政府", region=allocation.region,
                                             defaults={"kind": Unit.Kind.GOVERNMENT})
    assert district in reporting_units(project)
    district_user = type(users["liaison"]).objects.create(username="district", role="liaison", unit=district)
    report = services.open_report(project, district, periods[6])
    services.save_report(report, district_user, report.version, {}, {}, {allocation.pk: allocation.value})
    services.submit_report(report, district_user)
    Report.objects.filter(pk=report.pk).update(state=Report.State.ACCEPTED)
    progress = plan_progress(plan, datetime.date(2024, 7, 10), [project.pk]).projects[0]
    row = progress.targets[0]
    assert row.rolled_up and row.actual == allocation.value


def test_overview_and_project_chart_render(client, users, project, periods):
    target = project.targets.get()
    _accept(_draft(project, users["liaison"].unit, periods[3]), users, Decimal(20), target)
    _accept(_draft(project, users["liaison"].unit, periods[6]), users, Decimal(60), target)
    login(client, users["coordinator"])
    page = client.get(f"/staff/progress/projects/{project.pk}/?on=2024-07-10").content.decode()
    assert len(re.findall(r'<circle [^>]*class="actual-dot"', page)) == 2
    overview = client.get(f"/staff/progress/plans/{project.plan.pk}/?on=2024-07-10").content.decode()
    counts = {m[0]: int(m[1]) for m in re.findall(r'data-status="(\w+)">(\d+)<', overview)}
    assert sum(counts.values()) == project.plan.projects.count()
    login(client, users["liaison"])
    assert client.get(f"/staff/progress/plans/{project.plan.pk}/").status_code == 404


def test_reminders_before_due_and_when_overdue_once_each_with_email(users, plan, mailoutbox):
    from minsheng.progress.reminders import send_due_reminders

    liaison = users["liaison"]
    liaison.email = "mzj@example.gov.cn"
    liaison.save()
    plan.status = Plan.Status.PUBLISHED
    plan.save()
    # September 2024 is due on 8 October (after National Day); two working days before is 29 September.
    assert send_due_reminders(datetime.date(2024, 9, 29)) >= 1
    reminder = liaison.reminders.get(kind="due", period__month=9)
    assert "10月08日截止" in reminder.text
    assert any(m.to == ["mzj@example.gov.cn"] and "截止" in m.subject for m in mailoutbox)
    sent = len(mailoutbox)
    assert send_due_reminders(datetime.date(2024, 9, 29)) == 0
    assert len(mailoutbox) == sent

    send_due_reminders(datetime.date(2024, 10, 9))
    assert "已逾期" in liaison.reminders.get(kind="overdue", period__month=9).text


def test_a_returned_report_notifies_its_liaison(users, project, periods, mailoutbox):
    target = project.targets.get()
    report = _draft(project, users["liaison"].unit, periods[11])
    services.save_report(report, users["liaison"], report.version, {}, {target.pk: {"value": Decimal(5)}}, {})
    services.submit_report(report, users["liaison"])
    services.return_report(report, users["reviewer"], "请补充照片")
    assert users["liaison"].reminders.filter(text__contains="请补充照片").count() == 1


def test_overview_drills_down_by_district(client, users, plan, periods):
    project = plan.projects.filter(allocations__isnull=False).order_by("position").first()
    allocation = project.allocations.order_by("position").first()
    district = Unit.objects.create(name=f"{allocation.label}政府", region=allocation.region, kind=Unit.Kind.GOVERNMENT)
    report = services.open_report(project, district, periods[6])
    services.save_report(report, users["liaison"], report.version, {}, {}, {allocation.pk: allocation.value / 2})
    services.submit_report(report, users["liaison"])
    Report.objects.filter(pk=report.pk).update(state=Report.State.ACCEPTED)
    progress = plan_progress(plan, datetime.date(2024, 7, 10))
    row = next(g for g in progress.by_district() if g["name"] == allocation.label)
    assert row["percent"] == 50.0 and row["reported"] == 1
    page = login(client, users["coordinator"]).get(
        f"/staff/progress/plans/{plan.pk}/", {"on": "2024-07-10", "group": "district", "name": allocation.label})
    assert project.name in page.content.decode()


def test_midyear_check_lists_projects_short_of_sixty_percent(client, users, project, periods):
    target = project.targets.get()
    _accept(_draft(project, users["liaison"].unit, periods[6]), users, (target.value * Decimal("0.5")).quantize(
        Decimal(1)), target)
    progress = plan_progress(project.plan, datetime.date(2024, 5, 31))
    assert progress.midyear_shortfall() is None
    progress = plan_progress(project.plan, datetime.date(2024, 7, 10))
    short = progress.midyear_shortfall()
    assert project in [p.project for p in short]
    assert len(short) == sum(1 for p in progress.projects if (p.fraction or 0) < 0.6)
    page = login(client, users["coordinator"]).get(f"/staff/progress/plans/{project.plan.pk}/",
                                                   {"on": "2024-07-10", "group": "midyear", "name": "60"})
    assert f"时间过半任务过半：{len(short)} 个项目" in page.content.decode()


def test_project_page_lists_only_the_reports_a_user_may_read(client, users, plan, project, periods):
    own = _draft(project, users["liaison"].unit, periods[4])
    other_unit = Unit.objects.create(name="某区人民政府", region=users["liaison"].unit.region,
                                     kind=Unit.Kind.GOVERNMENT)
    other = services.open_report(project, other_unit, periods[4])
    page = login(client, users["liaison"]).get(f"/staff/progress/projects/{project.pk}/").content.decode()
    assert f"/staff/progress/reports/{own.pk}/" in page and f"/staff/progress/reports/{other.pk}/" not in page
    page = login(client, users["reviewer"]).get(f"/staff/progress/projects/{project.pk}/").content.decode()
    assert f"/staff/progress/reports/{other.pk}/" in page  # the lead unit reviews every report on its project
    page = login(client, users["coordinator"]).get(f"/staff/progress/projects/{project.pk}/").content.decode()
    assert f"/staff/progress/reports/{other.pk}/" in page
