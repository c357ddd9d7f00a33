"""The import workflow: an uploaded document becomes a draft, is corrected, then saved."""

from __future__ import annotations

import copy
import hashlib
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from minsheng.core.models import Region, Unit
from minsheng.core.permissions import coordinated_regions
from minsheng.core.resolve import find_region
from minsheng.ingest.api import MAX_IMPORT_BYTES
from minsheng.ingest.document import IngestError
from minsheng.ingest.isolation import import_file_isolated
from minsheng.plans.export import export_plan
from minsheng.plans.import_checks import ImportWarning, check_document
from minsheng.plans.models import Plan, PlanImport
from minsheng.plans.plan_json import validation_errors
from minsheng.plans.services import LoadResult, load_plan_document, project_key


class ImportConflict(Exception):
    """Someone else corrected this draft since the form was opened."""


def start_import(upload, user) -> PlanImport:
    """Read an uploaded file (a Django UploadedFile) into a draft; IngestError when unreadable."""
    if upload.size > MAX_IMPORT_BYTES:
        raise IngestError(
            f"“{upload.name}”有 {upload.size / 1024 / 1024:.1f} MB，超过 {MAX_IMPORT_BYTES // 1024 // 1024} MB 的上限。"
            "请只上传计划正文及附件。"
        )
    digest = hashlib.sha256()
    suffix = Path(upload.name).suffix.lower()[:10]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"upload{suffix}"
        with path.open("wb") as out:
            for chunk in upload.chunks():
                digest.update(chunk)
                out.write(chunk)
        # In a child process with its own time and memory limits: a crafted file must not be
        # able to take the web worker down.
        document, reader_warnings = import_file_isolated(path, name=upload.name, limits=settings.IMPORT_LIMITS)
    errors = validation_errors(document)
    if errors:
        raise IngestError(f"“{upload.name}”识别结果不完整：{errors[0]}")
    return PlanImport.objects.create(
        created_by=user,
        file_name=upload.name,
        file_sha256=digest.hexdigest(),
        document=document,
        reader_warnings=reader_warnings,
        region=resolve_import_region(document["plan"]["region"], user),
    )


class ImportRefused(Exception):
    """Saving would write outside the user's regions or into the wrong plan; the message says why."""


NOT_A_CANDIDATE = _lazy("所选的计划不属于本次导入的区划，或不在您负责的区划内，不能更新。")


def own_region_names(user) -> list[str]:
    """Names to suggest for the region field: the regions the user coordinates (none listed for
    a system administrator, who may name any region)."""
    ids = coordinated_regions(user)
    return list(Region.objects.filter(id__in=ids).order_by("id").values_list("name", flat=True))


def resolve_import_region(name: str, user) -> Region | None:
    """The region a document's region name stands for, looked up only among the user's own.

    Another city's region of the same or a similar name is never found: the import then has no
    region until the coordinator names one of theirs.
    """
    within = None if user.is_superuser else user.region
    if within is None and not user.is_superuser:
        return None
    region = find_region(name, within=within)
    return region if user.has_perm("plans.import_into_region", region) else None


def region_problem(draft: PlanImport, user) -> str | None:
    """Why this user cannot save the draft into its region, or None when they can."""
    if draft.region is not None and user.has_perm("plans.import_into_region", draft.region):
        return None
    name = draft.document["plan"]["region"]
    if user.is_superuser:
        return _("系统中没有名为“%(name)s”的区划。请在“区划”中填写系统中已有的区划名称。") % {"name": name}
    return _(
        "文件中的区划“%(name)s”不在您负责的区划（%(own)s及其下辖区划）内，不能导入到该区划。"
        "如果这是您本地的计划，请在“区划”中改为您负责的区划后再保存。"
    ) % {"name": name, "own": user.region.name if user.region_id else "—"}


def candidate_plans(draft: PlanImport, user) -> list[Plan]:
    """The plans this import may update: those of its region that the user coordinates."""
    if region_problem(draft, user):
        return []
    return [p for p in Plan.objects.filter(region=draft.region).order_by("-year", "title")
            if user.has_perm("plans.change_plan", p)]


def suggested_plan(draft: PlanImport, user) -> Plan | None:
    """The plan of the same region, year and title, offered first; the coordinator still confirms."""
    meta = draft.document["plan"]
    return next((p for p in candidate_plans(draft, user)
                 if p.year == meta["year"] and p.title == meta["title"]), None)


def known_unit_names(draft: PlanImport, user) -> set[str]:
    if region_problem(draft, user):
        return set()
    names: set[str] = set()
    # Units an earlier import created (still awaiting review) are known: warn once, not every time.
    for unit in Unit.objects.filter(region=draft.region):
        names |= unit.all_names()
    return names


def warnings_for(draft: PlanImport, user) -> list[ImportWarning]:
    return check_document(draft.document, known_unit_names(draft, user), draft.reader_warnings)


def changes_against_plan(draft: PlanImport, plan: Plan | None) -> dict | None:
    """What saving into ``plan`` (one of :func:`candidate_plans`) would change, or None for a new plan."""
    if plan is None:
        return None
    before = {project_key(p): p for p in export_plan(plan)["projects"]}
    added, changed = [], []
    for project in draft.document["projects"]:
        old = before.pop(project_key(project), None)
        if old is None:
            added.append(project["name"])
        else:
            fields = [k for k in project if project.get(k) != old.get(k)]
            if fields:
                changed.append((project["name"], fields))
    return {"plan": plan, "added": added, "changed": changed, "removed": [p["name"] for p in before.values()]}


def _apply(draft: PlanImport, version: int, mutate, **fields) -> PlanImport:
    """Save ``mutate(document)`` only if nobody saved since ``version`` (one conditional UPDATE)."""
    fresh = PlanImport.objects.get(pk=draft.pk)
    document = copy.deepcopy(fresh.document)
    mutate(document)
    errors = validation_errors(document)
    if errors:
        raise ValueError(errors)
    updated = PlanImport.objects.filter(pk=draft.pk, version=version, status=PlanImport.Status.DRAFT).update(
        document=document, version=F("version") + 1, **fields
    )
    if not updated:
        raise ImportConflict
    return PlanImport.objects.get(pk=draft.pk)


def update_project(draft: PlanImport, index: int, values: dict, version: int) -> PlanImport:
    """Apply a coordinator's correction of one project, refusing a stale form."""
    return _apply(draft, version, lambda document: document["projects"][index].update(values))


def update_plan_fields(draft: PlanImport, values: dict, version: int, user) -> PlanImport:
    """Correct the plan's header; a changed region name is looked up again among the user's regions."""
    fields = {}
    if draft.region_id is None or values.get("region") != draft.document["plan"]["region"]:
        fields["region"] = resolve_import_region(values["region"], user)
    return _apply(draft, version, lambda document: document["plan"].update(values), **fields)


def commit_import(draft: PlanImport, user, target: Plan | None) -> LoadResult:
    """Save the draft as a new plan (``target`` None) or into the chosen plan of its region.

    Everything is checked again here, under the draft's lock: the region and the plan must be
    the user's, whatever the preview showed or the form sent.
    """
    with transaction.atomic():
        locked = PlanImport.objects.select_for_update().get(pk=draft.pk)
        if locked.status != PlanImport.Status.DRAFT:
            raise ImportConflict
        problem = region_problem(locked, user)
        if problem:
            raise ImportRefused(problem)
        meta = locked.document["plan"]
        same_key = Plan.objects.filter(region=locked.region, year=meta["year"], title=meta["title"])
        if target is None:
            if same_key.exists():
                raise ImportRefused(_(
                    "%(region)s已有%(year)s年度的计划「%(title)s」。如需更新它，请选择“更新已有计划”；"
                    "如需另建一份计划，请先修改标题。"
                ) % {"region": locked.region.name, "year": meta["year"], "title": meta["title"]})
        else:
            if target.pk not in {p.pk for p in candidate_plans(locked, user)}:
                raise ImportRefused(NOT_A_CANDIDATE)
            if target.year != meta["year"]:
                raise ImportRefused(_(
                    "所选计划「%(title)s」是%(old)s年度的，而文件是%(new)s年度的。不同年度的计划请新建。"
                ) % {"title": target.title, "old": target.year, "new": meta["year"]})
            if same_key.exclude(pk=target.pk).exists():
                raise ImportRefused(_("%(region)s已有另一份标题为「%(title)s」的计划，请先修改标题。")
                                    % {"region": locked.region.name, "title": meta["title"]})
        if target is None:
            result = load_plan_document(locked.document, region=locked.region)
        else:
            result = load_plan_document(locked.document, plan=target)
        locked.status = PlanImport.Status.SAVED
        locked.plan = result.plan
        locked.result = {
            "summary": result.summary(),
            "created": result.created,
            "updated": result.updated,
            "deleted": result.deleted,
            "changes": result.changes,
        }
        locked.save()
    return result
