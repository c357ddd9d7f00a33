"""Forms of the supervision pages; they validate input, the services do the work."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from minsheng.core.models import Person, Unit
from minsheng.plans.models import Plan, Project
from minsheng.supervision.models import Finding, Inspection


class InspectionForm(forms.Form):
    kind = forms.ChoiceField(label=_("督查方式"), choices=Inspection.Kind.choices)
    date = forms.DateField(label=_("督查日期"), widget=forms.DateInput(attrs={"type": "date"}))
    team = forms.CharField(label=_("督查组成员"), max_length=300)
    summary = forms.CharField(label=_("督查情况"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    projects = forms.ModelMultipleChoiceField(label=_("督查项目"), queryset=Project.objects.none())
    rechecks = forms.ModelMultipleChoiceField(label=_("复查问题（回头看）"), queryset=Finding.objects.none(),
                                              required=False)
    # One finding may be recorded with the inspection; more are added on the inspection's page.
    description = forms.CharField(label=_("发现问题"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    severity = forms.ChoiceField(label=_("问题程度"), choices=Finding.Severity.choices, required=False)
    unit = forms.ModelChoiceField(label=_("责任单位"), queryset=Unit.objects.none(), required=False)
    finding_project = forms.ModelChoiceField(label=_("问题所属项目"), queryset=Project.objects.none(), required=False)
    deadline = forms.DateField(label=_("整改时限"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    required_action = forms.CharField(label=_("整改要求"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, plan: Plan, *args, **kwargs):
        super().__init__(*args, **kwargs)
        projects = plan.projects.order_by("position", "id")
        self.fields["projects"].queryset = projects
        self.fields["finding_project"].queryset = projects
        self.fields["unit"].queryset = Unit.objects.filter(project_links__project__plan=plan).distinct().order_by("id")
        self.fields["rechecks"].queryset = Finding.objects.filter(inspection__plan=plan)

    def clean(self):
        data = super().clean()
        finding = [data.get(k) for k in ("description", "unit", "deadline", "required_action")]
        if any(finding) and not all(finding):
            raise forms.ValidationError(_("记录问题时请同时填写问题、责任单位、整改时限和整改要求"))
        return data


class FixForm(forms.Form):
    note = forms.CharField(label=_("整改情况"), widget=forms.Textarea(attrs={"rows": 3}))
    photo = forms.FileField(label=_("整改后照片"))
    document = forms.FileField(label=_("佐证材料（PDF/Word/Excel，可选）"), required=False)


class VerifyForm(forms.Form):
    decision = forms.ChoiceField(choices=[("close", _("核验销号")), ("return", _("退回重改"))])
    note = forms.CharField(label=_("核验意见"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class FlagForm(forms.Form):
    project = forms.ModelChoiceField(label=_("项目"), queryset=Project.objects.none())
    reason = forms.CharField(label=_("挂牌理由"), widget=forms.Textarea(attrs={"rows": 2}))
    leader = forms.ModelChoiceField(label=_("督办领导"), queryset=Person.objects.none(), required=False)
    lift_criteria = forms.CharField(label=_("摘牌条件"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, plan: Plan, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = plan.projects.order_by("position", "id")
        self.fields["leader"].queryset = Person.objects.filter(leader_links__project__plan=plan).distinct()


class LiftForm(forms.Form):
    note = forms.CharField(label=_("摘牌说明"), widget=forms.Textarea(attrs={"rows": 2}))


class ContactForm(forms.Form):
    month = forms.DateField(label=_("月份"), widget=forms.DateInput(attrs={"type": "date"}))
    deputies = forms.CharField(label=_("联系代表"), max_length=300)
    summary = forms.CharField(label=_("联系情况"), widget=forms.Textarea(attrs={"rows": 2}))


class QuestionForm(forms.Form):
    asked_by = forms.CharField(label=_("询问代表"), max_length=100)
    unit = forms.ModelChoiceField(label=_("答复单位"), queryset=Unit.objects.none())
    question = forms.CharField(label=_("询问内容"), widget=forms.Textarea(attrs={"rows": 2}))
    asked_on = forms.DateField(label=_("询问日期"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, plan: Plan, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(project_links__project__plan=plan).distinct().order_by("id")


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("答复内容"), widget=forms.Textarea(attrs={"rows": 3}))
