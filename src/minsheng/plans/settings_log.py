"""Who changed which plan setting, read from the plan's history (django-simple-history)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from minsheng.core.plan_settings import PlanSetting, declared, stored_settings
from minsheng.plans.models import Plan

SHOWN = 20


@dataclass(frozen=True)
class SettingChange:
    when: datetime.datetime
    who: str
    changes: list[tuple[str, str, str]]  # (label, old, new) as the page shows them


def _shown(setting: PlanSetting, raw: object, plan: Plan) -> str:
    if raw is None:
        return _("（默认）")
    try:
        return setting.shown(setting.clean(raw), plan)
    except ValidationError:
        return _("无效值：%(value)s") % {"value": raw}


def settings_changes(plan: Plan) -> list[SettingChange]:
    """The plan's setting changes, newest first: only saves that changed a declared setting."""
    settings = {s.name: s for s in declared()}
    order = list(settings)
    records = list(plan.history.select_related("history_user").order_by("history_date", "history_id"))
    out = []
    for prior, record in zip(records, records[1:], strict=False):
        old, new = stored_settings(prior), stored_settings(record)
        keys = sorted((k for k in old.keys() | new.keys() if k in settings and old.get(k) != new.get(k)),
                      key=order.index)
        if keys:
            out.append(SettingChange(record.history_date, str(record.history_user or _("系统导入")), [
                (str(settings[k].label), _shown(settings[k], old.get(k), plan), _shown(settings[k], new.get(k), plan))
                for k in keys]))
    return out[::-1][:SHOWN]
