"""Suggesting the handling unit: coordinators' rules over category, region and keywords.

A rule fires when every condition it sets holds (an empty condition always holds). Among the rules
that fire, the highest priority wins, then the most specific (most conditions set), then the lowest
id so the choice never depends on database order. The suggestion carries its reasons in words, so
the coordinator sees why before accepting or reassigning.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Rule:
    id: int
    name: str
    unit_id: int
    unit_name: str
    category_id: int | None = None
    category_name: str = ""
    # The rule's region and every region below it, so a city rule covers its districts.
    region_ids: frozenset[int] = frozenset()
    region_name: str = ""
    keywords: tuple[str, ...] = ()
    priority: int = 0

    @property
    def specificity(self) -> int:
        return (self.category_id is not None) + bool(self.region_ids) + bool(self.keywords)


@dataclass(frozen=True)
class AppealFacts:
    category_id: int | None
    region_id: int | None
    text: str


@dataclass
class Suggestion:
    unit_id: int | None
    unit_name: str = ""
    rule_id: int | None = None
    reasons: list[str] = field(default_factory=list)

    def explain(self) -> str:
        return "；".join(self.reasons)


def parse_keywords(text: str) -> tuple[str, ...]:
    """Keywords as coordinators type them: separated by commas (either width), 、 or spaces."""
    for sep in "，、;；\n\t ":
        text = text.replace(sep, ",")
    return tuple(dict.fromkeys(k.strip() for k in text.split(",") if k.strip()))


def _reasons(rule: Rule, facts: AppealFacts) -> list[str] | None:
    reasons = [f"规则「{rule.name}」"]
    if rule.category_id is not None:
        if facts.category_id != rule.category_id:
            return None
        reasons.append(f"类别为「{rule.category_name}」")
    if rule.region_ids:
        if facts.region_id not in rule.region_ids:
            return None
        reasons.append(f"区划在「{rule.region_name}」内")
    if rule.keywords:
        hits = [k for k in rule.keywords if k in facts.text]
        if not hits:
            return None
        reasons.append(f"内容含关键词「{'、'.join(hits)}」")
    return reasons


def suggest(rules: Iterable[Rule], facts: AppealFacts) -> Suggestion:
    fired = [(rule, reasons) for rule in rules if (reasons := _reasons(rule, facts)) is not None]
    if not fired:
        return Suggestion(unit_id=None, reasons=["没有规则命中，请统筹单位指定承办单位"])
    rule, reasons = min(fired, key=lambda pair: (-pair[0].priority, -pair[0].specificity, pair[0].id))
    reasons.append(f"建议交「{rule.unit_name}」办理")
    return Suggestion(unit_id=rule.unit_id, unit_name=rule.unit_name, rule_id=rule.id, reasons=reasons)
