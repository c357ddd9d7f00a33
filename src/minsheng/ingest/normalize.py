"""Text normalisation shared by the importer.

Everything the importer emits is simplified Chinese, NFKC-normalised, with the spaces that
page layout put inside names removed (``市衛生健康 委員會`` → ``市卫生健康委员会``,
``方  力`` → ``方力``). Spaces between Chinese characters carry no meaning in running
Chinese text, so they are dropped. Callers that must split a cell on wide gaps (two unit
names in one Word cell, ``民政局     卫健委``) or on spaces between people's names
(``漆宪忠 邓伟民``) split the raw text first and normalise the pieces. :func:`normalize` is
idempotent.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from opencc import OpenCC

_CC = OpenCC("t2s")

# CJK ideographs plus the punctuation that sits between them in names.
_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_CLASS = f"[{_CJK}“”‘’()（）〔〕]"
_GAP = re.compile(rf"(?<={_CJK_CLASS})[ \t\u00a0\u3000]+(?={_CJK_CLASS})")
_SPACES = re.compile(r"[ \t\u00a0\u3000]+")
_ALL_SPACE = re.compile(r"\s+")


# Variant characters that OpenCC's t2s leaves alone but the standard list folds
# (第一批异体字整理表): 谘询 → 咨询.
_VARIANTS = str.maketrans({"谘": "咨", "敎": "教", "爲": "为", "擧": "举", "麪": "面", "衹": "只", "菓": "果"})


@lru_cache(maxsize=65536)
def to_simplified(text: str) -> str:
    """Traditional → simplified Chinese (OpenCC ``t2s``); other text is left alone."""
    if not text:
        return text or ""
    return _CC.convert(text).translate(_VARIANTS)


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "")


@lru_cache(maxsize=65536)
def normalize(text: str) -> str:
    """Simplified, NFKC, layout spaces inside Chinese runs removed, line breaks kept."""
    if not text:
        return ""
    t = nfkc(to_simplified(nfkc(text)))
    lines = []
    for line in t.split("\n"):
        line = _GAP.sub("", line)
        line = _SPACES.sub(" ", line).strip()
        lines.append(line)
    return "\n".join(lines).strip()


def normalize_inline(text: str) -> str:
    """:func:`normalize` on one line: line breaks between Chinese text are dropped too."""
    t = normalize(text)
    if "\n" not in t:
        return t
    out = ""
    for p in (p.strip() for p in t.split("\n")):
        if not p:
            continue
        if out and out[-1].isascii() and out[-1].isalnum() and p[0].isascii() and p[0].isalnum():
            out += " "
        out += p
    return out


def squeeze(text: str) -> str:
    """Normalised text with every space and line break removed (names, headers, units)."""
    return _ALL_SPACE.sub("", normalize(text))
