"""DRF's gate onto the rules (django-rules, each app's permissions.py): the API asks the same rules as the pages."""

from rest_framework.permissions import SAFE_METHODS, BasePermission


class VisibleObjects(BasePermission):
    """Reads go through each view's visibility-filtered queryset; writes need the change rule."""

    def has_permission(self, request, view) -> bool:
        return request.method in SAFE_METHODS or request.user.is_authenticated

    def has_object_permission(self, request, view, obj) -> bool:
        meta = obj._meta
        action = "view" if request.method in SAFE_METHODS else "change"
        return request.user.has_perm(f"{meta.app_label}.{action}_{meta.model_name}", obj)
