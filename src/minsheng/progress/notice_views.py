"""The notices archive: generate a numbered notice for a period, publish it, download it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from minsheng.core.params import query_int
from minsheng.plans.models import Plan
from minsheng.plans.permissions import visible_plans
from minsheng.progress.models import Notice, Period
from minsheng.progress.notice import (
    NoticeError,
    default_period,
    is_stale,
    notice_periods,
    stale_message,
)
from minsheng.progress.services import ensure_periods
from minsheng.progress.tasks import request_notice, retry_notice

CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _plan(request: HttpRequest, pk: int) -> Plan:
    plan = get_object_or_404(Plan, pk=pk)
    if not request.user.has_perm("progress.view_overview", plan):
        raise Http404
    return plan


@login_required
def notice_index(request: HttpRequest) -> HttpResponse:
    """The menu's way to the notices: the plans the user oversees (straight to the only one)."""
    plans = [p for p in visible_plans(request.user).select_related("region").order_by("-year", "id")
             if request.user.has_perm("progress.view_overview", p)]
    if len(plans) == 1:
        return redirect("progress:notices", pk=plans[0].pk)
    return render(request, "progress/notice_index.html", {"plans": plans})


@login_required
def plan_notices(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    can_issue = request.user.has_perm("progress.decide_flag", plan)
    if request.method == "POST":
        if not can_issue:
            raise Http404
        period = get_object_or_404(Period, pk=query_int(request.POST, "period", 0), plan=plan)
        try:
            notice = request_notice(plan, period, request.user)
        except NoticeError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("已开始生成《%(title)s》") % {"title": notice.title})
        return redirect("progress:notices", pk=plan.pk)
    today = timezone.localdate()
    periods = notice_periods(plan, ensure_periods(plan, today), today)
    notices = list(plan.notices.select_related("period"))
    now = timezone.now()
    for notice in notices:
        # Shown as failed and retryable without writing on a GET; the worker's sweep records it.
        notice.stale = is_stale(notice, now)
    return render(request, "progress/notices.html", {
        "plan": plan, "notices": notices, "periods": periods, "can_issue": can_issue,
        "stale_message": stale_message(), "default_period": default_period(plan, periods, today),
    })


@login_required
@require_POST
def notice_action(request: HttpRequest, pk: int) -> HttpResponse:
    notice = get_object_or_404(Notice.objects.select_related("plan"), pk=pk)
    if not request.user.has_perm("progress.decide_flag", notice.plan):
        raise Http404
    action = request.POST.get("action")
    if action == "publish":
        updated = Notice.objects.filter(pk=notice.pk, state=Notice.State.READY).update(
            state=Notice.State.PUBLISHED, published_at=timezone.now())
        if updated:
            messages.success(request, _("已发布《%(title)s》") % {"title": notice.title})
        else:
            messages.error(request, _("只有已生成的通报可以发布"))
    elif action == "retry":
        try:
            retry_notice(notice)
        except NoticeError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("已重新开始生成《%(title)s》") % {"title": notice.title})
    else:
        raise Http404
    return redirect("progress:notices", pk=notice.plan_id)


def download_notice(request: HttpRequest, pk: int, fmt: str) -> FileResponse:
    """Published notices are public; a draft one only for those who oversee the plan."""
    if fmt not in CONTENT_TYPES:
        raise Http404
    notice = get_object_or_404(Notice.objects.select_related("plan"), pk=pk)
    published = notice.state == Notice.State.PUBLISHED and notice.plan.is_published
    if not published and not request.user.has_perm("progress.view_overview", notice.plan):
        raise Http404
    field = getattr(notice, fmt)
    if not field:
        raise Http404
    return FileResponse(field.open("rb"), as_attachment=True, filename=f"{notice.title}.{fmt}",
                        content_type=CONTENT_TYPES[fmt])


def public_archive(request: HttpRequest) -> HttpResponse:
    notices = (Notice.objects.filter(state=Notice.State.PUBLISHED, plan__status=Plan.Status.PUBLISHED)
               .select_related("plan__region").order_by("-published_at"))
    return render(request, "progress/public_notices.html", {"notices": notices})
