"""The progress notice (进展情况通报): what the documents say is what plan_progress says."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from docx import Document

from minsheng import cli
from minsheng.plans.models import Plan, Project, ProjectUnit
from minsheng.progress import services
from minsheng.progress.models import Notice, Period
from minsheng.progress.notice import (
    NoticeError,
    create_notice,
    generate_notice,
    notice_date,
    notice_figures,
)
from minsheng.progress.selectors import plan_progress
from minsheng.progress.status import STATUS_LABELS, Status
from minsheng.progress.tasks import request_notice, retry_notice

pytestmark = pytest.mark.django_db
TZ = datetime.timezone(datetime.timedelta(hours=8))
ON_TIME = datetime.datetime(2024, 7, 1, 10, tzinfo=TZ)  # June's reports are due 3 July
LATE = datetime.datetime(2024, 7, 10, 10, tzinfo=TZ)


@pytest.fixture(autouse=True)
def _media_and_immediate_tasks(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    # The suite may run with REDIS_URL set; these tests are about the documents, not the queue.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def plan() -> Plan:
    return Plan.objects.get(region__name="杭州市")


@pytest.fixture
def periods(plan) -> dict[int, Period]:
    return {p.month: p for p in services.ensure_periods(plan, datetime.date(2024, 12, 31))}


def _project(plan: Plan, prefix: str) -> Project:
    return plan.projects.get(name__startswith=prefix)


def _lead(project: Project):
    return project.unit_links.filter(role=ProjectUnit.Role.LEAD).order_by("position").first().unit


def report_accepted(project: Project, period: Period, user, share: float,
                    submitted_at: datetime.datetime = ON_TIME):
    """A lead unit's report through the real workflow: save, submit, review, accept.

    ``share`` is the cumulative fraction of every numeric target (the percent for a project with none).
    """
    report = services.open_report(project, _lead(project), period)
    targets = [t for t in project.targets.all() if t.value]
    figures = {t.pk: {"value": (t.value * Decimal(str(share))).quantize(Decimal("1")),
                      "over_target_confirmed": True} for t in targets}
    fields = {"progress_text": "按计划推进"}
    if not targets:
        fields["percent_complete"] = Decimal(str(round(share * 100, 2)))
    services.save_report(report, user, report.version, fields, figures, {})
    report.refresh_from_db()
    services.submit_report(report, user, now=submitted_at)
    services.review_report(report, user)
    return services.accept_report(report, user)


# name prefix → (points above (+) or below (−) the expected progress, or None for 100%; status meant)
SCENARIO = {
    "新增老年助餐服务点": (None, Status.DONE),
    "新增认知障碍照护专区床位": (0, Status.ON_TRACK),
    "为全市60岁以上老年人免费接种流感疫苗": (-16, Status.LAGGING),
    "全市长期护理保险投保人数": (-45, Status.CRITICAL),
    "新增残疾人就业": (20, Status.AHEAD),
    "建成“宁静小区”": (-17, Status.LAGGING),
}


@pytest.fixture
def reported(plan, periods, users) -> dict[str, Project]:
    """Six June reports (one of them late) and one late May report, all accepted."""
    before = {p.project.pk: p.expected for p in plan_progress(plan, notice_date(periods[6])).projects}
    projects = {}
    for prefix, (points, _) in SCENARIO.items():
        project = _project(plan, prefix)
        share = 1.0 if points is None else before[project.pk] + points / 100
        late = prefix.startswith("为全市60岁")
        report_accepted(project, periods[6], users["coordinator"], share, LATE if late else ON_TIME)
        projects[prefix] = project
    # 市民政局 was late in May: one report of its three was not on time.
    report_accepted(projects["新增认知障碍照护专区床位"], periods[5], users["coordinator"], 0.1,
                    datetime.datetime(2024, 6, 20, tzinfo=TZ))
    return projects


def _tables(data: bytes) -> list[list[list[str]]]:
    return [[[c.text for c in row.cells] for row in t.rows] for t in Document(io.BytesIO(data)).tables]


def _table(tables, header_start: list[str], column: int | None = None, value: str | None = None):
    found = [t for t in tables if t[0][:len(header_start)] == header_start
             and (column is None or t[0][column] == value)]
    assert found, f"no table headed {header_start}"
    return found


def _text(data: bytes) -> str:
    return "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)


def test_notice_documents_say_what_plan_progress_says(plan, periods, users, reported,
                                                      django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notice = request_notice(plan, periods[6], users["coordinator"])
    notice.refresh_from_db()
    assert notice.state == Notice.State.READY, notice.error
    assert notice.number == 1

    progress = plan_progress(plan, notice_date(periods[6]))
    counts = progress.counts()
    by_id = {p.project.pk: p for p in progress.projects}
    for prefix, (_, meant) in SCENARIO.items():
        assert by_id[reported[prefix].pk].status == meant, prefix  # the scenario is what it says
    assert counts[Status.MISSING] == len(progress.projects) - len(SCENARIO)
    assert progress.closed_period == (2024, 6)  # judged on June, the notice's own month

    docx = notice.docx.read()
    text = _text(docx)
    assert "第1期" in text and plan.title in text and "2024年6月" in text
    assert "报送及时率 = 截至本期按时报送的报告数 ÷ 应报送的报告数 × 100%" in text
    tables = _tables(docx)

    summary = _table(tables, ["状态", "项目数", "占比"])[0]
    assert {row[0]: int(row[1]) for row in summary[1:-1]} == {STATUS_LABELS[s]: n for s, n in counts.items()}
    assert summary[-1][:2] == ["合计", str(len(progress.projects))]
    assert f"平均完成率{progress.mean_percent():.1f}%" in text

    lagging = _table(tables, ["序号", "项目名称", "牵头单位", "分管领导"])[0]
    assert {(row[1], row[2], row[3]) for row in lagging[1:]} == {
        (p.project.name, "、".join(p.lead_units), "、".join(p.leaders)) for p in progress.lagging()}
    assert len(lagging) - 1 == counts[Status.LAGGING] + counts[Status.CRITICAL] == 3

    rows = {row[1]: row for t in _table(tables, ["序号", "项目名称", "牵头单位", "目标任务"]) for row in t[1:]}
    assert len(rows) == len(progress.projects)
    for project in reported.values():
        p = by_id[project.pk]
        row = rows[project.name]
        assert row[2] == "、".join(p.lead_units)
        assert row[4:] == [f"{p.percent_capped:.1f}%", f"{p.expected_percent:.1f}%", p.status_label]

    # The workbook carries the same figures, as numbers.
    wb = openpyxl.load_workbook(io.BytesIO(notice.xlsx.read()))
    sheet = {r[0]: r[1] for r in wb["汇总"].iter_rows(min_row=3, max_row=8, values_only=True)}
    assert sheet == {STATUS_LABELS[s]: n for s, n in counts.items()}
    assert [r[1] for r in wb["滞后项目"].iter_rows(min_row=3, values_only=True)] == [
        row[1] for row in lagging[1:]]
    xrows = {r[2]: r for r in wb["分类进展"].iter_rows(min_row=3, values_only=True)}
    for project in reported.values():
        p = by_id[project.pk]
        assert round(xrows[project.name][6] * 100, 1) == p.percent_capped
        assert xrows[project.name][8] == p.status_label

    # What was rendered is stored, and equals what the database says now.
    fresh = notice_figures(progress, 1, periods[6], datetime.date.fromisoformat(notice.figures["issued_on"]))
    assert notice.figures == fresh


def test_unit_rankings_state_their_formula_and_follow_it(plan, periods, users, reported):
    notice = generate_notice(create_notice(plan, periods[6], users["coordinator"]).pk)
    punctual = {u["unit"]: u for u in notice.figures["units_by_punctuality"]}
    civil = punctual["市民政局"]
    # 市民政局 leads two projects, each owing January–June: 助餐 (done with its June report, so all
    # six owed, one filed: 5 missed) and 认知障碍 (May late and June filed: 4 missed). Owed 3 + 9 = 12,
    # on time 2 (June's two): 2/12 = 16.7%.
    assert (civil["owed"], civil["submitted"], civil["on_time"], civil["missed"], civil["rate"]) == (
        12, 3, 2, 9, 16.7)
    # 市卫生健康委员会 leads six projects, none done: 6 × 6 = 36 owed; only the flu project's June
    # report came, and late: 0 of 36.
    health = punctual["市卫生健康委员会"]
    led = ProjectUnit.objects.filter(project__plan=plan, role=ProjectUnit.Role.LEAD,
                                     unit__name="市卫生健康委员会").values("project").distinct().count()
    assert led == 6
    assert (health["owed"], health["submitted"], health["missed"], health["rate"]) == (36, 1, 35, 0.0)
    ranked = [u for u in notice.figures["units_by_punctuality"] if u["rank"]]
    assert [u["rate"] for u in ranked] == sorted((u["rate"] for u in ranked), reverse=True)
    assert ranked[0]["rank"] == 1
    # Lead units that never reported close the list, unranked.
    silent = [u for u in notice.figures["units_by_punctuality"] if u["rank"] is None]
    assert silent and all(u["submitted"] == 0 for u in silent)
    assert notice.figures["units_by_punctuality"][-len(silent):] == silent

    completion = notice.figures["units_by_completion"]
    assert [u["percent"] for u in completion] == sorted((u["percent"] for u in completion), reverse=True)
    progress = plan_progress(plan, notice_date(periods[6]))
    assert {u["unit"]: u["percent"] for u in completion} == {g["name"]: g["percent"] for g in progress.by_unit()}
    tied = [u for u in completion if u["percent"] == completion[-1]["percent"]]
    assert len({u["rank"] for u in tied}) == 1  # equal completion, equal place

    docx = notice.docx.read()
    assert "完成率排名：牵头单位的完成率为其牵头的全部项目完成率" in _text(docx)
    ranking = _table(_tables(docx), ["名次", "单位", "应报送", "已报送", "按时报送", "逾期未报", "报送及时率"])[0]
    assert ["市民政局", "12", "3", "2", "9", "16.7%"] in [row[1:] for row in ranking]


def test_numbers_run_per_plan(plan, periods, users, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = request_notice(plan, periods[5], users["coordinator"])
        second = request_notice(plan, periods[6], users["coordinator"])
    other_plan = Plan.objects.get(region__name="无锡市")
    other_period = services.ensure_periods(other_plan, datetime.date(2024, 7, 10))[5]
    with django_capture_on_commit_callbacks(execute=True):
        other = request_notice(other_plan, other_period, users["coordinator"])
    for notice in (first, second, other):
        notice.refresh_from_db()
        assert notice.state == Notice.State.READY, notice.error
    assert (first.number, second.number, other.number) == (1, 2, 1)
    assert "第1期" in _text(first.docx.read()) and "第2期" in _text(second.docx.read())
    assert second.title == f"{plan.title}进展情况通报（第2期·2024年6月）"
    assert second.figures["period"] == "2024-06" and first.figures["period"] == "2024-05"


def test_a_failed_generation_records_the_error_and_can_be_retried(settings, tmp_path, plan, periods, users,
                                                                  django_capture_on_commit_callbacks):
    # A storage that cannot be written (a file where the media folder should be), as on a full or
    # read-only disk.
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    settings.MEDIA_ROOT = blocker
    with django_capture_on_commit_callbacks(execute=True):
        notice = request_notice(plan, periods[6], users["coordinator"])
    notice.refresh_from_db()
    assert notice.state == Notice.State.FAILED
    assert "Error" in notice.error and "not-a-folder" in notice.error
    assert not notice.docx and notice.figures == {}

    settings.MEDIA_ROOT = tmp_path / "media"
    with django_capture_on_commit_callbacks(execute=True):
        retry_notice(notice)
    notice.refresh_from_db()
    assert notice.state == Notice.State.READY and notice.error == "" and notice.number == 1
    with pytest.raises(NoticeError):
        retry_notice(notice)  # only a failed one


def test_a_period_of_another_plan_is_refused(plan, users):
    other = Plan.objects.get(region__name="无锡市")
    period = services.ensure_periods(other, datetime.date(2024, 7, 10))[0]
    with pytest.raises(NoticeError, match="不属于"):
        create_notice(plan, period, users["coordinator"])


def test_a_ready_notice_is_not_rebuilt_when_the_job_runs_twice(plan, periods, users):
    notice = generate_notice(create_notice(plan, periods[6], users["coordinator"]).pk)
    name = notice.docx.name
    Notice.objects.filter(pk=notice.pk).update(state=Notice.State.PUBLISHED, published_at=timezone.now())
    again = generate_notice(notice.pk)
    assert again.state == Notice.State.PUBLISHED and again.docx.name == name


def _generation_queries(notice_id: int) -> int:
    cache.clear()  # the working-day calendar is cached: count it in every time
    with CaptureQueriesContext(connection) as ctx:
        notice = generate_notice(notice_id)
    assert notice.state == Notice.State.READY, notice.error
    return len(ctx.captured_queries)


def test_generation_queries_do_not_grow_with_the_data(plan, periods, users):
    """N and then 2N reported projects (with a May and a June report each): the same number of queries."""
    candidates = [p for p in plan.projects.order_by("position")
                  if p.targets.exclude(value=None).exists() and p.unit_links.filter(role="lead").exists()]
    n = 8
    counts = []
    for batch in (candidates[:n], candidates[n:2 * n]):
        for project in batch:
            report_accepted(project, periods[5], users["coordinator"], 0.2)
            report_accepted(project, periods[6], users["coordinator"], 0.5, LATE)
        notice = create_notice(plan, periods[6], users["coordinator"])
        counts.append(_generation_queries(notice.pk))
    assert counts[0] == counts[1], counts
    # 21 today: the notice, taking it (attempt), the selector, punctuality, lead labels, two heartbeats, the
    # plan's template, the save
    assert counts[0] <= 21, counts


def test_cli_writes_docx_and_xlsx_and_refuses_what_it_does_not_know(plan, reported, tmp_path, capsys):
    out = tmp_path / "通报.docx"
    assert cli.main(["notice", "--plan", str(plan.pk), "--period", "2024-06", "--out", str(out)]) == 0
    assert "第1期" in _text(out.read_bytes())
    notice = Notice.objects.get(plan=plan, number=1)
    assert notice.created_by.is_superuser and notice.state == Notice.State.READY
    xlsx = tmp_path / "通报.xlsx"
    assert cli.main(["notice", "--plan", str(plan.pk), "--period", "2024-06", "--out", str(xlsx),
                     "--user", "coordinator"]) == 0
    assert openpyxl.load_workbook(xlsx)["汇总"]["A1"].value.endswith("（第2期·2024年6月）")
    capsys.readouterr()

    assert cli.main(["notice", "--plan", "999999", "--period", "2024-06", "--out", str(out)]) == 2
    assert "没有编号为 999999 的计划" in capsys.readouterr().err
    assert cli.main(["notice", "--plan", str(plan.pk), "--period", "2023-06", "--out", str(out)]) == 2
    assert "没有报送周期 2023-06" in capsys.readouterr().err
    assert cli.main(["notice", "--plan", str(plan.pk), "--period", "六月", "--out", str(out)]) == 2
    assert cli.main(["notice", "--plan", str(plan.pk), "--period", "2024-06", "--out", str(tmp_path / "a.pdf")]) == 2
    assert "应为 .docx 或 .xlsx" in capsys.readouterr().err
    assert Notice.objects.filter(plan=plan).count() == 2  # refusals leave no notice behind


def test_worker_with_the_immediate_backend_says_there_is_nothing_to_run(capsys):
    assert cli.main(["worker"]) == 0
    assert "无需启动 worker" in capsys.readouterr().out
