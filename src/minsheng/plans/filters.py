"""The project list's filters: the plan page's list and the API's ``/api/projects/`` read the same ones."""

from __future__ import annotations

from django.db.models import Min, Q, QuerySet

from minsheng.core.filters import IdFilter, KnownFilter, ListFilterSet, TextFilter
from minsheng.plans.models import Plan, Project, ProjectUnit

# Every order starts with the plan: the API lists several plans, a plan page one.
SORTS = {
    "ref": ["plan_id", "position", "id"],
    "name": ["plan_id", "name", "id"],
    "deadline": ["plan_id", "deadline", "position"],
    "lead_unit": ["plan_id", "first_lead", "position"],
}


class ProjectFilterSet(ListFilterSet):
    plan = IdFilter(field_name="plan_id")
    category = IdFilter(field_name="category_id")
    lead_unit = IdFilter(method="by_lead_unit")
    leader = IdFilter(field_name="leader_links__person_id")
    region = IdFilter(field_name="allocations__region_id")
    q = TextFilter(method="search")
    sort = KnownFilter(known=SORTS, fallback="ref", method="order")

    class Meta:
        model = Project
        fields: list[str] = []

    def __init__(self, data=None, queryset: QuerySet[Project] | None = None, *, request=None, prefix=None,
                 plan: Plan | None = None):
        """``plan``: the list of one plan's projects (its page), where ``?plan=`` means nothing."""
        if plan is not None:
            queryset = queryset.filter(plan=plan)
        super().__init__(data, queryset, request=request, prefix=prefix)
        if plan is not None:
            del self.filters["plan"]

    def by_lead_unit(self, projects: QuerySet[Project], name: str, unit: int) -> QuerySet[Project]:
        return projects.filter(unit_links__unit_id=unit, unit_links__role=ProjectUnit.Role.LEAD)

    def search(self, projects: QuerySet[Project], name: str, text: str) -> QuerySet[Project]:
        return projects.filter(Q(name__icontains=text) | Q(content__icontains=text)
                               | Q(unit_links__label__icontains=text))

    def order(self, projects: QuerySet[Project], name: str, sort: str) -> QuerySet[Project]:
        # The filters above join units, leaders and allocations: one row per project again.
        projects = projects.distinct()
        if sort == "lead_unit":
            projects = projects.annotate(
                first_lead=Min("unit_links__label", filter=Q(unit_links__role=ProjectUnit.Role.LEAD)))
        return projects.order_by(*SORTS[sort])
