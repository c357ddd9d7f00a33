"""Progress pages: my tasks, the report form, review and acceptance, the overview, a project's chart."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from minsheng.core.models import User
from minsheng.core.permissions import coordinated_regions
from minsheng.plans.models import Plan, Project
from minsheng.plans.permissions import visible_plans
from minsheng.progress import rollup, services, tasks_page
from minsheng.progress.charts import progress_chart
from minsheng.progress.filters import AsOfForm, OverviewForm, shown_projects
from minsheng.progress.flags import propose_flags
from minsheng.progress.forms import ReportForm, ReturnForm
from minsheng.progress.models import Attachment, FlagSuggestion, Period, Report
from minsheng.progress.permissions import visible_reports
from minsheng.progress.reporting import report_changes, report_scope
from minsheng.progress.selectors import plan_progress, reading_day, reporting_units
from minsheng.progress.status import STATUS_LABELS, status_label

CONFLICT = _("这份报告刚被他人保存过。您填写的内容仍在下方，请核对后再保存。")


def _today() -> datetime.date:
    return timezone.localdate()


def as_of(plan: Plan, on: datetime.date | None) -> datetime.date:
    """The date a page reports on: ?on=, else today, else (for a past year) its last reporting round."""
    if on is not None:
        return on
    return reading_day(plan, _today())


@login_required
def my_tasks(request: HttpRequest) -> HttpResponse:
    user = request.user
    context: dict = {"today": _today()}
    if user.unit_id and user.role in (User.Role.LIAISON, User.Role.REVIEWER):
        context["tasks"] = tasks_page.unit_tasks(user.unit, _today())
        if user.role == User.Role.REVIEWER:
            context["review_queue"] = tasks_page.review_queue(user.unit)
    if user.is_superuser or coordinated_regions(user):
        plans = list(visible_plans(user).filter(region_id__in=coordinated_regions(user))
                     if not user.is_superuser else Plan.objects.all())
        context["acceptance_queue"] = tasks_page.acceptance_queue(plans)
    context["reminders"] = user.reminders.filter(read=False)[:20]
    return render(request, "progress/tasks.html", context)


@login_required
def start_report(request: HttpRequest, project_pk: int, period_pk: int) -> HttpResponse:
    """A GET only looks (an existing report, or a button to start one); the draft is made by a POST."""
    project = get_object_or_404(Project, pk=project_pk)
    period = get_object_or_404(Period, pk=period_pk, plan_id=project.plan_id)
    unit = request.user.unit
    if unit is None or unit not in reporting_units(project):
        raise PermissionDenied
    if request.method == "POST":
        report = services.open_report(project, unit, period)
        return redirect("progress:report", pk=report.pk)
    existing = Report.objects.filter(project=project, unit=unit, period=period).first()
    if existing is not None:
        return redirect("progress:report", pk=existing.pk)
    return render(request, "progress/start_report.html", {"project": project, "period": period, "unit": unit})


def _report(request: HttpRequest, pk: int) -> Report:
    report = get_object_or_404(Report.objects.select_related("project__plan", "unit", "period"), pk=pk)
    if not request.user.has_perm("progress.view_report", report):
        raise Http404
    return report


@login_required
def report_page(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    can_edit = request.user.has_perm("progress.change_report", report) and report.editable
    scope = report_scope(report)
    form = ReportForm(
        request.POST or None, request.FILES or None, report=report, previous=services.previous_figures(report),
        initial=scope.initial, **scope.form_kwargs,
    )
    error = None
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.save_report(report, request.user, form.cleaned_data["version"], form.report_fields(),
                                     form.figures(), form.allocation_figures(), form.site_states(),
                                     uploads=form.uploads())
                if "submit" in request.POST:
                    services.submit_report(Report.objects.get(pk=report.pk), request.user)
                    messages.success(request, _("已报送，等待牵头单位审核。"))
                    return redirect("progress:tasks")
                messages.success(request, _("已保存草稿。"))
                return redirect("progress:report", pk=report.pk)
            except services.ReportProblems as problems:
                for key, message in problems.errors.items():
                    form.add_error(key, message)
            except services.ReportConflict:
                error = CONFLICT
            except services.WorkflowError as exc:
                error = str(exc)
    report.refresh_from_db()
    context = {
        "report": report, "form": form, "error": error, "can_edit": can_edit,
        "can_review": request.user.has_perm("progress.review_report", report)
        and report.state == Report.State.SUBMITTED,
        "can_accept": request.user.has_perm("progress.accept_report", report)
        and report.state == Report.State.REVIEWED,
        "return_form": ReturnForm(),
        "events": report.events.select_related("by"),
        "changes": report_changes(report),
        "attachments": report.attachments.all(),
    }
    return render(request, "progress/report.html", context, status=409 if error == CONFLICT else 200)


@login_required
def attachment_file(request: HttpRequest, pk: int) -> FileResponse:
    """A report's photo or document, to those who may read the report (never a public /media/ URL)."""
    attachment = get_object_or_404(Attachment.objects.select_related("report"), pk=pk)
    if not request.user.has_perm("progress.view_report", attachment.report):
        raise Http404
    photo = attachment.kind == Attachment.Kind.PHOTO
    response = FileResponse(attachment.file.open("rb"), content_type=attachment.content_type,
                            as_attachment=not photo, filename=attachment.name)
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def report_decide(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    action = request.POST.get("action")
    try:
        if action == "return":
            allowed = (request.user.has_perm("progress.review_report", report)
                       or request.user.has_perm("progress.accept_report", report))
            if not allowed:
                raise PermissionDenied
            form = ReturnForm(request.POST)
            if not form.is_valid():
                raise services.WorkflowError(_("退回时必须写明理由"))
            services.return_report(report, request.user, form.cleaned_data["reason"])
            messages.success(request, _("已退回，并通知报送单位。"))
        elif action == "review":
            if not request.user.has_perm("progress.review_report", report):
                raise PermissionDenied
            services.review_report(report, request.user)
            messages.success(request, _("审核通过，已转统筹部门。"))
        elif action == "accept":
            if not request.user.has_perm("progress.accept_report", report):
                raise PermissionDenied
            services.accept_report(report, request.user)
            messages.success(request, _("已采纳。"))
        else:
            raise Http404
    except services.WorkflowError as exc:
        messages.error(request, str(exc))
    return redirect("progress:report", pk=report.pk)


def _plan_for_overview(request: HttpRequest, pk: int) -> Plan:
    plan = get_object_or_404(Plan.objects.select_related("region"), pk=pk)
    if not request.user.has_perm("progress.view_overview", plan):
        raise Http404
    return plan


@login_required
def overview(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan_for_overview(request, pk)
    params = OverviewForm(request.GET).values
    on = as_of(plan, params["on"])
    progress = plan_progress(plan, on)
    status, group, name = params["status"], params["group"], params["name"]
    shown = shown_projects(progress, status, group, name)
    suggestions = []
    if request.user.has_perm("progress.decide_flag", plan):
        suggestions = _suggestions(plan, progress, on)
    context = {
        "plan": plan, "progress": progress, "on": on, "shown": shown, "status": status, "group": group,
        "name": name, "status_labels": STATUS_LABELS, "suggestions": suggestions,
        "filter_label": (status_label(status) if status in STATUS_LABELS else "")
        or (_("半年完成不足 60% 的项目") if group == "midyear" else name)
        or (_("本期逾期未报的项目") if group == "overdue" else "") or _("滞后和严重滞后的项目"),
    }
    return render(request, "progress/overview.html", context)


def _suggestions(plan: Plan, progress, on: datetime.date) -> list[FlagSuggestion]:
    """The engine's flag proposals for the latest closed period, created once, then decided."""
    return propose_flags(plan, progress)


@login_required
@require_POST
def decide_flag(request: HttpRequest, pk: int) -> HttpResponse:
    suggestion = get_object_or_404(FlagSuggestion.objects.select_related("project__plan"), pk=pk)
    plan = suggestion.project.plan
    if not request.user.has_perm("progress.decide_flag", plan):
        raise Http404
    confirm = request.POST.get("decision") == "confirm"
    try:
        services.decide_suggestion(suggestion, request.user, confirm,
                                   lift_criteria=request.POST.get("lift_criteria", ""))
        messages.success(request, _("已挂牌督办：%(name)s") % {"name": suggestion.project.name} if confirm
                         else _("已决定不挂牌：%(name)s") % {"name": suggestion.project.name})
    except services.WorkflowError as exc:
        messages.error(request, str(exc))
    return redirect("progress:overview", pk=plan.pk)


@login_required
def project_progress(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_object_or_404(Project.objects.select_related("plan"), pk=pk)
    if not request.user.has_perm("plans.view_project", project):
        raise Http404
    on = as_of(project.plan, AsOfForm(request.GET).values["on"])
    progress = rollup.find(plan_progress(project.plan, on, project_ids=[project.pk]), project.pk)
    reports = (visible_reports(request.user, Report.objects.filter(project=project))
               .select_related("unit", "period").order_by("-period__year", "-period__month", "unit_id"))
    context = {
        "project": project, "progress": progress, "on": on,
        "chart": progress_chart(project, on),
        "reports": reports,
    }
    return render(request, "progress/project.html", context)
