"""Writes to plans: loading a minsheng.plan/1 document, publishing."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from difflib import SequenceMatcher

from django.core.exceptions import ValidationError
from django.db import models, transaction

from minsheng.core.models import Region
from minsheng.core.plan_settings import PlanSetting, declaration, plan_setting, stored_settings, to_json
from minsheng.core.resolve import (
    ChildRegionResolver,
    CollectiveResolver,
    PersonResolver,
    UnitResolver,
    resolve_region,
)
from minsheng.plans.models import (
    Allocation,
    Category,
    Funding,
    Milestone,
    Plan,
    Project,
    ProjectLeader,
    ProjectUnit,
    Site,
    Target,
)
from minsheng.plans.plan_json import validate
from minsheng.plans.structure import link_projects


@dataclass
class LoadResult:
    plan: Plan
    plan_created: bool
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    unchanged: int = 0
    # Project name -> the fields that changed, for "what changed" after a re-import.
    changes: dict[str, list[str]] = field(default_factory=dict)

    def summary(self) -> str:
        verb = "新建" if self.plan_created else "更新"
        return (
            f"{verb}计划「{self.plan.title}」：新增项目 {len(self.created)} 个，"
            f"修改 {len(self.updated)} 个，删除 {len(self.deleted)} 个，未变 {self.unchanged} 个"
        )


def _decimal(value) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _date(value: str | None) -> datetime.date | None:
    return None if not value else datetime.date.fromisoformat(value)


def _sync_rows(existing: list[models.Model], rows: list[dict], model: type[models.Model], **parent) -> bool:
    """Make ``existing`` (ordered by position) equal ``rows``; saves only what differs.

    Rows are matched by position so that history records a changed figure as a change,
    not as one row deleted and another created. Returns whether anything changed.
    """
    changed = False
    kept = []
    for position, row in enumerate(rows):
        values = {"position": position, **row}
        if position < len(existing):
            obj = existing[position]
            diff = {k: v for k, v in values.items() if getattr(obj, k) != v}
            if diff:
                for k, v in diff.items():
                    setattr(obj, k, v)
                obj.save()
                changed = True
        else:
            obj = model.objects.create(**values, **parent)
            changed = True
        kept.append(obj)
    for obj in existing[len(rows):]:
        obj.delete()
        changed = True
    return changed


class _Loader:
    def __init__(self, plan: Plan):
        self.plan = plan
        self.units = UnitResolver(plan.region)
        self.collectives = CollectiveResolver(plan.region, self.units)
        self.people = PersonResolver(plan.region)
        self.districts = ChildRegionResolver(plan.region)
        self.categories: dict[str, Category] = {c.name: c for c in plan.categories.all()}

    def category(self, name: str | None) -> Category | None:
        if not name:
            return None
        if name not in self.categories:
            self.categories[name] = Category.objects.create(plan=self.plan, name=name, position=len(self.categories))
        return self.categories[name]

    def sync_project(self, project: Project, data: dict, position: int) -> list[str]:
        changed: list[str] = []
        category = self.category(data.get("category"))
        fields = {
            "category_id": category.pk if category else None,
            "position": position,
            "section": data.get("section") or "",
            "ref": data.get("ref") or "",
            "name": data["name"],
            "content": data.get("content") or "",
            "kind": data.get("kind") or "",
            "deadline": _date(data.get("deadline")),
        }
        diff = [k for k, v in fields.items() if getattr(project, k) != v]
        if diff or project.pk is None:
            for k, v in fields.items():
                setattr(project, k, v)
            project.save()
            changed += [k.removesuffix("_id") for k in diff if k != "position"]

        unit_rows = self.unit_rows(data)
        if _sync_rows(list(project.unit_links.order_by("position", "id")), unit_rows, ProjectUnit, project=project):
            changed.append("units")
        leader_rows = [
            {"role": role, "person_id": self.people(name).pk}
            for role, key in ((ProjectLeader.Role.LEADER, "leaders"), (ProjectLeader.Role.UNIT_LEADER, "unit_leaders"))
            for name in data.get(key) or []
        ]
        if _sync_rows(list(project.leader_links.order_by("position")), leader_rows, ProjectLeader, project=project):
            changed.append("leaders")

        target_rows = [
            {"value": _decimal(t.get("value")), "unit": t.get("unit") or "", "op": t.get("op") or Target.Op.GTE}
            for t in data.get("targets") or []
        ]
        if _sync_rows(list(project.targets.order_by("position")), target_rows, Target, project=project):
            changed.append("targets")
        target_ids = list(project.targets.order_by("position").values_list("id", flat=True))

        def target_id(item: dict) -> int | None:
            index = item.get("target")
            return None if index is None else target_ids[index]

        milestone_rows = [
            {
                "due": _date(m["due"]),
                "percent": _decimal(m.get("percent")),
                "value": _decimal(m.get("value")),
                "cumulative": m.get("cumulative"),
                "target_id": target_id(m),
            }
            for m in data.get("milestones") or []
        ]
        if _sync_rows(list(project.milestones.order_by("position")), milestone_rows, Milestone, project=project):
            changed.append("milestones")
        allocation_rows = [
            {
                "region_id": self.districts(a["region"]).pk,
                "label": a["region"],
                "value": _decimal(a.get("value")),
                "unit": a.get("unit") or "",
                "target_id": target_id(a),
            }
            for a in data.get("allocations") or []
        ]
        if _sync_rows(list(project.allocations.order_by("position")), allocation_rows, Allocation, project=project):
            changed.append("allocations")
        if self.sync_funding(project, data.get("funding")):
            changed.append("funding")
        return changed

    def unit_rows(self, data: dict) -> list[dict]:
        """One row per unit that acts; a collective name gives one row per member government.

        The members of one printed name share its label and position (the printed order); a
        collective nothing can expand keeps one row on a flagged stand-in unit.
        """
        allocated = {self.districts(a["region"]).pk for a in data.get("allocations") or []}
        rows: list[dict] = []
        printed = 0
        for role, key in ((ProjectUnit.Role.LEAD, "lead_units"), (ProjectUnit.Role.PARTNER, "partner_units")):
            for name in data.get(key) or []:
                members = self.collectives.expand(name, allocated)
                row = {"role": role, "label": name, "position": printed}
                if members is None:
                    rows.append({**row, "unit_id": self.units(name).pk, "collective": False})
                elif members:
                    rows += [{**row, "unit_id": unit.pk, "collective": True} for unit in members]
                else:
                    rows.append({**row, "unit_id": self.units.collective(name).pk, "collective": True})
                printed += 1
        return rows

    def sync_funding(self, project: Project, data: dict | None) -> bool:
        existing = Funding.objects.filter(project=project).first()
        if data is None:
            if existing:
                existing.delete()
                return True
            return False
        values = {
            "unit": data.get("unit") or "",
            **{k: _decimal(data.get(k)) for k in ("total", "annual", "superior", "local", "social")},
            "self_raised": _decimal(data.get("self")),
        }
        if existing is None:
            Funding.objects.create(project=project, **values)
            return True
        diff = {k: v for k, v in values.items() if getattr(existing, k) != v}
        for k, v in diff.items():
            setattr(existing, k, v)
        if diff:
            existing.save()
        return bool(diff)


def project_key(data: dict) -> tuple[str, str]:
    section = data.get("section") or ""
    return (section, data["ref"]) if data.get("ref") else (section, "name:" + data["name"])


def _match_renamed(projects: list[dict], matched: list[Project | None], leftovers: list[Project]) -> None:
    """Pair still-unmatched projects with leftover ones of the same section by similar name.

    A reworded project keeps its identity (and the reports filed against it) instead of
    being deleted and created anew.
    """
    pairs = []
    for i, data in enumerate(projects):
        if matched[i] is not None:
            continue
        for project in leftovers:
            if project.section == (data.get("section") or ""):
                ratio = SequenceMatcher(None, project.name, data["name"]).ratio()
                if ratio >= 0.6:
                    pairs.append((ratio, i, project.pk, project))
    taken: set[int] = set()
    for _, i, pk, project in sorted(pairs, key=lambda x: -x[0]):
        if matched[i] is None and pk not in taken:
            matched[i] = project
            taken.add(pk)


DOCUMENT_RULES = ("reporting_day", "notice_cadence", "pace", "deadline")


def apply_document_rules(plan: Plan, rules: dict) -> bool:
    """Take the document's working rules (报送时限, 通报频次, 序时要求) into the plan's settings.

    What the document said is remembered under ``from_document``; loading it again changes a
    setting only while it still holds the document's earlier value, so a coordinator's own edit
    on the plan page survives a re-import. Returns whether the settings changed.
    """
    settings = stored_settings(plan)
    before = settings.get("from_document") if isinstance(settings.get("from_document"), dict) else {}
    remembered = {}
    for key in DOCUMENT_RULES:
        setting = declaration(key)
        current = plan_setting(plan, key)
        if key in rules:
            remembered[key] = to_json(setting.clean(rules[key]))
        # Untouched since the last import (the same value, or the default for a rule the document
        # did not state): the document's word stands, and a rule it no longer states goes back to
        # the default. A value equal to the default counts as untouched, whatever the key.
        if current != _remembered_value(setting, before.get(key)):
            continue
        if key in remembered:
            settings[key] = remembered[key]
        elif current != setting.default:
            settings.pop(key, None)
    if remembered or before:
        settings["from_document"] = remembered
    if settings == plan.settings:
        return False
    plan.settings = settings
    plan.save(update_fields=["settings"])
    return True


def _remembered_value(setting: PlanSetting, raw: object) -> object:
    if raw is None:
        return setting.default
    try:
        return setting.clean(raw)
    except ValidationError:
        return setting.default  # a hand-edited memory: as if the document had said nothing


@transaction.atomic
def load_plan_document(doc: dict, *, plan: Plan | None = None, region: Region | None = None) -> LoadResult:
    """Create or update the plan a minsheng.plan/1 document describes, all or nothing.

    With neither ``plan`` nor ``region`` (the system administrator's CLI and the demo) the plan
    is identified by the document's region name, year and title, so loading the same document
    again updates it. The web importer passes what the coordinator chose and was checked for:
    ``plan`` to update that plan (its title follows the document), or ``region`` to create a new
    plan there. Projects are matched by section and number (or name when unnumbered).
    """
    validate(doc)
    meta = doc["plan"]
    if plan is not None:
        plan_created = False
    elif region is not None:
        plan, plan_created = Plan.objects.create(region=region, year=meta["year"], title=meta["title"]), True
    else:
        region = resolve_region(meta["region"])
        plan, plan_created = Plan.objects.get_or_create(region=region, year=meta["year"], title=meta["title"])
    plan_fields = {
        "title": meta["title"],
        "doc_number": meta.get("doc_number") or "",
        "issuer": meta.get("issuer") or "",
        "issued_on": _date(meta.get("issued_on")),
        "source_file": doc.get("source") or "",
        "region_label": meta["region"],
    }
    if any(getattr(plan, k) != v for k, v in plan_fields.items()):
        for k, v in plan_fields.items():
            setattr(plan, k, v)
        plan.save()
    apply_document_rules(plan, meta.get("settings") or {})
    result = LoadResult(plan=plan, plan_created=plan_created)
    loader = _Loader(plan)

    existing: dict[tuple[str, str], list[Project]] = defaultdict(list)
    for project in plan.projects.filter(implied=False).order_by("position"):
        existing[project_key({"section": project.section, "ref": project.ref, "name": project.name})].append(project)

    matched: list[Project | None] = []
    for data in doc["projects"]:
        candidates = existing.get(project_key(data))
        matched.append(candidates.pop(0) if candidates else None)
    _match_renamed(doc["projects"], matched, [p for group in existing.values() for p in group])

    kept: set[int] = set()
    synced: list[Project] = []
    for position, data in enumerate(doc["projects"]):
        project = matched[position] or Project(plan=plan)
        is_new = project.pk is None
        changed = loader.sync_project(project, data, position)
        kept.add(project.pk)
        synced.append(project)
        if is_new:
            result.created.append(project.name)
        elif changed:
            result.updated.append(project.name)
            result.changes[project.name] = changed
        else:
            result.unchanged += 1
    kept |= _link_parents(plan, doc["projects"], synced, loader)
    for project in plan.projects.exclude(pk__in=kept):
        result.deleted.append(project.name)
        project.delete()
    used = set(plan.projects.values_list("category_id", flat=True))
    plan.categories.exclude(id__in=used).delete()
    return result


def _link_parents(plan: Plan, projects: list[dict], synced: list[Project], loader: _Loader) -> set[int]:
    """Parents and voted marks as the document shows them (``plans.structure``); returns the implied parents kept.

    A project whose links a coordinator has confirmed keeps them; the document never clears a
    voted mark someone set, it only adds the ones it shows.
    """
    links = link_projects(projects)
    implied_rows = {(p.section, p.ref): p for p in plan.projects.filter(implied=True)}
    implied: dict[tuple, Project] = {}
    for key, parent in links.implied.items():
        first = synced[parent.children[0]]
        row = implied_rows.get((key[0] or "", key[1])) or Project(plan=plan, implied=True)
        category = loader.category(parent.category)
        values = {"section": parent.section or "", "ref": parent.ref, "name": parent.name,
                  "category_id": category.pk if category else None, "position": first.position,
                  "deadline": max((synced[i].deadline for i in parent.children if synced[i].deadline), default=None)}
        if row.pk is None or any(getattr(row, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(row, k, v)
            row.save()
        implied[key] = row
    for i, project in enumerate(synced):
        if project.links_confirmed:
            continue
        parent = synced[links.parents[i]] if i in links.parents else implied.get(links.implied_parents.get(i))
        fields = []
        if project.parent_id != (parent.pk if parent else None):
            project.parent = parent
            fields.append("parent")
        if i in links.voted and not project.voted:
            project.voted = True
            fields.append("voted")
        if fields:
            project.save(update_fields=fields)
    return {p.pk for p in implied.values()}


def set_parent(project: Project, parent: Project | None, voted: bool, weight: Decimal | None = None) -> Project:
    """A coordinator's correction of the document's links; later imports keep it."""
    if parent is not None:
        if parent.plan_id != project.plan_id:
            raise ValueError("上级项目须属于同一计划")
        node = parent
        while node is not None:
            if node.pk == project.pk:
                raise ValueError("不能把项目设为自己或自己下级项目的子项")
            node = node.parent
    project.parent, project.voted, project.weight, project.links_confirmed = parent, voted, weight, True
    project.save(update_fields=["parent", "voted", "weight", "links_confirmed"])
    return project


def set_plan_status(plan: Plan, status: str) -> None:
    plan.status = status
    plan.save(update_fields=["status"])


def add_draft_project(region: Region, year: int, plan_title: str, category: str, name: str, content: str) -> Project:
    """A project in the region's draft candidate plan for ``year`` (a recurring appeal's candidate project).

    Candidates go into a plan of their own, never into a plan already published: the coordinator
    moves them into the real plan when the year's list is drawn up.
    """
    plan, _created = Plan.objects.get_or_create(
        region=region, year=year, title=plan_title, defaults={"status": Plan.Status.DRAFT, "issuer": ""}
    )
    group, _created = Category.objects.get_or_create(plan=plan, name=category)
    position = plan.projects.count() + 1
    return Project.objects.create(plan=plan, category=group, position=position, name=name[:500], content=content,
                                  public=False)


def create_site(project: Project, name: str, address: str, region: Region | None, longitude: Decimal,
                latitude: Decimal) -> Site:
    """A site (点位) of the project; the caller (maps) has checked the coordinates against the region."""
    return Site.objects.create(project=project, name=name, address=address, region=region,
                               longitude=longitude, latitude=latitude)


def create_sites(sites: list[Site]) -> list[Site]:
    """Many checked sites at once (the demo's generated ones)."""
    return Site.objects.bulk_create(sites)
