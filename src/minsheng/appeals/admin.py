"""Coordinators edit categories (time limits), routing rules and Open311 keys in the admin."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from minsheng.appeals.models import AppealCategory, ExportLog, Open311Key, RoutingRule
from minsheng.core.admin_site import ScopedAdmin


@admin.register(AppealCategory)
class AppealCategoryAdmin(ScopedAdmin, SimpleHistoryAdmin):
    list_display = ["code", "name", "group", "limit_value", "limit_unit", "active", "position"]
    list_editable = ["limit_value", "limit_unit", "active", "position"]


@admin.register(RoutingRule)
class RoutingRuleAdmin(ScopedAdmin, SimpleHistoryAdmin):
    list_display = ["name", "category", "region", "keywords", "unit", "priority", "active"]
    list_filter = ["active", "category"]
    list_editable = ["priority", "active"]
    search_fields = ["name", "keywords"]
    autocomplete_fields = ["unit", "region"]


@admin.register(Open311Key)
class Open311KeyAdmin(ScopedAdmin):
    list_display = ["name", "region", "created_at", "active"]
    fields = ["name", "region", "active"]
    readonly_fields = ["name", "region"]

    def has_add_permission(self, request) -> bool:
        # A key is shown once when made; only `minsheng open311-key --create` can show it.
        return False


@admin.register(ExportLog)
class ExportLogAdmin(ScopedAdmin):
    list_display = ["at", "user", "personal", "count"]
    list_filter = ["personal"]

    def has_change_permission(self, request, obj=None) -> bool:
        return False
