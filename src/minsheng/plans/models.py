"""A government's annual plan and everything it commits to.

Names printed in the document (unit names, leaders, region names) are kept as printed on the
link rows (``label``) next to the record they resolved to, so that the plan reads back exactly
as it was published even when ``市卫健委`` resolved to ``市卫生健康委员会``.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from minsheng.core.models import Person, Region, Unit


def default_settings() -> dict:
    """A new plan stores no settings: each reads as its declared default (core.plan_settings) until set."""
    return {}


class Plan(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        PUBLISHED = "published", _("已发布")

    region = models.ForeignKey(Region, verbose_name=_("区划"), on_delete=models.PROTECT, related_name="plans")
    region_label = models.CharField(_("文件中的区划名称"), max_length=100, blank=True)
    year = models.PositiveIntegerField(_("年度"))
    title = models.CharField(_("标题"), max_length=300)
    doc_number = models.CharField(_("文号"), max_length=100, blank=True)
    issuer = models.CharField(_("发文单位"), max_length=200, blank=True)
    issued_on = models.DateField(_("成文日期"), null=True, blank=True)
    source_file = models.CharField(_("来源文件"), max_length=300, blank=True)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    settings = models.JSONField(_("设置"), default=default_settings, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("年度计划")
        verbose_name_plural = _("年度计划")
        constraints = [
            models.UniqueConstraint(fields=["region", "year", "title"], name="plan_natural_key"),
        ]
        ordering = ["-year", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class Category(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="categories")
    name = models.CharField(_("类别"), max_length=200)
    position = models.PositiveIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("类别")
        verbose_name_plural = _("类别")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name


class Project(models.Model):
    plan = models.ForeignKey(Plan, verbose_name=_("计划"), on_delete=models.CASCADE, related_name="projects")
    category = models.ForeignKey(
        Category, verbose_name=_("类别"), null=True, blank=True, on_delete=models.SET_NULL, related_name="projects"
    )
    position = models.PositiveIntegerField(_("序号"), default=0)
    section = models.CharField(_("所在清单"), max_length=50, blank=True)
    ref = models.CharField(_("编号"), max_length=30, blank=True)
    name = models.CharField(_("项目名称"), max_length=500)
    content = models.TextField(_("内容"), blank=True)
    kind = models.CharField(_("项目类型"), max_length=50, blank=True)
    voted = models.BooleanField(_("人大票决"), default=False)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级项目"), null=True, blank=True, on_delete=models.SET_NULL, related_name="children"
    )
    # A parent the document implies but does not list: the 序号 row above sub-items 1-1, 1-2.
    # It exists to hold the roll-up and is not written back when the plan is exported.
    implied = models.BooleanField(_("由子项归并"), default=False)
    # Set when a coordinator has fixed the parent or the voted mark by hand: re-imports keep it.
    links_confirmed = models.BooleanField(_("上下级关系已人工确认"), default=False)
    # Share of the parent's roll-up; children without one count equally.
    weight = models.DecimalField(_("在上级项目中的权重"), max_digits=8, decimal_places=4, null=True, blank=True)
    deadline = models.DateField(_("完成时限"), null=True, blank=True)
    public = models.BooleanField(_("公开"), default=True)
    units = models.ManyToManyField(Unit, through="ProjectUnit", related_name="projects")
    people = models.ManyToManyField(Person, through="ProjectLeader", related_name="projects")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("民生实事项目")
        verbose_name_plural = _("民生实事项目")
        ordering = ["plan", "position", "id"]

    def __str__(self) -> str:
        return self.name


class ProjectUnit(models.Model):
    class Role(models.TextChoices):
        LEAD = "lead", _("牵头单位")
        PARTNER = "partner", _("配合单位")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="unit_links")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="project_links")
    role = models.CharField(max_length=10, choices=Role.choices)
    label = models.CharField(_("文件中的名称"), max_length=200)
    position = models.PositiveIntegerField(default=0)
    # One member of a collective name as printed (各区、县(市)政府 → 上城区人民政府): the members of one
    # printed name share its ``label`` and ``position``, so the plan still reads as published.
    collective = models.BooleanField(_("集合名称展开"), default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["role", "position", "id"]

    def __str__(self) -> str:
        return self.label


class ProjectLeader(models.Model):
    class Role(models.TextChoices):
        LEADER = "leader", _("分管领导")
        UNIT_LEADER = "unit_leader", _("牵头单位分管领导")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="leader_links")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="leader_links")
    role = models.CharField(max_length=20, choices=Role.choices)
    position = models.PositiveIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["role", "position"]

    def __str__(self) -> str:
        return str(self.person)


def _amount(verbose_name: str, **kwargs) -> models.DecimalField:
    return models.DecimalField(verbose_name, max_digits=20, decimal_places=4, null=True, blank=True, **kwargs)


class Target(models.Model):
    class Op(models.TextChoices):
        GTE = ">=", _("不少于")
        GT = ">", _("超过")
        LTE = "<=", _("不超过")
        EQ = "=", _("等于")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="targets")
    position = models.PositiveIntegerField(default=0)
    value = _amount(_("目标值"))
    unit = models.CharField(_("计量单位"), max_length=50, blank=True)
    op = models.CharField(_("比较"), max_length=2, choices=Op.choices, default=Op.GTE)
    weight = _amount(_("权重"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("量化指标")
        verbose_name_plural = _("量化指标")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return f"{self.get_op_display()}{self.value}{self.unit}"


class Milestone(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="milestones")
    position = models.PositiveIntegerField(default=0)
    due = models.DateField(_("时间节点"))
    percent = _amount(_("进度百分比"))
    value = _amount(_("节点数值"))
    cumulative = models.BooleanField(_("累计"), null=True, blank=True)
    target = models.ForeignKey(Target, null=True, blank=True, on_delete=models.SET_NULL, related_name="milestones")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("进度节点")
        verbose_name_plural = _("进度节点")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.due.isoformat()


class Allocation(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="allocations")
    target = models.ForeignKey(Target, null=True, blank=True, on_delete=models.SET_NULL, related_name="allocations")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="allocations")
    label = models.CharField(_("文件中的名称"), max_length=100)
    position = models.PositiveIntegerField(default=0)
    value = _amount(_("分解数值"))
    unit = models.CharField(_("计量单位"), max_length=50, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("任务分解")
        verbose_name_plural = _("任务分解")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return f"{self.label} {self.value}{self.unit}"


class Funding(models.Model):
    project = models.OneToOneField(Project, on_delete=models.CASCADE, related_name="funding")
    unit = models.CharField(_("金额单位"), max_length=20, default="万元")
    total = _amount(_("总投资"))
    annual = _amount(_("年度计划投资"))
    superior = _amount(_("上级补助"))
    local = _amount(_("本级财政"))
    social = _amount(_("社会资本"))
    self_raised = _amount(_("自筹资金"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("资金筹措")
        verbose_name_plural = _("资金筹措")

    def __str__(self) -> str:
        return f"{self.total}{self.unit}"


class Site(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="sites")
    name = models.CharField(_("点位名称"), max_length=200)
    address = models.CharField(_("地址"), max_length=300, blank=True)
    region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.SET_NULL, related_name="sites")
    # GCJ-02, the datum of the boundaries the map draws.
    longitude = models.DecimalField(_("经度"), max_digits=10, decimal_places=6, null=True, blank=True)
    latitude = models.DecimalField(_("纬度"), max_digits=10, decimal_places=6, null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("点位")
        verbose_name_plural = _("点位")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class PlanImport(models.Model):
    """An uploaded plan document between reading and saving: the coordinator's corrections
    accumulate in ``document`` and nothing reaches the plan tables until it is saved."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("待确认")
        SAVED = "saved", _("已保存")
        DISCARDED = "discarded", _("已放弃")

    created_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="plan_imports")
    created_at = models.DateTimeField(auto_now_add=True)
    file_name = models.CharField(_("文件名"), max_length=300)
    file_sha256 = models.CharField(max_length=64)
    document = models.JSONField(_("识别结果"))
    reader_warnings = models.JSONField(default=list, blank=True)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    # Bumped on every correction so that two people editing one preview cannot overwrite each other.
    version = models.PositiveIntegerField(default=0)
    plan = models.ForeignKey(Plan, null=True, blank=True, on_delete=models.SET_NULL, related_name="imports")
    # The region the import writes into: the document's region name resolved among the regions
    # of whoever read or corrected it, never looked up across the country. Empty when that name
    # is outside their regions; then nothing can be saved until a coordinator picks their own.
    region = models.ForeignKey(
        Region, verbose_name=_("导入到区划"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    result = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("计划导入")
        verbose_name_plural = _("计划导入")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.file_name
