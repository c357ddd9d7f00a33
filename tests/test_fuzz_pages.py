"""No odd input gives a server error: every URL pattern, with real and odd ids, every known query
parameter and every form a page shows, as anonymous, a liaison and a coordinator.

Odd values are the ones that once produced 500s: superscript digits (``"²".isdigit()`` is true but
``int("²")`` fails), ids beyond a bigint, far dates, NUL (PostgreSQL refuses it in text), negative
and fractional numbers, empty and very long strings. Each request runs in a savepoint that is
rolled back, so a POST that changes something cannot steer later requests, and on PostgreSQL one
failed query cannot abort the rest. Requests are sampled with a fixed seed to stay within a minute.
"""

from __future__ import annotations

import random
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from tests.helpers import login

pytestmark = pytest.mark.django_db

SRC = Path(__file__).resolve().parents[1] / "src" / "minsheng"
ODD = ["²", "9999999999999999999", "-1", "1.5", "\x00", "9999-12-31T00:00:00Z", "", "长" * 2000]
ODD_INT_PATH = ["9999999999999999999", "99999999", "0"]
# Parameters every list and API page may be given, whatever its source says; the rest are read from src.
KNOWN_PARAMS = {"on", "status", "group", "name", "plan", "category", "lead_unit", "leader", "region", "unit", "q",
                "sort", "state", "colour", "key_supervision", "escalated", "start", "end", "by", "personal",
                "jurisdiction_id", "start_date", "end_date", "service_request_id", "service_code", "page",
                "period", "project", "year", "edit", "next", "format"}
SKIP_PREFIXES = ("admin/", "i18n/", "staff/logout/", "api/schema/")
SKIP_FORMS = ("/staff/logout/", "/i18n/setlang/")


def _param_names() -> set[str]:
    names = set(KNOWN_PARAMS)
    pattern = re.compile(r"""(?:GET|params|query_params)\.get\(\s*["'](\w+)["']|(?:as_int|as_date|_date_param|"""
                         r"""query_int|query_date|query_ids)\((?:\s*\w+\s*,)?\s*["'](\w+)["']""")
    for path in SRC.rglob("*.py"):
        for match in pattern.finditer(path.read_text(encoding="utf-8")):
            names.add(match.group(1) or match.group(2))
    return names


PARAMS = sorted(_param_names())


def _patterns(resolver=None, prefix: str = ""):
    for p in (resolver or get_resolver()).url_patterns:
        if isinstance(p, URLResolver):
            yield from _patterns(p, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), p


PARAM_RE = re.compile(r"<(?:(\w+):)?(\w+)>|\(\?P<(\w+)>[^)]*\)")


def _draft_report(plan) -> None:
    """A draft report of the liaison's unit, so the report page and its form are tried too."""
    from minsheng.core.models import User
    from minsheng.plans.models import ProjectUnit
    from minsheng.progress import services

    unit = User.objects.get(username="liaison").unit
    project = plan.projects.filter(unit_links__unit=unit, unit_links__role=ProjectUnit.Role.LEAD,
                                   targets__isnull=False).order_by("position").first()
    period = services.ensure_periods(plan, timezone.localdate())[0]
    services.open_report(project, unit, period)


def _real_values() -> dict[str, str]:
    from minsheng.appeals.models import Appeal, AppealCategory
    from minsheng.assessment.models import Run, Survey
    from minsheng.plans.models import Plan, PlanImport, Project
    from minsheng.progress.models import FlaggedSupervision, FlagSuggestion, Notice, Period, Report
    from minsheng.supervision.models import DeputyQuestion, Evidence, Finding

    def first(model, **kw) -> str:
        obj = model.objects.filter(**kw).order_by("pk").first()
        return str(obj.pk) if obj else "1"

    plan = Plan.objects.get(region__name="杭州市")
    _draft_report(plan)
    appeal = Appeal.objects.order_by("pk").first()
    return {
        "plans": str(plan.pk), "projects": first(Project, plan=plan), "periods": first(Period, plan=plan),
        "reports": first(Report, period__plan=plan), "flags": first(FlagSuggestion), "lift": first(FlaggedSupervision),
        "notices": first(Notice), "findings": first(Finding), "evidence": first(Evidence),
        "questions": first(DeputyQuestion), "runs": first(Run), "surveys": first(Survey),
        "imports": first(PlanImport), "calendar": str(timezone.localdate().year),
        "appeal": appeal.code if appeal else "MS0000000000",
        "category": AppealCategory.objects.order_by("pk").first().code,
    }


def _value_for(route: str, start: int, name: str, conv: str | None, real: dict[str, str]) -> str:
    before = [s for s in route[:start].split("/") if s and not s.startswith(("<", "("))]
    segment = before[-1].lstrip("^") if before else ""
    if name in ("fmt", "format"):
        return "json" if "open311" in route or "api/" in route else ("xlsx" if "runs" in route else "docx")
    if name == "code":
        return real["category"] if segment in ("services", "categories") else real["appeal"]
    if name == "token":
        return "x"
    if name in ("index",):
        return "0"
    if name == "photo_pk":
        return "1"
    if name == "period_pk":
        return real["periods"]
    if segment == "flags" and "lift" in route:
        return real["lift"]
    return real.get(segment, real.get("calendar") if segment == "calendar" else "1")


def _build(route: str, values: dict[str, str]) -> str:
    def sub(m: re.Match) -> str:
        return values[m.group(2) or m.group(3)]

    path = PARAM_RE.sub(sub, route)
    path = path.replace("^", "").replace("$", "").replace("\\.", ".").replace("?", "")
    return "/" + path


def _urls(real: dict[str, str]) -> list[tuple[str, str, list[str], list[str]]]:
    """(route, url with real values, urls with one odd path value each, parameters the view reads)."""
    out = []
    for route, pattern in _patterns():
        if route.startswith(SKIP_PREFIXES) or "drf_format_suffix" in route:
            continue
        params = [(m.group(1), m.group(2) or m.group(3), m.start()) for m in PARAM_RE.finditer(route)]
        values = {name: _value_for(route, start, name, conv, real) for conv, name, start in params}
        odd_urls = []
        for conv, name, _start in params:
            for odd in ODD_INT_PATH if conv == "int" else ODD:
                if odd == "" or (name in ("fmt", "format") and not odd.isalpha()):
                    continue
                odd_urls.append(_build(route, {**values, name: quote(odd, safe="")}))
        out.append((route, _build(route, values), odd_urls, _view_params(pattern)))
    return out


class _Forms(HTMLParser):
    """The POST forms of a page: action and field names with their default values."""

    def __init__(self):
        super().__init__()
        self.forms: list[tuple[str, dict[str, str]]] = []
        self._current: dict[str, str] | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "").lower() == "post":
            self._current = {}
            self.forms.append((a.get("action") or "", self._current))
        elif (self._current is not None and tag in ("input", "select", "textarea") and a.get("name")
              and a.get("type") not in ("file", "submit", "button")):
            self._current.setdefault(a["name"], a.get("value") or "")

    def handle_endtag(self, tag):
        if tag == "form":
            self._current = None


class Fuzzer:
    def __init__(self, client: Client, rng: random.Random):
        self.client, self.rng, self.failures, self.requests = client, rng, [], 0

    def send(self, method: str, url: str, data: dict | None = None):
        sid = transaction.savepoint()
        try:
            response = getattr(self.client, method)(url, data or {})
        finally:
            transaction.savepoint_rollback(sid)
            transaction.set_rollback(False)
        self.requests += 1
        if response.status_code >= 500:
            exc = getattr(response, "exc_info", None)
            reason = repr(exc[1])[:200] if exc else response.content[:200]
            self.failures.append(f"{method.upper()} {url[:120]} {str(data)[:120] if data else ''} "
                                 f"-> {response.status_code} {reason}")
        return response


def _view_params(pattern: URLPattern) -> list[str]:
    """The known parameters the view's module names: the ones worth trying one at a time."""
    callback = getattr(pattern.callback, "cls", None) or pattern.callback
    module = getattr(callback, "__module__", "")
    if not module.startswith("minsheng."):
        return []
    path = SRC.parent / (module.replace(".", "/") + ".py")
    text = path.read_text(encoding="utf-8")
    # List filters are declared apart: in the app's filters.py (``category = IdFilter(...)``), and
    # an API list names its FilterSet.
    filterset = getattr(callback, "filterset_class", None)
    declared = set(filterset.base_filters) if filterset else set()
    if path.with_name("filters.py").exists():
        declared |= set(re.findall(r"^    (\w+) = \w*(?:Filter|Field)\(",
                                   path.with_name("filters.py").read_text(encoding="utf-8"), re.M))
    return [p for p in PARAMS if f'"{p}"' in text or p in declared]


def _run(client: Client, seed: int) -> Fuzzer:
    rng = random.Random(seed)
    fuzz = Fuzzer(client, rng)
    real = _real_values()
    pages = []
    for _route, url, odd_urls, own_params in _urls(real):
        response = fuzz.send("get", url)
        if response.status_code == 200 and response.get("Content-Type", "").startswith("text/html"):
            pages.append((url, response.content.decode()))
        for odd_url in rng.sample(odd_urls, min(2, len(odd_urls))):
            fuzz.send("get", odd_url)
        # Every known parameter at once with one odd value (a sample of them)...
        for odd in rng.sample(ODD, 2):
            fuzz.send("get", url, {p: odd for p in PARAMS})
        # ...and, since a 400 for the first bad parameter hides the others, parameters the view's
        # module names alone (a sample: each role draws its own).
        for p in rng.sample(own_params, min(3, len(own_params))):
            fuzz.send("get", url, {p: rng.choice(ODD[:6])})
    for url, html in pages:
        parser = _Forms()
        parser.feed(html)
        for action, fields in parser.forms:
            target = action or url
            if not target.startswith("/") or target.startswith(SKIP_FORMS) or not fields:
                continue
            for odd in rng.sample(ODD, 2):
                fuzz.send("post", target, {k: odd for k in fields})
            names = [k for k in fields if k != "csrfmiddlewaretoken"]
            for name in rng.sample(names, min(8, len(names))):
                fuzz.send("post", target, {**fields, name: rng.choice(ODD[:6])})
    return fuzz


@pytest.mark.parametrize("role", ["anonymous", "liaison", "coordinator"])
def test_no_server_error_from_odd_input(client, users, role):
    client.raise_request_exception = False
    if role != "anonymous":
        login(client, users[role])
    fuzz = _run(client, seed=sum(map(ord, role)))
    assert fuzz.requests > 300
    assert not fuzz.failures, f"{len(fuzz.failures)} of {fuzz.requests} requests failed:\n" + "\n".join(
        fuzz.failures[:60])
