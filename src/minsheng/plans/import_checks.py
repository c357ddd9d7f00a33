"""Warnings a coordinator should see before saving an imported plan (plain functions)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from minsheng.core.collective import parse_collective


@dataclass(frozen=True)
class ImportWarning:
    project: int | None  # index in document["projects"], None for the whole document
    field: str
    message: str


def _sum_by_target(allocations: list[dict]) -> dict[int, Decimal]:
    sums: dict[int, Decimal] = defaultdict(Decimal)
    for a in allocations:
        if a.get("value") is not None:
            sums[a.get("target") or 0] += Decimal(str(a["value"]))
    return sums


def is_additive(unit: str | None) -> bool:
    """Districts' shares add up to counts and amounts; a rate (83%) is each district's own."""
    return "%" not in (unit or "") and "率" not in (unit or "")


def check_document(doc: dict, known_units: set[str], reader_warnings: list[str] = ()) -> list[ImportWarning]:
    warnings = [ImportWarning(None, "document", w) for w in reader_warnings]
    unknown: dict[str, int] = {}
    for i, project in enumerate(doc.get("projects") or []):
        targets = project.get("targets") or []
        for t in targets:
            if t.get("value") is None:
                warnings.append(ImportWarning(i, "targets", f"指标“{t.get('unit') or ''}”缺少数值"))
        if not targets and not project.get("milestones"):
            warnings.append(ImportWarning(i, "targets", "未识别到量化指标，保存后只能按完成情况跟踪"))
        for index, total in _sum_by_target(project.get("allocations") or []).items():
            target = targets[index] if index < len(targets) else {}
            if target.get("value") is None or not is_additive(target.get("unit")):
                continue
            goal, unit = Decimal(str(target["value"])), target.get("unit") or ""
            if total != goal:
                message = f"区县分解合计 {total.normalize():f}{unit}，与目标 {goal.normalize():f}{unit} 不一致"
                warnings.append(ImportWarning(i, "allocations", message))
        if not project.get("lead_units"):
            warnings.append(ImportWarning(i, "lead_units", "未识别到牵头单位"))
        for name in (project.get("lead_units") or []) + (project.get("partner_units") or []):
            if name not in known_units and parse_collective(name) is None:  # a collective is expanded, not created
                unknown.setdefault(name, i)
    for name, i in unknown.items():
        warnings.append(ImportWarning(i, "units", f"单位“{name}”与已知单位不匹配，保存时将新建并标记为待确认"))
    return warnings
