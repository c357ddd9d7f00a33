"""Reminders before a report is due and once it is overdue: in the app and by e-mail.

Run once a day (``minsheng remind`` from cron or the worker host); each reminder is created at
most once per person, period and kind, so running it twice sends nothing twice.
"""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse

from minsheng.core.calendar import work_calendar
from minsheng.core.models import User
from minsheng.plans.models import Plan
from minsheng.progress.models import Period, Reminder, Report
from minsheng.progress.report_states import REPORTED
from minsheng.progress.services import district_governments, ensure_periods, reporting_units

DAYS_BEFORE = 2


def _notify(user: User, period: Period | None, kind: str, text: str, url: str) -> bool:
    try:
        with transaction.atomic():
            Reminder.objects.create(user=user, period=period, kind=kind, text=text, url=url)
    except IntegrityError:
        return False
    if user.email:
        send_mail(f"【民生实事】{text}", f"{text}\n\n{url}", None, [user.email], fail_silently=True)
    return True


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
                sent += _notify(user, period, "overdue" if overdue else "due", text, reverse("progress:tasks"))
    return sent


def notify_returned(report: Report) -> None:
    url = reverse("progress:report", args=[report.pk])
    text = f"{report.project.name}（{report.period}）被退回：{report.return_reason}"[:300]
    for user in User.objects.filter(role=User.Role.LIAISON, unit_id=report.unit_id, is_active=True):
        # One message per return: the kind carries the count of returns so far.
        kind = f"ret{report.pk}-{report.events.filter(action='returned').count()}"[:20]
        _notify(user, report.period, kind, text, url)
