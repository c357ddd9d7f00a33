"""The public portal (no login): published plans and their public projects."""

from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from minsheng.core.permissions import visible_plans
from minsheng.plans.models import Plan


def index(request: HttpRequest) -> HttpResponse:
    from django.contrib.auth.models import AnonymousUser

    # The portal shows what the public may see even to a logged-in official.
    plans = (
        visible_plans(AnonymousUser())
        .filter(status=Plan.Status.PUBLISHED)
        .select_related("region")
        .annotate(project_count=Count("projects", filter=Q(projects__public=True), distinct=True))
        .order_by("-year", "id")
    )
    return render(request, "portal/index.html", {"plans": plans})
