"""Writes to appeals: intake, the workflow from acceptance to closing, extensions, escalation, keys.

Every change runs in a transaction on a locked row and leaves an AppealEvent with who and when.
Permission checks are the views' job (through appeals.permissions); these functions enforce the
workflow: which step may follow which, and what each step does to the clock. One rule of
scope is checked here too, because every write path reaches it: an appeal is handed only to a
unit of its own region (appeals.permissions.assignable_units).
"""

from __future__ import annotations

import datetime
import secrets
import uuid
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.files.base import File
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from minsheng.appeals import clock, duplicates
from minsheng.appeals.models import (
    Appeal,
    AppealCategory,
    AppealEvent,
    AppealPhoto,
    AppealState,
    CandidateProject,
    ExportLog,
    Extension,
    Open311Key,
    Publication,
    RoutingRule,
    new_secret,
    secret_hash,
)
from minsheng.appeals.permissions import assignable_units
from minsheng.appeals.photos import CheckedPhoto
from minsheng.appeals.privacy import mask_text, normalise_phone
from minsheng.appeals.routing import AppealFacts, Rule, Suggestion, parse_keywords, suggest
from minsheng.core import ratelimit
from minsheng.core.calendar import work_calendar
from minsheng.core.models import Region, Unit, User
from minsheng.plans.services import add_draft_project

S = AppealState
# Overridable one by one in settings.APPEALS_RATE_LIMITS.
DEFAULT_RATE_LIMITS = {
    "ip_per_hour": 5,  # public form, per client address
    "phone_per_day": 3,  # public form and Open311 together, per phone
    "key_per_hour": 1000,  # Open311, per API key (a city platform relays many citizens)
    "proof_failures_per_hour": 5,  # wrong rating secret or phone, per client address
}


class WorkflowError(ValueError):
    """A step that does not fit the appeal's current state (or a rule of the workflow)."""


class RateLimited(WorkflowError):
    pass


class NotAuthorised(WorkflowError):
    """The rating secret (or phone) given does not match the appeal."""


class DuplicateSubmission(WorkflowError):
    """The same form arrived twice; ``appeal`` is the one the first copy created."""

    def __init__(self, appeal: Appeal):
        super().__init__(_("这份留言已经提交过，查询码 %(code)s。") % {"code": appeal.code})
        self.appeal = appeal


@dataclass
class Intake:
    category: AppealCategory
    region: Region
    content: str
    title: str = ""
    address: str = ""
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    name: str = ""
    phone: str = ""
    id_number: str = ""
    publish: bool = False
    submission_key: uuid.UUID | None = None
    photos: list[CheckedPhoto] = field(default_factory=list)


def _now(now: datetime.datetime | None) -> datetime.datetime:
    return now or timezone.now()


def _event(appeal: Appeal, kind: str, at: datetime.datetime, actor: User | None, label: str = "", **kw) -> None:
    AppealEvent.objects.create(
        appeal=appeal, kind=kind, at=at, actor=actor,
        actor_label=label or (actor.get_full_name() or actor.username if actor else _("市民")), **kw,
    )


def _move(appeal: Appeal, to: str, kind: str, at: datetime.datetime, actor: User | None, note: str = "",
          label: str = "", public: bool = True) -> None:
    before = appeal.state_id
    appeal.state_id = to
    appeal.save()
    _event(appeal, kind, at, actor, label, from_state=before, to_state=to, note=note, public=public)


def _locked(appeal: Appeal, allowed: set[str], step: str) -> Appeal:
    fresh = Appeal.objects.select_for_update().select_related("category").get(pk=appeal.pk)
    if fresh.state_id not in allowed:
        state = AppealState.objects.get(pk=fresh.state_id)
        raise WorkflowError(_("诉求处于「%(state)s」状态，不能%(step)s。") % {"state": state.label, "step": step})
    return fresh


# --- routing -------------------------------------------------------------------------------------


def load_rules() -> list[Rule]:
    rules = []
    for r in RoutingRule.objects.filter(active=True).select_related("category", "region", "unit"):
        rules.append(Rule(
            id=r.pk, name=r.name, unit_id=r.unit_id, unit_name=str(r.unit),
            category_id=r.category_id, category_name=r.category.name if r.category else "",
            region_ids=frozenset(r.region.descendant_ids()) if r.region else frozenset(),
            region_name=r.region.name if r.region else "",
            keywords=parse_keywords(r.keywords), priority=r.priority,
        ))
    return rules


def suggest_unit(category: AppealCategory, region: Region, text: str) -> Suggestion:
    return suggest(load_rules(), AppealFacts(category_id=category.pk, region_id=region.pk, text=text))


# --- intake --------------------------------------------------------------------------------------


def _limits() -> dict[str, int]:
    return {**DEFAULT_RATE_LIMITS, **getattr(settings, "APPEALS_RATE_LIMITS", {})}


def _submission_rates() -> list[tuple[str, ratelimit.Rate, str]]:
    limits = _limits()
    return [
        ("appeals.ip", ratelimit.Rate(limits["ip_per_hour"], 3600),
         _("同一网络地址一小时内最多提交 %(n)d 件，请稍后再试或拨打 12345。") % {"n": limits["ip_per_hour"]}),
        ("appeals.phone", ratelimit.Rate(limits["phone_per_day"], 86400),
         _("同一手机号一天内最多提交 %(n)d 件，请稍后再试或拨打 12345。") % {"n": limits["phone_per_day"]}),
        ("appeals.key", ratelimit.Rate(limits["key_per_hour"], 3600),
         _("这个接口密钥一小时内最多提交 %(n)d 件。") % {"n": limits["key_per_hour"]}),
    ]


def _submitters(ip: str | None, phone: str, api_key: Open311Key | None) -> dict[str, str]:
    return {"appeals.ip": ip or "", "appeals.phone": normalise_phone(phone),
            "appeals.key": str(api_key.pk) if api_key else ""}


def check_rate_limit(ip: str | None, phone: str, api_key: Open311Key | None = None) -> None:
    """Refuse a submission over the quota of its address, phone or Open311 key (those given).

    Counted in the shared cache (core.ratelimit); only registered appeals count, so a form sent
    back for a correction costs nothing.
    """
    who = _submitters(ip, phone, api_key)
    for scope, rate, message in _submission_rates():
        if ratelimit.exceeded(scope, who[scope], rate):
            raise RateLimited(message)


def _count_submission(ip: str | None, phone: str, api_key: Open311Key | None) -> None:
    who = _submitters(ip, phone, api_key)
    for scope, rate, _message in _submission_rates():
        ratelimit.hit(scope, who[scope], rate)


def _title(intake: Intake) -> str:
    if intake.title.strip():
        return intake.title.strip()[:100]
    first = intake.content.strip().splitlines()[0] if intake.content.strip() else ""
    return first[:30] + ("…" if len(first) > 30 else "")


def _link_duplicate(appeal: Appeal) -> None:
    if not appeal.phone_key and not appeal.id_number:
        return
    same_contact = Appeal.objects.exclude(pk=appeal.pk).filter(
        received_at__gte=appeal.received_at - duplicates.WINDOW, received_at__lte=appeal.received_at
    )
    same_contact = (
        same_contact.filter(phone_key=appeal.phone_key) if appeal.phone_key
        else same_contact.filter(id_number=appeal.id_number)
    )
    earlier = [duplicates.Earlier(a.pk, a.received_at, a.content) for a in same_contact.only("content", "received_at")]
    match = duplicates.likely_duplicate(appeal.content, appeal.received_at, earlier)
    if match is not None:
        original = Appeal.objects.get(pk=match)
        appeal.duplicate_of_id = original.duplicate_of_id or original.pk
        appeal.save(update_fields=["duplicate_of"])
        _event(appeal, AppealEvent.Kind.DUPLICATE, appeal.received_at, None, _("系统"),
               note=_("与 %(code)s 同一联系人、内容相似，疑似重复") % {"code": original.code}, public=False)


def submit(intake: Intake, *, channel: str, actor: User | None = None, actor_label: str = "",
           ip: str | None = None, api_key: Open311Key | None = None, rate_limit: bool = False,
           now: datetime.datetime | None = None) -> Appeal:
    """Register an appeal: clock started, unit suggested, likely duplicate linked, photos stored.

    The returned appeal carries ``secret``, the plain rating secret, to be shown to the submitter
    this once: only its hash is stored. Raises DuplicateSubmission when the same form
    (submission_key) was already registered, and RateLimited when ``rate_limit`` is set (public
    form, Open311) and the address, phone or API key is over its quota.
    """
    now = _now(now)
    key = intake.submission_key or uuid.uuid4()
    existing = Appeal.objects.filter(submission_key=key).first()
    if existing:
        raise DuplicateSubmission(existing)
    if rate_limit:
        check_rate_limit(ip, intake.phone, api_key)
    suggestion = suggest_unit(intake.category, intake.region, f"{intake.title}\n{intake.content}")
    appeal = Appeal(
        submission_key=key, channel=channel, category=intake.category, region=intake.region,
        title=_title(intake), content=intake.content.strip(), address=intake.address.strip(),
        latitude=intake.latitude, longitude=intake.longitude, name=intake.name.strip(), phone=intake.phone.strip(),
        phone_key=normalise_phone(intake.phone), id_number=intake.id_number.strip().upper(), publish=intake.publish,
        submitted_ip=ip, api_key=api_key, created_by=actor, state_id=S.SUBMITTED,
        suggested_unit_id=suggestion.unit_id, suggestion=suggestion.explain(),
        received_at=now, accept_due=clock.accept_deadline(now, work_calendar()),
    )
    secret = new_secret()
    appeal.secret_hash = secret_hash(appeal.code, secret)
    try:
        with transaction.atomic():
            appeal.save()
            for photo in intake.photos:
                AppealPhoto.objects.create(
                    appeal=appeal, file=File(photo.upload, name=photo.storage_name()),
                    content_type=photo.content_type, size=photo.upload.size, width=photo.width, height=photo.height,
                )
            _event(appeal, AppealEvent.Kind.SUBMITTED, now, actor, actor_label, to_state=S.SUBMITTED,
                   note=appeal.get_channel_display())
            _link_duplicate(appeal)
    except IntegrityError:
        # Two copies of one form raced past the check above; the database kept the first.
        existing = Appeal.objects.filter(submission_key=key).first()
        if existing:
            raise DuplicateSubmission(existing) from None
        raise
    if rate_limit:
        _count_submission(ip, intake.phone, api_key)
    appeal.secret = secret
    return appeal


# --- workflow ------------------------------------------------------------------------------------


def _check_unit(appeal: Appeal, user: User, unit: Unit) -> None:
    # The unit gets the citizen's name and phone: never one outside the appeal's region.
    if not assignable_units(user, appeal.region).filter(pk=unit.pk).exists():
        raise WorkflowError(_("「%(unit)s」不属于诉求所在区划（%(region)s）及其上级统筹范围，不能交办。")
                            % {"unit": unit, "region": appeal.region})


@transaction.atomic
def accept(appeal: Appeal, user: User, unit: Unit, category: AppealCategory | None = None, note: str = "",
           now: datetime.datetime | None = None) -> Appeal:
    """受理并交办: the handling clock starts now, on the (possibly corrected) category's limit."""
    now = _now(now)
    appeal = _locked(appeal, {S.SUBMITTED}, _("受理"))
    _check_unit(appeal, user, unit)
    if category is not None:
        appeal.category = category
    appeal.unit = unit
    appeal.accepted_at = now
    appeal.handle_due = clock.deadline(now, appeal.category.limit, work_calendar())
    text = _("交「%(unit)s」办理，时限 %(limit)s") % {"unit": unit, "limit": appeal.category.limit.describe()}
    _move(appeal, S.ACCEPTED, AppealEvent.Kind.ACCEPTED, now, user, f"{text}。{note}".strip("。") + "。")
    return appeal


@transaction.atomic
def reassign(appeal: Appeal, user: User, unit: Unit, reason: str, now: datetime.datetime | None = None) -> Appeal:
    """The clock keeps running: a wrong first assignment is the office's delay, not the citizen's."""
    now = _now(now)
    appeal = _locked(appeal, {S.ACCEPTED, S.HANDLING, S.REOPENED}, _("改派"))
    _check_unit(appeal, user, unit)
    before = appeal.unit
    appeal.unit = unit
    appeal.state_id = S.ACCEPTED if appeal.state_id == S.HANDLING else appeal.state_id
    appeal.save()
    _event(appeal, AppealEvent.Kind.REASSIGNED, now, user, note=_("由「%(a)s」改派「%(b)s」：%(r)s")
           % {"a": before, "b": unit, "r": reason}, public=False)
    return appeal


@transaction.atomic
def sign(appeal: Appeal, user: User, now: datetime.datetime | None = None) -> Appeal:
    appeal = _locked(appeal, {S.ACCEPTED, S.REOPENED}, _("签收"))
    _move(appeal, S.HANDLING, AppealEvent.Kind.SIGNED, _now(now), user, str(appeal.unit))
    return appeal


@transaction.atomic
def answer(appeal: Appeal, user: User, text: str, now: datetime.datetime | None = None) -> Appeal:
    if not text.strip():
        raise WorkflowError(_("答复内容不能为空。"))
    now = _now(now)
    appeal = _locked(appeal, {S.ACCEPTED, S.HANDLING, S.REOPENED}, _("答复"))
    appeal.answer = text.strip()
    appeal.answered_at = now
    _move(appeal, S.ANSWERED, AppealEvent.Kind.ANSWERED, now, user, appeal.answer)
    return appeal


def _reopen(appeal: Appeal, now: datetime.datetime, actor: User | None, note: str, label: str = "") -> None:
    """重办: one more round for the unit, on a fresh handling limit and with the escalation cleared."""
    appeal.reopen_count += 1
    appeal.handle_due = clock.deadline(now, appeal.category.limit, work_calendar())
    appeal.escalation = 0
    _move(appeal, S.REOPENED, AppealEvent.Kind.REOPENED, now, actor, note, label=label)


@transaction.atomic
def rate(appeal: Appeal, rating: str, resolved: bool, comment: str = "",
         now: datetime.datetime | None = None) -> Appeal:
    """满意/基本满意 close the appeal; the first 不满意 reopens it (重办) with a fresh limit; a second
    不满意 leaves it rated and open for the coordinator to decide."""
    if rating not in Appeal.Rating.values:
        raise WorkflowError(_("请选择评价。"))
    now = _now(now)
    appeal = _locked(appeal, {S.ANSWERED}, _("评价"))
    appeal.rating, appeal.resolved, appeal.rating_comment, appeal.rated_at = rating, resolved, comment.strip(), now
    label = str(Appeal.Rating(rating).label)
    note = "；".join(filter(None, [label, _("问题已解决") if resolved else _("问题未解决"), comment.strip()]))
    _event(appeal, AppealEvent.Kind.RATED, now, None, note=note, from_state=S.ANSWERED, to_state=S.ANSWERED)
    if rating != Appeal.Rating.UNSATISFIED:
        appeal.closed_at = now
        _move(appeal, S.CLOSED, AppealEvent.Kind.CLOSED, now, None, _("市民评价后办结"), label=_("系统"))
    elif appeal.reopen_count == 0:
        _reopen(appeal, now, None, _("市民不满意，退回承办单位重办，时限 %(limit)s")
                % {"limit": appeal.category.limit.describe()}, label=_("系统"))
    else:
        _move(appeal, S.RATED, AppealEvent.Kind.RATED, now, None, _("重办后仍不满意，待统筹单位裁定"), label=_("系统"))
    return appeal


def proof_matches(appeal: Appeal, proof: str) -> bool:
    """The rating secret the submitter was given, or the phone they wrote (however formatted)."""
    proof = (proof or "").strip()
    if not proof:
        return False
    if appeal.secret_hash and secrets.compare_digest(secret_hash(appeal.code, proof), appeal.secret_hash):
        return True
    return bool(appeal.phone_key) and secrets.compare_digest(normalise_phone(proof), appeal.phone_key)


def rate_as_citizen(appeal: Appeal, proof: str, ip: str | None, rating: str, resolved: bool,
                    comment: str = "", now: datetime.datetime | None = None) -> Appeal:
    """A rating from the public page or API: only with the secret or phone, and failures limited
    per address, so the published tracking code alone can neither close nor reopen an appeal."""
    limits = _limits()
    rate_ = ratelimit.Rate(limits["proof_failures_per_hour"], 3600)
    if ratelimit.exceeded("appeals.proof", ip or "", rate_):
        raise RateLimited(_("验证失败次数过多，请一小时后再试，或拨打 12345。"))
    if not proof_matches(appeal, proof):
        ratelimit.hit("appeals.proof", ip or "", rate_)
        raise NotAuthorised(_("评价密码或联系电话不正确。"))
    return rate(appeal, rating, resolved, comment, now)


@transaction.atomic
def close(appeal: Appeal, user: User, note: str, now: datetime.datetime | None = None) -> Appeal:
    """The coordinator's decision after a second 不满意, or on an answer the citizen never rated."""
    if not note.strip():
        raise WorkflowError(_("请写明办结意见。"))
    now = _now(now)
    appeal = _locked(appeal, {S.RATED, S.ANSWERED}, _("办结"))
    appeal.closed_at = now
    _move(appeal, S.CLOSED, AppealEvent.Kind.CLOSED, now, user, note.strip())
    return appeal


@transaction.atomic
def reopen_by_coordinator(appeal: Appeal, user: User, note: str, now: datetime.datetime | None = None) -> Appeal:
    """The other decision on a rated appeal: one more round, by the coordinator's order."""
    now = _now(now)
    appeal = _locked(appeal, {S.RATED}, _("重办"))
    _reopen(appeal, now, user, note.strip() or _("统筹单位决定再次重办"))
    return appeal


@transaction.atomic
def request_extension(appeal: Appeal, user: User, amount: int, reason: str,
                      now: datetime.datetime | None = None) -> Extension:
    if amount <= 0 or not reason.strip():
        raise WorkflowError(_("请填写延期时长和理由。"))
    now = _now(now)
    appeal = _locked(appeal, {S.ACCEPTED, S.HANDLING, S.REOPENED}, _("申请延期"))
    if appeal.extensions.filter(status=Extension.Status.PENDING).exists():
        raise WorkflowError(_("已有一份延期申请待审批。"))
    extension = Extension.objects.create(appeal=appeal, amount=amount, reason=reason.strip(), requested_by=user,
                                         requested_at=now)
    unit_label = appeal.category.get_limit_unit_display()
    _event(appeal, AppealEvent.Kind.EXTENSION_REQUESTED, now, user,
           note=_("申请延期 %(n)d %(u)s：%(r)s") % {"n": amount, "u": unit_label, "r": extension.reason}, public=False)
    return extension


@transaction.atomic
def decide_extension(extension: Extension, user: User, approve: bool, note: str = "",
                     now: datetime.datetime | None = None) -> Extension:
    now = _now(now)
    extension = Extension.objects.select_for_update().get(pk=extension.pk)
    if extension.status != Extension.Status.PENDING:
        raise WorkflowError(_("这份延期申请已经审批过。"))
    appeal = _locked(extension.appeal, {S.ACCEPTED, S.HANDLING, S.REOPENED}, _("延期"))
    extension.status = Extension.Status.APPROVED if approve else Extension.Status.REJECTED
    extension.decided_by, extension.decided_at, extension.note = user, now, note.strip()
    extension.save()
    if approve:
        appeal.handle_due = clock.extend(appeal.handle_due, extension.amount, appeal.category.limit.unit,
                                         work_calendar())
        appeal.escalation = 0
        appeal.save()
    due = timezone.localtime(appeal.handle_due).strftime("%Y-%m-%d %H:%M")
    text = _("批准延期，新时限 %(due)s") % {"due": due} if approve else _("不予延期")
    _event(appeal, AppealEvent.Kind.EXTENSION_DECIDED, now, user, note=f"{text}。{note}".strip("。") + "。")
    return extension


@transaction.atomic
def set_key_supervision(appeal: Appeal, user: User, on: bool, note: str = "",
                        now: datetime.datetime | None = None) -> Appeal:
    now = _now(now)
    appeal = Appeal.objects.select_for_update().get(pk=appeal.pk)
    if appeal.key_supervision == on:
        return appeal
    appeal.key_supervision = on
    appeal.key_supervision_at = now if on else None
    appeal.save()
    text = _("列入重点督办") if on else _("撤销重点督办")
    _event(appeal, AppealEvent.Kind.KEY_SUPERVISION, now, user, note=f"{text}。{note}".strip("。") + "。")
    return appeal


def escalate_overdue(now: datetime.datetime | None = None) -> int:
    """Raise every open appeal's escalation to what its lateness calls for; returns how many rose.

    Meant to run every few minutes (``minsheng manage appeals_escalate``): an appeal late for
    acceptance or handling goes on the coordinator's list, three working days late to the leader.
    """
    now = _now(now)
    calendar = work_calendar()
    raised = 0
    open_states = list(AppealState.objects.filter(is_open=True).values_list("code", flat=True))
    late = Appeal.objects.filter(state_id__in=open_states).exclude(state_id__in=[S.ANSWERED, S.RATED])
    late = late.filter(accept_due__lt=now, accepted_at__isnull=True) | late.filter(handle_due__lt=now)
    for appeal in late.select_related("category").iterator():
        waiting_acceptance = appeal.accepted_at is None
        due = appeal.accept_due if waiting_acceptance else appeal.handle_due
        unit = clock.LimitUnit.WORKDAYS if waiting_acceptance else appeal.category.limit.unit
        level = clock.escalation_level(due, now, unit, calendar)
        with transaction.atomic():
            locked = Appeal.objects.select_for_update().get(pk=appeal.pk)
            if level <= locked.escalation:
                continue
            locked.escalation = level
            locked.save(update_fields=["escalation", "updated_at"])
            step = _("受理") if waiting_acceptance else _("办理")
            whom = _("统筹单位") if level == 1 else _("分管领导")
            _event(locked, AppealEvent.Kind.ESCALATED, now, None, _("时限监控"), public=False,
                   note=_("%(step)s超期，升级至%(whom)s") % {"step": step, "whom": whom})
            raised += 1
    return raised


# --- publication on the public board ----------------------------------------------------------------


def publication_draft(appeal: Appeal) -> dict[str, str]:
    """What the approval form starts from: the live publication's text, else the appeal's own, masked."""
    draft = {"title": mask_text(appeal.title), "content": mask_text(appeal.content),
             "answer": mask_text(appeal.answer)}
    publication = Publication.objects.filter(appeal=appeal).first()
    if publication is not None:
        # The coordinator's own edits are the starting point, even after a withdrawal; an answer
        # given since the approval replaces the approved one.
        draft.update(title=publication.title, content=publication.content)
        if not answer_changed_since(appeal, publication):
            draft["answer"] = publication.answer
    return draft


def answer_changed_since(appeal: Appeal, publication: Publication | None) -> bool:
    return (publication is not None and appeal.answered_at is not None
            and appeal.answered_at > publication.approved_at)


@transaction.atomic
def approve_publication(appeal: Appeal, user: User, title: str, content: str, answer: str = "",
                        now: datetime.datetime | None = None) -> Publication:
    """Put the appeal on the public board with this text; numbers left in it are masked all the same."""
    now = _now(now)
    appeal = Appeal.objects.select_for_update().get(pk=appeal.pk)
    if not appeal.publish:
        raise WorkflowError(_("留言人未同意公开，不能公开。"))
    if appeal.state_id == S.SUBMITTED:
        raise WorkflowError(_("诉求尚未受理，不能公开。"))
    title, content, answer = (mask_text(t.strip()) for t in (title, content, answer))
    if not title or not content:
        raise WorkflowError(_("公开标题和内容不能为空。"))
    Publication.objects.update_or_create(appeal=appeal, defaults={
        "title": title[:100], "content": content[:4000], "answer": answer[:4000], "approved_by": user,
        "approved_at": now, "withdrawn_by": None, "withdrawn_at": None, "withdraw_reason": "",
    })
    _event(appeal, AppealEvent.Kind.PUBLISHED, now, user, note=_("批准在留言板公开"), public=False)
    return appeal.publication


@transaction.atomic
def withdraw_publication(appeal: Appeal, user: User, reason: str = "",
                         now: datetime.datetime | None = None) -> Publication:
    now = _now(now)
    publication = Publication.objects.select_for_update().filter(appeal=appeal).first()
    if publication is None or not publication.live:
        raise WorkflowError(_("这件诉求没有在留言板公开。"))
    publication.withdrawn_by, publication.withdrawn_at = user, now
    publication.withdraw_reason = reason.strip()[:300]
    publication.save()
    _event(appeal, AppealEvent.Kind.WITHDRAWN, now, user,
           note=_("撤回公开。%(r)s") % {"r": publication.withdraw_reason}, public=False)
    return publication


# --- keys, exports, candidate projects ------------------------------------------------------------


def issue_key(name: str, region: Region) -> str:
    """Create an Open311 key and return it; only its hash is stored, so this is the one chance to read it."""
    key = secrets.token_urlsafe(24)
    Open311Key.objects.create(name=name, key_hash=Open311Key.hash(key), region=region)
    return key


def check_key(key: str) -> Open311Key | None:
    if not key:
        return None
    return Open311Key.objects.filter(key_hash=Open311Key.hash(key), active=True).select_related("region").first()


def record_export(user: User, personal: bool, appeal_ids: list[int], filters: dict) -> ExportLog:
    """An export with personal data is written on each appeal it contains, so the appeal's own trail shows it."""
    log = ExportLog.objects.create(user=user, personal=personal, count=len(appeal_ids), filters=filters)
    if personal:
        now = timezone.now()
        label = user.get_full_name() or user.username
        AppealEvent.objects.bulk_create([
            AppealEvent(appeal_id=pk, kind=AppealEvent.Kind.EXPORTED, at=now, actor=user, actor_label=label,
                        note=_("导出含个人信息的清单（导出记录 %(id)d）") % {"id": log.pk}, public=False)
            for pk in appeal_ids
        ])
    return log


@transaction.atomic
def create_candidate_project(user: User, keyword: str, region: Region, appeal_ids: list[int],
                             year: int | None = None) -> CandidateProject:
    """Put a recurring problem into next year's draft plan of the region as a candidate project."""
    year = year or timezone.localdate().year + 1
    appeals = list(Appeal.objects.filter(pk__in=appeal_ids).order_by("received_at"))
    if not appeals:
        raise WorkflowError(_("没有可关联的诉求。"))
    content = _("%(n)d 件群众诉求反映「%(k)s」问题（%(first)s 至 %(last)s），"
                "建议列为 %(year)d 年民生实事候选项目。") % {
        "n": len(appeals), "k": keyword, "year": year,
        "first": timezone.localdate(appeals[0].received_at), "last": timezone.localdate(appeals[-1].received_at),
    }
    project = add_draft_project(
        region=region, year=year,
        plan_title=_("%(region)s%(year)d年民生实事候选项目") % {"region": region, "year": year},
        category=_("群众诉求"), name=_("解决%(region)s群众反映集中的「%(k)s」问题") % {"region": region, "k": keyword},
        content=content,
    )
    candidate = CandidateProject.objects.create(keyword=keyword, region=region, project=project, created_by=user)
    candidate.appeals.set(appeals)
    return candidate
