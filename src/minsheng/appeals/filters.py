"""The staff appeal list's filters: its page, its export and ``/api/v1/appeals/`` read the same ones."""

from __future__ import annotations

import datetime

from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone

from minsheng.appeals import clock
from minsheng.appeals.models import Appeal, AppealState
from minsheng.appeals.selectors import CLOCK_STATES, appeal_clock
from minsheng.core.calendar import work_calendar
from minsheng.core.filters import (
    FlagFilter,
    IdFilter,
    KnownFilter,
    ListFilter,
    ListFilterSet,
    MomentFilter,
    TextFilter,
)
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


# --- Open311 GeoReport v2: the public request list ---------------------------------------------------------

MAX_SPAN = datetime.timedelta(days=90)
W3C = "must be a W3C date-time in 1900-2100, e.g. 2024-10-08T00:00:00Z"


class _Window(forms.Form):
    """GeoReport's date window: at most 90 days; a missing end is now, a missing start 90 days before the end."""

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            raise forms.ValidationError("end_date is before start_date")
        if start and end and end - start > MAX_SPAN:
            raise forms.ValidationError("start_date and end_date may not span more than 90 days")
        return data


class RequestFilterSet(ListFilterSet):
    """``GET requests.json``: the spec's filters (service_code, status, start_date, end_date) over the
    published appeals of the jurisdiction, with the spec's English error texts."""

    service_code = ListFilter(field_name="category__code", lookup_expr="in")
    status = ListFilter(known={"open", "closed"}, method="by_status",
                        error_messages={"invalid": "status must be open or closed"})
    start_date = MomentFilter(method="window", error_messages={"invalid": f"start_date {W3C}"})
    end_date = MomentFilter(method="window", error_messages={"invalid": f"end_date {W3C}"})

    class Meta:
        model = Appeal
        fields: list[str] = []
        form = _Window

    def by_status(self, appeals: QuerySet[Appeal], name: str, statuses: list[str]) -> QuerySet[Appeal]:
        return appeals.filter(state__is_open=statuses == ["open"]) if len(statuses) == 1 else appeals

    def window(self, appeals: QuerySet[Appeal], name: str, moment: datetime.datetime) -> QuerySet[Appeal]:
        return appeals  # both ends are applied together in filter_queryset

    def filter_queryset(self, appeals: QuerySet[Appeal]) -> QuerySet[Appeal]:
        appeals = super().filter_queryset(appeals)
        start, end = self.form.cleaned_data["start_date"], self.form.cleaned_data["end_date"]
        end = end or (start + MAX_SPAN if start else timezone.now())
        start = start or end - MAX_SPAN
        return appeals.filter(received_at__gte=start, received_at__lte=end)

    def first_error(self) -> str:
        """The spec's error description: the form's own message, the first field's before the window's."""
        return next(iter(self.errors.values()))[0]
