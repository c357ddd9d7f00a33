"""Reading query-string parameters: one place that knows what a well-formed id, number or date is.

``"²".isdigit()`` is true yet ``int("²")`` fails, ``date.fromisoformat("9999-12-31")`` parses but
adding a day to it overflows, and a 20-digit id overflows the database's integer: each was a
server error. The readers here answer a 400 (``InvalidParameter``, a ``BadRequest``) for a value
that is present but malformed, and the default for one that is missing or empty.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from decimal import Decimal

from django.core.exceptions import BadRequest
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

MAX_ID = 2**63 - 1  # BigAutoField, the ids of every table
MAX_INT = 2**31 - 1  # a plain IntegerField, and any count a parameter can sensibly ask for
YEARS = range(1900, 2101)  # dates outside these are typing errors, and far ones overflow date arithmetic
# Report figures: SQLite keeps 15 significant digits and Django reads a column with 20 digits
# back through a 15-digit float, so 16 integer digits can come back as 17 and the read fails.
# Below 10**15 (a thousand trillion, far beyond any plan's figure) every backend is exact enough.
MAX_FIGURE = Decimal("999999999999999")


class InvalidParameter(BadRequest):
    """A query parameter that is present but malformed: answered with a 400 page."""


def parse_int(text: str, low: int = 0, high: int = MAX_ID) -> int:
    """ASCII digits (with a minus when ``low`` is negative) within ``low..high``; ValueError otherwise."""
    text = text.strip()
    digits = text[1:] if text.startswith("-") and low < 0 else text
    if not (digits.isascii() and digits.isdigit()) or len(digits) > 20:
        raise ValueError(text)
    value = int(text)
    if not low <= value <= high:
        raise ValueError(text)
    return value


def parse_date(text: str) -> datetime.date:
    """An ISO date (YYYY-MM-DD) in a plausible year; ValueError otherwise."""
    text = text.strip()
    if not text.isascii():
        raise ValueError(text)
    value = datetime.date.fromisoformat(text)
    if value.year not in YEARS:
        raise ValueError(text)
    return value


def parse_moment(text: str) -> datetime.datetime:
    """A W3C/ISO date-time in a plausible year (naive values are read as local time); ValueError otherwise."""
    from django.utils import timezone

    text = text.strip()
    if not text.isascii():
        raise ValueError(text)
    moment = parse_datetime(text)  # raises ValueError itself for a well-formed but impossible date
    if moment is None or moment.year not in YEARS:
        raise ValueError(text)
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


def invalid(key: str, value: str) -> InvalidParameter:
    """The 400 for parameter ``key`` holding the malformed ``value``."""
    return InvalidParameter(_("参数 %(key)s 的值无效：%(value)s") % {"key": key, "value": value[:50]})


def query_int(params: Mapping, key: str, default: int | None = None, *, low: int = 0,
              high: int = MAX_ID) -> int | None:
    """``params[key]`` as an int in ``low..high``; ``default`` when absent or empty; 400 when malformed."""
    value = params.get(key, "")
    if not value.strip():
        return default
    try:
        return parse_int(value, low, high)
    except ValueError:
        raise invalid(key, value) from None


def query_date(params: Mapping, key: str, default: datetime.date | None = None) -> datetime.date | None:
    """``params[key]`` as an ISO date in 1900–2100; ``default`` when absent or empty; 400 when malformed."""
    value = params.get(key, "")
    if not value.strip():
        return default
    try:
        return parse_date(value)
    except ValueError:
        raise invalid(key, value) from None


def query_ids(params: Mapping, key: str, limit: int = 100) -> list[int]:
    """A comma-separated list of ids (``?unit=1,2``); 400 when any of them is malformed."""
    out = []
    for part in params.get(key, "").split(",")[:limit]:
        if part.strip():
            try:
                out.append(parse_int(part))
            except ValueError:
                raise invalid(key, part) from None
    return out
