"""Citizen appeals (诉求): categories with their time limits, routing rules, the appeal and its trail.

States are rows (label + open/closed), not code, after FixMyStreet: the workflow in services.py
moves between them by code name, and pages, figures and the Open311 status read the flag.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from minsheng.appeals.clock import Limit, LimitUnit
from minsheng.core.models import Region, Unit, User


class AppealState(models.Model):
    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    HANDLING = "handling"
    ANSWERED = "answered"
    REOPENED = "reopened"
    RATED = "rated"
    CLOSED = "closed"

    code = models.CharField(_("代码"), max_length=20, primary_key=True)
    label = models.CharField(_("名称"), max_length=50)
    is_open = models.BooleanField(_("未办结"), default=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("诉求状态")
        verbose_name_plural = _("诉求状态")
        ordering = ["position"]

    def __str__(self) -> str:
        return self.label


class AppealCategory(models.Model):
    """An Open311 service: what kind of appeal it is and how long handling may take."""

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    group = models.CharField(_("分组"), max_length=50, blank=True)
    description = models.CharField(_("说明"), max_length=300, blank=True)
    limit_value = models.PositiveIntegerField(_("办理时限"))
    limit_unit = models.CharField(
        _("时限单位"),
        max_length=10,
        choices=[(LimitUnit.WORKDAYS.value, _("工作日")), (LimitUnit.HOURS.value, _("小时"))],
        default=LimitUnit.WORKDAYS.value,
    )
    keywords = models.CharField(_("关键词"), max_length=300, blank=True)
    position = models.PositiveIntegerField(_("排序"), default=0)
    active = models.BooleanField(_("启用"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("诉求类别")
        verbose_name_plural = _("诉求类别")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def limit(self) -> Limit:
        return Limit(self.limit_value, LimitUnit(self.limit_unit))


class RoutingRule(models.Model):
    name = models.CharField(_("规则名称"), max_length=100)
    category = models.ForeignKey(
        AppealCategory, verbose_name=_("类别"), null=True, blank=True, on_delete=models.CASCADE, related_name="rules"
    )
    region = models.ForeignKey(
        Region, verbose_name=_("区划（含下级）"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    keywords = models.CharField(_("关键词（任一命中）"), max_length=500, blank=True)
    unit = models.ForeignKey(Unit, verbose_name=_("承办单位"), on_delete=models.CASCADE, related_name="+")
    priority = models.IntegerField(_("优先级"), default=0)
    active = models.BooleanField(_("启用"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("分办规则")
        verbose_name_plural = _("分办规则")
        ordering = ["-priority", "id"]

    def __str__(self) -> str:
        return self.name


ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud on the phone and typed back


def new_code() -> str:
    # The public id: it reads the appeal's progress and is published (Open311, the board), so it
    # authorises nothing. Rating takes the secret below, or the phone the citizen gave.
    return "MS" + "".join(secrets.choice(ALPHABET) for _ in range(10))


def new_secret() -> str:
    """The rating secret: given once to whoever submitted, as ABCD-EFGH (40 bits; failures are limited)."""
    chars = "".join(secrets.choice(ALPHABET) for _ in range(8))
    return f"{chars[:4]}-{chars[4:]}"


def secret_hash(code: str, secret: str) -> str:
    # Case, spaces and dashes as the citizen types them do not matter; the code salts the hash.
    plain = "".join(ch for ch in secret.upper() if ch.isalnum())
    return hashlib.sha256(f"{code}:{plain}".encode()).hexdigest()


class Open311Key(models.Model):
    name = models.CharField(_("名称"), max_length=100)
    # Only the hash is kept: the key is shown once, when it is created.
    key_hash = models.CharField(max_length=64, unique=True)
    region = models.ForeignKey(Region, verbose_name=_("辖区"), on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("Open311 接口密钥")
        verbose_name_plural = _("Open311 接口密钥")

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def hash(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()


class Appeal(models.Model):
    class Channel(models.TextChoices):
        WEB = "web", _("网上留言")
        PHONE = "phone", _("电话")
        API = "api", _("接口")
        OPEN311 = "open311", _("Open311")

    class Rating(models.TextChoices):
        SATISFIED = "satisfied", _("满意")
        BASIC = "basic", _("基本满意")
        UNSATISFIED = "unsatisfied", _("不满意")

    code = models.CharField(_("查询码"), max_length=20, unique=True, default=new_code)
    # Only the hash of the rating secret (see new_secret); empty for appeals made before it existed.
    secret_hash = models.CharField(max_length=64, blank=True)
    # One per submitted form: a second POST of the same form finds the first appeal instead of a copy.
    submission_key = models.UUIDField(unique=True, default=uuid.uuid4)
    channel = models.CharField(_("渠道"), max_length=10, choices=Channel.choices, default=Channel.WEB)
    category = models.ForeignKey(AppealCategory, verbose_name=_("类别"), on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey(Region, verbose_name=_("区划"), on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("标题"), max_length=100)
    content = models.TextField(_("内容"), max_length=4000)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("经度"), max_digits=9, decimal_places=6, null=True, blank=True)
    name = models.CharField(_("姓名"), max_length=50, blank=True)
    phone = models.CharField(_("电话"), max_length=20, blank=True)
    phone_key = models.CharField(max_length=20, blank=True, db_index=True)
    id_number = models.CharField(_("身份证号"), max_length=18, blank=True)
    publish = models.BooleanField(_("同意公开"), default=False)
    submitted_ip = models.GenericIPAddressField(null=True, blank=True)
    api_key = models.ForeignKey(Open311Key, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    state = models.ForeignKey(AppealState, verbose_name=_("状态"), on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(
        Unit, verbose_name=_("承办单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="appeals"
    )
    suggested_unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    suggestion = models.TextField(_("分办建议"), blank=True)
    duplicate_of = models.ForeignKey(
        "self", verbose_name=_("疑似重复"), null=True, blank=True, on_delete=models.SET_NULL, related_name="duplicates"
    )

    received_at = models.DateTimeField(_("提交时间"), db_index=True)
    accept_due = models.DateTimeField(_("受理时限"))
    accepted_at = models.DateTimeField(_("受理时间"), null=True, blank=True)
    handle_due = models.DateTimeField(_("办理时限"), null=True, blank=True)
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    answer = models.TextField(_("答复内容"), blank=True)
    reopen_count = models.PositiveSmallIntegerField(_("重办次数"), default=0)
    rating = models.CharField(_("评价"), max_length=12, choices=Rating.choices, blank=True)
    resolved = models.BooleanField(_("问题是否解决"), null=True, blank=True)
    rating_comment = models.CharField(_("评价意见"), max_length=500, blank=True)
    rated_at = models.DateTimeField(_("评价时间"), null=True, blank=True)
    key_supervision = models.BooleanField(_("重点督办"), default=False)
    key_supervision_at = models.DateTimeField(_("列入重点督办时间"), null=True, blank=True)
    escalation = models.PositiveSmallIntegerField(_("升级层级"), default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("群众诉求")
        verbose_name_plural = _("群众诉求")
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["phone_key", "received_at"]),
            models.Index(fields=["submitted_ip", "received_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class Publication(models.Model):
    """A coordinator's approval to show an appeal on the public board, with the text as it is shown.

    The citizen's consent (Appeal.publish) only lets a coordinator consider it; nothing goes
    public until approved, the public reads only the approved text, and a withdrawal takes it
    off again. Approving again after a withdrawal or a new answer updates the same row.
    """

    appeal = models.OneToOneField(Appeal, on_delete=models.CASCADE, related_name="publication")
    title = models.CharField(_("公开标题"), max_length=100)
    content = models.TextField(_("公开内容"), max_length=4000)
    answer = models.TextField(_("公开答复"), max_length=4000, blank=True)
    approved_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    approved_at = models.DateTimeField(_("批准时间"))
    withdrawn_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    withdraw_reason = models.CharField(_("撤回理由"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("公开审核")
        verbose_name_plural = _("公开审核")

    def __str__(self) -> str:
        return self.title

    @property
    def live(self) -> bool:
        return self.withdrawn_at is None


class AppealPhoto(models.Model):
    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(upload_to="appeals/%Y/%m/")
    content_type = models.CharField(max_length=30)
    size = models.PositiveIntegerField()
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.file.name


class AppealEvent(models.Model):
    """One step of the appeal, with who and when: the trail the tracking page and audits read."""

    class Kind(models.TextChoices):
        SUBMITTED = "submitted", _("提交")
        ACCEPTED = "accepted", _("受理交办")
        REASSIGNED = "reassigned", _("改派")
        SIGNED = "signed", _("签收办理")
        EXTENSION_REQUESTED = "extension_requested", _("申请延期")
        EXTENSION_DECIDED = "extension_decided", _("延期审批")
        ANSWERED = "answered", _("答复")
        RATED = "rated", _("评价")
        REOPENED = "reopened", _("重办")
        CLOSED = "closed", _("办结")
        ESCALATED = "escalated", _("超期升级")
        KEY_SUPERVISION = "key_supervision", _("重点督办")
        DUPLICATE = "duplicate", _("疑似重复")
        EXPORTED = "exported", _("导出个人信息")
        PUBLISHED = "published", _("批准公开")
        WITHDRAWN = "withdrawn", _("撤回公开")

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("环节"), max_length=30, choices=Kind.choices)
    at = models.DateTimeField(_("时间"))
    actor = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # Who acted when there is no account: 市民, a phone operator's note, an Open311 key's name, the clock.
    actor_label = models.CharField(_("操作人"), max_length=100)
    from_state = models.CharField(max_length=20, blank=True)
    to_state = models.CharField(max_length=20, blank=True)
    note = models.TextField(_("说明"), blank=True)
    # Shown on the public tracking page; internal notes (reassignment reasons, escalations) are not.
    public = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("办理记录")
        verbose_name_plural = _("办理记录")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.appeal_id} {self.kind}"


class Extension(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("待审批")
        APPROVED = "approved", _("已批准")
        REJECTED = "rejected", _("未批准")

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="extensions")
    amount = models.PositiveIntegerField(_("延期时长"))
    reason = models.TextField(_("延期理由"))
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(_("审批意见"), max_length=300, blank=True)

    class Meta:
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"{self.appeal_id} +{self.amount} {self.status}"


class ExportLog(models.Model):
    """Every export, and above all every export with personal data, names who took it and when."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    personal = models.BooleanField(_("含个人信息"))
    count = models.PositiveIntegerField()
    filters = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("导出记录")
        verbose_name_plural = _("导出记录")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user_id}"


class CandidateProject(models.Model):
    """A recurring problem a coordinator turned into a draft project of next year's plan."""

    keyword = models.CharField(_("关键词"), max_length=50)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    project = models.OneToOneField(
        "plans.Project", on_delete=models.CASCADE, related_name="appeal_candidate", verbose_name=_("候选项目")
    )
    appeals = models.ManyToManyField(Appeal, related_name="candidates")
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("候选项目")
        verbose_name_plural = _("候选项目")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.keyword
