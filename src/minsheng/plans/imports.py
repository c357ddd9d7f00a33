"""The import workflow: an uploaded document becomes a draft, is corrected, then saved."""

from __future__ import annotations

import copy
import hashlib
import tempfile
from pathlib import Path

from django.db import transaction
from django.db.models import F

from minsheng.core.models import Unit
from minsheng.core.resolve import find_region
from minsheng.ingest.api import MAX_IMPORT_BYTES, import_file_with_warnings
from minsheng.ingest.document import IngestError
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
        document, reader_warnings = import_file_with_warnings(path, name=upload.name)
    errors = validation_errors(document)
    if errors:
        raise IngestError(f"“{upload.name}”识别结果不完整：{errors[0]}")
    return PlanImport.objects.create(
        created_by=user,
        file_name=upload.name,
        file_sha256=digest.hexdigest(),
        document=document,
        reader_warnings=reader_warnings,
    )


def existing_plan(draft: PlanImport) -> Plan | None:
    meta = draft.document["plan"]
    region = find_region(meta["region"])
    if region is None:
        return None
    return Plan.objects.filter(region=region, year=meta["year"], title=meta["title"]).first()


def known_unit_names(draft: PlanImport) -> set[str]:
    region = find_region(draft.document["plan"]["region"])
    if region is None:
        return set()
    names: set[str] = set()
    # Units an earlier import created (still awaiting review) are known: warn once, not every time.
    for unit in Unit.objects.filter(region=region):
        names |= unit.all_names()
    return names


def warnings_for(draft: PlanImport) -> list[ImportWarning]:
    return check_document(draft.document, known_unit_names(draft), draft.reader_warnings)


def changes_against_plan(draft: PlanImport) -> dict | None:
    """What saving would change in the plan already in the system, or None for a new plan."""
    plan = existing_plan(draft)
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


def _apply(draft: PlanImport, version: int, mutate) -> PlanImport:
    """Save ``mutate(document)`` only if nobody saved since ``version`` (one conditional UPDATE)."""
    fresh = PlanImport.objects.get(pk=draft.pk)
    document = copy.deepcopy(fresh.document)
    mutate(document)
    errors = validation_errors(document)
    if errors:
        raise ValueError(errors)
    updated = PlanImport.objects.filter(pk=draft.pk, version=version, status=PlanImport.Status.DRAFT).update(
        document=document, version=F("version") + 1
    )
    if not updated:
        raise ImportConflict
    return PlanImport.objects.get(pk=draft.pk)


def update_project(draft: PlanImport, index: int, values: dict, version: int) -> PlanImport:
    """Apply a coordinator's correction of one project, refusing a stale form."""
    return _apply(draft, version, lambda document: document["projects"][index].update(values))


def update_plan_fields(draft: PlanImport, values: dict, version: int) -> PlanImport:
    return _apply(draft, version, lambda document: document["plan"].update(values))


def commit_import(draft: PlanImport) -> LoadResult:
    with transaction.atomic():
        locked = PlanImport.objects.select_for_update().get(pk=draft.pk)
        if locked.status != PlanImport.Status.DRAFT:
            raise ImportConflict
        result = load_plan_document(locked.document)
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
