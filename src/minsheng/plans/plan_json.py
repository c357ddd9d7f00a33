"""The ``minsheng.plan/1`` document: validation with errors that name the failing path."""

import json
from functools import cache
from pathlib import Path

from jsonschema import Draft202012Validator, FormatChecker

from minsheng.core.plan_settings import settings_errors

SCHEMA_PATH = Path(__file__).parent / "schema" / "plan-1.json"


class PlanDocumentError(ValueError):
    """A document that does not follow minsheng.plan/1; ``errors`` lists ``path: message`` lines."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("; ".join(errors))


@cache
def _validator() -> Draft202012Validator:
    return Draft202012Validator(json.loads(SCHEMA_PATH.read_text()), format_checker=FormatChecker())


def _path(parts) -> str:
    return "/".join(str(p) for p in parts) or "(document)"


def validation_errors(doc: object) -> list[str]:
    errors = [
        f"{_path(e.absolute_path)}: {e.message}"
        for e in sorted(_validator().iter_errors(doc), key=lambda e: list(map(str, e.absolute_path)))
    ]
    if errors:
        return errors
    # Indexes into a project's own targets cannot be expressed in JSON Schema.
    for i, project in enumerate(doc["projects"]):
        n = len(project.get("targets") or [])
        for key in ("milestones", "allocations"):
            for j, item in enumerate(project.get(key) or []):
                index = item.get("target")
                if index is not None and index >= n:
                    errors.append(f"projects/{i}/{key}/{j}/target: {index} 超出该项目指标数（{n}）")
    # The working rules as the apps declare them (a deadline inside the plan year…).
    meta = doc["plan"]
    for key, message in settings_errors(meta.get("settings") or {}, meta["year"]).items():
        errors.append(f"plan/settings/{key}: {message}")
    return errors


def validate(doc: object) -> None:
    errors = validation_errors(doc)
    if errors:
        raise PlanDocumentError(errors)
