"""进展情况通报（第N期）: one period's progress as a Word document and a workbook.

Every figure printed comes from one ``plan_progress(plan, on)`` and one query for the units'
punctuality, gathered into a plain dict first (``notice_figures``). Both documents are rendered
from that dict only and the dict is stored on the Notice, so a page or a test can hold the
document against the database and against what the selector says today.
"""

from __future__ import annotations

import datetime
import io
import logging
from collections import defaultdict
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Max, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from minsheng.core.numerals import chinese
from minsheng.core.plan_settings import plan_setting
from minsheng.core.word import pct
from minsheng.plans.models import Plan, ProjectUnit
from minsheng.plans.structure import ROLLUP_RULE
from minsheng.progress.models import Notice, Period
from minsheng.progress.notice_docx import NoticeTemplateError, render_docx
from minsheng.progress.notice_templates import template_bytes
from minsheng.progress.plan_settings import QUARTERLY
from minsheng.progress.punctuality import by_unit
from minsheng.progress.selectors import PlanProgress, ProjectProgress, judged_on, plan_progress
from minsheng.progress.status import STATUS_LABELS, Status

logger = logging.getLogger(__name__)

NO_LEAD = "（未定牵头单位）"  # the label PlanProgress.by_unit gives projects without a lead unit
COMPLETION_RULE = (
    "完成率排名：牵头单位的完成率为其牵头的全部项目完成率（超过100%的按100%计）的算术平均值，"
    "按由高到低排列；完成率相同的名次并列。一个项目有多个牵头单位的，计入每个牵头单位。"
)
PUNCTUALITY_RULE = (
    "报送及时率排名：报送及时率 = 截至本期按时报送的报告数 ÷ 应报送的报告数 × 100%，"
    "应报送的报告数 = 已报送的报告数 + 逾期未报的报告数。"
    "“已报送”指已报送、牵头单位已审核和已采纳的报告（退回待重报的不计）；"
    "“按时”指在该期报送截止日当天或之前报送；“逾期未报”指牵头单位截至本期各期报送截止日后仍未报送的报告"
    "（项目已完成后不再要求报送）。按由高到低排列，及时率相同的名次并列、应报送数多者在前；"
    "截至本期未报送任何报告的牵头单位列于最后。"
)
DISTRICT_RULE = (
    "区县排名：区县的完成率为分解到该区县的全部任务完成率（超过100%的按100%计）的算术平均值，"
    "序时进度为同一批任务序时进度的平均值，状态按两者之差判定；按完成率由高到低排列，相同的名次并列；"
    "尚无已采纳数据的区县列于最后。"
)
STATUS_ORDER = [Status.DONE, Status.AHEAD, Status.ON_TRACK, Status.LAGGING, Status.CRITICAL, Status.MISSING]


class NoticeError(Exception):
    """A notice that cannot be made as asked; the message is for the user."""


def notice_date(period: Period) -> datetime.date:
    """The day a period's notice is judged on: the first day its reports are overdue.

    On the due date itself the selector still treats the month before as the last closed one
    (reports may arrive until the end of that day), so a June notice judged on 3 July would name
    the units that missed May. One day later June is the closed month.
    """
    return judged_on(period.plan, period.year, period.month)


def cadence(plan: Plan) -> str:
    """How often the plan's notice is issued (每季度向全市通报: quarterly); monthly unless the plan says."""
    return plan_setting(plan, "notice_cadence")


def period_label(plan: Plan, period: Period) -> str:
    if cadence(plan) == QUARTERLY and period.month % 3 == 0:
        return f"{period.year}年第{chinese(period.month // 3)}季度"
    return f"{period.year}年{period.month}月"


def notice_periods(plan: Plan, periods: Iterable[Period], today: datetime.date) -> list[Period]:
    """The periods a notice can report on: closed ones (their due date passed), at the plan's cadence."""
    quarterly = cadence(plan) == QUARTERLY
    return [p for p in periods if p.due_on < today and (not quarterly or p.month % 3 == 0)]


def default_period(plan: Plan, periods: Iterable[Period], today: datetime.date) -> Period | None:
    """The notice a coordinator most likely means: the last closed period of the plan's cadence."""
    closed = notice_periods(plan, periods, today)
    return closed[-1] if closed else None


def notice_title(plan: Plan, period: Period, number: int) -> str:
    return f"{plan.title}进展情况通报（第{number}期·{period_label(plan, period)}）"


def issuer(plan: Plan) -> str:
    region = plan.region_label or plan.region.name
    return plan_setting(plan, "notice_issuer") or f"{region}民生实事项目领导小组办公室"


def _ranked(items: list[dict], key: Callable[[dict], object]) -> list[dict]:
    """Competition ranking (1, 2, 2, 4): equal keys share a place."""
    previous, place = object(), 0
    for i, item in enumerate(items, start=1):
        value = key(item)
        if value != previous:
            place, previous = i, value
        item["rank"] = place
    return items


def quantity(value, unit: str) -> str:
    """A target as a notice writes it: 858000人次 → 85.8万人次, as the plans themselves do."""
    if value is None:
        return unit
    if value >= 10000 and not unit.startswith(("万", "亿", "%")):
        return f"{(value / 10000).normalize():f}万{unit}"
    return f"{value.normalize():f}{unit}"


def _project_row(p: ProjectProgress) -> dict:
    return {
        "id": p.project.pk,
        "ref": p.project.ref,
        "name": p.project.name,
        "category": p.project.category.name if p.project.category else "未分类",
        "lead_units": p.lead_units,
        "leaders": p.leaders,
        # Prefetched by the selector: no query per project.
        "targets": [label for t in p.project.targets.all() if (label := quantity(t.value, t.unit))],
        "percent": p.percent_capped,
        "percent_actual": p.percent,
        "expected_percent": p.expected_percent,
        "status": str(p.status),
        "status_label": p.status_label,
        "flagged": p.flagged,
        "report_gap": str(p.report_gap) if p.report_gap else None,
        "report_gap_label": p.report_gap_label,
    }


def punctuality(progress: PlanProgress, lead_labels: dict[int, str]) -> list[dict]:
    """The units ranked by 报送及时率 (``progress.punctuality``: the window closes at the notice's period)."""
    units = by_unit(progress)
    filed = [u for u in units.values() if u.submitted]
    seen = {u.unit_id for u in filed}
    out = []
    for u in filed:
        # The name the plan uses for the unit, so both rankings speak of the same units.
        out.append({"unit": lead_labels.get(u.unit_id) or u.name, "owed": u.owed, "submitted": u.submitted,
                    "on_time": u.on_time, "missed": u.missed, "rate": round(u.rate, 1)})
    out.sort(key=lambda r: (-r["rate"], -r["owed"], r["unit"]))
    _ranked(out, key=lambda r: r["rate"])
    # Units that submitted nothing are the worst record of all: they close the list, unranked.
    silent = sorted({label for unit_id, label in lead_labels.items() if unit_id not in seen})
    by_label: dict[str, int] = defaultdict(int)
    for unit_id, label in lead_labels.items():
        if unit_id not in seen:
            by_label[label] += units[unit_id].missed if unit_id in units else 0
    out.extend({"rank": None, "unit": name, "owed": by_label[name], "submitted": 0, "on_time": 0,
                "missed": by_label[name], "rate": None} for name in silent)
    return out


def _lead_labels(plan: Plan) -> dict[int, str]:
    labels: dict[int, str] = {}
    for unit_id, label in (
        ProjectUnit.objects.filter(project__plan=plan, role=ProjectUnit.Role.LEAD)
        .order_by("project__position", "project_id", "position")
        .values_list("unit_id", "label")
    ):
        labels.setdefault(unit_id, label)
    return labels


def notice_figures(progress: PlanProgress, number: int, period: Period,
                   issued_on: datetime.date | None = None) -> dict:
    """Everything the notice prints, as JSON-ready values."""
    plan = progress.plan
    if period.plan_id != plan.pk:
        raise NoticeError(f"报送周期 {period} 不属于计划“{plan.title}”")
    counts = progress.counts()
    categories = [
        {"name": g["name"], "count": g["count"], "percent": g["percent"],
         "counts": {str(s): n for s, n in g["counts"].items()},
         "projects": [_project_row(p) for p in g["projects"]]}
        for g in progress.by_category()
    ]
    lagging = [_project_row(p) for p in progress.lagging()]
    # Worst first: the critical ones, then by how far each is behind its expected progress.
    lagging.sort(key=lambda r: (r["status"] != Status.CRITICAL, r["percent"] - r["expected_percent"]))
    units = [{"unit": g["name"], "projects": g["count"], "percent": g["percent"], "lagging": g["lagging"],
              "done": g["counts"][Status.DONE]}
             for g in progress.by_unit()]
    _ranked(units, key=lambda u: u["percent"])
    districts = [{"rank": g["rank"], "name": g["name"], "allocations": g["allocations"], "reported": g["reported"],
                  "percent": g["percent"], "expected_percent": g["expected_percent"], "status": str(g["status"]),
                  "status_label": g["status_label"], "lagging": g["lagging"]}
                 for g in progress.by_district()]
    overdue = [_project_row(p) for p in progress.overdue_reports()]
    closed = progress.closed_period
    return {
        "schema": "minsheng.notice/1",
        "plan": {"id": plan.pk, "title": plan.title, "year": plan.year,
                 "region": plan.region_label or plan.region.name},
        "issuer": issuer(plan),
        "number": number,
        "title": notice_title(plan, period, number),
        "period": period.key,
        "period_label": period_label(plan, period),
        "cadence": cadence(plan),
        "due_on": period.due_on.isoformat(),
        "on": progress.on.isoformat(),
        "closed_period": f"{closed[0]}-{closed[1]:02d}" if closed else None,
        "issued_on": (issued_on or timezone.localdate()).isoformat(),
        "total": len(progress.projects),
        "counts": {str(s): counts[s] for s in STATUS_ORDER},
        "status_labels": {str(s): STATUS_LABELS[s] for s in STATUS_ORDER},
        "percent": progress.mean_percent(),
        "categories": categories,
        "lagging": lagging,
        # Beside the status, never instead of it: projects whose report for the period is not in.
        "overdue_reports": overdue,
        "units_by_completion": units,
        "units_by_punctuality": punctuality(progress, _lead_labels(plan)),
        "districts": districts,
        "rules": {"completion": COMPLETION_RULE, "punctuality": PUNCTUALITY_RULE, "districts": DISTRICT_RULE,
                  "rollup": ROLLUP_RULE},
        "unpublished_years": list(progress.unpublished_years),
        # Voted key projects and 序号 rows with their children; counted above only through the children.
        "parents": [{**_project_row(p), "voted": p.project.voted, "children": [_project_row(c) for c in p.children]}
                    for p in progress.parents],
    }


def summary_sentence(f: dict) -> str:
    c = f["counts"]
    return (
        f"截至{f['period_label']}底，{f['plan']['title']}共{f['total']}个项目，其中已完成{c['done']}个、"
        f"超前{c['ahead']}个、正常推进{c['on_track']}个、滞后{c['lagging']}个、严重滞后{c['critical']}个、"
        f"未报送{c['missing']}个，全部项目平均完成率{pct(f['percent'])}。"
        + (f"另有{len(f['overdue_reports'])}个项目本期进展逾期未报送（状态按最近一次采纳的数据判定）。"
           if f.get("overdue_reports") else "")
    )


def _lagging_line(row: dict) -> str:
    flag = "（挂牌督办）" if row["flagged"] else ""
    return (f"{row['name']}{flag}：牵头单位{'、'.join(row['lead_units']) or NO_LEAD}，"
            f"分管领导{'、'.join(row['leaders']) or '—'}；完成率{pct(row['percent'])}，"
            f"序时进度{pct(row['expected_percent'])}，{row['status_label']}。")


# ---------------------------------------------------------------- Excel

THIN = Side(style="thin", color="808080")
GRID = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")
LAG_FILL = {"lagging": PatternFill("solid", fgColor="FCE4D6"), "critical": PatternFill("solid", fgColor="F8CBAD")}
PERCENT = "0.0%"


def _sheet(wb: Workbook, title: str, caption: str, header: list[str], rows: list[list],
           widths: list[int], percent_columns: Iterable[int] = (), fills: list | None = None,
           note: str = "", first: bool = False):
    ws = wb.active if first else wb.create_sheet()
    ws.title = title
    ws.append([caption])
    ws.cell(1, 1).font = Font(bold=True, size=14)
    ws.append(header)
    for col in range(1, len(header) + 1):
        cell = ws.cell(2, col)
        cell.font, cell.fill, cell.border = Font(bold=True), HEAD_FILL, GRID
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    percents = set(percent_columns)
    for i, values in enumerate(rows):
        ws.append(values)
        r = ws.max_row
        for col in range(1, len(header) + 1):
            cell = ws.cell(r, col)
            cell.border = GRID
            cell.alignment = Alignment(vertical="top", wrap_text=True)
            if col in percents:
                cell.number_format = PERCENT
            if fills and fills[i] is not None:
                cell.fill = fills[i]
    for col, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.freeze_panes = "A3"
    if rows:
        ws.auto_filter.ref = f"A2:{get_column_letter(len(header))}{ws.max_row}"
    if note:
        ws.append([])
        ws.append([f"注：{note}"])
    return ws


def _fraction(percent: float | None) -> float | None:
    # Excel holds a percentage as a fraction shown with a % format, so it can be summed and sorted.
    return None if percent is None else round(percent / 100, 6)


def render_xlsx(f: dict) -> bytes:
    wb = Workbook()
    caption = f"{f['title']}"
    total = f["total"] or 1
    ws = _sheet(
        wb, "汇总", caption, ["状态", "项目数", "占比"],
        [[f["status_labels"][s], n, _fraction(n / total * 100)] for s, n in f["counts"].items()]
        + [["合计", f["total"], _fraction(100.0 if f["total"] else 0.0)]],
        [16, 12, 12], percent_columns=[3], first=True,
    )
    ws.append([])
    for label, value in (("全部项目平均完成率", _fraction(f["percent"])), ("报送周期", f["period_label"]),
                         ("统计日期", f["on"]), ("发布单位", f["issuer"]), ("期数", f"第{f['number']}期")):
        ws.append([label, value])
        if label == "全部项目平均完成率":
            ws.cell(ws.max_row, 2).number_format = PERCENT
    ws.append([])
    ws.append([summary_sentence(f)])

    rows, fills = [], []
    for cat in f["categories"]:
        for n, r in enumerate(cat["projects"], start=1):
            rows.append([cat["name"], n, r["name"], "、".join(r["lead_units"]) or NO_LEAD, "、".join(r["leaders"]),
                         "；".join(r["targets"]), _fraction(r["percent"]), _fraction(r["expected_percent"]),
                         r["status_label"]])
            fills.append(LAG_FILL.get(r["status"]))
    _sheet(wb, "分类进展", caption,
           ["类别", "序号", "项目名称", "牵头单位", "分管领导", "目标任务", "完成率", "序时进度", "状态"],
           rows, [22, 6, 48, 20, 12, 24, 10, 10, 10], percent_columns=[7, 8], fills=fills)

    _sheet(wb, "滞后项目", caption,
           ["序号", "项目名称", "类别", "牵头单位", "分管领导", "完成率", "序时进度", "状态", "挂牌督办"],
           [[n, r["name"], r["category"], "、".join(r["lead_units"]) or NO_LEAD, "、".join(r["leaders"]),
             _fraction(r["percent"]), _fraction(r["expected_percent"]), r["status_label"],
             "是" if r["flagged"] else ""] for n, r in enumerate(f["lagging"], start=1)],
           [6, 48, 22, 20, 12, 10, 10, 10, 10], percent_columns=[6, 7],
           fills=[LAG_FILL.get(r["status"]) for r in f["lagging"]])

    _sheet(wb, "完成率排名", caption, ["名次", "牵头单位", "牵头项目数", "平均完成率", "已完成", "滞后项目数"],
           [[u["rank"], u["unit"], u["projects"], _fraction(u["percent"]), u["done"], u["lagging"]]
            for u in f["units_by_completion"]],
           [8, 28, 12, 12, 10, 12], percent_columns=[4], note=f["rules"]["completion"])

    _sheet(wb, "报送及时率排名", caption, ["名次", "单位", "应报送", "已报送", "按时报送", "逾期未报", "报送及时率"],
           [[u["rank"], u["unit"], u["owed"], u["submitted"], u["on_time"], u["missed"], _fraction(u["rate"])]
            for u in f["units_by_punctuality"]],
           [8, 32, 10, 10, 10, 10, 12], percent_columns=[7], note=f["rules"]["punctuality"])
    _sheet(wb, "逾期未报", caption, ["序号", "项目名称", "牵头单位", "完成率", "状态"],
           [[n, r["name"], "、".join(r["lead_units"]) or NO_LEAD, _fraction(r["percent"]), r["status_label"]]
            for n, r in enumerate(f.get("overdue_reports", []), start=1)],
           [6, 48, 24, 10, 10], percent_columns=[4])
    if f.get("districts"):
        _sheet(wb, "区县排名", caption,
               ["名次", "区县", "分解任务数", "已报送", "平均完成率", "序时进度", "状态", "滞后任务数"],
               [[d["rank"], d["name"], d["allocations"], d["reported"], _fraction(d["percent"]),
                 _fraction(d["expected_percent"]), d["status_label"], d["lagging"]] for d in f["districts"]],
               [8, 20, 12, 10, 12, 12, 10, 12], percent_columns=[5, 6], note=f["rules"]["districts"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def build_notice_xlsx(progress: PlanProgress, number: int, period: Period, figures: dict | None = None) -> bytes:
    return render_xlsx(figures or notice_figures(progress, number, period))


# ---------------------------------------------------------------- the Notice record


def create_notice(plan: Plan, period: Period, user) -> Notice:
    """A QUEUED notice with the plan's next number (第N期)."""
    if period.plan_id != plan.pk:
        raise NoticeError(f"报送周期 {period} 不属于计划“{plan.title}”")
    for attempt in range(3):
        try:
            with transaction.atomic():
                number = (plan.notices.aggregate(n=Max("number"))["n"] or 0) + 1
                return Notice.objects.create(plan=plan, period=period, number=number, heartbeat_at=timezone.now(),
                                             title=notice_title(plan, period, number), created_by=user)
        except IntegrityError:
            # Two coordinators asked at once and took the same number: the loser takes the next.
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def stale_after() -> datetime.timedelta:
    """How long a notice may show no sign of life before it counts as abandoned (MINSHENG_NOTICE_TIMEOUT)."""
    return datetime.timedelta(seconds=settings.MINSHENG_NOTICE_TIMEOUT)


def stale_q(now: datetime.datetime | None = None) -> Q:
    """生成中 notices whose worker has shown no sign of life for longer than the timeout."""
    cutoff = (now or timezone.now()) - stale_after()
    # Notices queued before heartbeats were recorded count from their creation.
    return Q(state=Notice.State.QUEUED) & (Q(heartbeat_at__lt=cutoff)
                                           | Q(heartbeat_at__isnull=True, created_at__lt=cutoff))


def stale_notices(plan: Plan | None = None, now: datetime.datetime | None = None) -> QuerySet[Notice]:
    """生成中 notices with no progress for longer than the timeout: their worker died or never came."""
    notices = Notice.objects.filter(stale_q(now))
    return notices.filter(plan=plan) if plan is not None else notices


def is_stale(notice: Notice, now: datetime.datetime | None = None) -> bool:
    if notice.state != Notice.State.QUEUED:
        return False
    last = notice.heartbeat_at or notice.created_at
    return last < (now or timezone.now()) - stale_after()


def stale_message() -> str:
    minutes = max(1, round(stale_after().total_seconds() / 60))
    return _("生成中断：超过%(minutes)d分钟没有进展（后台任务可能已中止），可重新生成，期数不变") % {"minutes": minutes}


class _Superseded(Exception):
    """This attempt is no longer the notice's current one (swept as stale, or retried)."""


def _claim(notice: Notice) -> int | None:
    """Take a queued notice for this worker: the attempt number, or None if another has it.

    A second job for the same notice (a queue that delivers twice, a retry racing the original)
    finds it started and not stale, and leaves it alone.
    """
    now = timezone.now()
    free = Q(started_at__isnull=True) | stale_q(now)
    attempt = notice.attempts + 1
    taken = Notice.objects.filter(free, pk=notice.pk, state=Notice.State.QUEUED, attempts=notice.attempts).update(
        attempts=attempt, started_at=now, heartbeat_at=now)
    return attempt if taken else None


def _beat(notice_id: int, attempt: int) -> None:
    alive = Notice.objects.filter(pk=notice_id, state=Notice.State.QUEUED, attempts=attempt).update(
        heartbeat_at=timezone.now())
    if not alive:
        raise _Superseded


def generate_notice(notice_id: int, issued_on: datetime.date | None = None) -> Notice:
    """Fill a queued notice's figures and files; READY, or FAILED with the error recorded.

    Only a QUEUED notice is built: a queue that runs a job twice must not rewrite a notice that
    is ready or already published. Each write is conditional on this attempt still being the
    notice's current one, so a worker that was given up on (stale) cannot overwrite its retry.
    """
    notice = Notice.objects.select_related("plan__region", "period__plan").get(pk=notice_id)
    if notice.state != Notice.State.QUEUED:
        return notice
    attempt = _claim(notice)
    if attempt is None:
        notice.refresh_from_db()
        return notice
    mine = Notice.objects.filter(pk=notice.pk, state=Notice.State.QUEUED, attempts=attempt)
    written: list = []
    try:
        progress = plan_progress(notice.plan, notice_date(notice.period))
        figures = notice_figures(progress, notice.number, notice.period, issued_on)
        _beat(notice.pk, attempt)
        docx_bytes = render_docx(figures, template_bytes(notice.plan))
        _beat(notice.pk, attempt)
        xlsx_bytes = render_xlsx(figures)
        stem = f"notice-{notice.plan_id}-{notice.number:03d}"
        notice.docx.save(f"{stem}.docx", ContentFile(docx_bytes), save=False)
        written.append(notice.docx.name)
        notice.xlsx.save(f"{stem}.xlsx", ContentFile(xlsx_bytes), save=False)
        written.append(notice.xlsx.name)
        finished = {"figures": figures, "title": figures["title"], "state": Notice.State.READY, "error": "",
                    "heartbeat_at": timezone.now()}
        if not mine.update(docx=notice.docx.name, xlsx=notice.xlsx.name, **finished):
            raise _Superseded
        for name, value in finished.items():
            setattr(notice, name, value)
        notice.attempts = attempt
        return notice
    except _Superseded:
        logger.warning("notice %s attempt %s was superseded; its result is dropped", notice_id, attempt)
        _delete_files(notice, written)
    except Exception as exc:
        logger.exception("notice %s failed", notice_id)
        _delete_files(notice, written)
        # A refusal worded for the user is shown as it is; anything else with its type, for the log.
        told = isinstance(exc, NoticeError | NoticeTemplateError)
        mine.update(state=Notice.State.FAILED, error=str(exc) if told else f"{type(exc).__name__}: {exc}")
    notice.refresh_from_db()
    return notice


def _delete_files(notice: Notice, names: list[str]) -> None:
    for name in names:
        notice.docx.storage.delete(name)
