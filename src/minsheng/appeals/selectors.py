"""Reads for the appeal pages: lists with their clocks, the three rates, trends, topics, privacy-aware contact."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from minsheng.appeals import clock, privacy, topics
from minsheng.appeals.models import Appeal, AppealCategory, AppealEvent, AppealState, Extension
from minsheng.appeals.permissions import visible_appeals
from minsheng.core.calendar import work_calendar
from minsheng.core.models import Region
from minsheng.core.params import query_date
from minsheng.core.workdays import WorkCalendar

S = AppealState
CLOCK_STATES = {S.SUBMITTED, S.ACCEPTED, S.HANDLING, S.REOPENED}


# --- the clock on a page ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ClockView:
    phase: str  # "accept" or "handle" or ""
    due: datetime.datetime | None
    colour: clock.ClockColour


def appeal_clock(appeal: Appeal, now: datetime.datetime, calendar: WorkCalendar) -> ClockView:
    if appeal.state_id == S.SUBMITTED:
        return ClockView("accept", appeal.accept_due,
                         clock.colour(appeal.accept_due, now, clock.LimitUnit.WORKDAYS, calendar))
    if appeal.state_id in CLOCK_STATES and appeal.handle_due:
        limit = appeal.category.limit
        return ClockView("handle", appeal.handle_due,
                         clock.colour(appeal.handle_due, now, limit.unit, calendar, limit.value))
    return ClockView("", None, clock.ClockColour.NONE)


@dataclass
class Contact:
    name: str
    phone: str
    id_number: str
    masked: bool


def contact(user, appeal: Appeal) -> Contact:
    if user.has_perm("appeals.view_contact", appeal):
        return Contact(appeal.name, appeal.phone, appeal.id_number, masked=False)
    return Contact(privacy.mask_name(appeal.name), privacy.mask_phone(appeal.phone),
                   privacy.mask_id_number(appeal.id_number), masked=True)


# --- lists -------------------------------------------------------------------------------------------


def staff_appeals(user) -> QuerySet[Appeal]:
    """The appeals this user may see, newest first: what ``AppealFilterSet`` narrows."""
    return (visible_appeals(user).select_related("category", "region", "unit", "state", "suggested_unit")
            .order_by("-received_at", "-id"))


def with_clocks(appeals, now: datetime.datetime | None = None) -> list[tuple[Appeal, ClockView]]:
    now = now or timezone.now()
    calendar = work_calendar()
    return [(a, appeal_clock(a, now, calendar)) for a in appeals]


def filter_choices(user) -> dict:
    appeals = visible_appeals(user)
    return {
        "states": list(S.objects.all()),
        "categories": list(AppealCategory.objects.filter(active=True)),
        "units": list(appeals.exclude(unit=None).values_list("unit_id", "unit__name").distinct()
                      .order_by("unit__name")),
        "regions": list(appeals.values_list("region_id", "region__name").distinct().order_by("region_id")),
    }


def public_appeals() -> QuerySet[Appeal]:
    """What the public board and the Open311 list show: appeals whose authors agreed and whose
    publication a coordinator approved and has not withdrawn (their approved text, not the appeal's)."""
    return (Appeal.objects.filter(publish=True, publication__isnull=False, publication__withdrawn_at__isnull=True)
            .exclude(state_id=S.SUBMITTED)
            .select_related("category", "region", "state", "unit", "publication").order_by("-received_at", "-id"))


def public_events(appeal: Appeal) -> QuerySet[AppealEvent]:
    return appeal.events.filter(public=True).order_by("at", "id")


def staff_events(appeal: Appeal) -> QuerySet[AppealEvent]:
    return appeal.events.select_related("actor").order_by("at", "id")


def pending_extension(appeal: Appeal) -> Extension | None:
    return appeal.extensions.filter(status=Extension.Status.PENDING).first()


def key_supervision_count(user, year: int) -> int:
    return visible_appeals(user).filter(key_supervision_at__year=year).count()


# --- the three rates ----------------------------------------------------------------------------------

@dataclass
class Rates:
    key: object
    label: str
    received: int = 0
    due: int = 0
    on_time: int = 0
    rated: int = 0
    resolved: int = 0
    satisfied: int = 0
    closed: int = 0
    overdue: int = 0

    @staticmethod
    def _pct(num: int, den: int) -> float | None:
        return round(100 * num / den, 1) if den else None

    @property
    def response_rate(self) -> float | None:
        return self._pct(self.on_time, self.due)

    @property
    def resolution_rate(self) -> float | None:
        return self._pct(self.resolved, self.rated)

    @property
    def satisfaction_rate(self) -> float | None:
        return self._pct(self.satisfied, self.rated)


@dataclass
class Period:
    start: datetime.date
    end: datetime.date  # inclusive

    def bounds(self) -> tuple[datetime.datetime, datetime.datetime]:
        start = datetime.datetime.combine(self.start, datetime.time.min, tzinfo=clock.TZ)
        end = datetime.datetime.combine(self.end + datetime.timedelta(days=1), datetime.time.min, tzinfo=clock.TZ)
        return start, end

    @classmethod
    def from_params(cls, params, today: datetime.date) -> Period:
        def as_date(key: str, default: datetime.date) -> datetime.date:
            return query_date(params, key, default)

        start = as_date("start", datetime.date(today.year, 1, 1))
        end = as_date("end", today)
        return cls(start, end) if start <= end else cls(end, start)


def _rate_counts(now: datetime.datetime) -> dict:
    return {
        "received": Count("id"),
        "due": Count("id", filter=Q(accepted_at__isnull=False) | Q(accept_due__lt=now)),
        "on_time": Count("id", filter=Q(accepted_at__isnull=False, accepted_at__lte=F("accept_due"))),
        "rated": Count("id", filter=~Q(rating="")),
        "resolved": Count("id", filter=~Q(rating="") & Q(resolved=True)),
        "satisfied": Count("id", filter=Q(rating__in=[Appeal.Rating.SATISFIED, Appeal.Rating.BASIC])),
        "closed": Count("id", filter=Q(state__is_open=False)),
        "overdue": Count("id", filter=Q(state_id=S.SUBMITTED, accept_due__lt=now)
                         | Q(state_id__in=[S.ACCEPTED, S.HANDLING, S.REOPENED], handle_due__lt=now)),
    }


def rates(user, period: Period, by: str, now: datetime.datetime | None = None) -> tuple[list[Rates], Rates]:
    """Rows of the three rates per unit (``by="unit"``) or region (``by="region"``), and the total."""
    return _rates(visible_appeals(user), period, by, now)


def region_rates(region: Region, period: Period, by: str,
                 now: datetime.datetime | None = None) -> tuple[list[Rates], Rates]:
    """The same rows over every appeal received in ``region`` and the regions below it, whoever asks:
    figures computed for a region (the year-end assessment), not a page shown to a user."""
    return _rates(Appeal.objects.filter(region_id__in=region.descendant_ids()), period, by, now)


def _rates(appeals: QuerySet[Appeal], period: Period, by: str,
           now: datetime.datetime | None) -> tuple[list[Rates], Rates]:
    now = now or timezone.now()
    start, end = period.bounds()
    appeals = appeals.filter(received_at__gte=start, received_at__lt=end)
    counts = _rate_counts(now)
    if by == "region":
        keys, label = ["region_id", "region__name"], "region__name"
    else:
        keys, label = ["unit_id", "unit__name"], "unit__name"
    rows = [
        Rates(key=row[keys[0]], label=row[label] or str(_("（未交办）")),
              **{k: row[k] for k in counts})
        for row in appeals.values(*keys).annotate(**counts).order_by(label)
    ]
    total = Rates(key=None, label=str(_("合计")), **appeals.aggregate(**counts))
    return rows, total


def trend(user, period: Period, now: datetime.datetime | None = None) -> list[Rates]:
    """The rates month by month over the period."""
    now = now or timezone.now()
    start, end = period.bounds()
    appeals = visible_appeals(user).filter(received_at__gte=start, received_at__lt=end)
    counts = _rate_counts(now)
    rows = appeals.annotate(month=TruncMonth("received_at", tzinfo=clock.TZ)).values("month").annotate(**counts)
    return [Rates(key=r["month"], label=timezone.localtime(r["month"], clock.TZ).strftime("%Y-%m")
                  if isinstance(r["month"], datetime.datetime) else str(r["month"])[:7],
                  **{k: r[k] for k in counts}) for r in rows.order_by("month")]


# --- topics and recurring problems ------------------------------------------------------------------

MAX_TEXTS = 3000  # jieba reads a few thousand appeals in about a second; the page stays responsive


@dataclass
class RecurringView:
    keyword: str
    region: Region | None
    appeal_ids: list[int]
    people: int
    candidate_project: object = None
    examples: list[Appeal] = field(default_factory=list)


def _texts(user, period: Period) -> list[topics.Text]:
    start, end = period.bounds()
    rows = (visible_appeals(user).filter(received_at__gte=start, received_at__lt=end)
            .order_by("-received_at").values_list("id", "region_id", "phone_key", "title", "content")[:MAX_TEXTS])
    return [topics.Text(id=i, region_id=r, contact=p, text=f"{t}\n{c}") for i, r, p, t, c in rows]


def frequent_topics(user, period: Period, top: int = 20) -> list[topics.Topic]:
    return topics.frequent_topics(_texts(user, period), top=top)


def recurring_problems(user, period: Period, min_appeals: int = 5, min_people: int = 3) -> list[RecurringView]:
    from minsheng.appeals.models import CandidateProject

    found = topics.recurring_problems(_texts(user, period), min_appeals=min_appeals, min_people=min_people)
    regions = Region.objects.in_bulk({r.region_id for r in found if r.region_id})
    made = {(c.keyword, c.region_id): c.project for c in CandidateProject.objects.select_related("project__plan")}
    found = found[:30]
    # Three examples per problem, read in one query rather than one per problem.
    examples = Appeal.objects.only("code", "title", "received_at").in_bulk(
        {pk for item in found for pk in item.appeal_ids[:3]})
    views = []
    for item in found:
        views.append(RecurringView(
            keyword=item.keyword, region=regions.get(item.region_id), appeal_ids=item.appeal_ids, people=item.people,
            candidate_project=made.get((item.keyword, item.region_id)),
            examples=sorted((examples[pk] for pk in item.appeal_ids[:3] if pk in examples),
                            key=lambda a: (a.received_at, a.pk), reverse=True),
        ))
    return views
