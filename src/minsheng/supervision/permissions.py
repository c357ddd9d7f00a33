"""Who inspects, answers and reads supervision findings and the congress records."""

from __future__ import annotations

import rules
from django.db.models import QuerySet

from minsheng.core.permissions import REGION_ROLES, UNIT_ROLES, region_ids
from minsheng.plans.permissions import coordinates_plan, oversees_plan
from minsheng.supervision.models import Finding

# Inspectors are the coordinators of the plan's region; the responsible unit's users answer a
# finding; leaders and deputies read their region's findings.

def visible_findings(user) -> QuerySet:
    findings = Finding.objects.all()
    if not user.is_authenticated:
        return findings.none()
    if user.is_superuser:
        return findings
    if user.role in REGION_ROLES:
        return findings.filter(inspection__plan__region_id__in=region_ids(user))
    if user.role in UNIT_ROLES and user.unit_id:
        return findings.filter(unit_id=user.unit_id)
    return findings.none()


@rules.predicate
def can_view_finding(user, finding) -> bool:
    return finding is not None and visible_findings(user).filter(pk=finding.pk).exists()


@rules.predicate
def inspects_finding(user, finding) -> bool:
    return finding is not None and coordinates_plan(user, finding.inspection.plan)


@rules.predicate
def rectifies_finding(user, finding) -> bool:
    return (finding is not None and user.is_authenticated and user.role in UNIT_ROLES
            and user.unit_id == finding.unit_id)


@rules.predicate
def answers_question(user, question) -> bool:
    return (question is not None and user.is_authenticated and user.role in UNIT_ROLES
            and user.unit_id == question.unit_id)


rules.add_perm("supervision.view_finding", can_view_finding)
rules.add_perm("supervision.inspect", coordinates_plan)  # record inspections on a plan
rules.add_perm("supervision.verify_finding", inspects_finding)
rules.add_perm("supervision.rectify_finding", rectifies_finding)
rules.add_perm("supervision.flag", coordinates_plan)
rules.add_perm("supervision.view_plan", oversees_plan)
rules.add_perm("supervision.congress", coordinates_plan)  # contact log, questions, half-year report
rules.add_perm("supervision.answer_question", answers_question)
