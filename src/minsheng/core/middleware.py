"""Request hygiene shared by every page and endpoint."""

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest


class RejectNulBytes:
    """A NUL in a query parameter is never meant and PostgreSQL refuses it in text: answer 400
    with a message instead of a server error. (Forms and API fields already refuse NUL.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if any("\x00" in key or "\x00" in value for key, values in request.GET.lists() for value in values):
            return HttpResponseBadRequest("请求参数中含有空字符（NUL），无法处理。".encode(),
                                          content_type="text/plain; charset=utf-8")
        return self.get_response(request)
