"""Chinese numerals both ways, through cn2an: one reading of 十二, 二〇二四 or 二十六万九千 for the
whole project, and one way of writing 第十二期 or 壹拾贰."""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache

import cn2an

_NUMERAL_CHARS = frozenset("零〇一二两三四五六七八九十百千万亿")


@lru_cache(maxsize=4096)
def chinese_value(numeral: str) -> int | float | None:
    """A bare numeral (二十六万九千 → 269000, 十 → 10); None for anything cn2an does not read.

    Whole values come back as ``int``.
    """
    try:
        value = Decimal(str(cn2an.cn2an(numeral, "smart")))
    except Exception:  # cn2an raises assorted errors on anything it does not read
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def chinese_int(text: str) -> int | None:
    """A whole number written in digits or Chinese numerals only (12, 十二, 二〇二四); else None."""
    text = text.strip()
    if text.isdigit():
        return int(text)
    if not text or not set(text) <= _NUMERAL_CHARS:
        return None
    value = chinese_value(text)
    return value if isinstance(value, int) else None


def chinese(n: int, capital: bool = False) -> str:
    """12 → 十二 (capital: 壹拾贰), as headings, 第N期 and Word's Chinese list numbering write it."""
    return cn2an.an2cn(n, "up" if capital else "low")
