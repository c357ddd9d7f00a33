"""The admin is a coordinators' tool: only they (and superusers) get in, scoped to their region."""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _


class MinshengAdminSite(admin.AdminSite):
    site_header = _("民生实事管理后台")
    site_title = _("民生实事")

    def has_permission(self, request) -> bool:
        return request.user.is_active and request.user.has_perm("core.use_admin")


class MinshengAdminConfig(AdminConfig):
    default_site = "minsheng.core.admin_site.MinshengAdminSite"


class ScopedAdmin(admin.ModelAdmin):
    """Module access for coordinators; rows limited by ``scope_queryset`` (from core.permissions)."""

    def scope_queryset(self, request, queryset):
        return queryset

    def get_queryset(self, request):
        return self.scope_queryset(request, super().get_queryset(request))

    def has_module_permission(self, request) -> bool:
        return request.user.has_perm("core.use_admin")

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.has_perm("core.use_admin")

    def has_add_permission(self, request) -> bool:
        return request.user.has_perm("core.use_admin")

    def has_change_permission(self, request, obj=None) -> bool:
        return request.user.has_perm("core.use_admin")

    def has_delete_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser
