"""Reference data every installation starts with: the workflow's states and the default categories.

Used by the data migration and again by the demo, since test databases that are flushed between
browser tests lose rows that only a migration wrote.
"""

from __future__ import annotations

STATES = [
    # code, label, open
    ("submitted", "待受理", True),
    ("accepted", "已受理", True),
    ("handling", "办理中", True),
    ("answered", "已答复", True),
    ("reopened", "重办", True),
    ("rated", "已评价待裁定", True),
    ("closed", "办结", False),
]

# code, name, group, limit, unit, keywords — the limits the seed governments publish; coordinators change them.
CATEGORIES = [
    ("consult", "咨询", "综合", 3, "workdays", "咨询,政策,请问,怎么办理"),
    ("help", "求助", "综合", 3, "workdays", "求助,帮助,困难"),
    ("suggest", "建议", "综合", 13, "workdays", "建议,意见"),
    ("complaint", "投诉", "综合", 13, "workdays", "投诉,噪音,扰民"),
    ("report", "举报", "综合", 13, "workdays", "举报,违法,违规"),
    ("utility", "水电气暖急修", "急难", 24, "hours", "停水,停电,燃气,漏水,暖气,爆管"),
    ("emergency", "紧急事件", "急难", 2, "hours", "紧急,危险,坍塌,被困"),
]


def seed(state_model, category_model) -> None:
    """Idempotent: existing categories keep the limits a coordinator set."""
    for position, (code, label, is_open) in enumerate(STATES):
        state_model.objects.update_or_create(code=code, defaults={"label": label, "is_open": is_open,
                                                                   "position": position})
    for position, (code, name, group, value, unit, keywords) in enumerate(CATEGORIES):
        category_model.objects.get_or_create(code=code, defaults={
            "name": name, "group": group, "limit_value": value, "limit_unit": unit, "keywords": keywords,
            "position": position,
        })
