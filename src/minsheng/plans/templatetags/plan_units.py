"""How the import preview shows a collective name: 各区、县(市)政府 → 上城区、拱墅区… (what loading will do)."""

from __future__ import annotations

import dataclasses

from django import template

from minsheng.core.collective import parse_collective
from minsheng.core.resolve import find_region, member_regions

register = template.Library()


@register.simple_tag(takes_context=True)
def collective_members(context, name: str, document: dict, project: dict) -> dict | None:
    """None for a plain unit name; else {"members": "上城区、拱墅区", "flagged": bool} as loading would expand it."""
    collective = parse_collective(name)
    if collective is None:
        return None
    # One lookup of the plan's region and of each collective's members per page, however many rows show.
    cache = context.render_context.setdefault("collective_members", {})
    region_name = (document.get("plan") or {}).get("region") or ""
    if region_name not in cache:
        cache[region_name] = find_region(region_name) if region_name else None
    region = cache[region_name]
    if region is None:
        return {"members": "", "flagged": True}
    key = (region_name, name)
    if key not in cache:
        # Every member as 各… would have it; 相关… is narrowed below by this row's allocation table.
        cache[key] = member_regions(region, dataclasses.replace(collective, related=False))
    members = cache[key]
    if collective.related:
        allocated = {a.get("region") for a in project.get("allocations") or []}
        members = [r for r in members if r.name in allocated or set(r.aliases) & allocated]
    return {"members": "、".join(r.name for r in members), "flagged": not members}
