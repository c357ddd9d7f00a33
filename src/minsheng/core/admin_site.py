"""The admin is a coordinators' tool: only they (and superusers) get in, scoped to their region.

The scoping itself lives in ``core/admin_scope.py``; every admin this site registers goes through it.
"""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _


class MinshengAdminSite(admin.AdminSite):
    site_header = _("民生实事管理后台")
    site_title = _("民生实事")

    @property
    def login_form(self):
        # Imported here: this module is loaded with the settings, before the models are.
        from minsheng.core.admin_scope import AdminLoginForm

        return AdminLoginForm

    def has_permission(self, request) -> bool:
        return request.user.is_active and request.user.has_perm("core.use_admin")

    def register(self, model_or_iterable, admin_class=None, **options):
        from minsheng.core.admin_scope import restrict

        super().register(model_or_iterable, restrict(admin_class or admin.ModelAdmin), **options)


class MinshengAdminConfig(AdminConfig):
    default_site = "minsheng.core.admin_site.MinshengAdminSite"


def __getattr__(name: str):
    # The old base class's name, for admins written against it: they get the scoped base.
    if name == "ScopedAdmin":
        from minsheng.core.admin_scope import RegionScopedAdmin

        return RegionScopedAdmin
    raise AttributeError(name)
