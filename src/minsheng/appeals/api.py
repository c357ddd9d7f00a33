"""REST API for appeals under /api/v1/appeals/: staff entry and workflow, categories, public tracking.

Same rules as the pages: visibility and contact masking come from core.permissions; a step
that does not fit the appeal's state answers 409 with the reason.
"""

from __future__ import annotations

import re

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from minsheng.appeals import selectors, services
from minsheng.appeals.models import Appeal, AppealCategory
from minsheng.appeals.privacy import scrub_text
from minsheng.core.api_fields import CodeRelatedField
from minsheng.core.models import Region, Unit
from minsheng.core.permissions import visible_appeals

CODE = r"MS[A-Z0-9]{10}"
_PHONE = re.compile(r"^(\+?86)?1[3-9]\d{9}$|^0\d{2,3}-?\d{7,8}$")


class CategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = AppealCategory
        fields = ["code", "name", "group", "description", "limit_value", "limit_unit"]


class ContactSerializer(serializers.Serializer):
    name = serializers.CharField()
    phone = serializers.CharField()
    id_number = serializers.CharField()
    masked = serializers.BooleanField()


class AppealSerializer(serializers.ModelSerializer):
    category = serializers.SlugRelatedField(slug_field="code", read_only=True)
    region_name = serializers.CharField(source="region.name", read_only=True)
    state = serializers.CharField(source="state_id", read_only=True)
    state_label = serializers.CharField(source="state.label", read_only=True)
    is_open = serializers.BooleanField(source="state.is_open", read_only=True)
    unit_name = serializers.SerializerMethodField()
    duplicate_of = serializers.SlugRelatedField(slug_field="code", read_only=True)
    contact = serializers.SerializerMethodField()

    class Meta:
        model = Appeal
        fields = ["code", "channel", "category", "region", "region_name", "title", "content", "address", "latitude",
                  "longitude", "contact", "publish", "state", "state_label", "is_open", "unit", "unit_name",
                  "suggested_unit", "suggestion", "duplicate_of", "received_at", "accept_due", "accepted_at",
                  "handle_due", "answered_at", "closed_at", "answer", "rating", "resolved", "key_supervision",
                  "escalation"]
        read_only_fields = fields

    def get_unit_name(self, appeal: Appeal) -> str:
        return str(appeal.unit or "")

    @extend_schema(responses=ContactSerializer)
    def get_contact(self, appeal: Appeal) -> dict:
        return selectors.contact(self.context["request"].user, appeal).__dict__


class AppealCreateSerializer(serializers.Serializer):
    category = CodeRelatedField(slug_field="code", queryset=AppealCategory.objects.filter(active=True))
    region = serializers.PrimaryKeyRelatedField(queryset=Region.objects.all())
    title = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    content = serializers.CharField(max_length=4000)
    address = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    latitude = serializers.DecimalField(max_digits=9, decimal_places=6, min_value=-90, max_value=90, required=False,
                                        allow_null=True, default=None)
    longitude = serializers.DecimalField(max_digits=9, decimal_places=6, min_value=-180, max_value=180,
                                         required=False, allow_null=True, default=None)
    name = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    phone = serializers.CharField(max_length=20)
    id_number = serializers.RegexField(r"^\d{17}[\dXx]$", required=False, allow_blank=True, default="")
    publish = serializers.BooleanField(required=False, default=False)
    submission_key = serializers.UUIDField(required=False, allow_null=True, default=None,
                                           help_text="同一键再次提交时返回第一次登记的诉求（200），不重复登记")

    def validate_phone(self, value: str) -> str:
        value = re.sub(r"\s", "", value)
        if not _PHONE.match(value):
            raise serializers.ValidationError("请填写正确的手机或固定电话号码。")
        return value

    def validate(self, data: dict) -> dict:
        if not data.get("address") and (data.get("latitude") is None or data.get("longitude") is None):
            raise serializers.ValidationError("请填写地址或经纬度。")
        return data


class AcceptSerializer(serializers.Serializer):
    unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all())
    category = CodeRelatedField(slug_field="code", queryset=AppealCategory.objects.filter(active=True),
                                            required=False, allow_null=True, default=None)
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class AnswerSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=4000)


class RateSerializer(serializers.Serializer):
    rating = serializers.ChoiceField(choices=Appeal.Rating.choices)
    resolved = serializers.BooleanField()
    comment = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class PublicAppealSerializer(serializers.ModelSerializer):
    """What a citizen holding the code sees: no personal data, text with numbers masked."""

    category = serializers.CharField(source="category.name")
    state = serializers.CharField(source="state_id")
    state_label = serializers.CharField(source="state.label")
    unit_name = serializers.SerializerMethodField()
    title = serializers.SerializerMethodField()
    content = serializers.SerializerMethodField()

    class Meta:
        model = Appeal
        fields = ["code", "category", "title", "content", "state", "state_label", "unit_name", "received_at",
                  "accepted_at", "handle_due", "answered_at", "answer", "rating", "closed_at"]
        read_only_fields = fields

    def get_unit_name(self, appeal: Appeal) -> str:
        return str(appeal.unit or "")

    def get_title(self, appeal: Appeal) -> str:
        return scrub_text(appeal.title)

    def get_content(self, appeal: Appeal) -> str:
        return scrub_text(appeal.content)


class Conflict(serializers.Serializer):
    detail = serializers.CharField()


class CategoryViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = CategorySerializer
    permission_classes = [permissions.AllowAny]
    queryset = AppealCategory.objects.filter(active=True)
    lookup_field = "code"
    lookup_value_regex = r"[a-z0-9_-]+"


class AppealViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = AppealSerializer
    lookup_field = "code"
    lookup_value_regex = CODE

    def get_queryset(self):
        filters = selectors.AppealFilters.from_params(self.request.query_params)
        return selectors.staff_appeals(self.request.user, filters)

    def _step(self, perm: str, run) -> Response:
        appeal = self.get_object()
        if not self.request.user.has_perm(perm, appeal):
            raise PermissionDenied
        try:
            appeal = run(appeal)
        except services.WorkflowError as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
        return Response(AppealSerializer(visible_appeals(self.request.user).get(pk=appeal.pk),
                                         context=self.get_serializer_context()).data)

    @extend_schema(request=AppealCreateSerializer, responses={201: AppealSerializer, 200: AppealSerializer})
    def create(self, request, *args, **kwargs) -> Response:
        if not request.user.has_perm("appeals.enter_appeal"):
            raise PermissionDenied
        data = AppealCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        intake = services.Intake(**data.validated_data)
        try:
            appeal, code = services.submit(intake, channel=Appeal.Channel.API, actor=request.user), 201
        except services.DuplicateSubmission as exc:
            appeal, code = exc.appeal, 200
        return Response(AppealSerializer(appeal, context=self.get_serializer_context()).data, status=code)

    @extend_schema(request=AcceptSerializer, responses={200: AppealSerializer, 409: Conflict})
    @action(detail=True, methods=["post"])
    def accept(self, request, code: str | None = None) -> Response:
        data = AcceptSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        return self._step("appeals.coordinate_appeal",
                          lambda appeal: services.accept(appeal, request.user, d["unit"], d["category"], d["note"]))

    @extend_schema(request=AnswerSerializer, responses={200: AppealSerializer, 409: Conflict})
    @action(detail=True, methods=["post"])
    def answer(self, request, code: str | None = None) -> Response:
        data = AnswerSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._step("appeals.handle_appeal",
                          lambda appeal: services.answer(appeal, request.user, data.validated_data["text"]))


class TrackViewSet(viewsets.GenericViewSet):
    """Public: the citizen's code is the key; no account needed."""

    serializer_class = PublicAppealSerializer
    permission_classes = [permissions.AllowAny]
    authentication_classes: list = []
    queryset = Appeal.objects.select_related("category", "state", "unit")
    lookup_field = "code"
    lookup_value_regex = CODE

    def retrieve(self, request, code: str | None = None) -> Response:
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(request=RateSerializer, responses={200: PublicAppealSerializer, 409: Conflict,
                                                      400: OpenApiResponse(description="invalid rating")})
    @action(detail=True, methods=["post"])
    def rate(self, request, code: str | None = None) -> Response:
        appeal = self.get_object()
        data = RateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        try:
            appeal = services.rate(appeal, d["rating"], d["resolved"], d["comment"])
        except services.WorkflowError as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
        return Response(self.get_serializer(self.get_queryset().get(pk=appeal.pk)).data)
