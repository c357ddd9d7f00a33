"""The public portal (no login): plans by region and year, project pages, the map, ratings."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from minsheng.core.net import client_ip
from minsheng.maps import boundaries
from minsheng.maps.selectors import legend, map_points
from minsheng.plans.models import Plan, Project
from minsheng.portal import selectors, services
from minsheng.portal.cache import cached
from minsheng.portal.models import Rating
from minsheng.progress import rollup
from minsheng.progress.selectors import reading_day


def _public_plan(pk: int) -> Plan:
    return get_object_or_404(selectors.public_plans(), pk=pk)


def _public_project(pk: int) -> Project:
    return get_object_or_404(selectors.public_projects().select_related("plan__region", "category"), pk=pk)


def index(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/index.html", {"regions": selectors.plans_by_region()})


def plan_page(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _public_plan(pk)
    on = reading_day(plan, timezone.localdate())

    def build() -> str:
        progress = selectors.public_progress(plan, on)
        return render_to_string("portal/_plan_body.html", {"plan": plan, "progress": progress, "on": on})

    return render(request, "portal/plan.html", {"plan": plan, "body": cached("plan", plan.pk, on, "", build)})


def project_page(request: HttpRequest, pk: int) -> HttpResponse:
    project = _public_project(pk)
    plan = project.plan
    on = reading_day(plan, timezone.localdate())

    def build() -> str:
        progress = selectors.public_progress(plan, on, [project.pk])
        row = rollup.find(progress, project.pk)  # a parent is rolled up, not among the counted work
        has_map = boundaries.boundary(plan.region) is not None
        context = {
            "project": project, "row": row, "on": on,
            "milestones": selectors.milestones(project, on),
            "reports": selectors.latest_public_reports(project),
            "sites": list(project.sites.select_related("region")),
            "map_config": {
                "boundary_url": reverse("portal:boundary", args=[plan.pk]), "map_name": f"plan-{plan.pk}",
                "points": map_points(progress, public=True),
                "legend": legend(), "labels": False,
            } if has_map else None,
            "ratings": selectors.rating_counts(project),
        }
        return render_to_string("portal/_project_body.html", context)

    return render(request, "portal/project.html", {
        "project": project, "plan": plan, "body": cached("project", plan.pk, on, project.pk, build),
        "choices": Rating.Choice.choices,
    })


@require_POST
def rate(request: HttpRequest, pk: int) -> HttpResponse:
    project = _public_project(pk)
    try:
        services.rate(project, request.POST.get("choice", ""), client_ip(request))
        messages.success(request, _("感谢您的评价！"))
    except services.RatingRefused as exc:
        messages.error(request, str(exc))
    return redirect(reverse("portal:project", args=[project.pk]) + "#rating")


def photo(request: HttpRequest, pk: int, photo_pk: int) -> FileResponse:
    attachment = selectors.public_photo(_public_project(pk), photo_pk)
    if attachment is None:
        raise Http404
    return FileResponse(attachment.file.open("rb"), content_type=attachment.content_type)


def map_page(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _public_plan(pk)
    if boundaries.boundary(plan.region) is None:
        raise Http404
    on = reading_day(plan, timezone.localdate())

    def build() -> str:
        progress = selectors.public_progress(plan, on)
        points = map_points(progress, public=True)
        context = {
            "plan": plan, "points": points,
            "categories": sorted({p["category"] for p in points if p["category"]}),
            "units": sorted({u for p in points for u in p["units"]}),
            "map_config": {"boundary_url": reverse("portal:boundary", args=[plan.pk]),
                           "map_name": f"plan-{plan.pk}", "points": points, "legend": legend()},
            "legend": legend(),
        }
        return render_to_string("portal/_map_body.html", context)

    return render(request, "portal/map.html", {"plan": plan, "body": cached("map", plan.pk, on, "", build)})


def boundary(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _public_plan(pk)
    name = boundaries.boundary_name(plan.region)
    data = boundaries.raw_boundary(name) if name else None
    if data is None:
        raise Http404
    response = HttpResponse(data, content_type="application/geo+json")
    response["Cache-Control"] = "public, max-age=86400"
    return response
