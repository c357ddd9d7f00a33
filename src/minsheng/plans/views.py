"""Staff pages for plans and projects; every object goes through plans.permissions."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from minsheng.core.plan_settings import unknown_settings
from minsheng.plans.export import export_plan
from minsheng.plans.filters import ProjectFilterSet
from minsheng.plans.models import Milestone, Plan, Project, ProjectLeader, ProjectUnit
from minsheng.plans.permissions import visible_plans, visible_projects
from minsheng.plans.selectors import (
    allocation_table,
    deadline_notes,
    filter_choices,
    plan_projects,
    printed_units,
    project_history,
)
from minsheng.plans.services import set_parent
from minsheng.plans.settings_forms import PlanSettingsForm
from minsheng.plans.settings_log import settings_changes
from minsheng.plans.structure import ROLLUP_RULE


def _visible_plan(request: HttpRequest, pk: int) -> Plan:
    plan = get_object_or_404(Plan.objects.select_related("region"), pk=pk)
    if not request.user.has_perm("plans.view_plan", plan):
        raise Http404
    return plan


@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    plans = visible_plans(request.user).select_related("region").distinct().order_by("-year", "id")
    return render(request, "plans/plan_list.html", {"plans": plans})


@login_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _visible_plan(request, pk)
    filters = ProjectFilterSet(request.GET, visible_projects(request.user), plan=plan)
    projects = list(plan_projects(filters))
    context = {
        "plan": plan,
        "projects": projects,
        "filters": filters.values,
        "choices": filter_choices(plan),
        "grouped": filters.values["sort"] == "ref",
        "deadlines": deadline_notes({p.deadline for p in projects}),
        "can_change": request.user.has_perm("plans.change_plan", plan),
        "oversees": request.user.has_perm("progress.view_overview", plan),
    }
    template = "plans/_project_list.html" if request.htmx else "plans/plan_detail.html"
    return render(request, template, context)


@login_required
def plan_settings(request: HttpRequest, pk: int) -> HttpResponse:
    """The plan's working rules: reporting deadline, notice cadence, pace and status thresholds."""
    plan = _visible_plan(request, pk)
    if not request.user.has_perm("plans.change_plan", plan):
        raise Http404
    form = PlanSettingsForm(plan, request.POST or None)
    if request.method == "POST" and form.is_valid():
        plan.settings = form.settings()
        plan.save(update_fields=["settings"])  # recorded in the plan's history, with the user
        messages.success(request, _("已保存计划设置。"))
        return redirect("plans:plan_settings", pk=plan.pk)
    return render(request, "plans/plan_settings.html", {"plan": plan, "form": form,
                                                        "unknown": unknown_settings(plan),
                                                        "changes": settings_changes(plan)})


@login_required
def plan_export(request: HttpRequest, pk: int) -> JsonResponse:
    plan = _visible_plan(request, pk)
    if not request.user.has_perm("plans.change_plan", plan):
        raise PermissionDenied
    response = JsonResponse(export_plan(plan), json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = f'attachment; filename="plan-{plan.pk}.json"'
    return response


@login_required
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_object_or_404(
        Project.objects.select_related("plan__region", "category", "funding", "parent").prefetch_related(
            Prefetch("unit_links",
                     queryset=ProjectUnit.objects.select_related("unit__region").order_by("position", "id")),
            Prefetch("leader_links", queryset=ProjectLeader.objects.select_related("person").order_by("position")),
            Prefetch("milestones", queryset=Milestone.objects.select_related("target")),
            "targets",
            "allocations",
            "sites__region",
        ),
        pk=pk,
    )
    if not request.user.has_perm("plans.view_project", project):
        raise Http404
    milestones = list(project.milestones.all())
    context = {
        "project": project,
        "plan": project.plan,
        "lead_links": printed_units(u for u in project.unit_links.all() if u.role == ProjectUnit.Role.LEAD),
        "partner_links": printed_units(u for u in project.unit_links.all() if u.role == ProjectUnit.Role.PARTNER),
        "leader_links": [x for x in project.leader_links.all() if x.role == ProjectLeader.Role.LEADER],
        "unit_leader_links": [x for x in project.leader_links.all() if x.role == ProjectLeader.Role.UNIT_LEADER],
        "milestones": milestones,
        "allocations": allocation_table(project),
        "funding": getattr(project, "funding", None),
        "history": project_history(project),
        "deadlines": deadline_notes([project.deadline, *(m.due for m in milestones)]),
        "can_change": request.user.has_perm("plans.change_project", project),
        "parent": project.parent,
        "children": list(project.children.order_by("position", "id")),
        "rollup_rule": _(ROLLUP_RULE),
    }
    if context["can_change"]:
        context["links_form"] = ProjectLinksForm(project, initial={
            "parent": project.parent_id, "voted": project.voted, "weight": project.weight})
    return render(request, "plans/project_detail.html", context)


class ProjectLinksForm(forms.Form):
    """A coordinator's correction of where a project sits: its parent (same plan only), voted, weight."""

    parent = forms.ModelChoiceField(queryset=Project.objects.none(), required=False, label=gettext_lazy("上级项目"),
                                    empty_label=gettext_lazy("（无，独立项目）"))
    voted = forms.BooleanField(required=False, label=gettext_lazy("人大票决项目"))
    weight = forms.DecimalField(required=False, min_value=0, max_digits=8, decimal_places=4,
                                label=gettext_lazy("在上级项目中的权重（空为等权）"))

    def __init__(self, project: Project, *args, **kwargs):
        super().__init__(*args, **kwargs)
        below = _descendant_ids(project)
        self.fields["parent"].queryset = project.plan.projects.exclude(pk__in=below | {project.pk}).order_by(
            "position", "id")
        self.fields["parent"].label_from_instance = lambda p: f"{p.section} {p.ref} {p.name}".strip()[:80]


def _descendant_ids(project: Project) -> set[int]:
    ids, frontier = set(), [project.pk]
    while frontier:
        frontier = list(Project.objects.filter(parent_id__in=frontier).exclude(pk__in=ids).values_list("id", flat=True))
        ids.update(frontier)
    return ids


@login_required
@require_POST
def project_links(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_object_or_404(Project.objects.select_related("plan"), pk=pk)
    if not request.user.has_perm("plans.view_project", project):
        raise Http404
    if not request.user.has_perm("plans.change_project", project):
        raise PermissionDenied
    form = ProjectLinksForm(project, request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            set_parent(project, d["parent"], d["voted"], d["weight"])
        except ValueError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("已更新上级项目，重新导入时保留此设置"))
    else:
        messages.error(request, _("请从本计划的项目中选择上级项目"))
    return redirect("plans:project_detail", pk=project.pk)
