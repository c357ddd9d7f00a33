"""Writes of the assessment: the scheme, adjustments, deputies' ratings, survey answers, stored runs."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import transaction

from minsheng.assessment import scoring
from minsheng.assessment.compute import _plain, assess
from minsheng.assessment.models import (
    Adjustment,
    Component,
    DeputyRating,
    Rating,
    Run,
    Scheme,
    Score,
    Survey,
    SurveyResponse,
)
from minsheng.core.models import Region, Unit
from minsheng.plans.models import Plan, Project


class AssessmentError(Exception):
    """Refused as asked; the message is for the user."""


def set_weights(plan: Plan, weights: dict[str, float]) -> Scheme:
    unknown = set(weights) - set(scoring.LABELS)
    if unknown:
        raise AssessmentError(f"未知的考核指标：{'、'.join(sorted(unknown))}")
    if any(w < 0 for w in weights.values()):
        raise AssessmentError("权重不能为负数")
    if not any(weights.values()):
        raise AssessmentError("至少一项指标的权重应大于0")
    scheme, _ = Scheme.objects.get_or_create(plan=plan, defaults={"weights": scoring.default_weights()})
    scheme.weights = {k: float(weights.get(k, 0)) for k in scoring.LABELS}
    scheme.save()
    return scheme


def set_grades(plan: Plan, grades: dict[str, float]) -> Scheme:
    """The lowest total for 优秀, 良好 and 一般; they must fall in that order."""
    values = [float(grades.get(label, -1)) for label in scoring.DEFAULT_GRADES]
    if any(v < 0 or v > 100 for v in values):
        raise AssessmentError("等次分数线应在0到100之间")
    if values != sorted(values, reverse=True) or len(set(values)) != len(values):
        raise AssessmentError("分数线应为 优秀 > 良好 > 一般")
    scheme, _ = Scheme.objects.get_or_create(plan=plan, defaults={"weights": scoring.default_weights()})
    scheme.grades = dict(zip(scoring.DEFAULT_GRADES, values, strict=True))
    scheme.save()
    return scheme


def add_adjustment(plan: Plan, user, kind: str, points: Decimal, reason: str, *, unit: Unit | None = None,
                   region: Region | None = None) -> Adjustment:
    if not reason.strip():
        raise AssessmentError("加减分须写明理由")
    if (unit is None) == (region is None):
        raise AssessmentError("请选择一个单位或一个区县")
    if kind == Adjustment.Kind.BONUS and points <= 0 or kind == Adjustment.Kind.DEDUCTION and points >= 0:
        raise AssessmentError("加分应为正数，扣分应为负数")
    return Adjustment.objects.create(plan=plan, unit=unit, region=region, kind=kind, points=points,
                                     reason=reason.strip(), by=user)


@transaction.atomic
def save_run(plan: Plan, on: datetime.date, user=None) -> Run:
    result = assess(plan, on)
    run = Run.objects.create(plan=plan, on=on, weights=result.weights, grades=result.grades, notes=result.notes,
                             computed_by=user)
    for subject in [*result.units, *result.districts]:
        score = Score.objects.create(
            run=run, kind=subject.kind, name=subject.name, total=subject.total, rank=subject.rank, grade=subject.grade,
            unit_id=subject.key if subject.kind == Score.Kind.UNIT else None,
            region_id=subject.key if subject.kind == Score.Kind.DISTRICT else None)
        Component.objects.bulk_create([
            Component(score=score, key=c.key, label=c.label, weight=c.weight, value=c.value, points=c.points,
                      inputs=_plain(c.inputs)) for c in subject.components])
    return run


def rate_project(project: Project, deputy, rating: str, comment: str = "") -> DeputyRating:
    if rating not in Rating.values:
        raise AssessmentError("请选择满意、基本满意或不满意")
    obj, _ = DeputyRating.objects.update_or_create(project=project, deputy=deputy,
                                                   defaults={"rating": rating, "comment": comment.strip()})
    return obj


def create_survey(project: Project, user, title: str, audience: str = Survey.Audience.PUBLIC) -> Survey:
    if not title.strip():
        raise AssessmentError("请填写测评标题")
    return Survey.objects.create(project=project, title=title.strip(), audience=audience, created_by=user)


def answer_survey(survey: Survey, rating: str, region: Region | None = None, comment: str = "",
                  source: str = SurveyResponse.Source.PORTAL) -> SurveyResponse:
    if not survey.is_open:
        raise AssessmentError("该测评已结束")
    if rating not in Rating.values:
        raise AssessmentError("请选择满意、基本满意或不满意")
    return SurveyResponse.objects.create(survey=survey, rating=rating, region=region, comment=comment.strip()[:2000],
                                         source=source)


LABEL_TO_RATING = {str(label): value for value, label in Rating.choices} | {v: v for v in Rating.values}
XLSX_HEADERS = ("总体评价", "所在区县", "意见建议")


@dataclass
class ImportResult:
    created: int
    errors: list[str]  # "第N行：…" — nothing is saved when there is any


def import_responses(survey: Survey, workbook_file) -> ImportResult:
    """Answers from an .xlsx (总体评价 | 所在区县 | 意见建议, one per row); all rows or none."""
    from openpyxl import load_workbook

    try:
        sheet = load_workbook(workbook_file, read_only=True, data_only=True).active
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        return ImportResult(0, [f"无法读取 Excel 文件：{exc}"])
    rows = list(sheet.iter_rows(values_only=True))
    if not rows or tuple(str(c or "").strip() for c in rows[0][:3]) != XLSX_HEADERS:
        return ImportResult(0, [f"第1行应为表头：{' | '.join(XLSX_HEADERS)}"])
    districts = {r.name: r for r in Region.objects.filter(parent=survey.project.plan.region)}
    pending, errors = [], []
    for number, row in enumerate(rows[1:], start=2):
        cells = [str(c).strip() if c is not None else "" for c in (*row, "", "", "")[:3]]
        if not any(cells):
            continue
        rating, district, comment = cells
        if rating not in LABEL_TO_RATING:
            errors.append(f"第{number}行：总体评价“{rating}”应为 满意、基本满意 或 不满意")
            continue
        region = None
        if district:
            region = districts.get(district)
            if region is None:
                errors.append(f"第{number}行：“{district}”不是{survey.project.plan.region.name}的区县")
                continue
        pending.append(SurveyResponse(survey=survey, rating=LABEL_TO_RATING[rating], region=region,
                                      comment=comment, source=SurveyResponse.Source.XLSX))
    if errors:
        return ImportResult(0, errors)
    SurveyResponse.objects.bulk_create(pending)
    return ImportResult(len(pending), [])


def validate_points(text: str) -> Decimal:
    try:
        return Decimal(text)
    except (InvalidOperation, TypeError) as exc:
        raise AssessmentError("分值应为数字") from exc
