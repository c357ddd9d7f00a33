"""The admin shows and changes only the data of the user's own regions.

Every model an admin screen lists, edits or offers as a choice is declared in ``SCOPES`` with the
lookup path from its rows to the region they belong to. ``RegionScopedAdmin`` (and the scoped
inlines) read that declaration for everything: the rows of a list, each object's view, change and
history pages, the choices of every foreign key, and the check that a saved form still lands inside
the user's regions (so a POSTed foreign id is a form error, not only a hidden option).

The regions themselves come from ``core.permissions.coordinated_regions``; superusers see all.
Admins that are not region-scoped (third-party apps) are made superuser-only when they register,
and a system check (``minsheng.E001``..) names every registered admin, inline or related model
that lacks a declaration, so a new one fails loudly instead of leaking.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import reduce, wraps

from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.admin.sites import all_sites
from django.contrib.admin.widgets import ForeignKeyRawIdWidget
from django.contrib.auth.forms import AuthenticationForm
from django.core import checks
from django.core.exceptions import (
    FieldDoesNotExist,
    ImproperlyConfigured,
    ObjectDoesNotExist,
    PermissionDenied,
    ValidationError,
)
from django.db import models
from django.db.models import Q, QuerySet
from django.forms import ModelChoiceField, ModelMultipleChoiceField
from django.http import Http404
from django.urls import URLPattern, URLResolver
from django.utils.translation import gettext_lazy as _

from minsheng.core.permissions import coordinated_regions


@dataclass(frozen=True)
class Scope:
    """Where a model's rows belong.

    ``required`` paths must lead to one of the user's regions; ``optional`` paths may be empty but,
    when set, must lead there too; at least one path must be set. A scope without paths is either
    ``shared`` (the same for every government: coordinators read it, superusers write it) or, if not
    shared, visible to superusers only.
    """

    required: tuple[str, ...] = ()
    optional: tuple[str, ...] = ()
    shared: bool = False

    @property
    def regional(self) -> bool:
        return bool(self.required or self.optional)


SHARED = Scope(shared=True)
SUPERUSER_ONLY = Scope()

# "app_label.model_name" -> scope. A region belongs to itself (a new one to its parent).
SCOPES: dict[str, Scope] = {
    "core.region": Scope(required=("id",)),
    "core.unit": Scope(required=("region",)),
    "core.person": Scope(required=("region",), optional=("unit__region",)),
    "core.user": Scope(optional=("region", "unit__region")),
    "core.calendaryear": SHARED,
    "core.calendarday": SHARED,
    "plans.plan": Scope(required=("region",)),
    "plans.category": Scope(required=("plan__region",)),
    "plans.project": Scope(required=("plan__region",)),
    "plans.projectunit": Scope(required=("project__plan__region",)),
    "plans.projectleader": Scope(required=("project__plan__region",)),
    "plans.target": Scope(required=("project__plan__region",)),
    "plans.milestone": Scope(required=("project__plan__region",)),
    "plans.allocation": Scope(required=("project__plan__region",)),
    "plans.funding": Scope(required=("project__plan__region",)),
    "plans.site": Scope(required=("project__plan__region",)),
    "appeals.appealcategory": SHARED,
    # A rule without a region routes every region's appeals: only superusers keep those.
    "appeals.routingrule": Scope(required=("region", "unit__region")),
    "appeals.open311key": Scope(required=("region",)),
    "appeals.exportlog": Scope(optional=("user__region", "user__unit__region")),
    "appeals.appeal": Scope(required=("region",)),
    # Groups and permissions grant model permissions to whoever holds them.
    "auth.group": SUPERUSER_ONLY,
    "auth.permission": SUPERUSER_ONLY,
    # Third-party admins: system-wide logs, tokens and queues.
    "axes.accessattempt": SUPERUSER_ONLY,
    "axes.accesslog": SUPERUSER_ONLY,
    "axes.accessfailurelog": SUPERUSER_ONLY,
    "authtoken.tokenproxy": SUPERUSER_ONLY,
    "django_tasks_database.dbtaskresult": SUPERUSER_ONLY,
    "django_rq.dashboard": SUPERUSER_ONLY,
}

OUT_OF_SCOPE = _("所选内容不在您管辖的区划内。")


def scope_of(model: type[models.Model]) -> Scope:
    try:
        return SCOPES[model._meta.label_lower]
    except KeyError:
        raise ImproperlyConfigured(
            f"{model._meta.label_lower} has no entry in minsheng.core.admin_scope.SCOPES: declare the path "
            "from its rows to their region (or SHARED / SUPERUSER_ONLY) before showing it in the admin."
        ) from None


def _is_superuser(user) -> bool:
    return user.is_active and user.is_superuser


def _uses_admin(user) -> bool:
    return user.is_active and user.has_perm("core.use_admin")


def visible_rows(queryset: QuerySet, user) -> QuerySet:
    """The rows of ``queryset`` that lie inside the user's regions."""
    if _is_superuser(user):
        return queryset
    scope = scope_of(queryset.model)
    if scope.shared:
        return queryset
    if not scope.regional:
        return queryset.none()
    regions = coordinated_regions(user)
    condition = Q()
    for path in scope.required:
        condition &= Q(**{f"{path}__in": regions})
    for path in scope.optional:
        condition &= Q(**{f"{path}__in": regions}) | Q(**{f"{path}__isnull": True})
    if not scope.required:
        condition &= reduce(lambda a, b: a | b, (Q(**{f"{p}__in": regions}) for p in scope.optional))
    return queryset.filter(condition)


_GONE = object()  # a related row that no longer exists: never inside anyone's regions


def _region_at(obj: models.Model, path: str):
    from minsheng.core.models import Region

    if isinstance(obj, Region) and path == "id" and obj.pk is None:
        return obj.parent_id
    *hops, last = path.split("__")
    for hop in hops:
        try:
            obj = getattr(obj, hop)
        except ObjectDoesNotExist:
            return _GONE
        if obj is None:
            return None
    return getattr(obj, obj._meta.get_field(last).attname)


def in_scope(obj: models.Model, user) -> bool:
    """Whether ``obj`` (saved, unsaved or a historical version) lies inside the user's regions."""
    if _is_superuser(user):
        return True
    scope = scope_of(type(obj))
    if not scope.regional:
        return scope.shared
    regions = coordinated_regions(user)
    required = [_region_at(obj, p) for p in scope.required]
    optional = [_region_at(obj, p) for p in scope.optional]
    if any(value not in regions for value in required):
        return False
    if any(value is not None and value not in regions for value in optional):
        return False
    return bool(required) or any(value is not None for value in optional)


# --- forms -----------------------------------------------------------------------------------------


class ScopedRawIdWidget(ForeignKeyRawIdWidget):
    """A raw id box that names only objects the user may see (a typed foreign id shows nothing)."""

    def __init__(self, rel, admin_site, queryset: QuerySet, **kwargs):
        super().__init__(rel, admin_site, **kwargs)
        self.queryset = queryset

    def label_and_url_for_value(self, value):
        key = self.rel.get_related_field().name
        try:
            if not self.queryset.filter(**{key: value}).exists():
                return "", ""
        except (ValueError, ValidationError):
            return "", ""
        return super().label_and_url_for_value(value)


def _keep_current_choices(form) -> None:
    """A value the object already has stays selectable (a city keeps its province as parent)."""
    instance = form.instance
    if instance.pk is None:
        return
    fields = {}
    for name, field in form.fields.items():
        if isinstance(field, ModelChoiceField) and not isinstance(field, ModelMultipleChoiceField):
            try:
                model_field = instance._meta.get_field(name)
            except FieldDoesNotExist:  # a form-only field
                continue
            if model_field.many_to_one or model_field.one_to_one:
                fields[name] = (field, model_field)
    if not fields:
        return
    current = type(instance)._default_manager.filter(pk=instance.pk).values(
        *(f.attname for _, f in fields.values())
    ).first() or {}
    for field, model_field in fields.values():
        value = current.get(model_field.attname)
        if value is None:
            continue
        key = field.to_field_name or "pk"
        extra = model_field.remote_field.model._default_manager.filter(**{key: value})
        field.queryset = field.queryset | extra
        if isinstance(field.widget, ScopedRawIdWidget):
            field.widget.queryset = field.widget.queryset | extra


def scoped_form(form_class, request):
    """``form_class`` that refuses to save an object outside the user's regions."""
    user = request.user
    if _is_superuser(user):
        return form_class

    def __init__(self, *args, **kwargs):
        form_class.__init__(self, *args, **kwargs)
        _keep_current_choices(self)

    def _post_clean(self):
        form_class._post_clean(self)
        if not in_scope(self.instance, user):
            self.add_error(None, ValidationError(OUT_OF_SCOPE, code="out_of_scope"))

    return type(form_class.__name__, (form_class,), {
        "__init__": __init__, "_post_clean": _post_clean, "__module__": form_class.__module__,
    })


class _ScopedChoices:
    """Every foreign-key and many-to-many choice limited to the user's regions."""

    def _choices(self, db_field, request, kwargs) -> QuerySet | None:
        if _is_superuser(request.user):
            return None
        queryset = kwargs.get("queryset")
        if queryset is None:
            queryset = self.get_field_queryset(kwargs.get("using"), db_field, request)
        if queryset is None:
            queryset = db_field.remote_field.model._default_manager.using(kwargs.get("using")).all()
        return visible_rows(queryset, request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        queryset = self._choices(db_field, request, kwargs)
        if queryset is not None:
            kwargs["queryset"] = queryset
            if "widget" not in kwargs and db_field.name in self.raw_id_fields:
                kwargs["widget"] = ScopedRawIdWidget(
                    db_field.remote_field, self.admin_site, queryset, using=kwargs.get("using")
                )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.remote_field.through._meta.auto_created:
            queryset = self._choices(db_field, request, kwargs)
            if queryset is not None:
                kwargs["queryset"] = queryset
                if db_field.name in self.raw_id_fields:
                    raise ImproperlyConfigured("raw_id_fields on a many-to-many field cannot be scoped")
        return super().formfield_for_manytomany(db_field, request, **kwargs)


# --- admins ----------------------------------------------------------------------------------------


class RegionScopedAdmin(_ScopedChoices, admin.ModelAdmin):
    """The base of every ModelAdmin: rows, objects, choices and saves inside the user's regions.

    Coordinators read shared models and read and change their regions' rows; deleting stays with
    superusers (history keeps what was, but a deleted plan takes its projects and reports with it).
    """

    def __init__(self, model, admin_site):
        self.scope = scope_of(model)
        super().__init__(model, admin_site)

    # permissions
    def has_module_permission(self, request) -> bool:
        if _is_superuser(request.user):
            return True
        return _uses_admin(request.user) and (self.scope.shared or self.scope.regional)

    def has_view_permission(self, request, obj=None) -> bool:
        if not self.has_module_permission(request):
            return False
        return obj is None or in_scope(obj, request.user)

    def has_add_permission(self, request) -> bool:
        return _is_superuser(request.user) or (_uses_admin(request.user) and self.scope.regional)

    def has_change_permission(self, request, obj=None) -> bool:
        if _is_superuser(request.user):
            return True
        if not (_uses_admin(request.user) and self.scope.regional):
            return False
        return obj is None or in_scope(obj, request.user)

    def has_delete_permission(self, request, obj=None) -> bool:
        return _is_superuser(request.user)

    # rows
    def get_queryset(self, request):
        return visible_rows(super().get_queryset(request), request.user)

    def get_list_filter(self, request):
        # A plain related-field filter lists every row of the related table, other cities' included.
        filters = super().get_list_filter(request)
        if _is_superuser(request.user):
            return filters
        return [
            (f, admin.RelatedOnlyFieldListFilter) if isinstance(f, str) and self._is_relation(f) else f
            for f in filters
        ]

    def _is_relation(self, path: str) -> bool:
        model = self.model
        for hop in path.split("__"):
            try:
                field = model._meta.get_field(hop)
            except FieldDoesNotExist:
                return False
            if not field.is_relation:
                return False
            model = field.related_model
        return True

    # forms
    def get_form(self, request, obj=None, change=False, **kwargs):
        return scoped_form(super().get_form(request, obj, change=change, **kwargs), request)

    def get_changelist_form(self, request, **kwargs):
        return scoped_form(super().get_changelist_form(request, **kwargs), request)

    def save_model(self, request, obj, form, change):
        # The form has said so already; this guards saves that come by another road.
        if not in_scope(obj, request.user):
            raise PermissionDenied
        super().save_model(request, obj, form, change)

    # history (django-simple-history's views, and Django's own history page)
    def _object_in_scope_or_404(self, request, object_id) -> None:
        if _is_superuser(request.user):
            return
        from django.contrib.admin.utils import unquote

        try:
            pk = self.model._meta.pk.to_python(unquote(object_id))
            exists = self.model._default_manager.filter(pk=pk).exists()
        except (ValueError, ValidationError):
            raise Http404 from None
        if exists and not self.get_queryset(request).filter(pk=pk).exists():
            raise Http404

    def history_view(self, request, object_id, extra_context=None):
        self._object_in_scope_or_404(request, object_id)
        return super().history_view(request, object_id, extra_context=extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._object_in_scope_or_404(request, object_id)
        # simple_history lets a user who may only view a version post it back as a revert.
        if request.method == "POST" and not self.has_change_permission(request):
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context=extra_context)


class ScopedInlineMixin(_ScopedChoices):
    """Inline rows follow their parent object's permissions; their own choices are scoped too."""

    def _parent_admin(self):
        return self.admin_site.get_model_admin(self.parent_model)

    def get_queryset(self, request):
        return visible_rows(super().get_queryset(request), request.user)

    def has_view_permission(self, request, obj=None) -> bool:
        return self._parent_admin().has_view_permission(request, obj)

    def _may_write(self, request, obj) -> bool:
        parent = self._parent_admin()
        return parent.has_change_permission(request, obj) if obj is not None else parent.has_add_permission(request)

    def has_add_permission(self, request, obj) -> bool:
        return self._may_write(request, obj)

    def has_change_permission(self, request, obj=None) -> bool:
        return self._may_write(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return self._may_write(request, obj)

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        form = scoped_form(formset.form, request)
        if form is formset.form:
            return formset
        return type(formset.__name__, (formset,), {"form": form})


class ScopedTabularInline(ScopedInlineMixin, admin.TabularInline):
    pass


class ScopedStackedInline(ScopedInlineMixin, admin.StackedInline):
    pass


# --- admins from other packages ---------------------------------------------------------------------


def _superuser_view(view):
    @wraps(view)
    def guarded(request, *args, **kwargs):
        if not _is_superuser(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return guarded


def _guard_urls(patterns: list) -> list:
    for pattern in patterns:
        if isinstance(pattern, URLPattern):
            pattern.callback = _superuser_view(pattern.callback)
        elif isinstance(pattern, URLResolver):
            _guard_urls(pattern.url_patterns)
    return patterns


class SuperuserOnlyAdmin:
    """Mixed in front of an admin that knows nothing of regions: every page of it is superusers'."""

    def has_module_permission(self, request) -> bool:
        return _is_superuser(request.user)

    def has_view_permission(self, request, obj=None) -> bool:
        return _is_superuser(request.user)

    def has_add_permission(self, request, *args) -> bool:
        return _is_superuser(request.user)

    def has_change_permission(self, request, obj=None) -> bool:
        return _is_superuser(request.user)

    def has_delete_permission(self, request, obj=None) -> bool:
        return _is_superuser(request.user)

    def get_urls(self):
        # Some packages add their own pages (queues, dashboards) that ask only for is_staff.
        return _guard_urls(super().get_urls())


def restrict(admin_class: type) -> type:
    """What the admin site registers: scoped admins as they are, any other superuser-only."""
    if issubclass(admin_class, (RegionScopedAdmin, SuperuserOnlyAdmin)):
        return admin_class
    return type(admin_class.__name__, (SuperuserOnlyAdmin, admin_class), {"__module__": admin_class.__module__})


class AdminLoginForm(AdminAuthenticationForm):
    """The admin's own login lets in whom ``MinshengAdminSite.has_permission`` does, not ``is_staff``."""

    def confirm_login_allowed(self, user):
        AuthenticationForm.confirm_login_allowed(self, user)
        if not _uses_admin(user):
            raise ValidationError(
                self.error_messages["invalid_login"],
                code="invalid_login",
                params={"username": self.username_field.verbose_name},
            )


# --- the check that keeps it so ------------------------------------------------------------------

# Methods whose first definition in an admin's MRO must come from the scoped base (or an admin
# built on it, which calls super()): a mixin listed before the base would bypass the scope.
GUARDED = [
    "get_queryset", "has_module_permission", "has_view_permission", "has_add_permission",
    "has_change_permission", "has_delete_permission", "formfield_for_foreignkey",
    "formfield_for_manytomany", "get_form", "get_changelist_form", "history_view", "history_form_view",
]
INLINE_GUARDED = [
    "get_queryset", "has_view_permission", "has_add_permission", "has_change_permission",
    "has_delete_permission", "formfield_for_foreignkey", "formfield_for_manytomany", "get_formset",
]


def _first_definer(cls: type, name: str) -> type | None:
    return next((c for c in cls.__mro__ if name in vars(c)), None)


def _relations(model: type[models.Model]):
    for field in model._meta.get_fields():
        if not (field.concrete and field.is_relation and field.editable):
            continue
        if field.many_to_many and not field.remote_field.through._meta.auto_created:
            continue
        yield field


def _check_model(model, where: str, errors: list) -> None:
    label = model._meta.label_lower
    if label not in SCOPES:
        errors.append(checks.Error(
            f"{label} ({where}) has no region scope.",
            hint="Add it to minsheng.core.admin_scope.SCOPES with the path to its region.",
            id="minsheng.E002",
        ))
        return
    for field in _relations(model):
        related = field.related_model._meta.label_lower
        if related not in SCOPES:
            errors.append(checks.Error(
                f"{label}.{field.name} offers {related} as a choice, which has no region scope.",
                hint="Add it to minsheng.core.admin_scope.SCOPES.",
                id="minsheng.E003",
            ))


def _check_guarded(cls: type, base: type, names: list[str], errors: list) -> None:
    for name in names:
        definer = _first_definer(cls, name)
        if definer is not None and not (issubclass(definer, base) or definer in base.__mro__):
            errors.append(checks.Error(
                f"{cls.__qualname__}.{name} comes from {definer.__qualname__}, ahead of {base.__name__}.",
                hint=f"List {base.__name__} first among the bases.",
                id="minsheng.E004",
            ))


@checks.register(checks.Tags.admin)
def check_admin_scopes(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    return [error for site in all_sites for error in site_errors(site)]


def site_errors(site: admin.AdminSite) -> list[checks.CheckMessage]:
    """Every admin, inline and offered choice of ``site`` that has no declared scope."""
    errors: list[checks.CheckMessage] = []
    for model, model_admin in site._registry.items():
        label = model._meta.label_lower
        if isinstance(model_admin, SuperuserOnlyAdmin) and not isinstance(model_admin, RegionScopedAdmin):
            if SCOPES.get(label) is not SUPERUSER_ONLY:
                errors.append(checks.Error(
                    f"The admin of {label} is not region-scoped and not declared superuser-only.",
                    hint="Build it on RegionScopedAdmin, or declare the model SUPERUSER_ONLY in SCOPES.",
                    id="minsheng.E001",
                ))
            continue
        if not isinstance(model_admin, RegionScopedAdmin):
            errors.append(checks.Error(
                f"The admin of {label} ({type(model_admin).__qualname__}) is not a RegionScopedAdmin.",
                hint="Build every ModelAdmin on minsheng.core.admin_scope.RegionScopedAdmin.",
                id="minsheng.E001",
            ))
            continue
        _check_model(model, "admin", errors)
        _check_guarded(type(model_admin), RegionScopedAdmin, GUARDED, errors)
        for inline in model_admin.inlines:
            if not issubclass(inline, ScopedInlineMixin):
                errors.append(checks.Error(
                    f"Inline {inline.__qualname__} of {label} is not scoped.",
                    hint="Use ScopedTabularInline or ScopedStackedInline.",
                    id="minsheng.E005",
                ))
                continue
            _check_model(inline.model, f"inline of {label}", errors)
            _check_guarded(inline, ScopedInlineMixin, INLINE_GUARDED, errors)
    return errors
