"""Frequent topics and recurring problems in appeal texts, with jieba.

Keywords are jieba's TF-IDF tags, filtered to nouns and verbs-as-nouns so that "反映" or "希望"
do not crowd out "电梯" and "停车". A keyword is a recurring problem in a region when enough
different people raised it (one persistent caller is one voice, not a trend).
"""

from __future__ import annotations

import logging
import threading
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import jieba
import jieba.analyse

jieba.setLogLevel(logging.WARNING)
_lock = threading.Lock()
_ready = False

# Words every appeal uses; they say nothing about the problem.
STOPWORDS = frozenset([
    "问题", "情况", "反映", "希望", "要求", "相关", "部门", "解决", "处理", "市民",
    "群众", "本人", "我们", "你们", "他们", "领导", "政府", "一下", "一个", "现在",
    "目前", "已经", "没有", "非常", "严重", "影响", "谢谢", "请求", "请问", "咨询",
    "投诉", "举报", "求助", "建议", "小区", "居民", "时间", "今天", "昨天", "多次",
    "这个", "那个", "可以", "是否", "什么", "怎么", "如何", "为什么", "能否", "能够",
    "需要", "进行", "工作", "有关", "给予", "帮助", "经常", "一直", "至今", "还是",
    "存在",
])
ALLOW_POS = ("n", "nr", "ns", "nt", "nz", "vn", "an", "l")


def _ensure_loaded() -> None:
    # jieba builds its prefix dictionary lazily and not thread-safely; gunicorn threads share it.
    global _ready
    if not _ready:
        with _lock:
            if not _ready:
                jieba.initialize()
                _ready = True


def words(text: str) -> list[str]:
    _ensure_loaded()
    return [w for w in jieba.lcut(text) if len(w) > 1 and w.strip() and w not in STOPWORDS and not w.isdigit()]


def keywords(text: str, top: int = 5) -> list[str]:
    _ensure_loaded()
    tags = jieba.analyse.extract_tags(text, topK=top * 3, allowPOS=ALLOW_POS)
    return [t for t in tags if t not in STOPWORDS and len(t) > 1][:top]


@dataclass(frozen=True)
class Text:
    id: int
    region_id: int | None
    contact: str
    text: str


@dataclass
class Topic:
    keyword: str
    count: int
    appeal_ids: list[int]


@dataclass
class Recurring:
    keyword: str
    region_id: int | None
    appeal_ids: list[int]
    people: int


def frequent_topics(texts: Iterable[Text], top: int = 20) -> list[Topic]:
    """Keywords by the number of appeals whose own top keywords include them."""
    by_keyword: dict[str, list[int]] = defaultdict(list)
    for item in texts:
        for keyword in keywords(item.text):
            by_keyword[keyword].append(item.id)
    ranked = sorted(by_keyword.items(), key=lambda kv: (-len(kv[1]), kv[0]))[:top]
    return [Topic(keyword=k, count=len(ids), appeal_ids=ids) for k, ids in ranked]


def recurring_problems(texts: Iterable[Text], min_appeals: int = 5, min_people: int = 3) -> list[Recurring]:
    """(keyword, region) pairs raised by at least ``min_people`` different contacts in ``min_appeals`` appeals."""
    groups: dict[tuple[str, int | None], list[Text]] = defaultdict(list)
    for item in texts:
        for keyword in keywords(item.text):
            groups[(keyword, item.region_id)].append(item)
    found = []
    for (keyword, region_id), items in groups.items():
        people = len(Counter(i.contact or f"#{i.id}" for i in items))
        if len(items) >= min_appeals and people >= min_people:
            found.append(Recurring(keyword, region_id, sorted(i.id for i in items), people))
    return sorted(found, key=lambda r: (-len(r.appeal_ids), r.keyword, r.region_id or 0))
