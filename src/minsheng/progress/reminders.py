"""Reminders before a report is due and once it is overdue: in the app and by e-mail.

Run once a day (``minsheng remind`` from cron or the worker host); each reminder is created at
most once per person, period and kind, so running it twice sends nothing twice.
"""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.urls import reverse

from minsheng.core.calendar import work_calendar
from minsheng.core.models import User
from minsheng.plans.models import Plan
from minsheng.progress.models import Report
from minsheng.progress.notifications import notify
from minsheng.progress.report_states import REPORTED
from minsheng.progress.selectors import district_governments, reporting_units
from minsheng.progress.services import ensure_periods

DAYS_BEFORE = 2


def send_due_reminders(today: datetime.date, days_before: int = DAYS_BEFORE) -> int:
    work = work_calendar()
    sent = 0
    for plan in Plan.objects.filter(status=Plan.Status.PUBLISHED, year__gte=today.year - 1):
        periods = [p for p in ensure_periods(plan, today)
                   if today == work.add_workdays(p.due_on, -days_before) or p.due_on < today]
        if not periods:
            continue
        projects = list(plan.projects.prefetch_related("unit_links__unit", "allocations"))
        governments = district_governments({a.region_id for p in projects for a in p.allocations.all()})
        owed: dict[tuple[int, int], int] = defaultdict(int)  # (period, unit) -> projects not reported
        done = set(Report.objects.filter(period__in=periods, state__in=REPORTED)
                   .values_list("period_id", "project_id", "unit_id"))
        for project in projects:
            for unit in reporting_units(project, governments):
                for period in periods:
                    if (period.pk, project.pk, unit.pk) not in done:
                        owed[(period.pk, unit.pk)] += 1
        by_id = {p.pk: p for p in periods}
        liaisons = defaultdict(list)
        for user in User.objects.filter(role=User.Role.LIAISON, is_active=True, unit_id__isnull=False):
            liaisons[user.unit_id].append(user)
        for (period_id, unit_id), count in owed.items():
            period = by_id[period_id]
            overdue = period.due_on < today
            text = (f"{plan.region.name}{period}进展报送已逾期，尚有{count}个项目未报送" if overdue else
                    f"{plan.region.name}{period}进展将于{period.due_on:%m月%d日}截止报送，尚有{count}个项目未报送")
            for user in liaisons.get(unit_id, []):
                sent += notify(user, period, "overdue" if overdue else "due", text, reverse("progress:tasks"))
    return sent
