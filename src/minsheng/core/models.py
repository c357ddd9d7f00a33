"""Regions, units, people, users with roles, and the working-day calendar."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Region(models.Model):
    class Level(models.TextChoices):
        PROVINCE = "province", _("省")
        CITY = "city", _("市")
        COUNTY = "county", _("区县")
        TOWN = "town", _("镇街")
        OTHER = "other", _("其他")

    name = models.CharField(_("名称"), max_length=100)
    level = models.CharField(_("层级"), max_length=20, choices=Level.choices, default=Level.OTHER)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    aliases = models.JSONField(_("别名"), default=list, blank=True)
    # Created by an import because no known region matched: a coordinator should confirm it.
    needs_review = models.BooleanField(_("待确认"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        constraints = [models.UniqueConstraint(fields=["parent", "name"], name="region_unique_in_parent")]
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name

    def ancestors(self) -> list["Region"]:
        chain, node = [], self.parent
        while node is not None:
            chain.append(node)
            node = node.parent
        return chain

    def descendant_ids(self) -> set[int]:
        # Kept on the instance: a request asks this of the user's region for every permission
        # check, and an instance lives no longer than the request that loaded it.
        if getattr(self, "_descendant_ids", None) is None:
            ids, frontier = {self.pk}, [self.pk]
            while frontier:
                frontier = list(Region.objects.filter(parent_id__in=frontier).values_list("id", flat=True))
                ids.update(frontier)
            self._descendant_ids = frozenset(ids)
        return set(self._descendant_ids)


class Unit(models.Model):
    class Kind(models.TextChoices):
        DEPARTMENT = "department", _("部门")
        GOVERNMENT = "government", _("区县（镇街）政府")
        SOE = "soe", _("国有企业")
        MASS_ORG = "mass_org", _("群团组织")
        OTHER = "other", _("其他")
        # A printed name for several governments that no region tree could expand (各镇街 where the
        # tree has no towns, 各有关单位): kept so the plan reads as printed, never scored or asked to report.
        COLLECTIVE = "collective", _("集合名称（未展开）")

    name = models.CharField(_("全称"), max_length=200)
    short_name = models.CharField(_("简称"), max_length=100, blank=True)
    aliases = models.JSONField(_("别名"), default=list, blank=True)
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices, default=Kind.DEPARTMENT)
    region = models.ForeignKey(Region, verbose_name=_("所属区划"), on_delete=models.PROTECT, related_name="units")
    needs_review = models.BooleanField(_("待确认"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="unit_unique_in_region")]
        ordering = ["id"]

    def __str__(self) -> str:
        return self.short_name or self.name

    def all_names(self) -> set[str]:
        return {self.name, self.short_name, *self.aliases} - {""}


class Person(models.Model):
    name = models.CharField(_("姓名"), max_length=50)
    title = models.CharField(_("职务"), max_length=100, blank=True)
    region = models.ForeignKey(Region, verbose_name=_("所属区划"), on_delete=models.PROTECT, related_name="people")
    unit = models.ForeignKey(Unit, verbose_name=_("单位"), null=True, blank=True, on_delete=models.SET_NULL)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("人员")
        verbose_name_plural = _("人员")
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="person_unique_in_region")]
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    class Role(models.TextChoices):
        COORDINATOR = "coordinator", _("统筹协调（发改委/督查室）")
        LIAISON = "liaison", _("单位联络员")
        REVIEWER = "reviewer", _("单位审核人")
        LEADER = "leader", _("领导")
        DEPUTY = "deputy", _("人大代表")

    role = models.CharField(_("角色"), max_length=20, choices=Role.choices, blank=True)
    unit = models.ForeignKey(Unit, verbose_name=_("单位"), null=True, blank=True, on_delete=models.PROTECT)
    # Coordinators, leaders and deputies see this region and every region below it.
    region = models.ForeignKey(Region, verbose_name=_("区划"), null=True, blank=True, on_delete=models.PROTECT)
    person = models.ForeignKey(Person, verbose_name=_("对应领导"), null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")


class CalendarYear(models.Model):
    """A year whose State Council holiday schedule has been entered."""

    year = models.PositiveIntegerField(_("年份"), unique=True)
    source = models.CharField(_("来源"), max_length=100, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("工作日历年度")
        verbose_name_plural = _("工作日历年度")
        ordering = ["year"]

    def __str__(self) -> str:
        return str(self.year)


class CalendarDay(models.Model):
    """A day that breaks the Monday–Friday rule: a weekday holiday or a weekend workday."""

    date = models.DateField(_("日期"), unique=True)
    is_workday = models.BooleanField(_("是否工作日"))
    name = models.CharField(_("说明"), max_length=50, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("调整日")
        verbose_name_plural = _("调整日")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.name}"
