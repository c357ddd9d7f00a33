"""Sending one request as one role inside a savepoint, classifying the answer, and fingerprinting the
database so a refused write can be shown to have changed nothing."""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass

from django.apps import apps
from django.db import connection, models, transaction
from django.test import Client

from tests.security.matrix import ALLOW, ANY, DENY, NA, NOCHANGE
from tests.security.world import World

INVALID = "invalid"


def minsheng_models() -> list[type[models.Model]]:
    labels = {c.label for c in apps.get_app_configs() if c.name.startswith("minsheng")}
    return [m for m in apps.get_models(include_auto_created=True) if m._meta.app_label in labels]


def _counts_sql() -> str:
    tables = sorted({m._meta.db_table for m in minsheng_models()})
    qn = connection.ops.quote_name
    return "SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {qn(t)})" for t in tables)


def _world_objects(world: World) -> dict[type[models.Model], set[int]]:
    by_model: dict[type[models.Model], set[int]] = {}
    for city in (world.A, world.B):
        for value in vars(city).values():
            if isinstance(value, models.Model):
                by_model.setdefault(type(value), set()).add(value.pk)
    for user in world.users.values():
        by_model.setdefault(type(user), set()).add(user.pk)
    return by_model


def fingerprint(world: World) -> tuple:
    """Row counts of every project table (history included: most edits add a history row) and the
    full rows of every object of the world, which are the ones the requests aim at."""
    with connection.cursor() as cursor:
        cursor.execute(_counts_sql())
        counts = cursor.fetchone()
    rows = []
    for model, pks in sorted(_world_objects(world).items(), key=lambda kv: kv[0]._meta.label):
        values = model.objects.filter(pk__in=pks).order_by("pk").values()
        # last_login moves when a test logs a client in; it is not something a request should change.
        rows.append((model._meta.label, [{k: v for k, v in row.items() if k != "last_login"} for row in values]))
    return counts, repr(rows)


def classify(response, admin: bool = False) -> str:
    status = response.status_code
    if status >= 500:
        return "error"
    if status in (401, 403, 404):
        return DENY
    if status == 400:
        # A form or serializer refusing the values: neither a grant nor a denial by itself; for a
        # refused write the unchanged database is the proof.
        return INVALID
    if status == 405:
        return NA
    if status in (301, 302, 303, 307):
        location = response.get("Location", "")
        if "login" in location:
            return DENY
        # The admin answers an object outside the user's queryset with a redirect to its index.
        if admin and location.rstrip("/").endswith("/admin"):
            return DENY
    return ALLOW


def satisfies(expected: str, outcome: str) -> bool:
    if outcome == "error":
        return False
    if expected == ALLOW:
        return outcome in (ALLOW, INVALID)
    if expected in (DENY, NA):
        return outcome in (DENY, NA, INVALID)
    return expected in (ANY, NOCHANGE)


@dataclass
class Result:
    status: int
    outcome: str
    changed: bool | None
    location: str
    error: str


def send(client: Client, method: str, url: str, data: dict | None = None):
    data = data or {}
    if method == "GET":
        return client.get(url)
    if method == "POST":
        return client.post(url, data)
    return client.generic(method, url, json.dumps(data, default=str), content_type="application/json")


def probe(client: Client, method: str, url: str, data: dict | None, world: World, before: tuple | None,
          admin: bool = False) -> Result:
    """One request in a savepoint that is rolled back; the client's cookies are restored after it,
    so a logout or a language switch does not leak into the next request."""
    saved = copy.deepcopy(client.cookies)
    try:
        with transaction.atomic():
            response = send(client, method, url, data)
            changed = fingerprint(world) != before if before is not None else None
            transaction.set_rollback(True)
    finally:
        client.cookies = saved
    error = ""
    if response.status_code >= 500 and getattr(response, "exc_info", None):
        error = repr(response.exc_info[1])
    return Result(response.status_code, classify(response, admin), changed, response.get("Location", ""), error)
