"""Likely duplicates: the same person writing about the same thing again within a week.

Similarity is the Jaccard overlap of the two texts' word sets (jieba's segmentation, single
characters and punctuation dropped) — robust to reordered sentences, which citizens do when
they resend — with a character-level ratio as the fallback for very short texts.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from difflib import SequenceMatcher

from minsheng.appeals.topics import words

WINDOW = datetime.timedelta(days=7)
THRESHOLD = 0.5


@dataclass(frozen=True)
class Earlier:
    id: int
    received_at: datetime.datetime
    text: str


def similarity(a: str, b: str) -> float:
    wa, wb = set(words(a)), set(words(b))
    if len(wa) >= 3 and len(wb) >= 3:
        return len(wa & wb) / len(wa | wb)
    return SequenceMatcher(None, a, b).ratio()


def likely_duplicate(text: str, received_at: datetime.datetime, earlier: Iterable[Earlier]) -> int | None:
    """The id of the most similar earlier appeal from the same contact within the window, if any."""
    best, best_score = None, THRESHOLD
    for item in earlier:
        if not (received_at - WINDOW <= item.received_at <= received_at):
            continue
        score = similarity(text, item.text)
        if score >= best_score:
            best, best_score = item.id, score
    return best
