"""Finding a plan by what a person types: its number (12), or its region and year (杭州市 2024, 杭州2024年)."""

from __future__ import annotations

import re

from django.db.models import Q

from minsheng.core.params import MAX_ID
from minsheng.plans.models import Plan

# A number (a year when it has four digits, optionally followed by 年) or a run of other characters.
_WORD = re.compile(r"([0-9]+)年?|([^0-9\s]+)")


def all_plans():
    return Plan.objects.select_related("region").order_by("-year", "region__name", "id")


def find_plans(text: str) -> list[Plan]:
    """The plans ``text`` names: by number when it is only digits, else every plan whose year is each
    four-digit number in it and whose region name starts with (or title contains) each other word."""
    text = text.strip()
    plans = all_plans()
    if text.isascii() and text.isdigit():
        return list(plans.filter(pk=int(text))) if int(text) <= MAX_ID else []
    words = _WORD.findall(text)
    if not words:
        return []
    for number, word in words:
        if number:
            plans = plans.filter(year=int(number)) if len(number) == 4 else plans.none()
        else:
            plans = plans.filter(Q(region__name__startswith=word) | Q(title__contains=word))
    return list(plans)


def describe(plan: Plan) -> str:
    """One line naming a plan the way ``find_plans`` can be given it back."""
    return f"编号 {plan.pk}：{plan.region.name} {plan.year} 年《{plan.title}》"
