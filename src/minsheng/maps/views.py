"""Staff pages for a project's sites: list, add one, import a sheet."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from minsheng.core.models import Region
from minsheng.maps import boundaries, services
from minsheng.maps.forms import SiteForm, SiteImportForm
from minsheng.maps.geo import Datum
from minsheng.plans.models import Plan, Project


@login_required
def project_sites(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_object_or_404(Project.objects.select_related("plan__region"), pk=pk)
    if not request.user.has_perm("plans.change_project", project):
        raise Http404
    districts = list(Region.objects.filter(parent=project.plan.region).values_list("name", flat=True))
    form = SiteForm(districts=districts)
    upload = SiteImportForm()
    import_errors: list[tuple[int, str]] = []
    if request.method == "POST" and request.POST.get("action") == "add":
        form = SiteForm(request.POST, districts=districts)
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.add_site(project, services.SiteInput(
                    d["name"], d["address"], d["district"], float(d["longitude"]), float(d["latitude"]),
                    Datum(d["datum"])))
                messages.success(request, _("已添加点位"))
                return redirect("maps:project_sites", pk=project.pk)
            except services.SiteRejected as exc:
                form.add_error(None, str(exc))
    elif request.method == "POST" and request.POST.get("action") == "import":
        upload = SiteImportForm(request.POST, request.FILES)
        if upload.is_valid():
            result = services.import_sites(project, upload.cleaned_data["file"], Datum(upload.cleaned_data["datum"]))
            if not result.errors:
                messages.success(request, _("已导入 %(n)d 个点位") % {"n": len(result.created)})
                return redirect("maps:project_sites", pk=project.pk)
            import_errors = result.errors
    context = {"project": project, "sites": project.sites.select_related("region"), "form": form,
               "upload": upload, "import_errors": import_errors}
    return render(request, "maps/project_sites.html", context, status=400 if import_errors else 200)


@login_required
def plan_boundary(request: HttpRequest, pk: int) -> HttpResponse:
    """The plan's boundary for staff maps (the portal's is for published plans only)."""
    plan = get_object_or_404(Plan.objects.select_related("region"), pk=pk)
    if not request.user.has_perm("plans.view_plan", plan):
        raise Http404
    name = boundaries.boundary_name(plan.region)
    data = boundaries.raw_boundary(name) if name else None
    if data is None:
        raise Http404
    return HttpResponse(data, content_type="application/geo+json")
