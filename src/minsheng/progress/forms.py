"""The monthly report form: one row per target the unit answers for, plus its districts' shares."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from minsheng.core.params import MAX_FIGURE
from minsheng.core.uploads import CheckedUpload, UploadRejected, check_document, check_photo
from minsheng.progress.models import Report, SiteState

# max_value: what every database reads back exactly (see core.params.MAX_FIGURE).
_AMOUNT = {"max_digits": 20, "decimal_places": 4, "required": False, "min_value": 0, "max_value": MAX_FIGURE}


class ReportForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    percent_complete = forms.DecimalField(label=_("形象进度(%)"), max_digits=6, decimal_places=2, required=False,
                                          min_value=0, max_value=100)
    progress_text = forms.CharField(label=_("进展情况"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    problems = forms.CharField(label=_("存在问题"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    next_steps = forms.CharField(label=_("下步计划"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    spent_superior = forms.DecimalField(label=_("上级补助已到位（万元）"), **_AMOUNT)
    spent_local = forms.DecimalField(label=_("本级财政已支出（万元）"), **_AMOUNT)
    spent_social = forms.DecimalField(label=_("社会资本已投入（万元）"), **_AMOUNT)
    spent_self = forms.DecimalField(label=_("自筹资金已投入（万元）"), **_AMOUNT)
    photos = forms.FileField(label=_("现场照片"), required=False,
                             widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}))
    files = forms.FileField(label=_("佐证材料（PDF/Word/Excel）"), required=False)

    TEXT_FIELDS = ("percent_complete", "progress_text", "problems", "next_steps",
                   "spent_superior", "spent_local", "spent_social", "spent_self")

    def __init__(self, *args, report: Report, targets, allocations, sites, previous: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.report, self.targets, self.allocations, self.sites = report, targets, allocations, sites
        self.previous = previous
        for t in targets:
            label = f"{t.get_op_display()}{t.value.normalize():f}{t.unit}" if t.value is not None else t.unit
            self.fields[f"target_{t.pk}"] = forms.DecimalField(label=label, **_AMOUNT)
            self.fields[f"reason_{t.pk}"] = forms.CharField(label=_("下降原因"), required=False, max_length=300)
            self.fields[f"over_{t.pk}"] = forms.BooleanField(label=_("确认超额完成"), required=False)
        for a in allocations:
            self.fields[f"allocation_{a.pk}"] = forms.DecimalField(
                label=f"{a.label} {a.value.normalize():f}{a.unit}" if a.value is not None else a.label, **_AMOUNT)
        for s in sites:
            self.fields[f"site_{s.pk}"] = forms.ChoiceField(label=s.name, required=False,
                                                            choices=[("", "—"), *SiteState.State.choices])
        if targets:
            del self.fields["percent_complete"]

    def _checked(self, name: str, check) -> CheckedUpload | None:
        # Decoded and checked here, stored only by save_report together with the saved report.
        upload = self.cleaned_data.get(name)
        if not upload:
            return None
        try:
            return check(upload)
        except UploadRejected as exc:
            raise forms.ValidationError(str(exc)) from exc

    def clean_photos(self) -> CheckedUpload | None:
        return self._checked("photos", check_photo)

    def clean_files(self) -> CheckedUpload | None:
        return self._checked("files", check_document)

    def uploads(self) -> list[CheckedUpload]:
        return [c for c in (self.cleaned_data.get("photos"), self.cleaned_data.get("files")) if c]

    def target_rows(self):
        return [(t, self[f"target_{t.pk}"], self[f"reason_{t.pk}"], self[f"over_{t.pk}"], self.previous.get(t.pk))
                for t in self.targets]

    def allocation_rows(self):
        return [self[f"allocation_{a.pk}"] for a in self.allocations]

    def site_rows(self):
        return [self[f"site_{s.pk}"] for s in self.sites]

    def report_fields(self) -> dict:
        data = {k: self.cleaned_data.get(k) for k in self.TEXT_FIELDS if k in self.fields}
        for k in ("progress_text", "problems", "next_steps"):
            data[k] = data[k] or ""
        return data

    def figures(self) -> dict[int, dict]:
        out = {}
        for t in self.targets:
            value = self.cleaned_data.get(f"target_{t.pk}")
            if value is not None:
                out[t.pk] = {"value": value, "decrease_reason": self.cleaned_data.get(f"reason_{t.pk}", ""),
                             "over_target_confirmed": self.cleaned_data.get(f"over_{t.pk}", False)}
        return out

    def allocation_figures(self) -> dict:
        return {a.pk: self.cleaned_data[f"allocation_{a.pk}"] for a in self.allocations
                if self.cleaned_data.get(f"allocation_{a.pk}") is not None}

    def site_states(self) -> dict[int, str]:
        return {s.pk: self.cleaned_data[f"site_{s.pk}"] for s in self.sites if self.cleaned_data.get(f"site_{s.pk}")}


class ReturnForm(forms.Form):
    reason = forms.CharField(label=_("退回理由"), widget=forms.Textarea(attrs={"rows": 2}), max_length=1000)
