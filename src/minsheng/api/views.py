"""REST API: the same visibility as the pages, through the apps' permission rules."""

from rest_framework import viewsets

from minsheng.api.serializers import PlanSerializer, ProjectSerializer
from minsheng.core.params import query_int
from minsheng.plans.permissions import visible_plans, visible_projects


class PlanViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = PlanSerializer

    def get_queryset(self):
        return visible_plans(self.request.user).select_related("region").distinct().order_by("-year", "id")


class ProjectViewSet(viewsets.ModelViewSet):
    serializer_class = ProjectSerializer
    http_method_names = ["get", "patch", "head", "options"]

    def get_queryset(self):
        projects = visible_projects(self.request.user).select_related("category")
        plan = query_int(self.request.query_params, "plan")
        if plan is not None:
            projects = projects.filter(plan_id=plan)
        return projects.prefetch_related("unit_links", "targets").order_by("plan_id", "position", "id")
