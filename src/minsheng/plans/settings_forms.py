"""The plan's working rules a coordinator edits: one field per declared plan setting (core.plan_settings)."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.apps import apps
from django.forms import BoundField

from minsheng.core.plan_settings import (
    PlanSetting,
    declared,
    plan_setting,
    settings_errors,
    stored_settings,
    to_json,
)
from minsheng.plans.models import Plan


@dataclass
class SettingRow:
    field: BoundField
    default: str  # the declared default as the page shows it


class PlanSettingsForm(forms.Form):
    def __init__(self, plan: Plan, *args, **kwargs):
        self.plan = plan
        self.declared = declared()
        initial = {s.name: self._form_value(s, plan_setting(plan, s.name)) for s in self.declared}
        super().__init__(*args, initial=initial, **kwargs)
        for setting in self.declared:
            self.fields[setting.name] = setting.form_field()

    def _form_value(self, setting: PlanSetting, value: object) -> object:
        return setting.to_form(value, self.plan) if setting.to_form else value

    def _stored_value(self, setting: PlanSetting, value: object) -> object:
        if setting.from_form:
            value = setting.from_form(value, self.plan, plan_setting(self.plan, setting.name))
        return to_json(value)

    def clean(self) -> dict:
        data = super().clean()
        values = {s.name: self._stored_value(s, data[s.name]) for s in self.declared if s.name in data}
        for name, message in settings_errors(values, self.plan.year).items():
            self.add_error(name, message)
        return data

    def settings(self) -> dict:
        """The plan's settings with this form's values; keys no app declares are kept as they are."""
        settings = stored_settings(self.plan)
        for setting in self.declared:
            value = self._stored_value(setting, self.cleaned_data[setting.name])
            if value in (None, "", []):
                settings.pop(setting.name, None)
            else:
                settings[setting.name] = value
        return settings

    def groups(self) -> list[tuple[str, list[SettingRow]]]:
        """The fields by owning app, in declaration order, each with its default."""
        groups: dict[str, list[SettingRow]] = {}
        for setting in self.declared:
            title = str(apps.get_app_config(setting.app).verbose_name)
            groups.setdefault(title, []).append(SettingRow(self[setting.name], setting.shown(setting.default,
                                                                                            self.plan)))
        return list(groups.items())
