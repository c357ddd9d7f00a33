"""Collective names in documents: 各区、县(市)政府, 相关区政府, 各镇街, 各有关单位.

Such a name is not a unit: it stands for the member governments of the plan's region (all of
them after 各, those the allocation table names after 相关/有关). These are plain rules on
names; ``core.resolve`` applies them to the region tree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Region kinds by how their names end. Zones (风景名胜区, 开发区…) end in 区 but are run by a
# 管委会, not a government: 各区政府 does not include them, 各区政府(管委会) does.
ZONE_ENDINGS = ("风景名胜区", "旅游度假区", "度假区", "开发区", "经开区", "高新区", "新区", "管理区", "园区", "景区")
_BODY_KINDS = (("街", "subdistrict"), ("镇", "town"), ("乡", "township"), ("县", "county"), ("市", "city"),
               ("区", "district"))
TOWN_KINDS = frozenset({"town", "township", "subdistrict"})

_GOVERNMENTS = re.compile(
    r"^(?P<prefix>各有关|各相关|各|相关|有关)"
    r"(?P<body>[区县市镇乡街道、,，()（）/和及与]+?)"
    r"(?P<suffix>人民政府|政府|党委政府|党委和政府|办事处|管委会)?"
    r"(?:[(（](?P<extra>管委会)[)）])?$"
)
_DEPARTMENTS = re.compile(
    r"^(?:各有关|各相关|各|相关|有关|其他有关|其他相关|市级有关|市级相关|市直有关|市直各|市各|区各|县各|区级有关|县级有关)"
    r"[\u4e00-\u9fff]{0,6}(?:单位|部门|机构|企业)$"
)


@dataclass(frozen=True)
class Collective:
    text: str
    related: bool  # 相关/有关: only the members the allocation table names
    kinds: frozenset[str]  # region kinds it covers; empty for a collective of departments
    governments: bool  # False: 各有关单位 and the like, which no region tree can expand

    @property
    def towns(self) -> bool:
        return bool(self.kinds) and self.kinds <= TOWN_KINDS


def parse_collective(name: str) -> Collective | None:
    """What a printed name covers, or None when it names one unit."""
    m = _GOVERNMENTS.match(name)
    if m and any(ch in m["body"] for ch, _ in _BODY_KINDS):
        body = m["body"]
        kinds = {kind for ch, kind in _BODY_KINDS if ch in body}
        if "管委会" in (m["suffix"] or "", m["extra"] or ""):
            kinds.add("zone")
        return Collective(name, related=m["prefix"] != "各", kinds=frozenset(kinds), governments=True)
    if _DEPARTMENTS.match(name):
        return Collective(name, related=not name.startswith("各"), kinds=frozenset(), governments=False)
    return None


def region_kind(name: str) -> str | None:
    """The kind of an administrative region by its name (杭州西湖风景名胜区 → zone)."""
    if name.endswith(ZONE_ENDINGS):
        return "zone"
    for ending, kind in (("街道", "subdistrict"), ("镇", "town"), ("乡", "township"), ("县", "county"),
                         ("区", "district"), ("市", "city")):
        if name.endswith(ending):
            return kind
    return None


def covers(collective: Collective, region_name: str) -> bool:
    return region_kind(region_name) in collective.kinds


def government_name(region_name: str) -> str:
    """The government of a region named the way the seeds name it (上城区人民政府, 茶山街道办事处)."""
    kind = region_kind(region_name)
    if kind == "zone":
        return f"{region_name}管委会"
    if kind == "subdistrict":
        return f"{region_name}办事处"
    return f"{region_name}人民政府"
