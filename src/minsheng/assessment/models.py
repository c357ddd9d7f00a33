"""Year-end assessment: deputies' evaluation, satisfaction surveys, the scheme, and scored runs.

A run stores every subject's score as components, each with the inputs it was computed from, so
any point in a ranking can be traced back to reports, findings, ratings and survey answers.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from minsheng.core.models import Region, Unit
from minsheng.plans.models import Plan, Project


class Rating(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASIC = "basic", _("基本满意")
    UNSATISFIED = "unsatisfied", _("不满意")


class DeputyRating(models.Model):
    """全年一评议: one deputy's rating of one project, entered on the deputy's own account."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="deputy_ratings")
    deputy = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    rating = models.CharField(_("评价"), max_length=20, choices=Rating.choices)
    comment = models.TextField(_("意见建议"), blank=True)
    rated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("代表评议")
        verbose_name_plural = _("代表评议")
        constraints = [models.UniqueConstraint(fields=["project", "deputy"], name="one_rating_per_deputy")]

    def __str__(self) -> str:
        return f"{self.project}: {self.get_rating_display()}"


class Survey(models.Model):
    class Audience(models.TextChoices):
        PUBLIC = "public", _("群众")
        THIRD_PARTY = "third_party", _("第三方机构")

    project = models.ForeignKey(Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="surveys")
    audience = models.CharField(_("对象"), max_length=20, choices=Audience.choices, default=Audience.PUBLIC)
    title = models.CharField(_("标题"), max_length=200)
    is_open = models.BooleanField(_("接受填写"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("满意度测评")
        verbose_name_plural = _("满意度测评")
        ordering = ["project", "id"]

    def __str__(self) -> str:
        return self.title


class SurveyResponse(models.Model):
    class Source(models.TextChoices):
        PORTAL = "portal", _("网上填写")
        XLSX = "xlsx", _("批量导入")

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    rating = models.CharField(_("总体评价"), max_length=20, choices=Rating.choices)
    region = models.ForeignKey(Region, verbose_name=_("所在区县"), null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")
    comment = models.TextField(_("意见建议"), blank=True)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.PORTAL)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.get_rating_display()


class Scheme(models.Model):
    """The plan's scoring scheme: a weight per component (see ``scoring.COMPONENTS``)."""

    plan = models.OneToOneField(Plan, on_delete=models.CASCADE, related_name="assessment_scheme")
    weights = models.JSONField(_("权重"), default=dict)
    # Lowest total of each grade (优秀/良好/一般); below the lowest is 较差. Empty: scoring.DEFAULT_GRADES.
    grades = models.JSONField(_("等次分数线"), default=dict, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("考核方案")
        verbose_name_plural = _("考核方案")

    def __str__(self) -> str:
        return str(self.plan)


class Adjustment(models.Model):
    """A bonus, deduction or manual adjustment to a unit's or district's score, with who and why."""

    class Kind(models.TextChoices):
        BONUS = "bonus", _("加分")
        DEDUCTION = "deduction", _("扣分")
        MANUAL = "manual", _("人工调整")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="assessment_adjustments")
    unit = models.ForeignKey(Unit, verbose_name=_("单位"), null=True, blank=True, on_delete=models.CASCADE,
                             related_name="+")
    region = models.ForeignKey(Region, verbose_name=_("区县"), null=True, blank=True, on_delete=models.CASCADE,
                               related_name="+")
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    points = models.DecimalField(_("分值"), max_digits=6, decimal_places=2)
    reason = models.TextField(_("理由"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("加减分")
        verbose_name_plural = _("加减分")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.points}"


class Run(models.Model):
    """One computation of the plan's scores as of a date."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="assessment_runs")
    on = models.DateField(_("考核截止日期"))
    weights = models.JSONField(default=dict)  # the scheme as it was used
    grades = models.JSONField(default=dict)
    notes = models.JSONField(default=list)  # components left out for everyone, how work is counted
    computed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    computed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-computed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.plan} {self.on}"


class Score(models.Model):
    class Kind(models.TextChoices):
        UNIT = "unit", _("单位")
        DISTRICT = "district", _("区县")

    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="scores")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=200)
    total = models.DecimalField(max_digits=8, decimal_places=2)
    rank = models.PositiveIntegerField()
    grade = models.CharField(_("等次"), max_length=10, blank=True)

    class Meta:
        ordering = ["kind", "rank", "name"]

    def __str__(self) -> str:
        return f"{self.rank}. {self.name} {self.total}"


class Component(models.Model):
    score = models.ForeignKey(Score, on_delete=models.CASCADE, related_name="components")
    key = models.CharField(max_length=30)
    label = models.CharField(max_length=100)
    weight = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    value = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)  # 0–100, None: no data
    points = models.DecimalField(max_digits=8, decimal_places=2)
    inputs = models.JSONField(default=dict)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.label} {self.points}"
