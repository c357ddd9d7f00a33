from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from minsheng.maps.geo import Datum

DATUM_CHOICES = [
    (Datum.GCJ02.value, _("GCJ-02（高德、腾讯地图拾取的坐标）")),
    (Datum.WGS84.value, _("WGS-84（GPS、手机定位、奥维等）")),
    (Datum.BD09.value, _("BD-09（百度地图拾取的坐标）")),
]
DATUM_HELP = _("坐标将换算为 GCJ-02 保存，与地图边界一致。请选择坐标的来源。")


class SiteForm(forms.Form):
    name = forms.CharField(label=_("点位名称"), max_length=200)
    address = forms.CharField(label=_("地址"), max_length=300, required=False)
    district = forms.ChoiceField(label=_("区县"), required=False)
    longitude = forms.DecimalField(label=_("经度"), max_digits=10, decimal_places=6)
    latitude = forms.DecimalField(label=_("纬度"), max_digits=10, decimal_places=6)
    datum = forms.ChoiceField(label=_("坐标系"), choices=DATUM_CHOICES, initial=Datum.GCJ02.value,
                              widget=forms.RadioSelect, help_text=DATUM_HELP)

    def __init__(self, *args, districts: list[str] = (), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["district"].choices = [("", _("按坐标判断"))] + [(d, d) for d in districts]


class SiteImportForm(forms.Form):
    file = forms.FileField(label=_("Excel 文件（.xlsx）"),
                           help_text=_("表头：名称、地址、区县、经度、纬度"))
    datum = forms.ChoiceField(label=_("坐标系"), choices=DATUM_CHOICES, initial=Datum.GCJ02.value,
                              widget=forms.RadioSelect, help_text=DATUM_HELP)
