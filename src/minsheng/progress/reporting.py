"""What one report covers and how it changed between submissions."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from minsheng.core.models import Unit
from minsheng.plans.models import ProjectUnit
from minsheng.progress.models import Report, ReportEvent
from minsheng.progress.services import previous_figures


@dataclass
class ReportScope:
    form_kwargs: dict
    initial: dict = field(default_factory=dict)


def report_scope(report: Report) -> ReportScope:
    """A lead unit answers for every target; a district government for its region's shares."""
    project = report.project
    leads = set(project.unit_links.filter(role=ProjectUnit.Role.LEAD).values_list("unit_id", flat=True))
    is_lead = report.unit_id in leads
    targets = list(project.targets.all()) if is_lead else []
    allocations = list(project.allocations.all())
    sites = list(project.sites.all())
    if not is_lead or report.unit.kind == Unit.Kind.GOVERNMENT:
        allocations = [a for a in allocations if a.region_id == report.unit.region_id]
        sites = [s for s in sites if s.region_id in (None, report.unit.region_id)] if not is_lead else sites
    initial: dict = {"version": report.version}
    for name in ("percent_complete", "progress_text", "problems", "next_steps",
                 "spent_superior", "spent_local", "spent_social", "spent_self"):
        initial[name] = getattr(report, name)
    earlier = previous_figures(report)
    saved = {f.target_id: f for f in report.target_figures.all()}
    for t in targets:
        figure = saved.get(t.pk)
        initial[f"target_{t.pk}"] = figure.value if figure else earlier.get(t.pk)
        if figure:
            initial[f"reason_{t.pk}"] = figure.decrease_reason
            initial[f"over_{t.pk}"] = figure.over_target_confirmed
    for f in report.allocation_figures.all():
        initial[f"allocation_{f.allocation_id}"] = f.value
    for s in report.site_states.all():
        initial[f"site_{s.site_id}"] = s.state
    # Figures as people write them: 114, not 114.0000 (the database keeps four decimals).
    initial = {k: Decimal(f"{v.normalize():f}") if isinstance(v, Decimal) else v for k, v in initial.items()}
    return ReportScope({"targets": targets, "allocations": allocations, "sites": sites}, initial)


def report_changes(report: Report) -> list[tuple[str, object, object]]:
    """What the last submission changed against the one before it (shown after a return)."""
    submissions = [e for e in report.events.all() if e.action == ReportEvent.Action.SUBMITTED]
    if len(submissions) < 2:
        return []
    before, after = submissions[-2].snapshot, submissions[-1].snapshot
    labels = {str(t.pk): f"{t.value.normalize():f}{t.unit}" if t.value is not None else t.unit
              for t in report.project.targets.all()}
    allocation_labels = {str(a.pk): a.label for a in report.project.allocations.all()}
    changes = []
    for key, label in (("progress_text", "进展情况"), ("problems", "存在问题"), ("next_steps", "下步计划"),
                       ("percent_complete", "形象进度")):
        if before.get(key) != after.get(key):
            changes.append((label, before.get(key), after.get(key)))
    for group, names in (("targets", labels), ("allocations", allocation_labels)):
        old, new = before.get(group, {}), after.get(group, {})
        for key in sorted(set(old) | set(new)):
            if old.get(key) != new.get(key):
                changes.append((names.get(key, key), old.get(key), new.get(key)))
    return changes
