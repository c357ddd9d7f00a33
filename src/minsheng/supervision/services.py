"""Writes of supervision: inspections and findings, rectification to closure, flags, congress records.

Permission is the caller's (the view's) business; these check the workflow: what state a finding
must be in for each step, that evidence really is a photo or a document, that a reason is given.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from minsheng.core.calendar import work_calendar
from minsheng.core.models import Person, Unit
from minsheng.core.uploads import CheckedUpload, check_upload, stored_files
from minsheng.plans.models import Plan, Project, Site
from minsheng.progress import services as progress_services
from minsheng.progress.models import FlaggedSupervision
from minsheng.supervision import rules
from minsheng.supervision.models import (
    ContactLog,
    DeputyQuestion,
    Evidence,
    Finding,
    Inspection,
    RectificationEvent,
)


class SupervisionError(Exception):
    """A step the workflow refuses; the message is for the user."""


@dataclass
class FindingInput:
    description: str
    severity: str
    unit: Unit
    deadline: datetime.date
    required_action: str
    project: Project | None = None


@transaction.atomic
def record_inspection(plan: Plan, user, *, kind: str, date: datetime.date, team: str, summary: str = "",
                      projects: Iterable[Project] = (), sites: Iterable[Site] = (),
                      rechecks: Iterable[Finding] = (), findings: Sequence[FindingInput] = ()) -> Inspection:
    projects, sites, rechecks = list(projects), list(sites), list(rechecks)
    if any(p.plan_id != plan.pk for p in projects):
        raise SupervisionError("督查项目须属于本计划")
    if any(f.inspection.plan_id != plan.pk for f in rechecks):
        raise SupervisionError("复查的问题须属于本计划")
    if rechecks and kind != Inspection.Kind.FOLLOW_UP:
        raise SupervisionError("只有“督查回头看”复查以往发现的问题")
    inspection = Inspection.objects.create(plan=plan, kind=kind, date=date, team=team, summary=summary,
                                           created_by=user)
    inspection.projects.set(projects)
    inspection.sites.set([s for s in sites if s.project_id in {p.pk for p in projects}])
    inspection.rechecks.set(rechecks)
    for item in findings:
        add_finding(inspection, item)
    return inspection


def add_finding(inspection: Inspection, item: FindingInput) -> Finding:
    if item.project is not None and item.project.plan_id != inspection.plan_id:
        raise SupervisionError("问题所属项目须属于本计划")
    if not item.description.strip() or not item.required_action.strip():
        raise SupervisionError("请写明发现的问题和整改要求")
    return Finding.objects.create(
        inspection=inspection, project=item.project, description=item.description.strip(),
        severity=item.severity, unit=item.unit,
        # A deadline on a holiday moves to the next working day (DESIGN.md).
        deadline=rules.effective_deadline(item.deadline, work_calendar()),
        required_action=item.required_action.strip(),
    )


def _check_evidence(uploads: Sequence[tuple[object, str]]) -> list[CheckedUpload]:
    return [check_upload(upload, kind) for upload, kind in uploads]


def report_fix(finding: Finding, user, note: str, uploads: Sequence[tuple[object, str]] = ()) -> RectificationEvent:
    """The responsible unit reports what it fixed, with photos or documents as evidence."""
    if not note.strip():
        raise SupervisionError("请写明整改情况")
    if not uploads:
        raise SupervisionError("请上传整改后的照片或佐证材料")
    checked = _check_evidence(uploads)  # raises UploadRejected before anything is written
    # Files are written with their rows; if the transaction fails they are removed again.
    with stored_files() as files, transaction.atomic():
        locked = Finding.objects.select_for_update().get(pk=finding.pk)
        if locked.state != Finding.State.OPEN:
            raise SupervisionError("该问题当前不是待整改状态")
        _save_state(locked, Finding.State.REPORTED, "报送整改情况", reported_at=timezone.now())
        event = RectificationEvent.objects.create(finding=locked, action=RectificationEvent.Action.REPORTED,
                                                  note=note.strip(), by=user)
        for item in checked:
            evidence = Evidence(event=event, kind=item.kind, name=item.name, content_type=item.content_type,
                                size=item.size)
            files.save(evidence.file, item)
            evidence.save()
    finding.refresh_from_db()
    return event


def _save_state(finding: Finding, state: str, reason: str, **fields) -> None:
    finding.state = state
    for name, value in fields.items():
        setattr(finding, name, value)
    finding._change_reason = reason
    finding.save()


def verify(finding: Finding, user, close: bool, note: str) -> RectificationEvent:
    """The inspector checks the reported fix: closes the item (销号) or sends it back."""
    if not close and not note.strip():
        raise SupervisionError("退回时请写明理由")
    with transaction.atomic():
        locked = Finding.objects.select_for_update().get(pk=finding.pk)
        if locked.state != Finding.State.REPORTED:
            raise SupervisionError("只有已报整改的问题可以核验")
        if close:
            _save_state(locked, Finding.State.CLOSED, note or "核验销号", closed_at=timezone.now())
        else:
            _save_state(locked, Finding.State.OPEN, note)
        event = RectificationEvent.objects.create(
            finding=locked, action=RectificationEvent.Action.CLOSED if close else RectificationEvent.Action.RETURNED,
            note=note.strip() or "核验通过，予以销号", by=user)
    finding.refresh_from_db()
    return event


# --- flagged supervision (挂牌督办, the model is progress.FlaggedSupervision) -----------------------

def flag_project(project: Project, user, reason: str, leader: Person | None, lift_criteria: str) -> FlaggedSupervision:
    if not reason.strip() or not lift_criteria.strip():
        raise SupervisionError("请写明挂牌理由和摘牌条件")
    if FlaggedSupervision.objects.filter(project=project, state=FlaggedSupervision.State.ACTIVE).exists():
        raise SupervisionError("该项目已在挂牌督办中")
    return progress_services.open_flag(project, user, reason.strip(), leader, lift_criteria.strip(),
                                       change_reason="挂牌督办")


def lift_flag(flag: FlaggedSupervision, user, note: str) -> FlaggedSupervision:
    """摘牌: the note (why the criteria are met) is kept as the history row's change reason."""
    if not note.strip():
        raise SupervisionError("摘牌时请说明摘牌条件如何达到")
    if flag.state != FlaggedSupervision.State.ACTIVE:
        raise SupervisionError("该项目已摘牌")
    return progress_services.lift_flag(flag, change_reason=f"摘牌：{note.strip()}"[:100])


# --- People's Congress (人大“四个一”) ----------------------------------------------------------------

def log_contact(plan: Plan, user, month: datetime.date, deputies: str, summary: str) -> ContactLog:
    if not deputies.strip() or not summary.strip():
        raise SupervisionError("请填写联系代表和联系情况")
    return ContactLog.objects.create(plan=plan, month=month.replace(day=1), deputies=deputies.strip(),
                                     summary=summary.strip(), created_by=user)


def ask_question(plan: Plan, asked_by: str, unit: Unit, question: str, asked_on: datetime.date,
                 project: Project | None = None) -> DeputyQuestion:
    if not question.strip():
        raise SupervisionError("请填写询问内容")
    return DeputyQuestion.objects.create(plan=plan, asked_by=asked_by, unit=unit, question=question.strip(),
                                         asked_on=asked_on, project=project)


def answer_question(question: DeputyQuestion, answer: str) -> DeputyQuestion:
    if not answer.strip():
        raise SupervisionError("请填写答复内容")
    question.answer = answer.strip()
    question.save(update_fields=["answer"])
    return question
