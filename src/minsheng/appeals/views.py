"""Pages for appeals: the public message board and tracking page, the staff list, detail and figures.

Views only parse, ask the permission rules (appeals.permissions), call a service or selector and render.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from minsheng.appeals import selectors, services
from minsheng.appeals.exports import appeals_workbook
from minsheng.appeals.filters import AppealFilterSet
from minsheng.appeals.forms import (
    AcceptForm,
    AnswerForm,
    AppealForm,
    DecisionForm,
    ExtensionForm,
    PublicationForm,
    RatingForm,
    ReassignForm,
    StaffAppealForm,
    TrackForm,
    WithdrawForm,
)
from minsheng.appeals.models import Appeal, AppealPhoto, AppealState, Extension, Publication
from minsheng.appeals.privacy import mask_text, masked_text, public_text, shown
from minsheng.core.models import Region
from minsheng.core.net import client_ip
from minsheng.core.params import query_int

S = AppealState
SECRET_SESSION_KEY = "appeals.secret.%s"


# --- public ----------------------------------------------------------------------------------------


def board(request: HttpRequest) -> HttpResponse:
    items = [(a, public_text(a)) for a in selectors.public_appeals()[:100]]
    return render(request, "appeals/board.html", {"items": items})


def submit(request: HttpRequest) -> HttpResponse:
    form = AppealForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            appeal = services.submit(form.intake(), channel=Appeal.Channel.WEB, ip=client_ip(request), rate_limit=True)
        except services.DuplicateSubmission as exc:
            messages.info(request, str(exc))
            return redirect("appeals_public:track_detail", code=exc.appeal.code)
        except services.RateLimited as exc:
            # Everything typed stays in the form; only the photos must be chosen again.
            form.add_error(None, str(exc))
            return render(request, "appeals/submit.html", {"form": form}, status=429)
        # The confirmation page shows the secret once, from this browser's session, then forgets it.
        request.session[SECRET_SESSION_KEY % appeal.code] = appeal.secret
        messages.success(request, _("留言已提交。请记下查询码 %(code)s（查询进度）和下面的评价密码"
                                    "（评价答复时用，只显示这一次）。") % {"code": appeal.code})
        return redirect("appeals_public:track_detail", code=appeal.code)
    status = 400 if request.method == "POST" else 200
    return render(request, "appeals/submit.html", {"form": form}, status=status)


def track(request: HttpRequest) -> HttpResponse:
    form = TrackForm(request.GET or None)
    if form.is_valid():
        code = form.cleaned_data["code"].strip().upper()
        if Appeal.objects.filter(code=code).exists():
            return redirect("appeals_public:track_detail", code=code)
        form.add_error("code", _("没有找到这个查询码，请核对。"))
    return render(request, "appeals/track.html", {"form": form})


def track_detail(request: HttpRequest, code: str) -> HttpResponse:
    """Anyone with the tracking code reads the progress, every number masked; rating needs the
    secret given at submission or the phone the citizen wrote."""
    appeal = get_object_or_404(Appeal.objects.select_related("category", "region", "state", "unit"), code=code)
    form = RatingForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.rate_as_citizen(appeal, d["proof"], client_ip(request), d["rating"], d["resolved"], d["comment"])
            messages.success(request, _("感谢您的评价。"))
        except services.RateLimited as exc:
            form.add_error("proof", str(exc))
            status = 429
        except services.NotAuthorised as exc:
            form.add_error("proof", str(exc))
            status = 403
        except services.WorkflowError as exc:
            # Rated already (another tab, a double click): say so; the rating on record stands.
            messages.error(request, str(exc))
        if status == 200:
            return redirect("appeals_public:track_detail", code=code)
    elif form.errors:
        status = 400
    context = {
        "appeal": appeal,
        "text": masked_text(appeal),
        "secret": request.session.pop(SECRET_SESSION_KEY % code, None) if request.method == "GET" else None,
        "events": [(e, mask_text(e.note)) for e in selectors.public_events(appeal)],
        "rating_form": form if appeal.state_id == S.ANSWERED else None,
        "clock": selectors.with_clocks([appeal])[0][1],
    }
    return render(request, "appeals/track_detail.html", context, status=status)


# --- staff -----------------------------------------------------------------------------------------


def _appeal(request: HttpRequest, code: str) -> Appeal:
    appeal = get_object_or_404(
        Appeal.objects.select_related("category", "region__parent", "state", "unit", "suggested_unit", "duplicate_of"),
        code=code,
    )
    if not request.user.has_perm("appeals.view_appeal", appeal):
        raise Http404
    return appeal


def _require(request: HttpRequest, perm: str, obj=None) -> None:
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied


def _private(request: HttpRequest, appeal: Appeal) -> bool:
    """Whether this reader gets the appeal's texts masked (leaders, deputies: no right to the citizen's data)."""
    return not request.user.has_perm("appeals.view_contact", appeal)


@login_required
def staff_list(request: HttpRequest) -> HttpResponse:
    filters = AppealFilterSet(request.GET, selectors.staff_appeals(request.user))
    appeals = filters.page_qs()
    rows = [(a, clock, _private(request, a)) for a, clock in selectors.with_clocks(appeals[:200])]
    context = {
        "rows": rows,
        "total": appeals.count(),
        "filters": filters.values,
        "choices": selectors.filter_choices(request.user),
        "key_count": selectors.key_supervision_count(request.user, timezone.localdate().year),
        "year": timezone.localdate().year,
        "query": request.GET.urlencode(),
    }
    return render(request, "appeals/staff_list.html", context)


@login_required
def staff_new(request: HttpRequest) -> HttpResponse:
    _require(request, "appeals.enter_appeal")
    # The form offers only the regions this coordinator covers; the check below holds for a forged POST too.
    form = StaffAppealForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        _require(request, "appeals.enter_appeal", form.cleaned_data["region"])
        try:
            appeal = services.submit(form.intake(), channel=Appeal.Channel.PHONE, actor=request.user)
        except services.DuplicateSubmission as exc:
            messages.success(request, str(exc))
            return redirect("appeals:detail", code=exc.appeal.code)
        messages.success(request, _("已登记，查询码 %(code)s，评价密码 %(secret)s"
                                    "（请告知来电人，评价密码只显示这一次）。")
                         % {"code": appeal.code, "secret": appeal.secret})
        return redirect("appeals:detail", code=appeal.code)
    return render(request, "appeals/staff_new.html", {"form": form}, status=400 if form.errors else 200)


@login_required
def staff_detail(request: HttpRequest, code: str) -> HttpResponse:
    appeal = _appeal(request, code)
    user = request.user
    coordinates = user.has_perm("appeals.coordinate_appeal", appeal)
    handles = user.has_perm("appeals.handle_appeal", appeal)
    initial_unit = appeal.unit_id or appeal.suggested_unit_id
    working = appeal.state_id in {S.ACCEPTED, S.HANDLING, S.REOPENED}
    steps = {
        "accept": coordinates and appeal.state_id == S.SUBMITTED,
        "reassign": coordinates and working,
        "sign": handles and appeal.state_id in {S.ACCEPTED, S.REOPENED},
        "answer": handles and working,
        "close": coordinates and appeal.state_id in {S.ANSWERED, S.RATED},
        "reopen": coordinates and appeal.state_id == S.RATED,
    }
    private = _private(request, appeal)
    publication = Publication.objects.filter(appeal=appeal).select_related("approved_by", "withdrawn_by").first()
    context = {
        "appeal": appeal,
        "private": private,
        "text": {"title": shown(appeal.title, private), "content": shown(appeal.content, private),
                 "address": shown(appeal.address, private), "answer": shown(appeal.answer, private),
                 "rating_comment": shown(appeal.rating_comment, private)},
        "clock": selectors.with_clocks([appeal])[0][1],
        "contact": selectors.contact(user, appeal),
        "events": [(e, shown(e.note, private)) for e in selectors.staff_events(appeal)],
        "photos": appeal.photos.all(),
        "duplicates": appeal.duplicates.all(),
        "extension": selectors.pending_extension(appeal),
        "extensions": appeal.extensions.select_related("requested_by", "decided_by"),
        "candidates": appeal.candidates.select_related("project__plan"),
        "coordinates": coordinates,
        "steps": steps,
        "accept_form": AcceptForm(region=appeal.region, user=user,
                                  initial={"unit": initial_unit, "category": appeal.category_id}),
        "reassign_form": ReassignForm(region=appeal.region, user=user),
        "publication": publication,
        "can_publish": user.has_perm("appeals.publish_appeal", appeal) and appeal.publish
        and appeal.state_id != S.SUBMITTED,
        "answer_changed": services.answer_changed_since(appeal, publication),
        "publication_form": PublicationForm(initial=services.publication_draft(appeal)),
        "withdraw_form": WithdrawForm(),
        "answer_form": AnswerForm(),
        "extension_form": ExtensionForm(),
        "decision_form": DecisionForm(),
    }
    return render(request, "appeals/staff_detail.html", context)


def _step(request: HttpRequest, code: str, perm: str, action) -> HttpResponse:
    """Run one workflow step from a POST; a refused step comes back as a message, nothing half-done."""
    appeal = _appeal(request, code)
    _require(request, perm, appeal)
    try:
        done = action(appeal)
    except services.WorkflowError as exc:
        messages.error(request, str(exc))
    else:
        if done:
            messages.success(request, done)
    return redirect("appeals:detail", code=appeal.code)


def _form_errors(form) -> str:
    return "；".join(str(e) for errors in form.errors.values() for e in errors)


@login_required
@require_POST
def accept(request: HttpRequest, code: str) -> HttpResponse:
    def act(appeal: Appeal) -> str:
        form = AcceptForm(request.POST, region=appeal.region, user=request.user)
        if not form.is_valid():
            raise services.WorkflowError(_form_errors(form))
        d = form.cleaned_data
        services.accept(appeal, request.user, d["unit"], d["category"], d["note"])
        return _("已受理并交办。")

    return _step(request, code, "appeals.coordinate_appeal", act)


@login_required
@require_POST
def reassign(request: HttpRequest, code: str) -> HttpResponse:
    def act(appeal: Appeal) -> str:
        form = ReassignForm(request.POST, region=appeal.region, user=request.user)
        if not form.is_valid():
            raise services.WorkflowError(_form_errors(form))
        services.reassign(appeal, request.user, form.cleaned_data["unit"], form.cleaned_data["reason"])
        return _("已改派。")

    return _step(request, code, "appeals.coordinate_appeal", act)


@login_required
@require_POST
def sign(request: HttpRequest, code: str) -> HttpResponse:
    return _step(request, code, "appeals.handle_appeal",
                 lambda appeal: services.sign(appeal, request.user) and _("已签收，开始办理。"))


@login_required
@require_POST
def answer(request: HttpRequest, code: str) -> HttpResponse:
    def act(appeal: Appeal) -> str:
        form = AnswerForm(request.POST)
        if not form.is_valid():
            raise services.WorkflowError(_form_errors(form))
        services.answer(appeal, request.user, form.cleaned_data["text"])
        return _("已答复，等待市民评价。")

    return _step(request, code, "appeals.handle_appeal", act)


@login_required
@require_POST
def extension_request(request: HttpRequest, code: str) -> HttpResponse:
    def act(appeal: Appeal) -> str:
        form = ExtensionForm(request.POST)
        if not form.is_valid():
            raise services.WorkflowError(_form_errors(form))
        services.request_extension(appeal, request.user, form.cleaned_data["amount"], form.cleaned_data["reason"])
        return _("延期申请已提交统筹单位审批。")

    return _step(request, code, "appeals.handle_appeal", act)


@login_required
@require_POST
def extension_decide(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    def act(appeal: Appeal) -> str:
        extension = get_object_or_404(Extension, pk=pk, appeal=appeal)
        approve = request.POST.get("decision") == "approve"
        services.decide_extension(extension, request.user, approve, request.POST.get("note", "")[:300])
        return _("已批准延期。") if approve else _("已驳回延期申请。")

    return _step(request, code, "appeals.coordinate_appeal", act)


@login_required
@require_POST
def close(request: HttpRequest, code: str) -> HttpResponse:
    return _step(request, code, "appeals.coordinate_appeal",
                 lambda appeal: services.close(appeal, request.user, request.POST.get("note", "")[:500])
                 and _("已办结。"))


@login_required
@require_POST
def reopen(request: HttpRequest, code: str) -> HttpResponse:
    return _step(request, code, "appeals.coordinate_appeal",
                 lambda appeal: services.reopen_by_coordinator(appeal, request.user, request.POST.get("note", "")[:500])
                 and _("已退回承办单位重办。"))


@login_required
@require_POST
def key_supervision(request: HttpRequest, code: str) -> HttpResponse:
    on = request.POST.get("on") == "1"
    note = request.POST.get("note", "")[:300]
    return _step(request, code, "appeals.coordinate_appeal",
                 lambda appeal: services.set_key_supervision(appeal, request.user, on, note)
                 and (_("已列入重点督办。") if on else _("已撤销重点督办。")))


@login_required
@require_POST
def publish(request: HttpRequest, code: str) -> HttpResponse:
    def act(appeal: Appeal) -> str:
        form = PublicationForm(request.POST)
        if not form.is_valid():
            raise services.WorkflowError(_form_errors(form))
        d = form.cleaned_data
        services.approve_publication(appeal, request.user, d["title"], d["content"], d["answer"])
        return _("已批准在留言板公开。")

    return _step(request, code, "appeals.publish_appeal", act)


@login_required
@require_POST
def withdraw(request: HttpRequest, code: str) -> HttpResponse:
    def act(appeal: Appeal) -> str:
        form = WithdrawForm(request.POST)
        reason = form.cleaned_data["reason"] if form.is_valid() else ""
        services.withdraw_publication(appeal, request.user, reason)
        return _("已从留言板撤回。")

    return _step(request, code, "appeals.publish_appeal", act)


@login_required
def photo(request: HttpRequest, pk: int) -> FileResponse:
    # Photos can show faces and doorplates: served only to those who may see the appeal, never from /media/.
    item = get_object_or_404(AppealPhoto.objects.select_related("appeal"), pk=pk)
    if not request.user.has_perm("appeals.view_appeal", item.appeal):
        raise Http404
    return FileResponse(item.file.open("rb"), content_type=item.content_type)


@login_required
def export(request: HttpRequest) -> HttpResponse:
    personal = request.GET.get("personal") == "1"
    if personal:
        _require(request, "appeals.export_personal")
    filters = AppealFilterSet(request.GET, selectors.staff_appeals(request.user))
    appeals = list(filters.page_qs()[:10000])
    services.record_export(request.user, personal, [a.pk for a in appeals], {**filters.active(), "personal": personal})
    response = HttpResponse(appeals_workbook(appeals, personal),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="appeals-{stamp}.xlsx"'
    return response


@login_required
def figures(request: HttpRequest) -> HttpResponse:
    _require(request, "appeals.view_figures")
    period = selectors.Period.from_params(request.GET, timezone.localdate())
    by = "region" if request.GET.get("by") == "region" else "unit"
    rows, total = selectors.rates(request.user, period, by)
    months = selectors.trend(request.user, period)
    peak = max((m.received for m in months), default=0)
    context = {
        "period": period,
        "by": by,
        "rows": rows,
        "total": total,
        "months": [(m, round(100 * m.received / peak) if peak else 0) for m in months],
        "topics": selectors.frequent_topics(request.user, period),
        "recurring": selectors.recurring_problems(request.user, period),
        "key_count": selectors.key_supervision_count(request.user, period.end.year),
        "can_create": request.user.has_perm("appeals.create_candidate"),
        "next_year": timezone.localdate().year + 1,
    }
    return render(request, "appeals/figures.html", context)


@login_required
@require_POST
def candidate(request: HttpRequest) -> HttpResponse:
    _require(request, "appeals.create_candidate")
    region = get_object_or_404(Region, pk=query_int(request.POST, "region", 0))
    # The draft plan is the region's: only a coordinator of that region makes one, from its own appeals.
    _require(request, "appeals.create_candidate", region)
    keyword = request.POST.get("keyword", "").strip()[:50]
    ids = [i for i in (query_int({"appeal": v}, "appeal") for v in request.POST.getlist("appeal")) if i]
    visible = list(selectors.visible_appeals(request.user).filter(pk__in=ids, region_id__in=region.descendant_ids())
                   .values_list("pk", flat=True))
    try:
        made = services.create_candidate_project(request.user, keyword, region, visible)
    except services.WorkflowError as exc:
        messages.error(request, str(exc))
        return redirect("appeals:figures")
    messages.success(request, _("已加入 %(year)d 年候选项目：%(name)s") % {"year": made.project.plan.year,
                                                                      "name": made.project.name})
    return redirect("plans:project_detail", pk=made.project.pk)
