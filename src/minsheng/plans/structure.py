"""Which projects of a document are pieces of another: numbered sub-items and voted key projects.

Plain rules over the projects of a minsheng.plan/1 document (no database), applied at load time:

- **Sub-items**: ``1-1``, ``1-2`` belong to item ``1`` of the same list (the nearest one above
  them). When the list has no item ``1`` of its own (a table whose 序号 row only names the
  project, as in Tianning's 附件2), the parent is *implied*: one is made from the name the
  sub-items share.
- **Key projects carried out by another list**: a list of titled projects (Wuxi's 附件1, the ten
  projects voted by the People's Congress) whose every project is carried out by items of
  another list (附件2: 为民办实事项目) — each key project's clauses (完成老旧小区改造424万平方米, …)
  reappear in those items. Each item goes under the key project it repeats most; such a list is
  the document's voted list (人大票决重点项目). A coordinator can correct any link afterwards.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.utils.translation import gettext_noop

# How the pieces are counted, stated on every page that counts them (applied in progress.rollup).
# Marked, not translated, here: notices and assessment notes store it as Chinese; pages translate it.
ROLLUP_RULE = gettext_noop("上级项目（人大票决项目、含1-1等子项的项目）不单独计数："
                           "其进度为各子项目进度（各自封顶100%）的平均，"
                           "设有权重的按权重加权；项目数、状态统计、排名和考核只计子项目。")

_SUB_REF = re.compile(r"^(\d+)[-－—](\d+)$")
_CLAUSES = re.compile(r"[，。；、,;：:！!？?]")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_CJK = re.compile(r"[\u4e00-\u9fff]+")

# A clause of a key project "reappears" in an item when this share of its two-character pieces
# do and all of its figures are there too. Short clauses say too little to tell (新增中小学 is in
# many items): a clause needs this many pieces, fewer when it carries a figure (托育机构20家).
CLAUSE_COVERAGE = 0.75
MIN_CLAUSE_PAIRS = 5
MIN_CLAUSE_PAIRS_WITH_FIGURE = 3
# A list is a key-project list only when nearly every one of its projects is carried out below.
KEY_LIST_SHARE = 0.8


@dataclass
class ImpliedParent:
    section: str | None
    ref: str
    name: str
    category: str | None
    children: list[int] = field(default_factory=list)


@dataclass
class Links:
    parents: dict[int, int] = field(default_factory=dict)  # child index -> parent index
    implied_parents: dict[int, tuple[str | None, str]] = field(default_factory=dict)  # child -> implied key
    implied: dict[tuple[str | None, str], ImpliedParent] = field(default_factory=dict)
    voted: set[int] = field(default_factory=set)
    reasons: dict[int, str] = field(default_factory=dict)  # child index -> why it was linked


def _pairs(text: str) -> set[str]:
    return {run[i:i + 2] for run in _CJK.findall(text) for i in range(len(run) - 1)}


def _numbers(text: str) -> set[str]:
    return set(_NUMBER.findall(text))


def _text(project: dict) -> str:
    return f"{project.get('name') or ''}。{project.get('content') or ''}"


def clause_found(clause: str, pairs: set[str], numbers: set[str]) -> bool:
    own = _pairs(clause)
    if len(own) < (MIN_CLAUSE_PAIRS_WITH_FIGURE if _numbers(clause) else MIN_CLAUSE_PAIRS):
        return False
    return len(own & pairs) / len(own) >= CLAUSE_COVERAGE and _numbers(clause) <= numbers


def shared_clauses(parent: dict, child: dict) -> int:
    """How many clauses of the parent's details reappear in the child's text."""
    pairs, numbers = _pairs(_text(child)), _numbers(_text(child))
    details = parent.get("content") or parent.get("name") or ""
    return sum(clause_found(c, pairs, numbers) for c in _CLAUSES.split(details))


def _sub_items(projects: list[dict], links: Links) -> None:
    last_by_ref: dict[tuple[str | None, str], int] = {}
    for i, p in enumerate(projects):
        ref, section = p.get("ref") or "", p.get("section")
        m = _SUB_REF.match(ref)
        if not m:
            if ref:
                last_by_ref[(section, ref)] = i
            continue
        key = (section, m.group(1))
        if key in last_by_ref:
            links.parents[i] = last_by_ref[key]
            links.reasons[i] = f"编号{ref}为第{m.group(1)}项的子项"
            continue
        implied = links.implied.setdefault(key, ImpliedParent(section, m.group(1), "", p.get("category")))
        implied.children.append(i)
        links.implied_parents[i] = key
        links.reasons[i] = f"编号{ref}为第{m.group(1)}项的子项"
    for implied in links.implied.values():
        names = Counter(projects[i]["name"] for i in implied.children)
        implied.name = names.most_common(1)[0][0]


def _key_lists(projects: list[dict], links: Links) -> None:
    sections: dict[str | None, list[int]] = defaultdict(list)
    for i, p in enumerate(projects):
        sections[p.get("section")].append(i)
    for section, members in sections.items():
        if len(sections) < 2 or any(_SUB_REF.match(projects[i].get("ref") or "") for i in members):
            continue
        if not all(projects[i].get("content") for i in members):
            continue  # a key project is a titled one: a short name, then what it delivers
        chosen: dict[int, tuple[int, int]] = {}  # child -> (shared clauses, parent)
        for other, items in sections.items():
            if other == section or len(items) <= len(members):
                continue
            for child in items:
                if child in links.parents or child in links.implied_parents:
                    continue
                best = max(((shared_clauses(projects[parent], projects[child]), -parent) for parent in members),
                           default=(0, 0))
                if best[0] > 0:
                    chosen[child] = (best[0], -best[1])
        carried = {parent for _, parent in chosen.values()}
        if not members or len(carried) < KEY_LIST_SHARE * len(members):
            continue
        for child, (shared, parent) in chosen.items():
            links.parents[child] = parent
            links.reasons[child] = f"与{projects[parent].get('section') or ''}第{projects[parent].get('ref') or ''}项" \
                                   f"有{shared}处相同内容"
        links.voted.update(members)


def link_projects(projects: list[dict]) -> Links:
    links = Links()
    _sub_items(projects, links)
    _key_lists(projects, links)
    return links
