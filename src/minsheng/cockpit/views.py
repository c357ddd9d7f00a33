"""The leaders' cockpit: a plan's progress on one screen, every chart drilling down to projects."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from minsheng.cockpit.selectors import cockpit
from minsheng.maps import boundaries
from minsheng.maps.selectors import legend, map_points
from minsheng.plans.models import Plan
from minsheng.plans.permissions import visible_plans
from minsheng.progress.filters import AsOfForm
from minsheng.progress.views import as_of


def _plans(user) -> list[Plan]:
    return [p for p in visible_plans(user).select_related("region").order_by("-year", "id")
            if user.has_perm("cockpit.view_cockpit", p)]


@login_required
def index(request: HttpRequest) -> HttpResponse:
    plans = _plans(request.user)
    if len(plans) == 1:
        return redirect("cockpit:plan", pk=plans[0].pk)
    return render(request, "cockpit/index.html", {"plans": plans})


@login_required
def plan_cockpit(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_object_or_404(Plan.objects.select_related("region"), pk=pk)
    if not request.user.has_perm("cockpit.view_cockpit", plan):
        raise Http404
    on = as_of(plan, AsOfForm(request.GET).values["on"])
    data = cockpit(request.user, plan, on)
    points = map_points(data["progress"], public=False)
    map_config = None
    if boundaries.boundary(plan.region) is not None:
        map_config = {"boundary_url": reverse("maps:boundary", args=[plan.pk]), "map_name": f"plan-{plan.pk}",
                      "points": points, "legend": legend()}
    context = {
        "plan": plan, "on": on, **data, "map_config": map_config, "points": points, "legend": legend(),
        "categories": sorted({p["category"] for p in points if p["category"]}),
        "units": sorted({u for p in points for u in p["units"]}),
        "plans": _plans(request.user),
    }
    return render(request, "cockpit/plan.html", context)
