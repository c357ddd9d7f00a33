"""Reads of the assessment: the latest run with its drill-down, survey results, a deputy's ratings."""

from __future__ import annotations

from collections import Counter, defaultdict

from django.db.models import Prefetch, QuerySet

from minsheng.assessment import scoring
from minsheng.assessment.models import Component, DeputyRating, Run, Score, Survey, SurveyResponse
from minsheng.plans.models import Plan, ProjectUnit


def latest_run(plan: Plan) -> Run | None:
    return plan.assessment_runs.order_by("-computed_at", "-id").first()


def run_scores(run: Run, kind: str) -> QuerySet[Score]:
    return run.scores.filter(kind=kind).prefetch_related(
        Prefetch("components", queryset=Component.objects.order_by("id"))).order_by("rank", "name")


def my_ratings(plan: Plan, deputy) -> dict[int, DeputyRating]:
    return {r.project_id: r for r in DeputyRating.objects.filter(project__plan=plan, deputy=deputy)}


def surveys(plan: Plan) -> QuerySet[Survey]:
    return Survey.objects.filter(project__plan=plan).select_related("project")


def _row(name: str, counts: Counter) -> dict:
    result = scoring.satisfaction(dict(counts))
    n = sum(counts.values())
    return {"name": name, "answers": n, "satisfied": counts["satisfied"], "basic": counts["basic"],
            "unsatisfied": counts["unsatisfied"], "score": result.score,
            "rate": round(100 * (counts["satisfied"] + counts["basic"]) / n, 1) if n else None}


def survey_results(plan: Plan) -> dict[str, list[dict]]:
    """Answers per project, per lead unit and per district, with the score the assessment uses."""
    per_project: dict[str, Counter] = defaultdict(Counter)
    per_unit: dict[str, Counter] = defaultdict(Counter)
    per_district: dict[str, Counter] = defaultdict(Counter)
    leads: dict[int, list[str]] = defaultdict(list)
    for project_id, name in ProjectUnit.objects.filter(project__plan=plan, role=ProjectUnit.Role.LEAD).values_list(
            "project_id", "unit__name"):
        leads[project_id].append(name)
    for project_id, project, district, rating in SurveyResponse.objects.filter(survey__project__plan=plan).values_list(
            "survey__project_id", "survey__project__name", "region__name", "rating"):
        per_project[project][rating] += 1
        for unit in leads[project_id]:
            per_unit[unit][rating] += 1
        per_district[district or "（未填区县）"][rating] += 1
    return {key: [_row(name, c) for name, c in sorted(table.items())]
            for key, table in (("projects", per_project), ("units", per_unit), ("districts", per_district))}
