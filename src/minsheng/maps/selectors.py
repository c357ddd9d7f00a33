"""Reads for the map: a plan's sites as points, coloured by their project's status."""

from __future__ import annotations

from django.urls import reverse

from minsheng.plans.models import Site
from minsheng.progress.selectors import PlanProgress
from minsheng.progress.status import Status, status_label

# Colour-blind-safe (Okabe–Ito) and dark enough on the light map fill; the legend also names them.
STATUS_COLORS = {
    Status.DONE: "#009E73",
    Status.AHEAD: "#0072B2",
    Status.ON_TRACK: "#56B4E9",
    Status.LAGGING: "#E69F00",
    Status.CRITICAL: "#D55E00",
    Status.MISSING: "#6B6B6B",
}


def map_points(progress: PlanProgress, public: bool) -> list[dict]:
    """One point per located site of the projects in ``progress`` (already filtered to what the
    reader may see); ``public`` links to the portal's project page, else to the staff one."""
    rows = {p.project.pk: p for p in progress.projects}
    sites = (Site.objects.filter(project_id__in=rows, longitude__isnull=False, latitude__isnull=False)
             .select_related("region").order_by("project_id", "id"))
    points = []
    for site in sites:
        row = rows[site.project_id]
        project = row.project
        url = (reverse("portal:project", args=[project.pk]) if public
               else reverse("progress:project", args=[project.pk]))
        points.append({
            "name": site.name, "value": [float(site.longitude), float(site.latitude)],
            "project": project.name, "url": url, "status": str(row.status),
            "status_label": status_label(row.status), "percent": row.percent_capped,
            "report_gap_label": row.report_gap_label,
            "category": project.category.name if project.category else "",
            "units": row.lead_units, "district": site.region.name if site.region else "",
        })
    return points


def legend() -> list[dict]:
    return [{"status": str(s), "label": status_label(s), "color": STATUS_COLORS[s]} for s in Status]
