"""Inspections, the findings they record, and each finding's rectification to closure (销号).

Also the People's Congress supervision that is not an inspection: the monthly contact log
(一月一联系) and the deputies' questions with the units' answers (半年一报告+询问).
Flagged supervision (挂牌督办) is ``progress.FlaggedSupervision``; this app only adds pages for it.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from minsheng.core.models import Unit
from minsheng.plans.models import Plan, Project, Site


class Inspection(models.Model):
    class Kind(models.TextChoices):
        UNANNOUNCED = "unannounced", _("四不两直实地督查")
        ONLINE = "online", _("线上督查")
        FOLLOW_UP = "follow_up", _("督查回头看")
        DEPUTIES = "deputies", _("人大代表视察")
        AUDIT = "audit", _("审计监督")

    plan = models.ForeignKey(Plan, verbose_name=_("计划"), on_delete=models.CASCADE, related_name="inspections")
    kind = models.CharField(_("督查方式"), max_length=20, choices=Kind.choices)
    date = models.DateField(_("督查日期"))
    team = models.CharField(_("督查组成员"), max_length=300)
    summary = models.TextField(_("督查情况"), blank=True)
    projects = models.ManyToManyField(Project, verbose_name=_("督查项目"), related_name="inspections")
    sites = models.ManyToManyField(Site, verbose_name=_("走访点位"), blank=True, related_name="inspections")
    # A follow-up (回头看) re-checks findings of earlier inspections.
    rechecks = models.ManyToManyField("Finding", verbose_name=_("复查问题"), blank=True, related_name="rechecked_by")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords(m2m_fields=[projects, sites, rechecks])

    class Meta:
        verbose_name = _("督查")
        verbose_name_plural = _("督查")
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()}"


class Finding(models.Model):
    """A problem an inspection found; it is its own rectification item until closed (销号)."""

    class Severity(models.TextChoices):
        MINOR = "minor", _("一般")
        MAJOR = "major", _("较重")
        SERIOUS = "serious", _("严重")

    class State(models.TextChoices):
        OPEN = "open", _("待整改")
        REPORTED = "reported", _("已报整改待核验")
        CLOSED = "closed", _("已销号")

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="findings")
    project = models.ForeignKey(Project, verbose_name=_("项目"), null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="findings")
    description = models.TextField(_("发现问题"))
    severity = models.CharField(_("问题程度"), max_length=10, choices=Severity.choices, default=Severity.MINOR)
    unit = models.ForeignKey(Unit, verbose_name=_("责任单位"), on_delete=models.PROTECT, related_name="findings")
    deadline = models.DateField(_("整改时限"))
    required_action = models.TextField(_("整改要求"))
    state = models.CharField(_("整改状态"), max_length=10, choices=State.choices, default=State.OPEN)
    # When the unit last reported its fix: whether it was on time is judged on this date.
    reported_at = models.DateTimeField(_("报送整改时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("销号时间"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("督查问题")
        verbose_name_plural = _("督查问题")
        ordering = ["deadline", "id"]

    def __str__(self) -> str:
        return self.description[:40]

    @property
    def is_open(self) -> bool:
        return self.state != self.State.CLOSED


class RectificationEvent(models.Model):
    """The finding's log: the unit reports its fix, the inspector closes it or sends it back."""

    class Action(models.TextChoices):
        REPORTED = "reported", _("报送整改情况")
        CLOSED = "closed", _("核验销号")
        RETURNED = "returned", _("核验退回")

    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=10, choices=Action.choices)
    note = models.TextField(_("说明"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.at:%Y-%m-%d}"


def _evidence_path(instance, filename: str) -> str:
    return f"rectification/{instance.event.finding_id}/{filename}"


class Evidence(models.Model):
    """A photo or file the unit attaches to its report of the fix (checked like report uploads)."""

    event = models.ForeignKey(RectificationEvent, on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField(max_length=10)
    file = models.FileField(upload_to=_evidence_path)
    name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()

    def __str__(self) -> str:
        return self.name


class ContactLog(models.Model):
    """一月一联系: the People's Congress contact for one month."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="contact_logs")
    month = models.DateField(_("月份"))  # the first day of the month
    deputies = models.CharField(_("联系代表"), max_length=300)
    summary = models.TextField(_("联系情况"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("人大联系记录")
        verbose_name_plural = _("人大联系记录")
        ordering = ["month", "id"]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.deputies}"


class DeputyQuestion(models.Model):
    """半年一报告+询问: a deputy's question on the half-year report and the unit's answer."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="deputy_questions")
    project = models.ForeignKey(Project, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    asked_by = models.CharField(_("询问代表"), max_length=100)
    unit = models.ForeignKey(Unit, verbose_name=_("答复单位"), on_delete=models.PROTECT, related_name="+")
    question = models.TextField(_("询问内容"))
    answer = models.TextField(_("答复内容"), blank=True)
    asked_on = models.DateField(_("询问日期"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("代表询问")
        verbose_name_plural = _("代表询问")
        ordering = ["asked_on", "id"]

    def __str__(self) -> str:
        return self.question[:40]
