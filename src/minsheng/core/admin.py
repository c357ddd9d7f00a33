from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from minsheng.core.admin_site import ScopedAdmin
from minsheng.core.calendar import forget_calendar
from minsheng.core.models import CalendarDay, CalendarYear, Person, Region, Unit, User


class HistoryScopedAdmin(ScopedAdmin, SimpleHistoryAdmin):
    pass


@admin.register(Region)
class RegionAdmin(HistoryScopedAdmin):
    list_display = ["name", "level", "parent", "needs_review"]
    list_filter = ["level", "needs_review"]
    search_fields = ["name"]


@admin.register(Unit)
class UnitAdmin(HistoryScopedAdmin):
    list_display = ["name", "short_name", "kind", "region", "needs_review"]
    list_filter = ["kind", "needs_review"]
    search_fields = ["name", "short_name"]


@admin.register(Person)
class PersonAdmin(HistoryScopedAdmin):
    list_display = ["name", "title", "region", "unit"]
    search_fields = ["name"]


@admin.register(User)
class MinshengUserAdmin(ScopedAdmin, UserAdmin):
    list_display = ["username", "first_name", "role", "unit", "region", "is_active"]
    list_filter = ["role", "is_active"]
    fieldsets = [*UserAdmin.fieldsets, (_("角色与范围"), {"fields": ["role", "unit", "region", "person"]})]

    def has_change_permission(self, request, obj=None) -> bool:
        # Only superusers may edit accounts: a coordinator must not raise anyone's rights.
        return request.user.is_superuser

    def has_add_permission(self, request) -> bool:
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser


class CalendarChangeAdmin(HistoryScopedAdmin):
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        forget_calendar()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        forget_calendar()


@admin.register(CalendarYear)
class CalendarYearAdmin(CalendarChangeAdmin):
    list_display = ["year", "source"]


@admin.register(CalendarDay)
class CalendarDayAdmin(CalendarChangeAdmin):
    list_display = ["date", "is_workday", "name"]
    list_filter = ["is_workday"]
    date_hierarchy = "date"
