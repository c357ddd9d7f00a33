"""Writes of the reporting workflow: draft → submitted → lead review → coordinator acceptance."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from minsheng.core.calendar import work_calendar
from minsheng.core.models import Person, Unit
from minsheng.core.plan_settings import plan_setting
from minsheng.core.uploads import CheckedUpload, stored_files
from minsheng.plans.models import Plan, Project
from minsheng.progress import periods as period_rules
from minsheng.progress.models import (
    AllocationFigure,
    Attachment,
    FlaggedSupervision,
    FlagSuggestion,
    Period,
    Report,
    ReportEvent,
    SiteState,
    TargetFigure,
)
from minsheng.progress.notifications import notify_returned
from minsheng.progress.report_states import REPORTED


class ReportConflict(Exception):
    """Someone saved this report after the form was opened."""


class WorkflowError(Exception):
    """An action that the report's state does not allow; the message is for the user."""


@dataclass
class ReportProblems(Exception):
    """Figures that need a reason or a confirmation before they can be saved."""

    errors: dict[str, str] = field(default_factory=dict)


def ensure_periods(plan: Plan, today: datetime.date) -> list[Period]:
    """Open the plan's periods up to today: they are created when first needed, never by hand."""
    work = work_calendar()
    day = plan_setting(plan, "reporting_day")
    existing = {(p.year, p.month): p for p in plan.periods.all()}
    for year, month in period_rules.open_months(plan.year, today, day):
        if (year, month) in existing:
            # The plan's reporting day (or the holiday calendar) changed since the period opened.
            due = period_rules.due_date(year, month, day, work)
            if existing[(year, month)].due_on != due:
                Period.objects.filter(pk=existing[(year, month)].pk).update(due_on=due)
                existing[(year, month)].due_on = due
        else:
            due = period_rules.due_date(year, month, day, work)
            try:
                with transaction.atomic():
                    existing[(year, month)] = Period.objects.create(plan=plan, year=year, month=month, due_on=due)
            except IntegrityError:  # opened by a concurrent request
                existing[(year, month)] = Period.objects.get(plan=plan, year=year, month=month)
    return sorted(existing.values(), key=lambda p: (p.year, p.month))


def open_report(project: Project, unit: Unit, period: Period) -> Report:
    report, _ = Report.objects.get_or_create(project=project, unit=unit, period=period)
    return report


def previous_figures(report: Report) -> dict[int, Decimal]:
    """The unit's last reported cumulative figure for each target, before this period."""
    earlier = (
        TargetFigure.objects.filter(
            report__project_id=report.project_id,
            report__unit_id=report.unit_id,
            report__state__in=REPORTED,
        )
        .exclude(report__period__year__gt=report.period.year)
        .exclude(report__period__year=report.period.year, report__period__month__gte=report.period.month)
        .order_by("report__period__year", "report__period__month")
    )
    return {f.target_id: f.value for f in earlier}


def _check_figures(report: Report, figures: dict[int, dict]) -> None:
    targets = {t.pk: t for t in report.project.targets.all()}
    before = previous_figures(report)
    problems: dict[str, str] = {}
    for target_id, entry in figures.items():
        value = entry["value"]
        target = targets[target_id]
        key = f"target_{target_id}"
        if value < 0:
            problems[key] = "累计完成数不能为负数"
        elif target_id in before and value < before[target_id] and not entry.get("decrease_reason"):
            problems[key] = f"累计数比上期（{before[target_id].normalize():f}）减少，请说明原因"
        elif (target.value is not None and target.op != "<=" and value > target.value
              and not entry.get("over_target_confirmed")):
            problems[key] = (f"累计数超过目标 {target.value.normalize():f}{target.unit}，"
                             "如确属超额完成请勾选确认")
    if problems:
        raise ReportProblems(problems)


def save_report(report: Report, user, version: int, fields: dict, figures: dict[int, dict],
                allocation_figures: dict[int, Decimal], site_states: dict[int, str] | None = None,
                uploads: Sequence[CheckedUpload] = ()) -> Report:
    """Save a draft. Refuses a stale form (``version``) and figures that need a reason.

    ``figures`` maps target id → {"value", "decrease_reason", "over_target_confirmed"}.
    ``uploads`` (photos and documents, already checked) are stored with the report, in the same
    transaction: a refused save leaves neither a row nor a file, so a retry adds them once.
    """
    if not report.editable:
        raise WorkflowError("该报告已报送，不能修改；如需更正请联系牵头单位退回")
    _check_figures(report, figures)
    with stored_files() as files, transaction.atomic():
        updated = Report.objects.filter(pk=report.pk, version=version).update(version=F("version") + 1, **fields)
        if not updated:
            raise ReportConflict
        for target_id, entry in figures.items():
            TargetFigure.objects.update_or_create(
                report=report, target_id=target_id,
                defaults={"value": entry["value"], "decrease_reason": entry.get("decrease_reason", ""),
                          "over_target_confirmed": bool(entry.get("over_target_confirmed"))},
            )
        report.target_figures.exclude(target_id__in=figures).delete()
        for allocation_id, value in allocation_figures.items():
            AllocationFigure.objects.update_or_create(report=report, allocation_id=allocation_id,
                                                      defaults={"value": value})
        report.allocation_figures.exclude(allocation_id__in=allocation_figures).delete()
        for site_id, state in (site_states or {}).items():
            SiteState.objects.update_or_create(report=report, site_id=site_id, defaults={"state": state})
        for checked in uploads:
            attachment = Attachment(report=report, kind=checked.kind, name=checked.name,
                                    content_type=checked.content_type, size=checked.size, uploaded_by=user)
            files.save(attachment.file, checked)
            attachment.save()
        report.refresh_from_db()
        # The history row gets the user: save through the model once (no field changes).
        report._history_user = user
        report.save(update_fields=["updated_at"])
        ReportEvent.objects.create(report=report, action=ReportEvent.Action.SAVED, by=user)
    return report


def _snapshot(report: Report) -> dict:
    return {
        "targets": {str(f.target_id): f"{f.value.normalize():f}" for f in report.target_figures.all()},
        "allocations": {str(f.allocation_id): f"{f.value.normalize():f}" for f in report.allocation_figures.all()},
        "percent_complete": str(report.percent_complete) if report.percent_complete is not None else None,
        "progress_text": report.progress_text,
        "problems": report.problems,
        "next_steps": report.next_steps,
    }


def _transition(report: Report, user, allowed: tuple[str, ...], state: str, action: str, reason: str = "",
                **extra) -> Report:
    with transaction.atomic():
        updated = Report.objects.filter(pk=report.pk, state__in=allowed).update(
            state=state, version=F("version") + 1, **extra
        )
        if not updated:
            raise WorkflowError("报告状态已变化，请刷新页面后再操作")
        report.refresh_from_db()
        report._history_user = user
        report.save(update_fields=["updated_at"])
        ReportEvent.objects.create(report=report, action=action, by=user, reason=reason, snapshot=_snapshot(report))
    return report


def submit_report(report: Report, user, now: datetime.datetime | None = None) -> Report:
    now = now or timezone.now()
    has_figures = report.target_figures.exists() or report.allocation_figures.exists()
    if not has_figures and report.percent_complete is None and not report.progress_text.strip():
        raise WorkflowError("请至少填写完成数或进展情况后再报送")
    late = timezone.localtime(now).date() > report.period.due_on
    return _transition(report, user, (Report.State.DRAFT, Report.State.RETURNED), Report.State.SUBMITTED,
                       ReportEvent.Action.SUBMITTED, submitted_at=now, late=late, return_reason="")


def return_report(report: Report, user, reason: str) -> Report:
    if not reason.strip():
        raise WorkflowError("退回时必须写明理由")
    report = _transition(report, user, (Report.State.SUBMITTED, Report.State.REVIEWED), Report.State.RETURNED,
                         ReportEvent.Action.RETURNED, reason=reason, return_reason=reason)
    notify_returned(report)
    return report


def review_report(report: Report, user) -> Report:
    return _transition(report, user, (Report.State.SUBMITTED,), Report.State.REVIEWED, ReportEvent.Action.REVIEWED)


def accept_report(report: Report, user) -> Report:
    return _transition(report, user, (Report.State.REVIEWED,), Report.State.ACCEPTED, ReportEvent.Action.ACCEPTED)


def decide_suggestion(suggestion: FlagSuggestion, user, confirm: bool, leader=None,
                      lift_criteria: str = "") -> FlaggedSupervision | None:
    with transaction.atomic():
        updated = FlagSuggestion.objects.filter(pk=suggestion.pk, decision=FlagSuggestion.Decision.PENDING).update(
            decision=FlagSuggestion.Decision.CONFIRMED if confirm else FlagSuggestion.Decision.DISMISSED,
            decided_by=user, decided_at=timezone.now(),
        )
        if not updated:
            raise WorkflowError("这条建议已经处理过了")
        if not confirm:
            return None
        return FlaggedSupervision.objects.create(
            project=suggestion.project, reason=suggestion.reason, leader=leader,
            lift_criteria=lift_criteria or "进度恢复正常并经督查核实", flagged_by=user,
        )


def open_flag(project: Project, user, reason: str, leader: Person | None, lift_criteria: str,
              change_reason: str) -> FlaggedSupervision:
    """挂牌督办 on a project; supervision decides when (its services check the request first)."""
    flag = FlaggedSupervision(project=project, reason=reason, leader=leader, lift_criteria=lift_criteria,
                              flagged_by=user)
    flag._change_reason = change_reason
    flag.save()
    return flag


def lift_flag(flag: FlaggedSupervision, change_reason: str) -> FlaggedSupervision:
    """摘牌: the reason is kept as the history row's change reason."""
    flag.state = FlaggedSupervision.State.LIFTED
    flag.lifted_at = timezone.now()
    flag._change_reason = change_reason
    flag.save()
    return flag
