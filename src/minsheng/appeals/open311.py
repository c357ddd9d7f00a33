"""Open311 GeoReport v2 at /open311/v2/: services, service definitions, requests and tokens, in JSON and XML.

Mapping: a service is an appeal category; a jurisdiction is a city (its id or name); a request's
``service_request_id`` is the appeal's tracking code, and the ``token`` a POST returns is the
submission key, resolvable at ``tokens/{token}``. The request list shows only appeals whose
authors agreed to publication and whose publication a coordinator approved, in the approved
text; asking for ids explicitly (``service_request_id=``) reads any, since the code is what the
citizen was given. No personal data leaves through this API: every text is masked (core.pii).

A POST needs an API key, creates appeals only in the key's own region, and is limited per key
and per phone. Its answer carries ``secret``, the rating secret, this once (only its hash is kept):
the tracking code is public, rating takes the secret or the phone the citizen gave.
"""

from __future__ import annotations

import datetime
import json
import uuid
from decimal import Decimal, InvalidOperation
from xml.etree import ElementTree

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from minsheng.appeals import selectors, services
from minsheng.appeals.filters import RequestFilterSet
from minsheng.appeals.forms import appeal_regions
from minsheng.appeals.models import Appeal, AppealCategory
from minsheng.appeals.privacy import public_text
from minsheng.core.models import Region
from minsheng.core.params import parse_int

FORMATS = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}
MAX_RESULTS = 1000
YES_NO = [{"key": "yes", "name": "同意公开"}, {"key": "no", "name": "不公开"}]


class Open311Error(Exception):
    def __init__(self, status: int, description: str):
        super().__init__(description)
        self.status, self.description = status, description


# --- rendering ---------------------------------------------------------------------------------------


def _xml_value(parent: ElementTree.Element, key: str, value) -> None:
    node = ElementTree.SubElement(parent, key)
    if isinstance(value, list):
        # Lists nest one element per item, named by the singular of the list (attributes/attribute).
        child = {"attributes": "attribute", "values": "value"}.get(key, "item")
        for item in value:
            _xml_value(node, child, item)
    elif isinstance(value, dict):
        for k, v in value.items():
            _xml_value(node, k, v)
    elif isinstance(value, bool):
        node.text = "true" if value else "false"
    elif value is not None:
        node.text = str(value)


def render(data, fmt: str, root: str, item: str, status: int = 200) -> HttpResponse:
    if fmt == "json":
        body = json.dumps(data, ensure_ascii=False)
    else:
        top = ElementTree.Element(root)
        for entry in data if isinstance(data, list) else [data]:
            if isinstance(data, list):
                _xml_value(top, item, entry)
            else:
                for k, v in entry.items():
                    _xml_value(top, k, v)
        body = '<?xml version="1.0" encoding="utf-8"?>' + ElementTree.tostring(top, encoding="unicode")
    return HttpResponse(body, status=status, content_type=FORMATS[fmt])


def error(fmt: str, status: int, description: str) -> HttpResponse:
    return render([{"code": status, "description": description}], fmt if fmt in FORMATS else "json",
                  "errors", "error", status=status)


def endpoint(view):
    """Format check and the standard's error list for every Open311 view."""

    def wrapper(request: HttpRequest, fmt: str, **kwargs) -> HttpResponse:
        if fmt not in FORMATS:
            return error("json", 404, "format must be json or xml")
        try:
            return view(request, fmt, **kwargs)
        except Open311Error as exc:
            return error(fmt, exc.status, exc.description)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return csrf_exempt(wrapper)


def _iso(moment: datetime.datetime | None) -> str | None:
    return timezone.localtime(moment).isoformat(timespec="seconds") if moment else None


# --- jurisdictions and services ------------------------------------------------------------------------


def jurisdiction(value: str) -> Region | None:
    if not value:
        return None
    try:
        region = Region.objects.filter(pk=parse_int(value)).first()
    except ValueError:
        region = Region.objects.filter(name=value[:100]).first()
    if region is None:
        raise Open311Error(404, f"jurisdiction_id not found: {value}")
    return region


def _districts(region: Region | None) -> list[Region]:
    regions = appeal_regions()
    if region is not None:
        ids = region.descendant_ids()
        regions = [r for r in regions if r.pk in ids]
    return regions


def service_json(category: AppealCategory) -> dict:
    return {
        "service_code": category.code,
        "service_name": category.name,
        "description": category.description or f"办理时限 {category.limit.describe()}",
        "metadata": True,
        "type": "realtime",
        "keywords": category.keywords.replace("，", ",") or None,
        "group": category.group or None,
    }


@endpoint
@require_http_methods(["GET"])
def service_list(request: HttpRequest, fmt: str) -> HttpResponse:
    jurisdiction(request.GET.get("jurisdiction_id", ""))
    data = [service_json(c) for c in AppealCategory.objects.filter(active=True)]
    return render(data, fmt, "services", "service")


@endpoint
@require_http_methods(["GET"])
def service_definition(request: HttpRequest, fmt: str, code: str) -> HttpResponse:
    region = jurisdiction(request.GET.get("jurisdiction_id", ""))
    category = AppealCategory.objects.filter(active=True, code=code).first()
    if category is None:
        raise Open311Error(404, f"service_code not found: {code}")
    attributes = [
        {"variable": True, "code": "district", "datatype": "singlevaluelist", "required": False,
         "datatype_description": "区县", "order": 1, "description": "诉求发生地所在区县",
         "values": [{"key": str(r.pk), "name": r.name} for r in _districts(region)]},
        {"variable": True, "code": "title", "datatype": "string", "required": False,
         "datatype_description": "不超过 100 字", "order": 2, "description": "诉求标题", "values": []},
        {"variable": True, "code": "publish", "datatype": "singlevaluelist", "required": False,
         "datatype_description": "默认不公开", "order": 3, "description": "是否同意在留言板公开（不含个人信息）",
         "values": YES_NO},
    ]
    data = {"service_code": category.code, "attributes": attributes}
    return render(data, fmt, "service_definition", "attribute")


# --- requests -------------------------------------------------------------------------------------------


def request_json(appeal: Appeal) -> dict:
    due = appeal.handle_due or appeal.accept_due
    text = public_text(appeal)
    return {
        "service_request_id": appeal.code,
        "status": "open" if appeal.state.is_open else "closed",
        "status_notes": appeal.state.label + (f"：{text.answer}" if text.answer else ""),
        "service_name": appeal.category.name,
        "service_code": appeal.category.code,
        "description": f"{text.title}\n{text.content}"[:4000],
        "agency_responsible": str(appeal.unit) if appeal.unit else None,
        "service_notice": f"办理时限 {appeal.category.limit.describe()}",
        "requested_datetime": _iso(appeal.received_at),
        "updated_datetime": _iso(appeal.updated_at),
        "expected_datetime": _iso(due) if appeal.state.is_open else None,
        "address": text.address or None,
        "address_id": None,
        "zipcode": None,
        "lat": float(appeal.latitude) if appeal.latitude is not None else None,
        "long": float(appeal.longitude) if appeal.longitude is not None else None,
        "media_url": None,
    }


def _requests(request: HttpRequest):
    ids = [i.strip() for i in request.GET.get("service_request_id", "").split(",") if i.strip()]
    if ids:
        appeals = Appeal.objects.select_related("category", "state", "unit", "publication")
        return appeals.filter(code__in=ids[:MAX_RESULTS]).order_by("-received_at")
    region = jurisdiction(request.GET.get("jurisdiction_id", ""))
    appeals = selectors.public_appeals()
    if region is not None:
        appeals = appeals.filter(region_id__in=region.descendant_ids())
    filters = RequestFilterSet(request.GET, appeals)
    if not filters.is_valid():
        raise Open311Error(400, filters.first_error())
    return filters.qs.order_by("-received_at")[:MAX_RESULTS]


def _decimal(request: HttpRequest, key: str, low: int, high: int) -> Decimal | None:
    value = request.POST.get(key, "").strip()
    if not value:
        return None
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise Open311Error(400, f"{key} must be a number") from None
    if not number.is_finite() or not low <= number <= high:
        raise Open311Error(400, f"{key} out of range")
    return number.quantize(Decimal("0.000001"))


def _create(request: HttpRequest, fmt: str) -> HttpResponse:
    key = services.check_key(request.POST.get("api_key", ""))
    if key is None:
        raise Open311Error(403, "api_key was not provided or is invalid")
    region = jurisdiction(request.POST.get("jurisdiction_id", "")) or key.region
    if region.pk not in key.region.descendant_ids():
        raise Open311Error(403, "api_key is not valid for this jurisdiction_id")
    code = request.POST.get("service_code", "").strip()
    if not code:
        raise Open311Error(400, "service_code was not provided")
    category = AppealCategory.objects.filter(active=True, code=code).first()
    if category is None:
        raise Open311Error(400, f"service_code not found: {code}")
    lat, long = _decimal(request, "lat", -90, 90), _decimal(request, "long", -180, 180)
    address = (request.POST.get("address_string", "") or request.POST.get("address_id", "")).strip()[:200]
    if (lat is None or long is None) and not address:
        raise Open311Error(400, "a location is required: lat and long, or address_string, or address_id")
    description = request.POST.get("description", "").strip()
    if not description:
        raise Open311Error(400, "description was not provided")
    if len(description) > 4000:
        raise Open311Error(400, "description is longer than 4000 characters")
    district = request.POST.get("attribute[district]", "").strip()
    if district:
        place = next((r for r in _districts(region) if str(r.pk) == district), None)
        if place is None:
            raise Open311Error(400, f"attribute[district] is not a value of this service: {district}")
        region = place
    else:
        region = next((r for r in _districts(region) if r.name in address and r.pk != region.pk), region)
    name = (request.POST.get("last_name", "") + request.POST.get("first_name", "")).strip()[:50]
    token = uuid.uuid4()
    intake = services.Intake(
        category=category, region=region, content=description, title=request.POST.get("attribute[title]", "")[:100],
        address=address, latitude=lat, longitude=long, name=name, phone=request.POST.get("phone", "")[:20],
        publish=request.POST.get("attribute[publish]", "") == "yes", submission_key=token,
    )
    try:
        # Limited per key and per phone; not per address, which is the calling platform's.
        appeal = services.submit(intake, channel=Appeal.Channel.OPEN311, actor_label=f"Open311：{key.name}",
                                 api_key=key, rate_limit=True)
    except services.RateLimited as exc:
        raise Open311Error(429, str(exc)) from None
    notice = (f"已收到，1 个工作日内受理，办理时限 {category.limit.describe()}。"
              f"评价密码 {appeal.secret}（只返回这一次，请转告留言人，评价答复时需要）")
    data = [{"service_request_id": appeal.code, "token": str(token), "service_notice": notice, "account_id": None,
             "secret": appeal.secret}]
    return render(data, fmt, "service_requests", "request")


@endpoint
@require_http_methods(["GET", "POST"])
def requests(request: HttpRequest, fmt: str) -> HttpResponse:
    if request.method == "POST":
        return _create(request, fmt)
    return render([request_json(a) for a in _requests(request)], fmt, "service_requests", "request")


@endpoint
@require_http_methods(["GET"])
def request_detail(request: HttpRequest, fmt: str, code: str) -> HttpResponse:
    appeal = Appeal.objects.select_related("category", "state", "unit", "publication").filter(code=code).first()
    if appeal is None:
        raise Open311Error(404, f"service_request_id not found: {code}")
    return render([request_json(appeal)], fmt, "service_requests", "request")


@endpoint
@require_http_methods(["GET"])
def token(request: HttpRequest, fmt: str, token: str) -> HttpResponse:
    try:
        key = uuid.UUID(token)
    except ValueError:
        raise Open311Error(404, f"token not found: {token}") from None
    appeal = Appeal.objects.filter(submission_key=key).only("code").first()
    if appeal is None:
        raise Open311Error(404, f"token not found: {token}")
    return render([{"service_request_id": appeal.code, "token": token}], fmt, "service_requests", "request")


@endpoint
@require_http_methods(["GET"])
def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    base = request.build_absolute_uri("/open311/v2/")
    data = {
        "changeset": "2024-10-08T00:00:00+08:00",
        "contact": "12345",
        "key_service": "向统筹单位（发改委/督查室）申请接口密钥",
        "endpoints": [{"specification": "http://wiki.open311.org/GeoReport_v2", "url": base,
                       "changeset": "2024-10-08T00:00:00+08:00", "type": "production", "formats": list(FORMATS)}],
    }
    return render(data, fmt, "discovery", "endpoint")
