"""The access matrix, generated from the URLconf: every URL pattern x every role x GET and the write
methods, with real objects of 杭州 (A) and 无锡 (B). A pattern without an entry in ``matrix.MATRIX``
fails ``test_every_url_pattern_has_an_entry``; a refused request must also leave the database as it was.
"""

from __future__ import annotations

import contextlib

import pytest
from django.contrib import admin
from django.db import transaction
from django.test import Client
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse

from tests.helpers import login
from tests.security.matrix import (
    ADMIN_EXTRA_NAMES,
    ADMIN_REGION_PATHS,
    ANY,
    DENY,
    MATRIX,
    NA,
    NOCHANGE,
    SUPERUSER,
    readonly,
)
from tests.security.probe import fingerprint, probe, satisfies
from tests.security.world import ROLES, Role

pytestmark = pytest.mark.django_db

WRITE_METHODS_API = ("PUT", "PATCH", "DELETE")
# Admin views that belong to the site rather than to a model.
ADMIN_SITE_VIEWS = {"index", "login", "logout", "password_change", "password_change_done", "jsi18n",
                    "autocomplete", "view_on_site", "app_list"}


def walk(resolver: URLResolver | None = None, prefix: str = "", namespace: str = "", with_params: bool = False):
    """(key, route) of every pattern; the key is the namespaced name, or the route if unnamed.
    ``with_params`` adds the number of arguments the pattern takes."""
    for item in (resolver or get_resolver()).url_patterns:
        if isinstance(item, URLResolver):
            ns = f"{namespace}:{item.namespace}" if namespace and item.namespace else (item.namespace or namespace)
            yield from walk(item, prefix + str(item.pattern), ns, with_params)
        elif isinstance(item, URLPattern):
            route = prefix + str(item.pattern)
            name = item.name or route
            key = f"{namespace}:{name}" if namespace else name
            yield (key, route, item.pattern.regex.groups) if with_params else (key, route)


def test_every_url_pattern_has_an_entry():
    keys = {key for key, _ in walk()}
    missing = sorted(k for k in keys if not k.startswith("admin:") and k not in MATRIX)
    stale = sorted(set(MATRIX) - keys)
    assert not missing, f"URL patterns with no entry in tests/security/matrix.py: {missing}"
    assert not stale, f"matrix entries for URL patterns that no longer exist: {stale}"
    unmapped = sorted(f"{m._meta.app_label}.{m._meta.model_name}" for m in admin.site._registry
                      if f"{m._meta.app_label}.{m._meta.model_name}" not in ADMIN_REGION_PATHS)
    assert not unmapped, f"admin models with no region rule in ADMIN_REGION_PATHS: {unmapped}"
    prefixes = [f"admin:{m._meta.app_label}_{m._meta.model_name}_" for m in admin.site._registry]
    prefixes += [f"admin:{name}" for name in ADMIN_EXTRA_NAMES]
    # Unnamed admin routes are redirects onto the named views (object URL -> change, catch-all -> login).
    odd = sorted(k for k in keys if k.startswith("admin:") and k.split(":", 1)[1] not in ADMIN_SITE_VIEWS
                 and "/" not in k and not any(k.startswith(p) for p in prefixes))
    assert not odd, f"admin URLs the generic admin rule does not know: {odd}"


@pytest.fixture(scope="module")
def clients(world, django_db_blocker):
    made = {}
    with django_db_blocker.unblock():
        for role in ROLES:
            client = Client(raise_request_exception=False)
            if role.kind != "anonymous":
                login(client, world.users[role.name])
            made[role.name] = client
        superuser = Client(raise_request_exception=False)
        login(superuser, world.users["admin"])
        made["admin"] = superuser
    return made


def _urls(value) -> list[str]:
    return value if isinstance(value, list) else [value]


def _expected(entry, method: str, role: Role, city: str | None) -> str:
    if method == "GET":
        return entry.get(role, city)
    rule = entry.post if method == "POST" else entry.writes.get(method)
    if rule is None:
        return NA
    if rule is readonly:
        # A POST to a read-only page: refused where the GET is, otherwise answered or 405, never a write.
        seen = entry.get(role, city)
        return {DENY: DENY, NA: NA}.get(seen, ANY)
    return rule(role, city)


def _describe(role, city, method, url, expected, result) -> str:
    what = f"{role.name:<14} {method:<6} city={city or '-'} {url}: expected {expected}, got {result.status}"
    if result.location:
        what += f" -> {result.location}"
    if result.changed:
        what += " AND THE DATABASE CHANGED"
    if result.error:
        what += f" ({result.error})"
    return what


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_access(name, world, clients):
    entry = MATRIX[name]
    before = fingerprint(world)
    failures = []
    methods = ["GET", "POST"]
    sample = _urls(entry.url(world, world.A))[0]
    if sample.startswith(("/api/", "/open311/")):
        methods += WRITE_METHODS_API
    for city in (("A", "B") if entry.per_city else (None,)):
        objects = world.city(city or "A")
        urls = _urls(entry.url(world, objects))
        for method in methods:
            data = entry.data(world, objects) if method != "GET" else None
            for role in ROLES:
                expected = _expected(entry, method, role, city)
                if method != "GET" and expected == ANY:
                    continue  # a write to a page this role may read and that writes nothing: nothing to learn
                # Only the first URL of a list takes writes: the others are format twins of the same view.
                for url in urls if method == "GET" else urls[:1]:
                    # Writes must leave the database as it was; reads are checked for their status.
                    check = method != "GET" and expected in (DENY, NA, NOCHANGE)
                    result = probe(clients[role.name], method, url, data, world, before if check else None)
                    if not satisfies(expected, result.outcome) or (check and result.changed):
                        failures.append(_describe(role, city, method, url, expected, result))
    assert not failures, f"{name}: {len(failures)} cases\n" + "\n".join(failures)


# --- the admin: every registered model, every role, objects of both cities ----------------------------


def _admin_region_objects(model, path, city_region):
    ids = city_region.descendant_ids()
    lookup = "pk__in" if path == "id" else f"{path}__in"
    return model.objects.filter(**{lookup: ids}).order_by("pk")


def _admin_urls(model, obj) -> list[tuple[str, str]]:
    """(kind, url) for the model's admin views; object views for ``obj``."""
    label = f"{model._meta.app_label}.{model._meta.model_name}"
    prefixes = [f"{model._meta.app_label}_{model._meta.model_name}_"]
    prefixes += [name for name, owner in ADMIN_EXTRA_NAMES.items() if owner == label]
    out = []
    for key, _route, params in walk(with_params=True):
        prefix = next((p for p in prefixes if key.startswith("admin:" + p)), None)
        if prefix is None:
            continue
        kind = key.split(":", 1)[1][len(prefix):] or key
        if obj is None and params:
            # Views of a page without rows (django_rq's queues): reached with a made-up id. Job-level
            # views (two ids) sit behind the same gate; they are left out to keep the matrix quick.
            if params > 1:
                continue
            with contextlib.suppress(NoReverseMatch):
                out.append((kind, reverse(key, args=["0"] * params)))
        elif params == 0:
            out.append((kind, reverse(key)))
        elif params == 1 and obj is not None:
            out.append((kind, reverse(key, args=[obj.pk])))
        elif params == 2 and obj is not None and hasattr(obj, "history"):
            record = obj.history.order_by("-history_id").first()
            if record is not None:
                out.append((kind, reverse(key, args=[obj.pk, record.history_id])))
    return out


def _admin_expected(role: Role, kind: str, obj_city: str | None, path) -> str:
    if role.kind != "coordinator" or path == SUPERUSER:
        return DENY
    if obj_city is None:
        # Lists and add forms, and country-wide tables: open to coordinators or kept for superusers.
        return ANY
    return ANY if role.city == obj_city else DENY


@pytest.mark.parametrize("label", sorted(ADMIN_REGION_PATHS))
def test_admin_access(label, world, clients):
    model = next(m for m in admin.site._registry if f"{m._meta.app_label}.{m._meta.model_name}" == label)
    path = ADMIN_REGION_PATHS[label]
    before = fingerprint(world)
    targets: list[tuple[str | None, object]] = []
    if path in (None, SUPERUSER):
        try:
            # In a savepoint: on PostgreSQL the failed query would leave the test's transaction aborted.
            with transaction.atomic():
                first = model.objects.order_by("pk").first()
        except Exception:  # a page without a table (django_rq's dashboard): its list URL is enough
            first = None
        targets.append((None, first))
    else:
        for key in ("A", "B"):
            targets.append((key, _admin_region_objects(model, path, world.city(key).region).first()))
    failures = []
    for obj_city, obj in targets:
        for kind, url in _admin_urls(model, obj):
            object_view = url.rstrip("/").split("/")[-1] not in ("add", model._meta.model_name)
            for role in ROLES:
                expected = _admin_expected(role, kind, obj_city if object_view else None, path)
                for method in ("GET", "POST"):
                    data = {"post": "yes"} if kind == "delete" else {}
                    check = method == "POST" and expected == DENY
                    result = probe(clients[role.name], method, url, data, world, before if check else None,
                                   admin=True)
                    if not satisfies(expected, result.outcome) or (check and result.changed):
                        failures.append(_describe(role, obj_city, method, url, expected, result))
    assert not failures, f"admin {label}: {len(failures)} cases\n" + "\n".join(failures)


@pytest.mark.parametrize("view", ["index", "app_list", "jsi18n", "autocomplete", "password_change"])
def test_admin_site_views_are_for_coordinators(view, world, clients):
    url = reverse(f"admin:{view}", kwargs={"app_label": "plans"} if view == "app_list" else {})
    failures = []
    for role in ROLES:
        expected = ANY if role.kind == "coordinator" else DENY
        result = probe(clients[role.name], "GET", url, None, world, None, admin=True)
        if not satisfies(expected, result.outcome):
            failures.append(_describe(role, None, "GET", url, expected, result))
    assert not failures, "\n".join(failures)
