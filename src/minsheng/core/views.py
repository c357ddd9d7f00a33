"""The working-day calendar page: coordinators see and correct the State Council schedule."""

import datetime

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from minsheng.core.calendar import set_day, work_calendar
from minsheng.core.models import CalendarDay
from minsheng.core.params import YEARS


class CalendarDayForm(forms.Form):
    date = forms.DateField(label=gettext_lazy("日期"), widget=forms.DateInput(attrs={"type": "date"}))
    is_workday = forms.TypedChoiceField(
        label=gettext_lazy("这一天"),
        choices=[("0", gettext_lazy("放假")), ("1", gettext_lazy("上班"))],
        coerce=lambda v: v == "1",
    )
    name = forms.CharField(label=gettext_lazy("说明"), max_length=50, required=False)


@login_required
def calendar_year(request: HttpRequest, year: int | None = None) -> HttpResponse:
    year = year or datetime.date.today().year
    if year not in YEARS:
        raise Http404
    can_edit = request.user.has_perm("core.edit_calendar")
    form = CalendarDayForm(request.POST or None)
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        if form.is_valid():
            day = form.cleaned_data["date"]
            set_day(day, form.cleaned_data["is_workday"], form.cleaned_data["name"])
            messages.success(request, _("已保存 %(date)s") % {"date": day.isoformat()})
            return redirect("calendar_year", year=day.year)
    calendar = work_calendar()
    days = CalendarDay.objects.filter(date__year=year).order_by("date")
    return render(
        request,
        "core/calendar.html",
        {
            "year": year,
            "published": calendar.is_published(year),
            "days": days,
            "form": form,
            "can_edit": can_edit,
            "years": range(year - 2, year + 3),
        },
    )
