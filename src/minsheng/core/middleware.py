"""Request hygiene shared by every page and endpoint."""

from django.db import OperationalError
from django.http import Http404, HttpRequest, HttpResponse

from minsheng.core.params import MAX_ID


def _has_nul(request: HttpRequest) -> bool:
    if "\x00" in request.path:
        return True
    for data in (request.GET, request.POST) if request.method == "POST" else (request.GET,):
        for key, values in data.lists():
            if "\x00" in key or any(isinstance(v, str) and "\x00" in v for v in values):
                return True
    return False


def _has_oversized_number(request: HttpRequest) -> bool:
    # A form's choice of a record (a ModelChoiceField, a multi-select of projects) looks its id up
    # before any validation can refuse it, and SQLite cannot even bind an integer past a bigint.
    # No form field of this system holds a whole number that large, so such a value is refused
    # here. (Query strings go through core/params.py, which answers in each interface's format.)
    if request.method != "POST":
        return False
    return any(isinstance(v, str) and len(v) > 18 and v.isascii() and v.isdigit() and int(v) > MAX_ID
               for _key, values in request.POST.lists() for v in values)


def _refuse(request: HttpRequest, message: str) -> HttpResponse:
    from minsheng.core.errors import bad_request
    from minsheng.core.params import InvalidParameter

    return bad_request(request, InvalidParameter(message))


class RejectNulBytes:
    """A NUL in the path, a query parameter or a form field is never meant, and PostgreSQL refuses
    it in text: one 400 page here instead of a server error wherever the value would reach a query.
    (JSON bodies are the API serializers' business: their CharFields already refuse NUL.)

    The same place drops ids no table can hold: an ``<int:…>`` in a URL beyond a bigint would
    overflow the query, so it is simply not found."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.utils.translation import gettext as _

        if _has_nul(request):
            return _refuse(request, _("请求中含有空字符（NUL），无法处理。"))
        if _has_oversized_number(request):
            return _refuse(request, _("请求中的数字超出可处理的范围。"))
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        if any(isinstance(v, int) and not isinstance(v, bool) and not 0 <= v <= MAX_ID
               for v in [*view_args, *view_kwargs.values()]):
            raise Http404


class BusyDatabase:
    """SQLite lets one writer at a time; when two workflow steps collide past the lock timeout the
    second gets 'database is locked'. That is a moment's congestion, not a fault: answer 503 with
    Retry-After and a page that says so. (Production runs PostgreSQL, which does not lock this way.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception):
        if isinstance(exception, OperationalError) and "database is locked" in str(exception):
            from minsheng.core.errors import busy

            return busy(request)
        return None
