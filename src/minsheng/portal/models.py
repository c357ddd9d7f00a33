"""The portal's own data: citizens' satisfaction ratings, and the published revision per plan."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from minsheng.plans.models import Plan, Project


class Rating(models.Model):
    """One citizen's 满意/基本满意/不满意 on a project. The address is kept only as a keyed hash:
    enough to limit repeat ratings, not enough to find who rated."""

    class Choice(models.TextChoices):
        SATISFIED = "satisfied", _("满意")
        BASIC = "basic", _("基本满意")
        DISSATISFIED = "dissatisfied", _("不满意")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="public_ratings")
    choice = models.CharField(_("评价"), max_length=20, choices=Choice.choices)
    address_hash = models.CharField(max_length=64, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("群众满意度评价")
        verbose_name_plural = _("群众满意度评价")
        indexes = [models.Index(fields=["project", "address_hash", "created_at"])]

    def __str__(self) -> str:
        return f"{self.project}: {self.get_choice_display()}"


class Revision(models.Model):
    """A counter per plan, bumped whenever something the public sees changes (a report accepted,
    the plan or a project or site edited, a notice published, a rating): cached public pages
    are keyed by it, so one bump invalidates them in every process and on every server."""

    # No database constraint: deleting a plan deletes its projects first, and their signals bump
    # (re-create) this counter for a plan about to go; a stray counter row is harmless.
    plan = models.OneToOneField(Plan, on_delete=models.CASCADE, related_name="portal_revision", db_constraint=False)
    number = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.plan_id}@{self.number}"
