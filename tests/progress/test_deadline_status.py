"""Status across a reporting deadline: a missing report is a fact beside the status, never the status.

A small plan built here with explicit targets, milestones and accepted reports; every expected and
actual figure is worked out by hand in the comments. June's reports are due Wednesday 3 July 2024
(a working day), so 2 July judges May as the last closed period and 4 July judges June.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from minsheng.core.models import Region, Unit
from minsheng.plans.models import Milestone, Plan, Project, ProjectUnit, Target
from minsheng.progress import services
from minsheng.progress.flags import propose_flags
from minsheng.progress.models import FlagSuggestion, Period, Report
from minsheng.progress.selectors import plan_progress
from minsheng.progress.status import ReportGap, Status

pytestmark = pytest.mark.django_db
D = datetime.date
TZ = datetime.timezone(datetime.timedelta(hours=8))
BEFORE, AFTER = D(2024, 7, 2), D(2024, 7, 4)  # June's reports are due 2024-07-03


def _at(day: datetime.date) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, 10, tzinfo=TZ)


@pytest.fixture
def small(users):
    region = Region.objects.get(name="杭州市")
    unit = Unit.objects.get(region=region, name="市民政局")
    plan = Plan.objects.create(region=region, year=2024, title="截止日测试计划", status=Plan.Status.PUBLISHED)
    periods = {p.month: p for p in services.ensure_periods(plan, AFTER)}
    assert periods[5].due_on == D(2024, 6, 3) and periods[6].due_on == D(2024, 7, 3)
    user = users["coordinator"]

    def project(position: int, name: str, value: int | None, deadline=None, milestones=()):
        p = Project.objects.create(plan=plan, position=position, name=name, deadline=deadline)
        ProjectUnit.objects.create(project=p, unit=unit, role=ProjectUnit.Role.LEAD, label="市民政局")
        if value is not None:
            Target.objects.create(project=p, value=Decimal(value), unit="个")
        for due, percent, figure in milestones:
            Milestone.objects.create(project=p, due=due, percent=percent, value=figure,
                                     cumulative=True if figure is not None else None)
        return p

    def accepted(p: Project, month: int, value, submitted: datetime.date, percent: bool = False):
        report = services.open_report(p, unit, periods[month])
        target = p.targets.first()
        figures = {} if percent else {target.pk: {"value": Decimal(value), "over_target_confirmed": True}}
        fields = {"progress_text": "推进中", **({"percent_complete": Decimal(value)} if percent else {})}
        services.save_report(report, user, report.version, fields, figures, {})
        report.refresh_from_db()
        services.submit_report(report, user, now=_at(submitted))
        services.review_report(report, user)
        return services.accept_report(report, user)

    # A: 100, milestone 60 by 30 June. Accepted: April 40, May 50; June's report never comes.
    a = project(1, "A 六月未报", 100, milestones=[(D(2024, 6, 30), None, Decimal(60))])
    accepted(a, 4, 40, D(2024, 5, 6))
    accepted(a, 5, 50, D(2024, 6, 3))
    # B: 200 by 30 November, no milestones. Accepted May 100, June 120 (both on time).
    b = project(2, "B 按时报送", 200, deadline=D(2024, 11, 30))
    accepted(b, 5, 100, D(2024, 6, 3))
    accepted(b, 6, 120, D(2024, 7, 1))
    # C: 50, all done in April: no report owed after that.
    c = project(3, "C 四月完成", 50)
    accepted(c, 4, 50, D(2024, 5, 6))
    # D: nothing accepted at all, only a draft for June.
    d = project(4, "D 从未报送", 80)
    services.save_report(services.open_report(d, unit, periods[6]), user, 0, {"progress_text": "草稿"},
                         {d.targets.first().pk: {"value": Decimal(10)}}, {})
    # E: no numeric target, 50% by 30 June (形象进度). May 30% on time, June 45% filed late (4 July).
    e = project(5, "E 形象进度", None, milestones=[(D(2024, 6, 30), Decimal(50), None)])
    accepted(e, 5, 30, D(2024, 6, 3), percent=True)
    accepted(e, 6, 45, D(2024, 7, 4), percent=True)
    # F: 100 by 31 December, no milestones; behind every month: April 15, May 20, June 30.
    f = project(6, "F 连续滞后", 100)
    accepted(f, 4, 15, D(2024, 5, 6))
    accepted(f, 5, 20, D(2024, 6, 3))
    accepted(f, 6, 30, D(2024, 7, 2))
    return plan, unit, {"A": a, "B": b, "C": c, "D": d, "E": e, "F": f}, periods


def _by_name(progress):
    return {p.project.name[0]: p for p in progress.projects}


def test_status_is_the_same_on_either_side_of_the_deadline_and_the_missing_report_stands_beside_it(small):
    plan, _, _, _ = small
    before, after = plan_progress(plan, BEFORE), plan_progress(plan, AFTER)
    assert (before.closed_period, after.closed_period) == ((2024, 5), (2024, 6))
    b, a = _by_name(before), _by_name(after)

    # A: expected 0.6 at 30 June, then linear to 1.0 at 31 December (184 days):
    #    2 July 0.6 + 0.4·2/184 = 0.6043, 4 July 0.6 + 0.4·4/184 = 0.6087; actual 50/100 = 0.5.
    #    Gap −10.4 and −10.9 points: 滞后 on both days; on 4 July June's report is overdue.
    assert b["A"].expected == pytest.approx(0.6 + 0.4 * 2 / 184)
    assert a["A"].expected == pytest.approx(0.6 + 0.4 * 4 / 184)
    assert (b["A"].fraction, a["A"].fraction) == (0.5, 0.5)
    assert (b["A"].status, a["A"].status) == (Status.LAGGING, Status.LAGGING)
    assert (b["A"].report_gap, a["A"].report_gap) == (None, ReportGap.MISSING)
    assert a["A"].report_gap_label == "逾期未报"
    # B: linear over 334 days to 30 November: 183/334 = 0.5479 and 185/334 = 0.5539; actual
    #    120/200 = 0.6, +5.2 and +4.6 points: 正常 both days.
    assert b["B"].expected == pytest.approx(183 / 334) and a["B"].expected == pytest.approx(185 / 334)
    assert (b["B"].status, a["B"].status, a["B"].report_gap) == (Status.ON_TRACK, Status.ON_TRACK, None)
    # C: 50/50 accepted in April: 已完成, and no report owed for May or June.
    assert (b["C"].status, a["C"].status) == (Status.DONE, Status.DONE)
    assert (b["C"].report_gap, a["C"].report_gap) == (None, None)
    # D: no accepted figures at all: the only 未报送 status; its reports are overdue both days.
    assert (b["D"].status, a["D"].status) == (Status.MISSING, Status.MISSING)
    assert (b["D"].report_gap, a["D"].report_gap) == (ReportGap.MISSING, ReportGap.MISSING)
    # E: 50% at 30 June then to 100% at 31 December: 0.5 + 0.5·2/184 = 0.5054, 0.5 + 0.5·4/184 = 0.5109;
    #    actual 45% (June's figure): −5.5 and −6.1 points, 正常. June's report came after the deadline.
    assert a["E"].expected == pytest.approx(0.5 + 0.5 * 4 / 184) and a["E"].fraction == pytest.approx(0.45)
    assert (b["E"].status, a["E"].status) == (Status.ON_TRACK, Status.ON_TRACK)
    assert (b["E"].report_gap, a["E"].report_gap) == (None, ReportGap.LATE)
    # F: linear over 365 days: 183/365 = 0.5014, 185/365 = 0.5068; actual 0.30: −20.1, −20.7: 滞后.
    assert a["F"].expected == pytest.approx(185 / 365)
    assert (b["F"].status, a["F"].status) == (Status.LAGGING, Status.LAGGING)

    counts = {Status.DONE: 1, Status.AHEAD: 0, Status.ON_TRACK: 2, Status.LAGGING: 2, Status.CRITICAL: 0,
              Status.MISSING: 1}
    assert before.counts() == counts and after.counts() == counts
    assert [p.project.name[0] for p in before.overdue_reports()] == ["D"]
    assert [p.project.name[0] for p in after.overdue_reports()] == ["A", "D"]
    assert [p.project.name[0] for p in after.late_reports()] == ["E"]


def test_before_the_first_deadline_nothing_is_missing(small):
    plan, _, _, _ = small
    # January's reports are due 3 February 2024, a Saturday, so Sunday 4 February (a make-up
    # working day before the Spring Festival): on 2 February nothing has been due yet.
    progress = plan_progress(plan, D(2024, 2, 2))
    assert progress.closed_period is None
    assert all(p.status != Status.MISSING and p.report_gap is None for p in progress.projects)


def test_missed_reports_count_against_punctuality_until_a_project_is_done(small):
    plan, unit, projects, _ = small
    after = plan_progress(plan, AFTER)
    # Owed January–June (6 periods) by the one lead unit, less what came in:
    # A 6−2 (Apr, May) = 4; B 6−2 = 4; C January–April only (done in April) 4−1 = 3; D 6;
    # E 6−2 = 4; F 6−3 = 3. Total 24.
    assert {p.project.name[0]: p.missed_reports for p in after.projects} == {
        "A": 1, "B": 0, "C": 0, "D": 6, "E": 0, "F": 0}
    assert after.missed_by_unit() == {unit.pk: 24}


def test_flags_are_proposed_from_the_stored_history(small):
    plan, _, projects, periods = small
    after = plan_progress(plan, AFTER)
    # F, judged at each closed period the day after its deadline (April: due 6 May after the
    # May Day holiday, judged 7 May; May: judged 4 June; June: judged 4 July), with the figures
    # of that month: 20/100 vs 127/365 = 0.348 (−14.8), 30/100 vs 155/365 = 0.425 (−12.5),
    # 30/100 vs 185/365 = 0.507 (−20.7): lagging three periods in a row.
    # D: no report for May nor June: two in a row. A: lagging now, on track before; one missed.
    suggestions = {s.project.name[0]: s.reason for s in propose_flags(plan, after)}
    assert suggestions == {"F": "连续三期进度滞后", "D": "连续两期未报送"}
    assert FlagSuggestion.objects.filter(period=periods[6]).count() == 2
    # Proposed once: a second look creates nothing new.
    propose_flags(plan, plan_progress(plan, AFTER))
    assert FlagSuggestion.objects.filter(period=periods[6]).count() == 2


def test_overview_shows_the_badge_and_lists_the_overdue(client, users, small):
    from tests.helpers import login

    plan, _, projects, _ = small
    login(client, users["coordinator"])
    page = client.get(f"/staff/progress/plans/{plan.pk}/", {"on": AFTER.isoformat(), "group": "overdue"})
    html = page.content.decode()
    assert "2024年6月报告：逾期未报 2 个项目，逾期报送 1 个" in html
    assert html.count('class="badge report-gap gap-missing"') == 2  # A and D in the list shown
    assert "A 六月未报" in html and "D 从未报送" in html and "B 按时报送" not in html
    detail = client.get(f"/staff/progress/projects/{projects['A'].pk}/", {"on": AFTER.isoformat()}).content.decode()
    assert 'id="status">滞后</span>' in detail and "逾期未报" in detail


def test_district_shares_get_their_own_expected_progress_status_and_rank(client, users, small):
    plan, unit, _, periods = small
    from minsheng.plans.models import Allocation
    from minsheng.progress.models import AllocationFigure

    region = Region.objects.get(name="上城区")
    other = Region.objects.get(name="西湖区")
    p = Project.objects.create(plan=plan, position=7, name="G 分解到区", deadline=D(2024, 12, 31))
    ProjectUnit.objects.create(project=p, unit=unit, role=ProjectUnit.Role.LEAD, label="市民政局")
    t = Target.objects.create(project=p, value=Decimal(100), unit="个")
    up = Allocation.objects.create(project=p, target=t, region=region, label="上城区", value=Decimal(60))
    west = Allocation.objects.create(project=p, target=t, region=other, label="西湖区", value=Decimal(40))
    report = Report.objects.create(project=p, unit=unit, period=periods[6], state=Report.State.ACCEPTED)
    AllocationFigure.objects.create(report=report, allocation=up, value=Decimal(30))
    AllocationFigure.objects.create(report=report, allocation=west, value=Decimal(10))

    progress = plan_progress(plan, AFTER)
    # Expected for both shares: the target's curve, 185/365 = 0.5068 (50.7%).
    # 上城区 30/60 = 0.5: −0.7 points, 正常. 西湖区 10/40 = 0.25: −25.7 points, 严重滞后.
    districts = {g["name"]: g for g in progress.by_district()}
    assert districts["上城区"]["percent"] == 50.0 and districts["上城区"]["expected_percent"] == 50.7
    assert districts["上城区"]["status"] == Status.ON_TRACK and districts["上城区"]["rank"] == 1
    assert districts["西湖区"]["percent"] == 25.0 and districts["西湖区"]["status"] == Status.CRITICAL
    assert districts["西湖区"]["rank"] == 2 and districts["西湖区"]["lagging"] == 1
    # The project's own figure is the districts' sum: 40/100 against 0.5068, 滞后 (−10.7).
    g = next(x for x in progress.projects if x.project.pk == p.pk)
    assert g.fraction == pytest.approx(0.4) and g.status == Status.LAGGING

    from tests.helpers import login

    login(client, users["coordinator"])
    page = client.get(f"/staff/progress/plans/{plan.pk}/", {"on": AFTER.isoformat()}).content.decode()
    table = page.split('id="districts"')[1].split("</table>")[0]
    rows = [r for r in table.split("<tr>")[2:]]
    assert "上城区" in rows[0] and "50.7%" in rows[0] and "正常" in rows[0]
    assert "西湖区" in rows[1] and "25.0%" in rows[1] and "严重滞后" in rows[1]


def test_a_period_reporting_day_change_moves_its_due_date(small):
    plan, _, _, periods = small
    plan.settings = {**plan.settings, "reporting_day": 0}  # 月底前报送
    plan.save()
    moved = {p.month: p for p in services.ensure_periods(plan, AFTER)}
    assert moved[6].due_on == D(2024, 7, 1)  # 30 June is a Sunday: the next working day
    assert Period.objects.get(pk=periods[6].pk).due_on == D(2024, 7, 1)
