"""Supervision pages: a plan's inspections and flags, the open list, a finding's rectification, congress."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from minsheng.core.uploads import UploadRejected
from minsheng.plans.models import Plan
from minsheng.plans.permissions import visible_plans
from minsheng.progress.models import FlaggedSupervision
from minsheng.supervision import forms, halfyear, selectors, services
from minsheng.supervision.models import DeputyQuestion, Finding


def _plan(request: HttpRequest, pk: int, perm: str = "supervision.view_plan") -> Plan:
    plan = get_object_or_404(visible_plans(request.user), pk=pk)
    if not request.user.has_perm(perm, plan):
        raise PermissionDenied
    return plan


@login_required
def plan_page(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    can_inspect = request.user.has_perm("supervision.inspect", plan)
    form = forms.InspectionForm(plan, request.POST or None) if can_inspect else None
    if request.method == "POST":
        if not can_inspect:
            raise PermissionDenied
        if form.is_valid():
            d = form.cleaned_data
            findings = []
            if d["description"]:
                findings.append(services.FindingInput(d["description"], d["severity"] or Finding.Severity.MINOR,
                                                      d["unit"], d["deadline"], d["required_action"],
                                                      d["finding_project"]))
            try:
                services.record_inspection(plan, request.user, kind=d["kind"], date=d["date"], team=d["team"],
                                           summary=d["summary"], projects=d["projects"], rechecks=d["rechecks"],
                                           findings=findings)
            except services.SupervisionError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("督查记录已保存"))
                return redirect("supervision:plan", pk=plan.pk)
    context = {
        "plan": plan, "form": form,
        "inspections": selectors.plan_inspections(plan),
        "rows": selectors.with_escalation(selectors.plan_findings(plan), timezone.localdate()),
        "summary": selectors.rectification_summary(plan, timezone.localdate()),
        "can_congress": request.user.has_perm("supervision.congress", plan),
    }
    return render(request, "supervision/plan.html", context)


@login_required
def open_list(request: HttpRequest) -> HttpResponse:
    rows = selectors.with_escalation(selectors.open_findings(request.user), timezone.localdate())
    plans = [p for p in visible_plans(request.user) if request.user.has_perm("supervision.view_plan", p)]
    return render(request, "supervision/open_list.html", {"rows": rows, "plans": plans})


@login_required
def finding_page(request: HttpRequest, pk: int) -> HttpResponse:
    finding = get_object_or_404(Finding.objects.select_related("inspection__plan", "unit", "project"), pk=pk)
    if not request.user.has_perm("supervision.view_finding", finding):
        raise Http404
    can_fix = request.user.has_perm("supervision.rectify_finding", finding) and finding.state == Finding.State.OPEN
    can_verify = (request.user.has_perm("supervision.verify_finding", finding)
                  and finding.state == Finding.State.REPORTED)
    fix_form = forms.FixForm(request.POST or None, request.FILES or None) if can_fix else None
    verify_form = forms.VerifyForm(request.POST or None) if can_verify else None
    if request.method == "POST":
        try:
            if fix_form is not None and fix_form.is_valid():
                d = fix_form.cleaned_data
                uploads = [(d["photo"], "photo")] + ([(d["document"], "file")] if d["document"] else [])
                services.report_fix(finding, request.user, d["note"], uploads)
                messages.success(request, _("整改情况已报送，等待督查组核验"))
                return redirect("supervision:finding", pk=finding.pk)
            if verify_form is not None and verify_form.is_valid():
                d = verify_form.cleaned_data
                services.verify(finding, request.user, close=d["decision"] == "close", note=d["note"])
                messages.success(request, _("已销号") if d["decision"] == "close" else _("已退回整改"))
                return redirect("supervision:finding", pk=finding.pk)
            if fix_form is None and verify_form is None:
                raise PermissionDenied
        except (services.SupervisionError, UploadRejected) as exc:
            (fix_form or verify_form).add_error(None, str(exc))
    context = {
        "finding": finding, "fix_form": fix_form, "verify_form": verify_form,
        "escalation": selectors.with_escalation([finding], timezone.localdate())[0].escalation,
        "events": finding.events.select_related("by").prefetch_related("evidence"),
    }
    return render(request, "supervision/finding.html", context)


@login_required
def evidence_file(request: HttpRequest, pk: int) -> HttpResponse:
    from django.http import FileResponse

    from minsheng.supervision.models import Evidence

    evidence = get_object_or_404(Evidence.objects.select_related("event__finding"), pk=pk)
    if not request.user.has_perm("supervision.view_finding", evidence.event.finding):
        raise Http404
    return FileResponse(evidence.file.open("rb"), content_type=evidence.content_type, filename=evidence.name)


@login_required
def flags(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    can_flag = request.user.has_perm("supervision.flag", plan)
    form = forms.FlagForm(plan, request.POST or None) if can_flag else None
    if request.method == "POST":
        if not can_flag:
            raise PermissionDenied
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.flag_project(d["project"], request.user, d["reason"], d["leader"], d["lift_criteria"])
            except services.SupervisionError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("已挂牌督办"))
                return redirect("supervision:flags", pk=plan.pk)
    return render(request, "supervision/flags.html", {"plan": plan, "form": form, "flags": selectors.flags(plan),
                                                      "can_flag": can_flag, "lift_form": forms.LiftForm()})


@login_required
@require_POST
def lift(request: HttpRequest, pk: int) -> HttpResponse:
    flag = get_object_or_404(FlaggedSupervision.objects.select_related("project__plan"), pk=pk)
    plan = flag.project.plan
    if not request.user.has_perm("supervision.flag", plan):
        raise PermissionDenied
    form = forms.LiftForm(request.POST)
    try:
        services.lift_flag(flag, request.user, form.data.get("note", ""))
        messages.success(request, _("已摘牌"))
    except services.SupervisionError as exc:
        messages.error(request, str(exc))
    return redirect("supervision:flags", pk=plan.pk)


@login_required
def congress(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    can_edit = request.user.has_perm("supervision.congress", plan)
    contact_form = forms.ContactForm(request.POST if "contact" in request.POST else None)
    question_form = forms.QuestionForm(plan, request.POST if "question" in request.POST else None)
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        try:
            if "contact" in request.POST and contact_form.is_valid():
                d = contact_form.cleaned_data
                services.log_contact(plan, request.user, d["month"], d["deputies"], d["summary"])
                return redirect("supervision:congress", pk=plan.pk)
            if "question" in request.POST and question_form.is_valid():
                d = question_form.cleaned_data
                services.ask_question(plan, d["asked_by"], d["unit"], d["question"], d["asked_on"])
                return redirect("supervision:congress", pk=plan.pk)
        except services.SupervisionError as exc:
            messages.error(request, str(exc))
    context = {"plan": plan, "can_edit": can_edit, "contact_form": contact_form, "question_form": question_form,
               "logs": selectors.contact_logs(plan), "questions": selectors.questions(plan),
               "deputy_visits": plan.inspections.filter(kind="deputies")}
    return render(request, "supervision/congress.html", context)


@login_required
def answer(request: HttpRequest, pk: int) -> HttpResponse:
    question = get_object_or_404(DeputyQuestion.objects.select_related("plan"), pk=pk)
    if not request.user.has_perm("supervision.answer_question", question):
        raise PermissionDenied
    form = forms.AnswerForm(request.POST or None, initial={"answer": question.answer})
    if request.method == "POST" and form.is_valid():
        services.answer_question(question, form.cleaned_data["answer"])
        messages.success(request, _("答复已保存"))
        return redirect("supervision:answer", pk=question.pk)
    return render(request, "supervision/answer.html", {"question": question, "form": form})


@login_required
def halfyear_report(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk, "supervision.congress")
    data = halfyear.render_docx(halfyear.halfyear_figures(plan))
    docx_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    response = HttpResponse(data, content_type=docx_type)
    response["Content-Disposition"] = f'attachment; filename="halfyear-{plan.pk}.docx"'
    return response
