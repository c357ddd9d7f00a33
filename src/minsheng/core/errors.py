"""Error pages in the site's own layout and language: 400, 403, 404, 500, CSRF failure, busy (503)."""

from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.utils.translation import gettext as _

log = logging.getLogger(__name__)

BUSY_RETRY_SECONDS = 5


def _page(request: HttpRequest | None, status: int, title: str, message: str, **extra) -> HttpResponse:
    context = {"status": status, "title": title, "message": message, **extra}
    try:
        html = loader.render_to_string("errors/error.html", context, request)
    except Exception:  # noqa: BLE001 - the error page must never fail: the layout may need the broken database
        log.exception("error page %s rendered without the request", status)
        html = loader.render_to_string("errors/error.html", context)
    return HttpResponse(html, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    detail = str(exception) if exception is not None and exception.__class__.__name__ == "InvalidParameter" else ""
    return _page(request, 400, _("请求有误"), detail or _("请求的地址或参数无效，请检查后重试。"))


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(request, 403, _("无权访问"), _("您没有查看或办理此项内容的权限。如需权限，请联系本单位的管理员。"))


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(request, 404, _("页面不存在"), _("您访问的页面不存在，或已被删除、移动。"))


def server_error(request: HttpRequest) -> HttpResponse:
    # No request in the context: the layout would read the user and the session, which may be what broke.
    return _page(None, 500, _("系统出错"), _("系统处理您的请求时出错，已记录日志。请稍后重试，或联系管理员。"))


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return _page(request, 403, _("页面已过期"),
                 _("表单已失效（可能停留过久或已在别处退出），请返回上一页刷新后重新提交。"))


def busy(request: HttpRequest) -> HttpResponse:
    response = _page(None, 503, _("系统繁忙"), _("系统繁忙，请稍后重试。您填写的内容未保存，请返回上一页重新提交。"))
    response["Retry-After"] = str(BUSY_RETRY_SECONDS)
    return response


def lockout(request: HttpRequest, original_response=None, credentials: dict | None = None) -> HttpResponse:
    """django-axes' AXES_LOCKOUT_CALLABLE: a 429 page in the site's layout saying when to try again."""
    from django.conf import settings
    from django.shortcuts import render

    context = {"failure_limit": settings.AXES_FAILURE_LIMIT,
               "cooloff_minutes": round(float(settings.AXES_COOLOFF_TIME) * 60)}
    return render(request, "errors/lockout.html", context, status=429)
