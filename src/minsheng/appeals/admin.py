"""Superusers edit categories (time limits); coordinators their region's routing rules and Open311 keys."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from minsheng.appeals.models import AppealCategory, ExportLog, Open311Key, RoutingRule
from minsheng.core.admin_scope import RegionScopedAdmin


@admin.register(AppealCategory)
class AppealCategoryAdmin(RegionScopedAdmin, SimpleHistoryAdmin):
    list_display = ["code", "name", "group", "limit_value", "limit_unit", "active", "position"]
    list_editable = ["limit_value", "limit_unit", "active", "position"]


@admin.register(RoutingRule)
class RoutingRuleAdmin(RegionScopedAdmin, SimpleHistoryAdmin):
    list_display = ["name", "category", "region", "keywords", "unit", "priority", "active"]
    list_filter = ["active", "category"]
    list_editable = ["priority", "active"]
    search_fields = ["name", "keywords"]
    autocomplete_fields = ["unit", "region"]


@admin.register(Open311Key)
class Open311KeyAdmin(RegionScopedAdmin):
    list_display = ["name", "region", "created_at", "active"]
    fields = ["name", "region", "active"]
    readonly_fields = ["name", "region"]

    def has_add_permission(self, request) -> bool:
        # A key is shown once when made; only `minsheng open311-key --create` can show it.
        return False


@admin.register(ExportLog)
class ExportLogAdmin(RegionScopedAdmin):
    list_display = ["at", "user", "personal", "count"]
    list_filter = ["personal"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
