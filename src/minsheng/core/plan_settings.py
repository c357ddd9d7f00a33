"""Plan settings: the working rules each app keeps in ``Plan.settings``, declared by the app that uses them.

An app declares its settings (name, label, help text, default, the form field that validates a value)
in its own ``plan_settings`` module, registered from its AppConfig.ready(). Readers go through
``plan_setting``, the plan page builds its form from the declarations and the document importer
validates with them, so each default and each range is written once. Stored JSON may hold keys no app
declares (an older version, a hand edit): they are kept and reported, never dropped; a stored value
that no longer validates reads as the default, with a warning in the log, instead of failing a page.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

# What the importer remembers of the document's own rules (plans.services): bookkeeping, not a setting.
BOOKKEEPING = frozenset({"from_document"})


@dataclass(frozen=True)
class PlanSetting:
    name: str
    app: str  # the owning app's label: the page groups by it
    label: Any  # lazy translations
    default: Any
    field: Callable[[], forms.Field]  # the field that validates a value: type, range, choices
    help_text: Any = ""
    # Where the stored value is not what the page edits (the pace rules, edited as a mid-year percent):
    parse: Callable[[Any], Any] | None = None  # stored JSON -> value, ValidationError if it is not one
    to_form: Callable[[Any, Any], Any] | None = None  # (value, plan) -> the form's initial value
    from_form: Callable[[Any, Any, Any], Any] | None = None  # (form value, plan, current value) -> value
    in_year: Callable[[Any, int], None] | None = None  # raises ValidationError when wrong for the plan year

    def form_field(self) -> forms.Field:
        field = self.field()
        field.label, field.help_text = self.label, self.help_text
        return field

    def clean(self, raw: Any) -> Any:
        """The value as readers use it (an int, a date…); ValidationError when ``raw`` is not one."""
        value = self.parse(raw) if self.parse else self.form_field().clean(raw)
        return self.default if value is None or value == "" else value

    def shown(self, value: Any, plan) -> str:
        """A value as the settings page shows it: the form's value, a choice by its label."""
        if self.to_form:
            value = self.to_form(value, plan)
        if value is None or value == "":
            return str(_("不设"))
        field = self.form_field()
        if isinstance(field, forms.ChoiceField):
            return str(dict(field.choices).get(value, value))
        return str(value)


_DECLARED: dict[str, PlanSetting] = {}
_CHECKS: list[Callable[[dict], dict[str, str]]] = []


def register(*settings: PlanSetting) -> None:
    for setting in settings:
        if _DECLARED.get(setting.name, setting) != setting:
            raise ImproperlyConfigured(f"plan setting {setting.name!r} is declared twice")
        _DECLARED[setting.name] = setting


def register_check(check: Callable[[dict], dict[str, str]]) -> None:
    """A rule across settings (values by name) returning error messages by setting name."""
    if check not in _CHECKS:
        _CHECKS.append(check)


def declared() -> list[PlanSetting]:
    return list(_DECLARED.values())


def declaration(name: str) -> PlanSetting:
    try:
        return _DECLARED[name]
    except KeyError:
        raise LookupError(f"no app declares the plan setting {name!r}") from None


def stored_settings(plan) -> dict:
    """The plan's stored JSON, as a dict even when a hand edit left something else."""
    return dict(plan.settings) if isinstance(plan.settings, dict) else {}


def plan_setting(plan, name: str) -> Any:
    """The plan's value of a declared setting: the stored one if valid, else the declared default."""
    setting = declaration(name)
    raw = stored_settings(plan).get(name)
    if raw is None:
        return setting.default
    try:
        return setting.clean(raw)
    except ValidationError as exc:
        logger.warning("plan %s: setting %s=%r is invalid (%s); the default %r applies",
                       plan.pk, name, raw, " ".join(exc.messages), setting.default)
        return setting.default


def unknown_settings(plan) -> list[str]:
    """Stored keys no app declares: kept as they are, listed on the settings page."""
    return sorted(k for k in stored_settings(plan) if k not in _DECLARED and k not in BOOKKEEPING)


def to_json(value: Any) -> Any:
    """A cleaned value as it is stored."""
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def settings_errors(values: dict, year: int) -> dict[str, str]:
    """What is wrong with stored-form values (a document's ``settings``) for a plan of ``year``."""
    errors: dict[str, str] = {}
    cleaned: dict[str, Any] = {}
    for name, raw in values.items():
        try:
            setting = declaration(name)
            cleaned[name] = setting.clean(raw)
            if setting.in_year:
                setting.in_year(cleaned[name], year)
        except LookupError as exc:
            errors[name] = str(exc)
        except ValidationError as exc:
            errors[name] = " ".join(exc.messages)
    if not errors:
        full = {s.name: cleaned.get(s.name, s.default) for s in declared()}
        for check in _CHECKS:
            errors.update({k: str(v) for k, v in check(full).items() if k in values})
    return errors
