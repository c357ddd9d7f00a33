"""The plan's working rules a coordinator edits: reporting deadline, notice cadence, pace, thresholds."""

from __future__ import annotations

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from minsheng.plans.models import DEFAULT_SETTINGS, Plan


class PlanSettingsForm(forms.Form):
    reporting_day = forms.IntegerField(
        label=_("报送截止日"), min_value=0, max_value=28,
        help_text=_("次月的第几日前报送；0 表示当月月底前报送。遇节假日顺延至下一个工作日。"))
    notice_cadence = forms.ChoiceField(label=_("通报频次"),
                                       choices=[("monthly", _("每月")), ("quarterly", _("每季度"))])
    midyear_percent = forms.DecimalField(
        label=_("半年应完成（%）"), required=False, min_value=1, max_value=100, max_digits=5, decimal_places=2,
        help_text=_("如“半年度完成全年目标的60%”：6月30日应达进度，仅用于没有自己进度安排的项目；留空则不设。"))
    deadline = forms.DateField(label=_("全面完成时限"), required=False,
                               help_text=_("如“11月底前全面完成”，用于没有自己完成时限的项目；留空为年底。"))
    ahead_points = forms.IntegerField(label=_("超前（高于序时进度的百分点）"), min_value=1, max_value=100)
    lagging_points = forms.IntegerField(label=_("滞后（低于序时进度的百分点）"), min_value=1, max_value=100)
    critical_points = forms.IntegerField(label=_("严重滞后（低于序时进度的百分点）"), min_value=1, max_value=100)
    critical_overdue_days = forms.IntegerField(label=_("进度节点逾期天数（严重滞后）"), min_value=1, max_value=366)

    def __init__(self, plan: Plan, *args, **kwargs):
        self.plan = plan
        settings = {**DEFAULT_SETTINGS, **(plan.settings or {})}
        midyear = next((r.get("percent") for r in settings.get("pace") or []
                        if str(r.get("due", "")).endswith("-06-30")), None)
        initial = {k: settings.get(k) for k in DEFAULT_SETTINGS}
        initial.update(notice_cadence=settings.get("notice_cadence", "monthly"), midyear_percent=midyear,
                       deadline=settings.get("deadline"))
        super().__init__(*args, initial=initial, **kwargs)

    def clean_deadline(self) -> datetime.date | None:
        day = self.cleaned_data.get("deadline")
        if day is not None and day.year != self.plan.year:
            raise forms.ValidationError(_("完成时限应在计划年度（%(year)s年）内") % {"year": self.plan.year})
        return day

    def clean(self):
        data = super().clean()
        lagging, critical = data.get("lagging_points"), data.get("critical_points")
        if lagging is not None and critical is not None and critical < lagging:
            self.add_error("critical_points", _("严重滞后的百分点不能小于滞后的百分点"))
        return data

    def settings(self) -> dict:
        """The plan's settings with this form's values (other keys kept as they are)."""
        data = self.cleaned_data
        settings = {**DEFAULT_SETTINGS, **(self.plan.settings or {})}
        for key in ("reporting_day", "notice_cadence", "ahead_points", "lagging_points", "critical_points",
                    "critical_overdue_days"):
            settings[key] = data[key]
        others = [r for r in settings.get("pace") or [] if not str(r.get("due", "")).endswith("-06-30")]
        if data["midyear_percent"] is not None:
            others.append({"due": f"{self.plan.year}-06-30", "percent": float(data["midyear_percent"])})
        settings["pace"] = sorted(others, key=lambda r: str(r.get("due")))
        if not settings["pace"]:
            del settings["pace"]
        if data["deadline"]:
            settings["deadline"] = data["deadline"].isoformat()
        else:
            settings.pop("deadline", None)
        return settings
