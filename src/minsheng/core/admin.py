from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from minsheng.core.admin_scope import RegionScopedAdmin
from minsheng.core.calendar import forget_calendar
from minsheng.core.models import CalendarDay, CalendarYear, Person, Region, Unit, User


class HistoryScopedAdmin(RegionScopedAdmin, SimpleHistoryAdmin):
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


# Fields that grant rights beyond a region: only a superuser sets them.
PRIVILEGED_FIELDS = {"is_staff", "is_superuser", "groups", "user_permissions"}
SCOPE_FIELDS = ["role", "unit", "region", "person"]


@admin.register(User)
class MinshengUserAdmin(RegionScopedAdmin, UserAdmin):
    """Coordinators keep their region's accounts: roles, units and regions inside it, no more rights."""

    list_display = ["username", "first_name", "role", "unit", "region", "is_active"]
    list_filter = ["role", "is_active"]
    fieldsets = [*UserAdmin.fieldsets, (_("角色与范围"), {"fields": SCOPE_FIELDS})]
    add_fieldsets = [*UserAdmin.add_fieldsets, (_("角色与范围"), {"fields": SCOPE_FIELDS})]

    def get_queryset(self, request):
        users = super().get_queryset(request)
        return users if request.user.is_superuser else users.filter(is_superuser=False)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser:
            return fieldsets
        return [
            (name, {**options, "fields": [f for f in options["fields"] if f not in PRIVILEGED_FIELDS]})
            for name, options in fieldsets
        ]

    def has_change_permission(self, request, obj=None) -> bool:
        return super().has_change_permission(request, obj) and (
            obj is None or request.user.is_superuser or not obj.is_superuser
        )


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
