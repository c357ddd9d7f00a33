"""Reads for the plan pages: filtered project lists, allocation tables, history."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch, QuerySet

from minsheng.core.calendar import work_calendar
from minsheng.core.models import Person, Region, Unit
from minsheng.plans.filters import ProjectFilterSet
from minsheng.plans.import_checks import is_additive
from minsheng.plans.models import (
    Allocation,
    Funding,
    Milestone,
    Plan,
    Project,
    ProjectLeader,
    ProjectUnit,
    Target,
)


def plan_projects(filters: ProjectFilterSet) -> QuerySet[Project]:
    """The plan page's list: the filtered projects with what their rows show."""
    return filters.page_qs().select_related("category").prefetch_related(
        Prefetch("unit_links", queryset=ProjectUnit.objects.filter(role=ProjectUnit.Role.LEAD)),
        Prefetch("leader_links", queryset=ProjectLeader.objects.select_related("person")),
        "targets",
    )


def filter_choices(plan: Plan) -> dict:
    return {
        "categories": plan.categories.order_by("position"),
        "lead_units": Unit.objects.filter(
            project_links__project__plan=plan, project_links__role=ProjectUnit.Role.LEAD
        ).distinct().order_by("name"),
        "leaders": Person.objects.filter(leader_links__project__plan=plan).distinct().order_by("name"),
        "regions": Region.objects.filter(allocations__project__plan=plan).distinct().order_by("id"),
    }


@dataclass
class PrintedUnit:
    """A unit name as the document printed it, with the units that act for it."""

    label: str
    units: list[Unit]
    collective: bool
    position: int = 0

    @property
    def unexpanded(self) -> bool:
        return self.collective and all(u.kind == Unit.Kind.COLLECTIVE for u in self.units)

    @property
    def needs_review(self) -> bool:
        return not self.collective and any(u.needs_review for u in self.units)

    @property
    def members(self) -> str:
        """上城区、拱墅区…: the member governments by their region, the way people say them."""
        return "、".join(u.region.name for u in self.units)


def printed_units(links) -> list[PrintedUnit]:
    """Unit links grouped back into the names the document printed (links ordered by position)."""
    out: list[PrintedUnit] = []
    for link in links:
        last = out[-1] if out else None
        if link.collective and last is not None and last.collective and last.label == link.label \
                and last.position == link.position:
            last.units.append(link.unit)
            continue
        out.append(PrintedUnit(link.label, [link.unit], link.collective, link.position))
    return out


@dataclass
class AllocationTable:
    targets: list[Target]
    rows: list[tuple[str, list[Decimal | None]]]
    sums: list[Decimal | None]
    # Targets whose allocations do not add up to the target value, with the sum they add up to.
    mismatched: list[tuple[Target, Decimal]] = field(default_factory=list)


def allocation_table(project: Project) -> AllocationTable | None:
    allocations = list(project.allocations.all())
    if not allocations:
        return None
    targets = list(project.targets.all())
    columns = {t.pk: i for i, t in enumerate(targets)}
    width = max(len(targets), 1)
    by_region: dict[str, list[Decimal | None]] = {}
    for a in allocations:
        row = by_region.setdefault(a.label, [None] * width)
        col = columns.get(a.target_id, 0)
        row[col] = (row[col] or 0) + (a.value or 0)
    sums = [
        sum((row[i] for row in by_region.values() if row[i] is not None), Decimal(0))
        if any(row[i] is not None for row in by_region.values())
        else None
        for i in range(width)
    ]
    mismatched = [
        (t, sums[i])
        for i, t in enumerate(targets)
        if sums[i] is not None and t.value is not None and sums[i] != t.value and is_additive(t.unit)
    ]
    return AllocationTable(targets=targets, rows=list(by_region.items()), sums=sums, mismatched=mismatched)


def deadline_notes(dates) -> dict:
    """What a page showing these deadlines must tell about the calendar behind them."""
    calendar = work_calendar()
    dates = [d for d in dates if d]
    moved = {d: calendar.next_workday(d) for d in dates if not calendar.is_workday(d)}
    return {"unpublished_years": calendar.unpublished(dates), "moved": moved}


@dataclass
class HistoryEntry:
    when: object
    who: str
    what: str
    action: str
    changes: list[tuple[str, object, object]]
    counts: dict[str, int] = field(default_factory=dict)


_HISTORY_MODELS = [
    (Project, "项目"),
    (Target, "指标"),
    (Milestone, "进度节点"),
    (Allocation, "任务分解"),
    (ProjectUnit, "责任单位"),
    (Funding, "资金"),
]


def project_history(project: Project) -> list[HistoryEntry]:
    entries: list[HistoryEntry] = []
    for model, label in _HISTORY_MODELS:
        records = model.history.select_related("history_user").order_by("history_date", "history_id")
        records = records.filter(id=project.pk) if model is Project else records.filter(project_id=project.pk)
        previous: dict[int, object] = defaultdict(lambda: None)
        ignored = {"position"}
        for record in records:
            prior = previous[record.id]
            changes = []
            if prior is not None and record.history_type == "~":
                delta = record.diff_against(prior)
                changes = [
                    (str(model._meta.get_field(c.field).verbose_name), c.old, c.new)
                    for c in delta.changes
                    if c.field not in ignored
                ]
                if not changes:
                    previous[record.id] = record
                    continue
            previous[record.id] = record
            entries.append(
                HistoryEntry(
                    when=record.history_date,
                    who=str(record.history_user or "系统导入"),
                    what=label,
                    action=record.get_history_type_display(),
                    changes=changes,
                )
            )
    entries.sort(key=lambda e: e.when, reverse=True)
    return _fold_creations(entries)


def _fold_creations(entries: list[HistoryEntry]) -> list[HistoryEntry]:
    """One row for everything one person created in one go (an import), not one row per target."""
    folded: list[HistoryEntry] = []
    for entry in entries:
        last = folded[-1] if folded else None
        if (
            last is not None
            and entry.action == last.action
            and not entry.changes
            and not last.changes
            and entry.who == last.who
            and abs((last.when - entry.when).total_seconds()) < 60
        ):
            last.counts[entry.what] = last.counts.get(entry.what, 0) + 1
            continue
        entry.counts = {entry.what: 1}
        folded.append(entry)
    for entry in folded:
        entry.what = "、".join(f"{what}×{n}" if n > 1 else what for what, n in entry.counts.items())
    return folded
