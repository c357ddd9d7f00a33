"""The plan settings progress reporting reads: reporting deadline, notices, pace and status thresholds."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from minsheng.core.plan_settings import PlanSetting, plan_setting, register, register_check
from minsheng.progress.status import MIDYEAR_SHARE, Thresholds

MONTHLY, QUARTERLY = "monthly", "quarterly"
MIDYEAR = "-06-30"  # the pace rule the page edits: 时间过半、任务过半


def _pace(raw: object) -> list[dict]:
    """Pace rules as stored: ``[{"due": "2024-06-30", "percent": 60}]``, each a date and a share in (0, 100]."""
    if not isinstance(raw, list):
        raise ValidationError(_("序时要求应为日期和百分比的列表"))
    rules = []
    for rule in raw:
        try:
            due = datetime.date.fromisoformat(rule["due"])
            percent = float(rule["percent"])
        except (KeyError, TypeError, ValueError):
            raise ValidationError(_("序时要求应为日期和百分比的列表")) from None
        if not 0 < percent <= 100:
            raise ValidationError(_("序时要求的百分比应大于0且不超过100"))
        rules.append({"due": due.isoformat(), "percent": rule["percent"]})
    return sorted(rules, key=lambda r: r["due"])


def _midyear(rules: list[dict], plan) -> Decimal | None:
    return next((Decimal(str(r["percent"])) for r in rules if r["due"].endswith(MIDYEAR)), None)


def _with_midyear(percent: Decimal | None, plan, rules: list[dict]) -> list[dict]:
    others = [r for r in rules if not r["due"].endswith(MIDYEAR)]
    if percent is not None:
        others.append({"due": f"{plan.year}{MIDYEAR}", "percent": float(percent)})
    return sorted(others, key=lambda r: r["due"])


def _in_year(day: datetime.date | None, year: int) -> None:
    if day is not None and day.year != year:
        raise ValidationError(_("完成时限应在计划年度（%(year)s年）内") % {"year": year})


def _points(name: str, label, default: float) -> PlanSetting:
    """A status threshold in percentage points of expected progress."""
    return PlanSetting(name, "progress", label, default, lambda: forms.IntegerField(min_value=1, max_value=100))


SETTINGS = [
    PlanSetting(
        "reporting_day", "progress", _("报送截止日"), 3,
        lambda: forms.IntegerField(min_value=0, max_value=28),
        help_text=_("次月的第几日前报送；0 表示当月月底前报送。遇节假日顺延至下一个工作日。")),
    PlanSetting(
        "notice_cadence", "progress", _("通报频次"), MONTHLY,
        lambda: forms.ChoiceField(choices=[(MONTHLY, _("每月")), (QUARTERLY, _("每季度"))])),
    PlanSetting(
        "notice_issuer", "progress", _("通报落款单位"), "",
        lambda: forms.CharField(required=False, max_length=200),
        help_text=_("留空为“（本级区划）民生实事项目领导小组办公室”。")),
    PlanSetting(
        "pace", "progress", _("半年应完成（%）"), [],
        lambda: forms.DecimalField(required=False, min_value=1, max_value=100, max_digits=5, decimal_places=2),
        help_text=_("如“半年度完成全年目标的60%”：6月30日应达进度，仅用于没有自己进度安排的项目；留空则不设。"),
        parse=_pace, to_form=_midyear, from_form=_with_midyear),
    PlanSetting(
        "deadline", "progress", _("全面完成时限"), None,
        lambda: forms.DateField(required=False),
        help_text=_("如“11月底前全面完成”，用于没有自己完成时限的项目；留空为年底。"), in_year=_in_year),
    _points("ahead_points", _("超前（高于序时进度的百分点）"), Thresholds.ahead_points),
    _points("lagging_points", _("滞后（低于序时进度的百分点）"), Thresholds.lagging_points),
    _points("critical_points", _("严重滞后（低于序时进度的百分点）"), Thresholds.critical_points),
    PlanSetting(
        "critical_overdue_days", "progress", _("进度节点逾期天数（严重滞后）"), Thresholds.critical_overdue_days,
        lambda: forms.IntegerField(min_value=1, max_value=366)),
]


def _critical_not_below_lagging(values: dict) -> dict[str, str]:
    if values["critical_points"] < values["lagging_points"]:
        return {"critical_points": _("严重滞后的百分点不能小于滞后的百分点")}
    return {}


def declare() -> None:
    register(*SETTINGS)
    register_check(_critical_not_below_lagging)


def midyear_share(plan) -> float:
    """The share due by 30 June: the plan's own mid-year pace rule, else the usual 60%."""
    percent = _midyear(plan_setting(plan, "pace"), plan)
    return float(percent) / 100 if percent is not None else MIDYEAR_SHARE


def plan_thresholds(plan) -> Thresholds:
    return Thresholds(**{k: plan_setting(plan, k) for k in
                         ("ahead_points", "lagging_points", "critical_points", "critical_overdue_days")})
