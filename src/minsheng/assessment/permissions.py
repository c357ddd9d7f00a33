"""Who reads the assessment, sets its scheme and surveys, and which deputies rate a project."""

from __future__ import annotations

import rules

from minsheng.core.permissions import is_deputy, region_ids
from minsheng.plans.models import Project
from minsheng.plans.permissions import can_view_project, coordinates_plan, oversees_plan

rules.add_perm("assessment.view_assessment", oversees_plan)
rules.add_perm("assessment.change_scheme", coordinates_plan)
rules.add_perm("assessment.manage_survey", coordinates_plan)


@rules.predicate
def project_in_own_region(user, project: Project | None) -> bool:
    """The project's plan belongs to the user's region or one below it: another city's public project
    is visible to everyone, but it is not the user's to judge."""
    return project is not None and user.is_authenticated and project.plan.region_id in region_ids(user)


rules.add_perm("assessment.rate_project", is_deputy & can_view_project & project_in_own_region)
