"""Forms for the public message board, the phone operator's entry and the workflow steps."""

from __future__ import annotations

import re
import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from minsheng.appeals.models import Appeal, AppealCategory
from minsheng.appeals.permissions import assignable_units
from minsheng.appeals.photos import MAX_PHOTOS, PhotoError, check_photos
from minsheng.appeals.services import Intake
from minsheng.core.models import Region, Unit
from minsheng.core.permissions import coordinated_regions

_MOBILE = re.compile(r"^(\+?86)?1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}$")
_ID = re.compile(r"^\d{17}[\dX]$")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        return [super(MultiplePhotoField, self).clean(f, initial) for f in files]


def appeal_regions() -> list[Region]:
    """The cities that have routing rules and their districts: where the message board takes appeals."""
    from minsheng.appeals.models import RoutingRule

    cities = Region.objects.filter(pk__in=RoutingRule.objects.exclude(region=None).values("region_id"))
    ids: set[int] = set()
    for city in cities:
        ids |= city.descendant_ids()
    return list(Region.objects.filter(pk__in=ids).select_related("parent").order_by("parent_id", "id"))


class AppealForm(forms.Form):
    """What a citizen fills on the message board; the phone operator's form adds an ID number."""

    submission_key = forms.UUIDField(widget=forms.HiddenInput)
    category = forms.ModelChoiceField(AppealCategory.objects.filter(active=True), label=_("诉求类别"))
    region = forms.ModelChoiceField(Region.objects.none(), label=_("所在区县"))
    title = forms.CharField(label=_("标题"), max_length=100, required=False)
    content = forms.CharField(label=_("诉求内容"), max_length=4000, widget=forms.Textarea(attrs={"rows": 6}))
    address = forms.CharField(label=_("地址"), max_length=200, required=False,
                              help_text=_("填写地址，或在下方填写经纬度"))
    latitude = forms.DecimalField(label=_("纬度"), max_digits=9, decimal_places=6, required=False,
                                  min_value=-90, max_value=90)
    longitude = forms.DecimalField(label=_("经度"), max_digits=9, decimal_places=6, required=False,
                                   min_value=-180, max_value=180)
    name = forms.CharField(label=_("姓名"), max_length=50)
    phone = forms.CharField(label=_("手机号码"), max_length=20)
    photos = MultiplePhotoField(label=_("照片"), required=False,
                                help_text=_("最多 %(n)d 张，每张不超过 5 MB，JPEG/PNG/WebP") % {"n": MAX_PHOTOS})
    publish = forms.BooleanField(label=_("同意公开（公开时隐去姓名、电话等个人信息）"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = Region.objects.filter(pk__in=[r.pk for r in appeal_regions()])
        self.fields["region"].label_from_instance = lambda r: f"{r.parent.name} {r.name}" if r.parent else r.name
        if not self.is_bound:
            # A fresh key per rendered form: resubmitting this page finds the first appeal, not a copy.
            self.initial.setdefault("submission_key", uuid.uuid4())

    def clean_phone(self) -> str:
        phone = re.sub(r"[\s-]", "", self.cleaned_data["phone"])
        if not (_MOBILE.match(phone) or _LANDLINE.match(self.cleaned_data["phone"].replace(" ", ""))):
            raise forms.ValidationError(_("请填写正确的手机或固定电话号码。"))
        return phone

    def clean_photos(self) -> list:
        try:
            return check_photos(self.cleaned_data.get("photos") or [])
        except PhotoError as exc:
            raise forms.ValidationError(str(exc)) from exc

    def clean(self):
        data = super().clean()
        has_point = data.get("latitude") is not None and data.get("longitude") is not None
        if not data.get("address") and not has_point:
            raise forms.ValidationError(_("请填写地址或经纬度，便于承办单位找到现场。"))
        if (data.get("latitude") is None) != (data.get("longitude") is None):
            raise forms.ValidationError(_("经度和纬度需同时填写。"))
        return data

    def intake(self) -> Intake:
        d = self.cleaned_data
        return Intake(
            category=d["category"], region=d["region"], content=d["content"], title=d.get("title", ""),
            address=d.get("address", ""), latitude=d.get("latitude"), longitude=d.get("longitude"),
            name=d["name"], phone=d["phone"], id_number=d.get("id_number", ""), publish=d.get("publish", False),
            submission_key=d["submission_key"], photos=d.get("photos") or [],
        )


class StaffAppealForm(AppealForm):
    """A call to the hotline, typed by the operator: the caller may decline to give a name.

    Only in the regions the operator's coordinator account covers: a call for another city is
    that city's to register.
    """

    id_number = forms.CharField(label=_("身份证号"), max_length=18, required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].required = False
        if user is None or not user.is_superuser:
            ids = coordinated_regions(user) if user is not None else set()
            self.fields["region"].queryset = Region.objects.filter(pk__in=ids)

    def clean_id_number(self) -> str:
        number = self.cleaned_data["id_number"].strip().upper()
        if number and not _ID.match(number):
            raise forms.ValidationError(_("身份证号应为 18 位。"))
        return number


def _units(user, region: Region | None):
    # Those of the appeal's region and below, and of the regions above that the user coordinates.
    if user is None or region is None:
        return Unit.objects.none()
    return assignable_units(user, region).select_related("region").order_by("needs_review", "region_id", "id")


class AcceptForm(forms.Form):
    unit = forms.ModelChoiceField(Unit.objects.none(), label=_("承办单位"))
    category = forms.ModelChoiceField(AppealCategory.objects.filter(active=True), label=_("类别"))
    note = forms.CharField(label=_("交办意见"), max_length=500, required=False)

    def __init__(self, *args, region: Region | None = None, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = _units(user, region)


class ReassignForm(forms.Form):
    unit = forms.ModelChoiceField(Unit.objects.none(), label=_("改派至"))
    reason = forms.CharField(label=_("改派理由"), max_length=500)

    def __init__(self, *args, region: Region | None = None, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = _units(user, region)


class AnswerForm(forms.Form):
    text = forms.CharField(label=_("答复内容"), max_length=4000, widget=forms.Textarea(attrs={"rows": 5}))


class ExtensionForm(forms.Form):
    amount = forms.IntegerField(label=_("延期时长"), min_value=1, max_value=30)
    reason = forms.CharField(label=_("延期理由"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class DecisionForm(forms.Form):
    note = forms.CharField(label=_("意见"), max_length=500, required=False)


class RatingForm(forms.Form):
    proof = forms.CharField(label=_("评价密码或联系电话"), max_length=30,
                            help_text=_("提交留言时获得的评价密码（如 ABCD-EFGH），或留言时填写的电话号码"))
    rating = forms.ChoiceField(label=_("满意度"), choices=Appeal.Rating.choices, widget=forms.RadioSelect)
    resolved = forms.TypedChoiceField(label=_("问题是否已解决"), choices=[("1", _("已解决")), ("0", _("未解决"))],
                                      coerce=lambda v: v == "1", widget=forms.RadioSelect)
    comment = forms.CharField(label=_("评价意见"), max_length=500, required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))


class TrackForm(forms.Form):
    code = forms.CharField(label=_("查询码"), max_length=20)


class PublicationForm(forms.Form):
    """The text a coordinator approves for the public board; phone and ID numbers are masked on saving."""

    title = forms.CharField(label=_("公开标题"), max_length=100)
    content = forms.CharField(label=_("公开内容"), max_length=4000, widget=forms.Textarea(attrs={"rows": 5}))
    answer = forms.CharField(label=_("公开答复"), max_length=4000, required=False,
                             widget=forms.Textarea(attrs={"rows": 4}))


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("撤回理由"), max_length=300, required=False)
