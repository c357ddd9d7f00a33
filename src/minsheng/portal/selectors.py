"""Reads for the public portal. Everything here is what an anonymous visitor may see: published
plans, public projects, accepted reports' public fields and photos."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Q, QuerySet

from minsheng.core.pii import mask_text
from minsheng.plans.models import Plan, Project
from minsheng.plans.permissions import visible_plans, visible_projects
from minsheng.portal.models import Rating, Revision
from minsheng.progress.models import Attachment, Report
from minsheng.progress.report_states import IN_FORCE
from minsheng.progress.selectors import PlanProgress, plan_progress

# The fields of an accepted report that are published: the narrative of what was done.
# Problems, next steps and money stay internal (they are drafts of decisions, not results).
PUBLIC_REPORT_FIELDS = ("progress_text",)
PUBLIC = AnonymousUser()


def public_plans() -> QuerySet[Plan]:
    # The portal shows what the public may see even to a logged-in official.
    return (visible_plans(PUBLIC).filter(status=Plan.Status.PUBLISHED).select_related("region")
            .annotate(project_count=Count("projects", filter=Q(projects__public=True), distinct=True))
            .order_by("region_id", "-year", "id"))


def plans_by_region() -> list[tuple[str, list[Plan]]]:
    grouped: dict[str, list[Plan]] = defaultdict(list)
    for plan in public_plans():
        grouped[plan.region.name].append(plan)
    return list(grouped.items())


def public_projects() -> QuerySet[Project]:
    return visible_projects(PUBLIC)


def revision(plan_id: int) -> int:
    return Revision.objects.filter(plan_id=plan_id).values_list("number", flat=True).first() or 0


def public_progress(plan: Plan, on: datetime.date, project_ids: list[int] | None = None) -> PlanProgress:
    ids = list(public_projects().filter(plan=plan).values_list("id", flat=True))
    if project_ids is not None:
        ids = [i for i in ids if i in set(project_ids)]
    return plan_progress(plan, on, project_ids=ids)


@dataclass
class PublicReport:
    period: str
    unit: str
    progress_text: str
    photos: list[Attachment]


def latest_public_reports(project: Project) -> list[PublicReport]:
    """The latest accepted report of each unit on the project, public fields (masked) and photos only."""
    reports = (Report.objects.filter(project=project, state=IN_FORCE)
               .select_related("period", "unit").order_by("-period__year", "-period__month", "unit_id"))
    latest: dict[int, Report] = {}
    for r in reports:
        latest.setdefault(r.unit_id, r)
    photos: dict[int, list[Attachment]] = defaultdict(list)
    for a in Attachment.objects.filter(report__in=latest.values(), kind=Attachment.Kind.PHOTO):
        photos[a.report_id].append(a)
    # A unit's narrative may quote a resident's phone or ID number; the public sees it masked.
    return [PublicReport(str(r.period), str(r.unit), mask_text(r.progress_text), photos[r.pk])
            for r in latest.values()]


def public_photo(project: Project, pk: int) -> Attachment | None:
    return Attachment.objects.filter(pk=pk, kind=Attachment.Kind.PHOTO, report__project=project,
                                     report__state=IN_FORCE).first()


def milestones(project: Project, on: datetime.date) -> list[dict]:
    return [{"due": m.due, "percent": m.percent, "value": m.value, "passed": m.due <= on}
            for m in project.milestones.all().order_by("due", "position")]


def rating_counts(project: Project) -> dict:
    counts = dict(Rating.objects.filter(project=project).values_list("choice").annotate(n=Count("id")))
    total = sum(counts.values())
    rows = [{"choice": c, "label": label, "count": counts.get(c, 0),
             "percent": round(100 * counts.get(c, 0) / total, 1) if total else 0}
            for c, label in Rating.Choice.choices]
    satisfied = counts.get(Rating.Choice.SATISFIED, 0) + counts.get(Rating.Choice.BASIC, 0)
    return {"rows": rows, "total": total, "rate": round(100 * satisfied / total, 1) if total else None}
