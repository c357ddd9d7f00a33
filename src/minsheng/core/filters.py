"""List filters: one django-filter FilterSet per list, read alike by the list's page and its API.

The field types apply ``core/params.py``'s rules to a query string: an id is ASCII digits within a
bigint, a date an ISO date in 1900–2100. A value that is present but malformed makes the FilterSet
invalid; a page then answers the site's 400 page (``ListFilterSet.page_qs`` raises
``InvalidParameter``) and the API a JSON 400 (DRF's ``DjangoFilterBackend``). Choices a list has
always tolerated when unknown (a sort key, an appeal state) fall back to their default instead.

A FilterSet narrows the queryset it is given, which comes from ``core/permissions.py``: it never
widens what the user may see.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from minsheng.core.params import InvalidParameter, invalid, parse_date, parse_int, parse_moment


class _Strict(forms.Field):
    """A value read by ``parse`` (ValueError when malformed); None when absent or blank."""

    parse: Callable[[str], object]
    default_error_messages = {"invalid": _("值无效")}

    def to_python(self, value):
        if value is None or not str(value).strip():
            return None
        try:
            return type(self).parse(str(value))
        except ValueError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None


class IdField(_Strict):
    parse = staticmethod(parse_int)


class DateField(_Strict):
    parse = staticmethod(parse_date)


class MomentField(_Strict):
    # A '+' in a query string arrives as a space: 2024-10-08T00:00:00+08:00.
    parse = staticmethod(lambda text: parse_moment(text.replace(" ", "+")))


class ListField(forms.Field):
    """A comma-separated list (``?status=open,closed``), sorted, without repeats; each in ``known`` if given."""

    default_error_messages = {"invalid": _("值无效")}

    def __init__(self, *, known: Iterable[str] | None = None, **kwargs):
        super().__init__(**kwargs)
        self.known = known

    def to_python(self, value) -> list[str]:
        items = sorted({item.strip() for item in (value or "").split(",") if item.strip()})
        if self.known is not None and set(items) - set(self.known):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return items


class TextField(forms.CharField):
    """Free text for a search: trimmed, at most 100 characters."""

    def to_python(self, value) -> str:
        return super().to_python(value)[:100]


class KnownField(forms.Field):
    """One of ``known`` (an iterable, or a callable returning one); otherwise ``fallback``."""

    def __init__(self, *, known: Iterable[str] | Callable[[], Iterable[str]], fallback: str = "", **kwargs):
        super().__init__(**kwargs)
        self.known, self.fallback = known, fallback

    def to_python(self, value) -> str:
        known = self.known() if callable(self.known) else self.known
        return value if isinstance(value, str) and value in known else self.fallback


class FlagField(forms.Field):
    """A checkbox sent as ``1``: anything else is unticked."""

    def to_python(self, value) -> bool:
        return value == "1"


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(django_filters.Filter):
    field_class = IdField


@extend_schema_field(OpenApiTypes.DATE)
class DateFilter(django_filters.Filter):
    field_class = DateField


@extend_schema_field(OpenApiTypes.DATETIME)
class MomentFilter(django_filters.Filter):
    field_class = MomentField


@extend_schema_field(OpenApiTypes.STR)
class ListFilter(django_filters.Filter):
    field_class = ListField


@extend_schema_field(OpenApiTypes.STR)
class TextFilter(django_filters.Filter):
    field_class = TextField


@extend_schema_field(OpenApiTypes.STR)
class KnownFilter(django_filters.Filter):
    field_class = KnownField

    def __init__(self, *args, known, fallback: str = "", **kwargs):
        super().__init__(*args, known=known, fallback=fallback, **kwargs)


@extend_schema_field({"type": "string", "enum": ["1"]})
class FlagFilter(django_filters.Filter):
    field_class = FlagField


def _refusal(form: forms.Form) -> InvalidParameter:
    key = next(iter(form.errors))
    return invalid(key, str(form.data.get(key, "")))


class ListFilterSet(django_filters.FilterSet):
    """A FilterSet a page reads too: ``page_qs`` answers the 400 page for a malformed value."""

    def page_qs(self) -> QuerySet:
        """The filtered list; 400 when a parameter is malformed."""
        if not self.is_valid():
            raise _refusal(self.form)
        return self.qs

    @property
    def values(self) -> dict:
        """The parsed parameters, for the page to show what it filtered by; 400 when one is malformed."""
        if not self.is_valid():
            raise _refusal(self.form)
        return self.form.cleaned_data

    def active(self) -> dict:
        """The parameters that filtered something (a log of what was asked)."""
        return {k: v for k, v in self.values.items() if v}


class ParamsForm(forms.Form):
    """The parameters of a page whose list is computed rather than queried, with the same field types."""

    @property
    def values(self) -> dict:
        """The parsed parameters; 400 when one is malformed."""
        if not self.is_valid():
            raise _refusal(self)
        return self.cleaned_data
