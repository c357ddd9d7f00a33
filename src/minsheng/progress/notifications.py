"""Messages to a user, in the app and by e-mail: the daily reminders and a returned report's notice.

Each message is created at most once per person, period and kind, so sending it twice sends nothing twice.
"""

from __future__ import annotations

from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse

from minsheng.core.models import User
from minsheng.progress.models import Period, Reminder, Report


def notify(user: User, period: Period | None, kind: str, text: str, url: str) -> bool:
    try:
        with transaction.atomic():
            Reminder.objects.create(user=user, period=period, kind=kind, text=text, url=url)
    except IntegrityError:
        return False
    if user.email:
        send_mail(f"【民生实事】{text}", f"{text}\n\n{url}", None, [user.email], fail_silently=True)
    return True


def notify_returned(report: Report) -> None:
    url = reverse("progress:report", args=[report.pk])
    text = f"{report.project.name}（{report.period}）被退回：{report.return_reason}"[:300]
    for user in User.objects.filter(role=User.Role.LIAISON, unit_id=report.unit_id, is_active=True):
        # One message per return: the kind carries the count of returns so far.
        kind = f"ret{report.pk}-{report.events.filter(action='returned').count()}"[:20]
        notify(user, report.period, kind, text, url)
