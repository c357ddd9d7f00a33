"""Pages of the import: upload a document, preview and correct what was read, save."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from minsheng.ingest.document import IngestError
from minsheng.plans import imports
from minsheng.plans.import_forms import (
    PlanFieldsForm,
    ProjectForm,
    TargetFormSet,
    UploadForm,
    targets_from,
)
from minsheng.plans.models import Plan, PlanImport

CONFLICT = _("另一位同事刚刚修改了这份导入结果。您的输入仍在下方，请核对后再保存。")


def _draft(request: HttpRequest, pk: int) -> PlanImport:
    draft = get_object_or_404(PlanImport, pk=pk)
    if not request.user.has_perm("plans.change_planimport", draft):
        raise Http404
    return draft


@login_required
@permission_required("plans.import_plan", raise_exception=True)
def import_new(request: HttpRequest) -> HttpResponse:
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            draft = imports.start_import(form.cleaned_data["file"], request.user)
        except IngestError as exc:
            form.add_error("file", str(exc))
        else:
            return redirect("plans:import_preview", pk=draft.pk)
    recent = PlanImport.objects.filter(created_by=request.user)[:10]
    return render(request, "plans/import_new.html", {"form": form, "recent": recent})


def _rows(draft: PlanImport, warnings) -> list[dict]:
    by_project: dict[int, list] = {}
    for w in warnings:
        if w.project is not None:
            by_project.setdefault(w.project, []).append(w)
    return [
        {"index": i, "project": p, "warnings": by_project.get(i, [])}
        for i, p in enumerate(draft.document["projects"])
    ]


def _chosen_target(draft: PlanImport, user, value: str | None) -> tuple[bool, Plan | None]:
    """(valid, plan) for a "target" value: "new" or the id of one of the draft's candidate plans."""
    if value == "new":
        return True, None
    plan = next((p for p in imports.candidate_plans(draft, user) if str(p.pk) == value), None)
    return plan is not None, plan


@login_required
def import_preview(request: HttpRequest, pk: int) -> HttpResponse:
    draft = _draft(request, pk)
    plan_form = PlanFieldsForm(initial={**draft.document["plan"], "version": draft.version})
    if request.method == "POST":
        plan_form = PlanFieldsForm(request.POST)
        if plan_form.is_valid():
            try:
                imports.update_plan_fields(
                    draft, plan_form.document_values(), plan_form.cleaned_data["version"], request.user
                )
            except imports.ImportConflict:
                messages.error(request, CONFLICT)
            else:
                messages.success(request, _("已更新计划信息"))
                return redirect("plans:import_preview", pk=draft.pk)
    warnings = imports.warnings_for(draft, request.user)
    candidates = imports.candidate_plans(draft, request.user)
    suggested = imports.suggested_plan(draft, request.user)
    # What the coordinator looks at ("查看改动" sends ?target=), else the suggestion, else a new plan.
    valid, target = _chosen_target(draft, request.user, request.GET.get("target"))
    if not valid:
        target = suggested
    plan_form.fields["region"].widget.attrs["list"] = "import-regions"
    context = {
        "draft": draft,
        "plan_form": plan_form,
        "region_names": imports.own_region_names(request.user),
        "rows": _rows(draft, warnings),
        "general_warnings": [w for w in warnings if w.project is None],
        "warning_count": len(warnings),
        "region_problem": imports.region_problem(draft, request.user),
        "candidates": candidates,
        "suggested": suggested,
        "target": target,
        "changes": imports.changes_against_plan(draft, target) if draft.status == PlanImport.Status.DRAFT else None,
    }
    return render(request, "plans/import_preview.html", context)


@login_required
def import_project(request: HttpRequest, pk: int, index: int) -> HttpResponse:
    """One project of the preview: its row, its correction form, and saving the correction."""
    draft = _draft(request, pk)
    projects = draft.document["projects"]
    if not 0 <= index < len(projects):
        raise Http404
    if draft.status != PlanImport.Status.DRAFT:
        raise PermissionDenied
    project = projects[index]
    if request.method == "GET" and "edit" not in request.GET:
        return _row(request, draft, index)
    error = None
    if request.method == "POST":
        form = ProjectForm(request.POST)
        targets = TargetFormSet(request.POST, prefix="targets")
        if form.is_valid() and targets.is_valid():
            values = {**form.document_values(), "targets": targets_from(targets)}
            try:
                imports.update_project(draft, index, values, form.cleaned_data["version"])
            except imports.ImportConflict:
                error = CONFLICT
            except ValueError as exc:
                error = _("这样修改后数据不完整：%(errors)s") % {"errors": "；".join(exc.args[0])}
            else:
                return _row(request, PlanImport.objects.get(pk=draft.pk), index)
    else:
        form = ProjectForm(initial={**ProjectForm.initial_from(project), "version": draft.version})
        targets = TargetFormSet(initial=project.get("targets") or [], prefix="targets")
    return render(
        request,
        "plans/_import_project_form.html",
        {"draft": draft, "index": index, "form": form, "targets": targets, "error": error},
        status=409 if error == CONFLICT else 200,
    )


def _row(request: HttpRequest, draft: PlanImport, index: int) -> HttpResponse:
    warnings = imports.warnings_for(draft, request.user)
    row = _rows(draft, warnings)[index]
    return render(request, "plans/_import_project_row.html", {"draft": draft, "row": row})


@login_required
@require_POST
def import_save(request: HttpRequest, pk: int) -> HttpResponse:
    draft = _draft(request, pk)
    choice = request.POST.get("target")
    valid, target = _chosen_target(draft, request.user, choice)
    try:
        if not choice:
            raise imports.ImportRefused(_("请选择“新建计划”或要更新的已有计划后再保存。"))
        if not valid:
            raise imports.ImportRefused(imports.NOT_A_CANDIDATE)
        result = imports.commit_import(draft, request.user, target)
    except imports.ImportConflict:
        messages.error(request, _("这份导入结果已经保存或放弃，不能再次保存。"))
        return redirect("plans:import_preview", pk=draft.pk)
    except imports.ImportRefused as exc:
        messages.error(request, str(exc))
        return redirect("plans:import_preview", pk=draft.pk)
    messages.success(request, result.summary())
    return redirect("plans:plan_detail", pk=result.plan.pk)


@login_required
@require_POST
def import_discard(request: HttpRequest, pk: int) -> HttpResponse:
    draft = _draft(request, pk)
    PlanImport.objects.filter(pk=draft.pk, status=PlanImport.Status.DRAFT).update(
        status=PlanImport.Status.DISCARDED
    )
    messages.info(request, _("已放弃这次导入，未保存任何内容。"))
    return redirect("plans:import_new")
