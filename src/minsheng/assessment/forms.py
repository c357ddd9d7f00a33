"""Forms of the assessment pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from minsheng.assessment import scoring
from minsheng.assessment.models import Adjustment, Rating, Survey
from minsheng.core.models import Region, Unit
from minsheng.plans.models import Plan

GRADE_FIELDS = {"优秀": "grade_excellent", "良好": "grade_good", "一般": "grade_fair"}


class SchemeForm(forms.Form):
    def __init__(self, weights: dict, *args, grades: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        for spec in scoring.COMPONENTS:
            self.fields[spec.key] = forms.DecimalField(label=spec.label, min_value=0, max_digits=6, decimal_places=2,
                                                       initial=weights.get(spec.key, 0), help_text=spec.basis)
        grades = grades or scoring.DEFAULT_GRADES
        for label, name in GRADE_FIELDS.items():
            self.fields[name] = forms.DecimalField(
                label=_("%(grade)s分数线") % {"grade": label}, min_value=0, max_value=100, max_digits=5,
                decimal_places=2, initial=grades.get(label, scoring.DEFAULT_GRADES[label]),
                help_text=_("总分不低于此为%(grade)s") % {"grade": label})

    def weights(self) -> dict[str, float]:
        return {spec.key: float(self.cleaned_data[spec.key]) for spec in scoring.COMPONENTS}

    def grades(self) -> dict[str, float]:
        return {label: float(self.cleaned_data[name]) for label, name in GRADE_FIELDS.items()}


class AdjustmentForm(forms.Form):
    kind = forms.ChoiceField(label=_("类型"), choices=Adjustment.Kind.choices)
    unit = forms.ModelChoiceField(label=_("单位"), queryset=Unit.objects.none(), required=False)
    region = forms.ModelChoiceField(label=_("区县"), queryset=Region.objects.none(), required=False)
    points = forms.DecimalField(label=_("分值"), max_digits=6, decimal_places=2)
    reason = forms.CharField(label=_("理由"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, plan: Plan, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(project_links__project__plan=plan).distinct().order_by("id")
        self.fields["region"].queryset = Region.objects.filter(parent=plan.region)


class SurveyForm(forms.Form):
    project = forms.ModelChoiceField(label=_("项目"), queryset=None)
    title = forms.CharField(label=_("标题"), max_length=200)
    audience = forms.ChoiceField(label=_("对象"), choices=Survey.Audience.choices)

    def __init__(self, plan: Plan, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = plan.projects.order_by("position", "id")


class ImportForm(forms.Form):
    survey = forms.ModelChoiceField(label=_("测评"), queryset=None)
    file = forms.FileField(label=_("Excel 文件（总体评价 | 所在区县 | 意见建议）"))

    def __init__(self, plan: Plan, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["survey"].queryset = Survey.objects.filter(project__plan=plan)


class AnswerForm(forms.Form):
    rating = forms.ChoiceField(label=_("您对该项目的总体评价"), choices=Rating.choices, widget=forms.RadioSelect)
    region = forms.ModelChoiceField(label=_("您所在的区县"), queryset=None, required=False)
    comment = forms.CharField(label=_("意见建议"), required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, survey: Survey, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = Region.objects.filter(parent=survey.project.plan.region)
