"""A plan's notice template: see which one is in use, download it, upload the office's own, go back to the default."""

from __future__ import annotations

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from minsheng.core.uploads import DOCX, UploadRejected
from minsheng.plans.models import Plan
from minsheng.progress.notice_docx import NoticeTemplateError
from minsheng.progress.notice_templates import current_template, download_bytes, reset_template, upload_template


def _plan(request: HttpRequest, pk: int) -> Plan:
    plan = get_object_or_404(Plan.objects.select_related("region"), pk=pk)
    if not request.user.has_perm("progress.change_notice_template", plan):
        raise Http404
    return plan


@login_required
def notice_template(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    if request.method == "POST":
        if request.POST.get("action") == "reset":
            if reset_template(plan, request.user):
                messages.success(request, _("已恢复默认模板，此后生成的通报使用默认模板"))
            else:
                messages.info(request, _("本计划已在使用默认模板"))
        elif (upload := request.FILES.get("template")) is None:
            messages.error(request, _("请选择要上传的模板文件（.docx）"))
        else:
            try:
                upload_template(plan, upload, request.user)
            except (UploadRejected, NoticeTemplateError) as exc:
                messages.error(request, _("模板未保存：%(reason)s") % {"reason": exc})
            else:
                messages.success(request, _("模板已上传，此后生成的通报使用该模板"))
        return redirect("progress:notice_template", pk=plan.pk)
    return render(request, "progress/notice_template.html", {
        "plan": plan, "current": current_template(plan),
        "history": plan.notice_templates.select_related("uploaded_by"),
    })


@login_required
def notice_template_download(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    current = current_template(plan)
    name = current.name if current and current.name.lower().endswith(".docx") else _("进展通报模板.docx")
    return FileResponse(io.BytesIO(download_bytes(plan)), as_attachment=True, filename=name, content_type=DOCX)
