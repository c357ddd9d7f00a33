"""Forms of the import preview: upload, and corrections of one project or the plan's header."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from minsheng.core.params import MAX_FIGURE
from minsheng.plans.models import Target

_SEPARATORS = re.compile(r"[、，,；;\n]+")


class NameListField(forms.CharField):
    """Names typed one after another, separated by 、 as in the documents."""

    def prepare_value(self, value):
        return "、".join(value) if isinstance(value, list) else value

    def to_python(self, value) -> list[str]:
        return [n.strip() for n in _SEPARATORS.split(value or "") if n.strip()]


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("计划文件"),
        help_text=_("支持 .docx、.xlsx、.pdf（含文字层）、.txt，安装 LibreOffice 后也支持 .doc/.wps；不超过 20 MB"),
    )


class PlanFieldsForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    title = forms.CharField(label=_("标题"), max_length=300)
    region = forms.CharField(label=_("区划"), max_length=100)
    year = forms.IntegerField(label=_("年度"), min_value=1949, max_value=2200)
    doc_number = forms.CharField(label=_("文号"), max_length=100, required=False)
    issuer = forms.CharField(label=_("发文单位"), max_length=200, required=False)
    issued_on = forms.DateField(label=_("成文日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def document_values(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("version")
        data["issued_on"] = data["issued_on"].isoformat() if data["issued_on"] else None
        for key in ("doc_number", "issuer"):
            data[key] = data[key] or None
        return data


class ProjectForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    category = forms.CharField(label=_("类别"), max_length=200, required=False)
    ref = forms.CharField(label=_("编号"), max_length=30, required=False)
    name = forms.CharField(label=_("项目名称"), max_length=500)
    content = forms.CharField(label=_("内容"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    lead_units = NameListField(label=_("牵头单位"), required=False)
    partner_units = NameListField(label=_("配合单位"), required=False)
    leaders = NameListField(label=_("分管领导"), required=False)
    unit_leaders = NameListField(label=_("牵头单位分管领导"), required=False)
    deadline = forms.DateField(label=_("完成时限"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.CharField(label=_("项目类型"), max_length=50, required=False)

    @classmethod
    def initial_from(cls, project: dict) -> dict:
        return {k: project.get(k) for k in cls.base_fields if k != "version"}

    def document_values(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("version")
        data["deadline"] = data["deadline"].isoformat() if data["deadline"] else None
        for key in ("category", "ref", "content", "kind"):
            data[key] = data[key] or None
        return data


class TargetForm(forms.Form):
    op = forms.ChoiceField(label=_("比较"), choices=Target.Op.choices, required=False)
    value = forms.DecimalField(label=_("目标值"), max_digits=20, decimal_places=4, required=False,
                               min_value=-MAX_FIGURE, max_value=MAX_FIGURE)
    unit = forms.CharField(label=_("计量单位"), max_length=50, required=False)

    def clean(self):
        data = super().clean()
        if data.get("unit") and data.get("value") is None:
            self.add_error("value", _("请填写数值，或清空这一行"))
        return data


TargetFormSet = forms.formset_factory(TargetForm, extra=1, max_num=50)


def targets_from(formset) -> list[dict]:
    """The targets rows as the document holds them: empty rows dropped, whole numbers as ints."""
    out = []
    for form in formset:
        data = form.cleaned_data
        if not data or data.get("value") is None:
            continue
        value = data["value"]
        out.append(
            {
                "value": int(value) if value == value.to_integral_value() else float(value),
                "unit": data.get("unit") or None,
                "op": data.get("op") or ">=",
            }
        )
    return out
