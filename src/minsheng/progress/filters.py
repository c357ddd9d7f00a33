"""The progress pages' parameters: the date they report on, and which projects the overview lists.

A project's status comes from its figures, computed in Python, so the overview's list is not a
query and a plain form reads its parameters, with the list field types of ``core/filters``.
"""

from __future__ import annotations

from django import forms

from minsheng.core.filters import DateField, KnownField, ParamsForm
from minsheng.progress.status import Status

GROUPS = {"category", "unit", "district"}


class AsOfForm(ParamsForm):
    on = DateField(required=False)


class OverviewForm(AsOfForm):
    status = KnownField(known=set(Status), required=False)
    group = KnownField(known={"midyear", "overdue", *GROUPS}, required=False)
    name = forms.CharField(required=False, strip=False)


def shown_projects(progress, status: str, group: str, name: str) -> list:
    """The overview's list: one status, a group of projects, else the lagging and critical ones."""
    if status:
        return [p for p in progress.projects if p.status == status]
    if group == "midyear":
        return progress.midyear_shortfall() or []
    if group == "overdue":
        return progress.overdue_reports()
    if group in GROUPS and name:
        groups = {"category": progress.by_category, "unit": progress.by_unit, "district": progress.by_district}[group]()
        return next((g["projects"] for g in groups if g["name"] == name), [])
    return progress.lagging()
