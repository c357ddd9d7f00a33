"""Assessment pages: scheme, adjustments, the ranking with its drill-down, exports, deputies, surveys."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from minsheng.assessment import exports, forms, selectors, services
from minsheng.assessment.compute import scheme_grades, scheme_weights
from minsheng.assessment.models import Rating, Run, Score, Survey
from minsheng.core import ratelimit
from minsheng.core.net import client_ip
from minsheng.plans.models import Plan
from minsheng.plans.permissions import visible_plans, visible_projects


def _plan(request: HttpRequest, pk: int, perm: str = "assessment.view_assessment") -> Plan:
    plan = get_object_or_404(visible_plans(request.user), pk=pk)
    if not request.user.has_perm(perm, plan):
        raise PermissionDenied
    return plan


def _default_on(plan: Plan) -> datetime.date:
    return min(timezone.localdate(), datetime.date(plan.year, 12, 31))


@login_required
def plan_page(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    can_change = request.user.has_perm("assessment.change_scheme", plan)
    run = selectors.latest_run(plan)
    context = {
        "plan": plan, "run": run, "can_change": can_change, "default_on": _default_on(plan),
        "units": selectors.run_scores(run, Score.Kind.UNIT) if run else [],
        "districts": selectors.run_scores(run, Score.Kind.DISTRICT) if run else [],
        "scheme_form": forms.SchemeForm(scheme_weights(plan), grades=scheme_grades(plan)) if can_change else None,
        "adjustment_form": forms.AdjustmentForm(plan) if can_change else None,
        "adjustments": plan.assessment_adjustments.select_related("unit", "region", "by"),
    }
    return render(request, "assessment/plan.html", context)


@login_required
@require_POST
def compute(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk, "assessment.change_scheme")
    try:
        on = datetime.date.fromisoformat(request.POST.get("on", ""))
    except ValueError:
        on = _default_on(plan)
    services.save_run(plan, on, request.user)
    messages.success(request, _("考核得分已重新计算"))
    return redirect("assessment:plan", pk=plan.pk)


@login_required
@require_POST
def scheme(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk, "assessment.change_scheme")
    form = forms.SchemeForm(scheme_weights(plan), request.POST, grades=scheme_grades(plan))
    if form.is_valid():
        try:
            with transaction.atomic():
                services.set_weights(plan, form.weights())
                services.set_grades(plan, form.grades())
            messages.success(request, _("考核方案已保存，请重新计算得分"))
        except services.AssessmentError as exc:
            messages.error(request, str(exc))
    else:
        messages.error(request, _("权重应为不小于0的数字"))
    return redirect("assessment:plan", pk=plan.pk)


@login_required
@require_POST
def adjust(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk, "assessment.change_scheme")
    form = forms.AdjustmentForm(plan, request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.add_adjustment(plan, request.user, d["kind"], d["points"], d["reason"], unit=d["unit"],
                                    region=d["region"])
            messages.success(request, _("加减分已记录，请重新计算得分"))
        except services.AssessmentError as exc:
            messages.error(request, str(exc))
    else:
        messages.error(request, _("请完整填写加减分"))
    return redirect("assessment:plan", pk=plan.pk)


@login_required
def export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    run = get_object_or_404(Run.objects.select_related("plan"), pk=pk)
    _plan(request, run.plan_id)
    if fmt == "docx":
        data, ctype = exports.run_docx(run), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    elif fmt == "xlsx":
        data, ctype = exports.run_xlsx(run), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        raise Http404
    response = HttpResponse(data, content_type=ctype)
    response["Content-Disposition"] = f'attachment; filename="assessment-{run.pk}.{fmt}"'
    return response


@login_required
def evaluate(request: HttpRequest, pk: int) -> HttpResponse:
    """全年一评议: a deputy rates each project of the plan on their own account."""
    plan = get_object_or_404(visible_plans(request.user), pk=pk)
    projects = visible_projects(request.user).filter(plan=plan).order_by("position", "id")
    if request.method == "POST":
        project = get_object_or_404(projects, pk=request.POST.get("project"))
        if not request.user.has_perm("assessment.rate_project", project):
            raise PermissionDenied
        try:
            services.rate_project(project, request.user, request.POST.get("rating", ""),
                                  request.POST.get("comment", ""))
        except services.AssessmentError as exc:
            messages.error(request, str(exc))
        return redirect("assessment:evaluate", pk=plan.pk)
    can_rate = request.user.has_perm("assessment.rate_project", projects.first())
    ratings = selectors.my_ratings(plan, request.user)
    return render(request, "assessment/evaluate.html", {
        "plan": plan, "rows": [(p, ratings.get(p.pk)) for p in projects], "choices": Rating.choices,
        "can_rate": can_rate})


@login_required
def surveys(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    can_manage = request.user.has_perm("assessment.manage_survey", plan)
    survey_form = forms.SurveyForm(plan, request.POST if "create" in request.POST else None)
    import_form = forms.ImportForm(plan, request.POST if "import" in request.POST else None, request.FILES or None)
    errors: list[str] = []
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        if "create" in request.POST and survey_form.is_valid():
            d = survey_form.cleaned_data
            services.create_survey(d["project"], request.user, d["title"], d["audience"])
            return redirect("assessment:surveys", pk=plan.pk)
        if "import" in request.POST and import_form.is_valid():
            result = services.import_responses(import_form.cleaned_data["survey"], import_form.cleaned_data["file"])
            errors = result.errors
            if not errors:
                messages.success(request, _("已导入 %(n)d 条答卷") % {"n": result.created})
                return redirect("assessment:surveys", pk=plan.pk)
    return render(request, "assessment/surveys.html", {
        "plan": plan, "can_manage": can_manage, "survey_form": survey_form, "import_form": import_form,
        "errors": errors, "surveys": selectors.surveys(plan), "results": selectors.survey_results(plan)})


# Overridable in settings.SURVEY_RATE_LIMITS. Generous per address: a whole office or a mobile
# carrier's users can share one; the per-project cap bounds what many addresses can stuff.
SURVEY_RATE_LIMITS = {"address_per_project_per_day": 5, "project_per_hour": 300}


def _survey_rates() -> tuple[ratelimit.Rate, ratelimit.Rate]:
    limits = {**SURVEY_RATE_LIMITS, **getattr(settings, "SURVEY_RATE_LIMITS", {})}
    return (ratelimit.Rate(limits["address_per_project_per_day"], 86400),
            ratelimit.Rate(limits["project_per_hour"], 3600))


def public_survey(request: HttpRequest, pk: int) -> HttpResponse:
    """The public's questionnaire: only for open surveys on published, public projects."""
    survey = get_object_or_404(Survey.objects.select_related("project__plan"), pk=pk, is_open=True,
                               project__in=visible_projects(request.user))
    form = forms.AnswerForm(survey, request.POST or None)
    if request.method == "POST" and form.is_valid():
        per_address, per_project = _survey_rates()
        address = f"{client_ip(request) or ''}:{survey.project_id}"
        project = str(survey.project_id)
        if (ratelimit.exceeded("survey.address", address, per_address)
                or ratelimit.exceeded("survey.project", project, per_project)):
            form.add_error(None, _("提交过于频繁，请稍后再试。"))
            return render(request, "assessment/public_survey.html", {"survey": survey, "form": form}, status=429)
        d = form.cleaned_data
        services.answer_survey(survey, d["rating"], d["region"], d["comment"])
        ratelimit.hit("survey.address", address, per_address)
        ratelimit.hit("survey.project", project, per_project)
        return render(request, "assessment/public_thanks.html", {"survey": survey})
    return render(request, "assessment/public_survey.html", {"survey": survey, "form": form})
