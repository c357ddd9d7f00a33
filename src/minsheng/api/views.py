"""REST API: the same visibility as the pages, through the apps' permission rules."""

from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import viewsets

from minsheng.api.serializers import PlanSerializer, ProjectSerializer
from minsheng.plans.filters import ProjectFilterSet
from minsheng.plans.permissions import visible_plans, visible_projects


class PlanViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = PlanSerializer

    def get_queryset(self):
        return visible_plans(self.request.user).select_related("region").distinct().order_by("-year", "id")


class ProjectViewSet(viewsets.ModelViewSet):
    serializer_class = ProjectSerializer
    http_method_names = ["get", "patch", "head", "options"]
    filter_backends = [DjangoFilterBackend]
    filterset_class = ProjectFilterSet

    def get_queryset(self):
        return visible_projects(self.request.user).select_related("category").prefetch_related("unit_links", "targets")
