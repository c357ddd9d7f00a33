"""Writes from the public: a satisfaction rating, limited per address."""

from __future__ import annotations

import datetime
import hashlib
import hmac

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from minsheng.plans.models import Project
from minsheng.portal.models import Rating

# One rating per address per project a day, and no more than this many a day from one address:
# enough for a family behind one router, too few to sway a project's rate.
PER_DAY = 30


class RatingRefused(Exception):
    pass


def address_hash(address: str | None) -> str:
    # Keyed so the stored hash cannot be reversed by hashing all IPv4 addresses.
    return hmac.new(settings.SECRET_KEY.encode(), (address or "unknown").encode(), hashlib.sha256).hexdigest()


def rate(project: Project, choice: str, address: str | None, now: datetime.datetime | None = None) -> Rating:
    if choice not in Rating.Choice.values:
        raise RatingRefused(_("请选择一项评价"))
    now = now or timezone.now()
    since = now - datetime.timedelta(days=1)
    key = address_hash(address)
    recent = Rating.objects.filter(address_hash=key, created_at__gte=since)
    if recent.filter(project=project).exists():
        raise RatingRefused(_("您今天已经评价过这个项目，感谢参与。"))
    if recent.count() >= PER_DAY:
        raise RatingRefused(_("评价次数过多，请明天再试。"))
    return Rating.objects.create(project=project, choice=choice, address_hash=key)
