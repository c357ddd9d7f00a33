"""Public pages cached per published revision: a fragment's key holds the plan's revision
number, the language and the day, so a publication (which bumps the revision) or midnight (when
statuses move) makes a new key and the old entry simply expires."""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.core.cache import cache
from django.utils.translation import get_language

from minsheng.portal.selectors import revision

TIMEOUT = 60 * 60 * 6


def cached(kind: str, plan_id: int, on: datetime.date, ident: object, build: Callable[[], str]) -> str:
    key = f"portal:{kind}:{plan_id}:{revision(plan_id)}:{get_language()}:{on.isoformat()}:{ident}"
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, TIMEOUT)
    return value
