from rest_framework import serializers

from minsheng.plans.export import number, printed_labels
from minsheng.plans.models import Plan, Project, ProjectUnit


class PlanSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region.name", read_only=True)

    class Meta:
        model = Plan
        fields = ["id", "title", "year", "region", "doc_number", "issuer", "issued_on", "status"]


class TargetSerializer(serializers.Serializer):
    value = serializers.SerializerMethodField()
    unit = serializers.CharField()
    op = serializers.CharField()

    def get_value(self, obj) -> float | None:
        return number(obj.value)


class ProjectSerializer(serializers.ModelSerializer):
    category = serializers.CharField(source="category.name", default=None, read_only=True)
    lead_units = serializers.SerializerMethodField()
    partner_units = serializers.SerializerMethodField()
    targets = TargetSerializer(many=True, read_only=True)

    class Meta:
        model = Project
        fields = [
            "id", "plan", "section", "ref", "category", "name", "content", "kind", "voted",
            "deadline", "public", "lead_units", "partner_units", "targets",
        ]
        read_only_fields = ["plan", "section", "ref", "category"]

    def _units(self, obj, role) -> list[str]:
        return printed_labels(obj.unit_links.all(), role)

    def get_lead_units(self, obj) -> list[str]:
        return self._units(obj, ProjectUnit.Role.LEAD)

    def get_partner_units(self, obj) -> list[str]:
        return self._units(obj, ProjectUnit.Role.PARTNER)
