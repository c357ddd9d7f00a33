"""The staff appeal list's filters: its page, its export and ``/api/v1/appeals/`` read the same ones."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils import timezone

from minsheng.appeals import clock
from minsheng.appeals.models import Appeal, AppealState
from minsheng.appeals.selectors import CLOCK_STATES, appeal_clock
from minsheng.core.calendar import work_calendar
from minsheng.core.filters import FlagFilter, IdFilter, KnownFilter, ListFilterSet, TextFilter
from minsheng.core.models import Region

S = AppealState


def _states() -> list[str]:
    return list(S.objects.values_list("code", flat=True))


class AppealFilterSet(ListFilterSet):
    state = KnownFilter(known=_states, field_name="state_id")
    category = IdFilter(field_name="category_id")
    unit = IdFilter(field_name="unit_id")
    region = IdFilter(method="within_region")
    key_supervision = FlagFilter(method="key_supervised")
    escalated = FlagFilter(method="was_escalated")
    # "pending": consenting, not yet approved for the board; "public": on it
    publication = KnownFilter(known={"pending", "public"}, method="by_publication")
    q = TextFilter(method="search")
    # Last: yellow is settled in Python, over what the other filters left.
    colour = KnownFilter(known={"yellow", "red"}, method="by_colour")

    class Meta:
        model = Appeal
        fields: list[str] = []

    def within_region(self, appeals: QuerySet[Appeal], name: str, region: int) -> QuerySet[Appeal]:
        found = Region.objects.filter(pk=region).first()
        return appeals.filter(region_id__in=found.descendant_ids() if found else [])

    def key_supervised(self, appeals: QuerySet[Appeal], name: str, on: bool) -> QuerySet[Appeal]:
        return appeals.filter(key_supervision=True) if on else appeals

    def was_escalated(self, appeals: QuerySet[Appeal], name: str, on: bool) -> QuerySet[Appeal]:
        return appeals.filter(escalation__gt=0) if on else appeals

    def by_publication(self, appeals: QuerySet[Appeal], name: str, value: str) -> QuerySet[Appeal]:
        if value == "pending":
            return appeals.filter(publish=True, publication__isnull=True).exclude(state_id=S.SUBMITTED)
        return appeals.filter(publication__isnull=False, publication__withdrawn_at__isnull=True)

    def search(self, appeals: QuerySet[Appeal], name: str, text: str) -> QuerySet[Appeal]:
        return appeals.filter(Q(title__icontains=text) | Q(content__icontains=text)
                              | Q(code__iexact=text) | Q(address__icontains=text))

    def by_colour(self, appeals: QuerySet[Appeal], name: str, colour: str) -> QuerySet[Appeal]:
        now = timezone.now()
        # Red is a database question; yellow needs the calendar.
        late = Q(state_id=S.SUBMITTED, accept_due__lt=now) | Q(
            state_id__in=[S.ACCEPTED, S.HANDLING, S.REOPENED], handle_due__lt=now)
        if colour == "red":
            return appeals.filter(late)
        calendar = work_calendar()
        running = appeals.filter(state_id__in=CLOCK_STATES).exclude(late)
        ids = [a.pk for a in running if appeal_clock(a, now, calendar).colour == clock.ClockColour.YELLOW]
        return appeals.filter(pk__in=ids)
