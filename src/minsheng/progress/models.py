"""Monthly reports, their review, notices and flagged supervision."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from minsheng.core.models import Person, Unit
from minsheng.plans.models import Allocation, Plan, Project, Site, Target


class Period(models.Model):
    """One month a plan's reports are due for."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="periods")
    year = models.PositiveIntegerField()
    month = models.PositiveSmallIntegerField()
    due_on = models.DateField(_("报送截止"))

    class Meta:
        verbose_name = _("报送周期")
        verbose_name_plural = _("报送周期")
        constraints = [models.UniqueConstraint(fields=["plan", "year", "month"], name="period_unique_month")]
        ordering = ["plan", "year", "month"]

    def __str__(self) -> str:
        return f"{self.year}年{self.month}月"

    @property
    def key(self) -> str:
        return f"{self.year}-{self.month:02d}"


class Report(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("草稿")
        SUBMITTED = "submitted", _("已报送")
        RETURNED = "returned", _("已退回")
        REVIEWED = "reviewed", _("牵头单位已审核")
        ACCEPTED = "accepted", _("已采纳")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="reports")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="reports")
    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="reports")
    state = models.CharField(_("状态"), max_length=20, choices=State.choices, default=State.DRAFT)
    # Bumped on every save: a form carries the version it was opened at (two editors, one wins).
    version = models.PositiveIntegerField(default=0)
    progress_text = models.TextField(_("进展情况"), blank=True)
    problems = models.TextField(_("存在问题"), blank=True)
    next_steps = models.TextField(_("下步计划"), blank=True)
    # 形象进度: how a project with no numeric target reports, in percent.
    percent_complete = models.DecimalField(_("形象进度(%)"), max_digits=6, decimal_places=2, null=True, blank=True)
    spent_superior = models.DecimalField(_("上级补助已到位"), max_digits=20, decimal_places=4, null=True, blank=True)
    spent_local = models.DecimalField(_("本级财政已支出"), max_digits=20, decimal_places=4, null=True, blank=True)
    spent_social = models.DecimalField(_("社会资本已投入"), max_digits=20, decimal_places=4, null=True, blank=True)
    spent_self = models.DecimalField(_("自筹资金已投入"), max_digits=20, decimal_places=4, null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    late = models.BooleanField(_("逾期报送"), default=False)
    return_reason = models.TextField(_("退回理由"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("进展报送")
        verbose_name_plural = _("进展报送")
        constraints = [
            models.UniqueConstraint(fields=["project", "unit", "period"], name="report_unique_per_period"),
        ]
        ordering = ["-period__year", "-period__month", "id"]

    def __str__(self) -> str:
        return f"{self.project} · {self.unit} · {self.period}"

    @property
    def editable(self) -> bool:
        return self.state in (self.State.DRAFT, self.State.RETURNED)

    @property
    def spent_total(self):
        parts = [self.spent_superior, self.spent_local, self.spent_social, self.spent_self]
        return sum(p for p in parts if p is not None) if any(p is not None for p in parts) else None


class TargetFigure(models.Model):
    """A cumulative figure for one target, as of the report's period."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="target_figures")
    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="figures")
    value = models.DecimalField(_("累计完成"), max_digits=20, decimal_places=4)
    decrease_reason = models.CharField(_("数值下降原因"), max_length=300, blank=True)
    over_target_confirmed = models.BooleanField(_("已确认超额完成"), default=False)
    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["report", "target"], name="figure_unique_target")]

    def __str__(self) -> str:
        return f"{self.target}: {self.value}"


class AllocationFigure(models.Model):
    """A district's cumulative figure for its share of a target."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="allocation_figures")
    allocation = models.ForeignKey(Allocation, on_delete=models.CASCADE, related_name="figures")
    value = models.DecimalField(_("累计完成"), max_digits=20, decimal_places=4)
    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["report", "allocation"], name="figure_unique_allocation")]

    def __str__(self) -> str:
        return f"{self.allocation}: {self.value}"


class SiteState(models.Model):
    class State(models.TextChoices):
        NOT_STARTED = "not_started", _("未开工")
        IN_PROGRESS = "in_progress", _("在建")
        DONE = "done", _("已完成")

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="site_states")
    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="states")
    state = models.CharField(_("点位状态"), max_length=20, choices=State.choices)
    note = models.CharField(_("说明"), max_length=300, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["report", "site"], name="site_state_unique")]

    def __str__(self) -> str:
        return f"{self.site}: {self.get_state_display()}"


def _attachment_path(instance, filename: str) -> str:
    return f"reports/{instance.report.period.plan_id}/{instance.report_id}/{filename}"


class Attachment(models.Model):
    class Kind(models.TextChoices):
        PHOTO = "photo", _("照片")
        FILE = "file", _("文件")

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    file = models.FileField(upload_to=_attachment_path)
    name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at"]

    def __str__(self) -> str:
        return self.name


class ReportEvent(models.Model):
    """The report's workflow log: who submitted, returned, accepted, and why."""

    class Action(models.TextChoices):
        SAVED = "saved", _("保存")
        SUBMITTED = "submitted", _("报送")
        RETURNED = "returned", _("退回")
        REVIEWED = "reviewed", _("牵头单位审核通过")
        ACCEPTED = "accepted", _("采纳")

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=20, choices=Action.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    at = models.DateTimeField(auto_now_add=True)
    reason = models.TextField(blank=True)
    # The figures as submitted, so that a returned-and-resubmitted report shows what changed.
    snapshot = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.at:%Y-%m-%d}"


class Reminder(models.Model):
    """An in-app message (also e-mailed) about a report due, overdue or returned."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminders")
    period = models.ForeignKey(Period, null=True, blank=True, on_delete=models.CASCADE)
    kind = models.CharField(max_length=20)
    text = models.CharField(max_length=300)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "period", "kind"], name="reminder_once_per_period"),
        ]

    def __str__(self) -> str:
        return self.text


class FlagSuggestion(models.Model):
    """The engine's proposal to put a project under flagged supervision; a coordinator decides."""

    class Decision(models.TextChoices):
        PENDING = "pending", _("待决定")
        CONFIRMED = "confirmed", _("已挂牌")
        DISMISSED = "dismissed", _("不挂牌")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="flag_suggestions")
    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="flag_suggestions")
    reason = models.CharField(_("理由"), max_length=200)
    decision = models.CharField(max_length=20, choices=Decision.choices, default=Decision.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["project", "period"], name="one_suggestion_per_period")]

    def __str__(self) -> str:
        return f"{self.project}: {self.reason}"


class FlaggedSupervision(models.Model):
    """挂牌督办: a lagging project under named supervision until the lifting criteria are met."""

    class State(models.TextChoices):
        ACTIVE = "active", _("督办中")
        LIFTED = "lifted", _("已摘牌")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="flags")
    reason = models.TextField(_("挂牌理由"))
    leader = models.ForeignKey(Person, verbose_name=_("督办领导"), null=True, blank=True, on_delete=models.SET_NULL)
    lift_criteria = models.TextField(_("摘牌条件"), blank=True)
    state = models.CharField(_("状态"), max_length=20, choices=State.choices, default=State.ACTIVE)
    flagged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    flagged_at = models.DateTimeField(auto_now_add=True)
    lifted_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("挂牌督办")
        verbose_name_plural = _("挂牌督办")

    def __str__(self) -> str:
        return f"{self.project}（{self.get_state_display()}）"


class Notice(models.Model):
    """进展情况通报（第N期）: generated in the background, then published to the archive."""

    class State(models.TextChoices):
        QUEUED = "queued", _("生成中")
        READY = "ready", _("已生成")
        FAILED = "failed", _("生成失败")
        PUBLISHED = "published", _("已发布")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="notices")
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="notices")
    number = models.PositiveIntegerField(_("期数"))
    title = models.CharField(_("标题"), max_length=300)
    state = models.CharField(_("状态"), max_length=20, choices=State.choices, default=State.QUEUED)
    docx = models.FileField(upload_to="notices/", blank=True)
    xlsx = models.FileField(upload_to="notices/", blank=True)
    figures = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)
    # A worker killed mid-way leaves a notice 生成中 for ever: these tell a live build from a dead one.
    # queued or retried → heartbeat_at; a worker takes it → attempts + 1, started_at; each stage → heartbeat_at.
    attempts = models.PositiveIntegerField(_("生成次数"), default=0)
    started_at = models.DateTimeField(_("本次开始生成"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("最近进展"), null=True, blank=True)

    class Meta:
        verbose_name = _("进展通报")
        verbose_name_plural = _("进展通报")
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="notice_number_unique")]
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


class NoticeTemplate(models.Model):
    """A plan's own Word template for its notices (进展情况通报), uploaded by its coordinators.

    The latest row is the one in use; rows are never changed, so the list is the template's
    history. A row without a file is a return to the shipped template (恢复默认模板).
    """

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="notice_templates")
    file = models.FileField(upload_to="notice_templates/", blank=True)
    name = models.CharField(_("文件名"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("通报模板")
        verbose_name_plural = _("通报模板")
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self) -> str:
        return self.name or str(_("默认模板"))
