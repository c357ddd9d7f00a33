"""Numbers and quantified targets in plan text (see docs/plan-schema.md)."""

from __future__ import annotations

import re

_NUM = re.compile(r"\d+(?:\.\d+)?")


def parse_number(text: str) -> float | None:
    m = _NUM.search(text or "")
    if not m:
        return None
    v = float(m.group())
    return int(v) if v.is_integer() else v


def extract_targets(text: str) -> list[dict]:
    return []
