"""The cockpit's figures for one plan: everything a chart draws, each with the link to the
projects behind it (the progress overview filtered the same way)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal
from urllib.parse import urlencode

from django.core.cache import cache
from django.urls import reverse
from django.utils.translation import gettext as _

from minsheng.maps.selectors import STATUS_COLORS
from minsheng.plans.models import Funding, Plan
from minsheng.portal.selectors import revision
from minsheng.progress import periods
from minsheng.progress.models import Report
from minsheng.progress.report_states import IN_FORCE
from minsheng.progress.selectors import PlanProgress, plan_progress
from minsheng.progress.status import Status, status_label

UNITS_SHOWN = 15


def drill(plan: Plan, on: datetime.date, **params: str) -> str:
    return reverse("progress:overview", args=[plan.pk]) + "?" + urlencode({**params, "on": on.isoformat()})


def timeline(plan: Plan, on: datetime.date, current: PlanProgress | None = None) -> dict:
    """Mean actual and expected progress at each month end of the plan year up to ``on``.

    One plan_progress per month (a fixed number of queries each); cached per published revision
    because accepted reports are the only thing that moves past months. ``current``, the caller's
    plan_progress at ``on``, stands in for the last point instead of being computed again."""
    key = f"cockpit:timeline:{plan.pk}:{revision(plan.pk)}:{on.isoformat()}"
    data = cache.get(key)
    if data is not None:
        return data
    dates = [periods.month_end(plan.year, m) for m in range(1, 13) if periods.month_end(plan.year, m) < on]
    if on.year == plan.year:
        dates.append(on)
    months, actual, expected = [], [], []
    for day in dates:
        progress = current if current is not None and day == on else plan_progress(plan, day)
        rows = progress.projects
        months.append(day.strftime("%Y-%m") if day != on else on.isoformat())
        actual.append(progress.mean_percent())
        expected.append(round(sum(min(p.expected, 1.0) for p in rows) / len(rows) * 100, 1) if rows else 0.0)
    data = {"months": months, "actual": actual, "expected": expected}
    cache.set(key, data, 60 * 60)
    return data


def _spent_by_project(plan: Plan, on: datetime.date) -> dict[int, Decimal]:
    """Spent so far: each unit's latest accepted cumulative figure, summed per project."""
    latest: dict[tuple[int, int], Decimal] = {}
    reports = (Report.objects.filter(project__plan=plan, state=IN_FORCE)
               .filter(period__year__lt=on.year) | Report.objects.filter(
                   project__plan=plan, state=IN_FORCE, period__year=on.year, period__month__lte=on.month))
    for row in reports.order_by("period__year", "period__month").values(
            "project_id", "unit_id", "spent_superior", "spent_local", "spent_social", "spent_self"):
        parts = [row[k] for k in ("spent_superior", "spent_local", "spent_social", "spent_self") if row[k] is not None]
        if parts:
            latest[(row["project_id"], row["unit_id"])] = sum(parts, Decimal(0))
    spent: dict[int, Decimal] = defaultdict(Decimal)
    for (project_id, _unit), value in latest.items():
        spent[project_id] += value
    return spent


def funds(progress: PlanProgress) -> dict:
    """Planned (the year's planned investment, else the total) against spent, by category, in 万元."""
    plan, on = progress.plan, progress.on
    planned = {f.project_id: (f.annual if f.annual is not None else f.total) or Decimal(0)
               for f in Funding.objects.filter(project__plan=plan)}
    spent = _spent_by_project(plan, on)
    rows: dict[str, list[Decimal]] = {}
    for p in progress.projects:
        name = p.project.category.name if p.project.category else _("未分类")
        row = rows.setdefault(name, [Decimal(0), Decimal(0)])
        row[0] += planned.get(p.project.pk, Decimal(0))
        row[1] += spent.get(p.project.pk, Decimal(0))
    out = [{"name": n, "planned": float(v[0]), "spent": float(v[1]),
            "url": drill(plan, on, group="category", name=n)} for n, v in rows.items() if v[0] or v[1]]
    total_planned, total_spent = sum(r["planned"] for r in out), sum(r["spent"] for r in out)
    return {"rows": out, "planned": round(total_planned, 2), "spent": round(total_spent, 2),
            "percent": round(100 * total_spent / total_planned, 1) if total_planned else None}


def appeal_rates(user, plan: Plan, on: datetime.date) -> dict | None:
    """The three appeal rates by region over the plan's year, when the appeals app is installed."""
    from django.apps import apps

    if not apps.is_installed("minsheng.appeals") or not user.has_perm("appeals.view_figures"):
        return None
    from minsheng.appeals import selectors as appeals

    period = appeals.Period(datetime.date(plan.year, 1, 1), min(on, datetime.date(plan.year, 12, 31)))
    rows, total = appeals.rates(user, period, by="region")
    return {
        "rows": [{"name": r.label, "received": r.received, "response": r.response_rate,
                  "resolution": r.resolution_rate, "satisfaction": r.satisfaction_rate} for r in rows],
        "total": {"received": total.received, "response": total.response_rate,
                  "resolution": total.resolution_rate, "satisfaction": total.satisfaction_rate},
        "url": reverse("appeals:figures") + "?" + urlencode({"start": period.start, "end": period.end}),
    }


def cockpit(user, plan: Plan, on: datetime.date) -> dict:
    progress = plan_progress(plan, on)
    counts = progress.counts()
    status = [{"status": str(s), "name": status_label(s), "value": counts[s], "color": STATUS_COLORS[s],
               "url": drill(plan, on, status=str(s))} for s in Status]

    def groups(kind: str, items: list[dict]) -> list[dict]:
        return [{"name": g["name"], "percent": g["percent"] if g["percent"] is not None else 0,
                 "count": g["count"], "lagging": g.get("lagging", 0),
                 "url": drill(plan, on, group=kind, name=g["name"])} for g in items]

    return {
        "progress": progress,
        "charts": {
            "status": status,
            "category": groups("category", progress.by_category()),
            "unit": groups("unit", progress.by_unit()[:UNITS_SHOWN]),
            "district": groups("district", progress.by_district()),
            "timeline": timeline(plan, on, progress),
            "funds": funds(progress),
            "appeals": appeal_rates(user, plan, on),
            # The series names the script shows, translated here so the script holds no text.
            "labels": {"actual": _("实际进度"), "expected": _("应达进度"), "planned": _("计划投资"),
                       "spent": _("已支出"), "response": _("响应率"), "resolution": _("解决率"),
                       "satisfaction": _("满意率")},
        },
        # Beside the status, never instead of it: the last closed period's reports not in.
        "overdue_reports": {"count": len(progress.overdue_reports()), "url": drill(plan, on, group="overdue"),
                            "period": progress.closed_period},
        "lagging": [p for p in progress.projects if p.status == Status.LAGGING],
        "critical": [p for p in progress.projects if p.status == Status.CRITICAL],
        "units_total": len(progress.by_unit()),
    }
