"""Bump a plan's published revision when anything the public pages show changes.

The portal only listens: the stages that write (plans, progress) know nothing of its cache.
Bulk inserts send no signals; ``bump`` is public for the code paths that use them.
"""

from __future__ import annotations

from django.db.models import F
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from minsheng.plans.models import Milestone, Plan, Project, Site, Target
from minsheng.portal.models import Rating, Revision
from minsheng.progress.models import Notice, Report
from minsheng.progress.report_states import in_force


def bump(plan_id: int | None) -> None:
    if plan_id is None:
        return
    if not Revision.objects.filter(plan_id=plan_id).update(number=F("number") + 1):
        Revision.objects.get_or_create(plan_id=plan_id, defaults={"number": 1})


@receiver(post_save, sender=Plan)
def _plan_saved(sender, instance: Plan, **kwargs) -> None:
    bump(instance.pk)


@receiver([post_save, post_delete], sender=Project)
def _project_changed(sender, instance: Project, **kwargs) -> None:
    bump(instance.plan_id)


def _via_project(sender, instance, **kwargs) -> None:
    plan_id = Project.objects.filter(pk=instance.project_id).values_list("plan_id", flat=True).first()
    bump(plan_id)


for _model in (Site, Milestone, Target, Rating):
    post_save.connect(_via_project, sender=_model, dispatch_uid=f"portal-rev-{_model.__name__}")
    post_delete.connect(_via_project, sender=_model, dispatch_uid=f"portal-rev-del-{_model.__name__}")


@receiver(post_save, sender=Report)
def _report_saved(sender, instance: Report, **kwargs) -> None:
    # Only accepted figures are public; a report leaving "accepted" (never, today) would too.
    if in_force(instance.state):
        _via_project(sender, instance)


@receiver(post_save, sender=Notice)
def _notice_saved(sender, instance: Notice, **kwargs) -> None:
    if instance.state == Notice.State.PUBLISHED:
        bump(instance.plan_id)
