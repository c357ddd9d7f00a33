"""REST API for appeals under /api/v1/appeals/: staff entry and workflow, categories, public tracking.

Same rules as the pages: visibility and contact masking come from appeals.permissions, and a
reader without the right to the citizen's data gets every free text masked; an appeal is entered
only in a region the user coordinates and handed only to a unit of its region; a step that does
not fit the appeal's state answers 409 with the reason. The public tracking endpoint reads by
code and rates only with the submitter's secret (or phone), failures limited per address.
"""

from __future__ import annotations

import re

from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from minsheng.appeals import selectors, services
from minsheng.appeals.filters import AppealFilterSet
from minsheng.appeals.models import Appeal, AppealCategory
from minsheng.appeals.permissions import assignable_units, visible_appeals
from minsheng.appeals.privacy import mask_text, masked_text
from minsheng.core.api_fields import CodeRelatedField
from minsheng.core.models import Region, Unit
from minsheng.core.net import client_ip

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

    def to_representation(self, appeal: Appeal) -> dict:
        data = super().to_representation(appeal)
        if not self.context["request"].user.has_perm("appeals.view_contact", appeal):
            for key in ("title", "content", "address", "answer"):
                data[key] = mask_text(data[key] or "")
        return data


class AppealCreatedSerializer(AppealSerializer):
    secret = serializers.SerializerMethodField(
        help_text="评价密码：只在登记成功（201）时返回这一次，请转告留言人；系统只保存其摘要")

    class Meta(AppealSerializer.Meta):
        fields = [*AppealSerializer.Meta.fields, "secret"]
        read_only_fields = fields

    def get_secret(self, appeal: Appeal) -> str:
        return getattr(appeal, "secret", "")


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
    unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all(),
                                              help_text="诉求所在区划及其下级的单位，或您统筹的上级区划的单位")
    category = CodeRelatedField(slug_field="code", queryset=AppealCategory.objects.filter(active=True),
                                            required=False, allow_null=True, default=None)
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")

    def validate_unit(self, unit: Unit) -> Unit:
        # The unit receives the citizen's name and phone: never one of another city.
        if not self.context["units"].filter(pk=unit.pk).exists():
            raise serializers.ValidationError("这个单位不属于诉求所在区划，不能交办。")
        return unit


class AnswerSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=4000)


class RateSerializer(serializers.Serializer):
    rating = serializers.ChoiceField(choices=Appeal.Rating.choices)
    resolved = serializers.BooleanField()
    comment = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    secret = serializers.CharField(max_length=30, required=False, allow_blank=True, default="",
                                   help_text="提交时获得的评价密码")
    phone = serializers.CharField(max_length=30, required=False, allow_blank=True, default="",
                                  help_text="或：留言时填写的电话号码")

    def validate(self, data: dict) -> dict:
        if not data["secret"].strip() and not data["phone"].strip():
            raise serializers.ValidationError("请提供评价密码或留言时填写的电话号码。")
        return data


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
        return masked_text(appeal).title

    def get_content(self, appeal: Appeal) -> str:
        return masked_text(appeal).content

    def to_representation(self, appeal: Appeal) -> dict:
        data = super().to_representation(appeal)
        data["answer"] = mask_text(data["answer"] or "")
        return data


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

    filter_backends = [DjangoFilterBackend]
    filterset_class = AppealFilterSet

    def get_queryset(self):
        return selectors.staff_appeals(self.request.user)

    def _allowed(self, perm: str) -> Appeal:
        appeal = self.get_object()
        if not self.request.user.has_perm(perm, appeal):
            raise PermissionDenied
        return appeal

    def _step(self, perm: str, run, appeal: Appeal | None = None) -> Response:
        appeal = appeal or self._allowed(perm)
        try:
            appeal = run(appeal)
        except services.WorkflowError as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
        return Response(AppealSerializer(visible_appeals(self.request.user).get(pk=appeal.pk),
                                         context=self.get_serializer_context()).data)

    @extend_schema(request=AppealCreateSerializer, responses={201: AppealCreatedSerializer, 200: AppealSerializer})
    def create(self, request, *args, **kwargs) -> Response:
        if not request.user.has_perm("appeals.enter_appeal"):
            raise PermissionDenied
        data = AppealCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        if not request.user.has_perm("appeals.enter_appeal", data.validated_data["region"]):
            raise PermissionDenied("您不统筹这个区划，不能在此登记诉求。")
        intake = services.Intake(**data.validated_data)
        context = self.get_serializer_context()
        try:
            appeal = services.submit(intake, channel=Appeal.Channel.API, actor=request.user)
        except services.DuplicateSubmission as exc:
            # The secret was given with the first answer only.
            return Response(AppealSerializer(exc.appeal, context=context).data, status=200)
        return Response(AppealCreatedSerializer(appeal, context=context).data, status=201)

    @extend_schema(request=AcceptSerializer, responses={200: AppealSerializer, 409: Conflict})
    @action(detail=True, methods=["post"])
    def accept(self, request, code: str | None = None) -> Response:
        appeal = self._allowed("appeals.coordinate_appeal")
        data = AcceptSerializer(data=request.data, context={"units": assignable_units(request.user, appeal.region)})
        data.is_valid(raise_exception=True)
        d = data.validated_data
        return self._step("appeals.coordinate_appeal",
                          lambda appeal: services.accept(appeal, request.user, d["unit"], d["category"], d["note"]),
                          appeal)

    @extend_schema(request=AnswerSerializer, responses={200: AppealSerializer, 409: Conflict})
    @action(detail=True, methods=["post"])
    def answer(self, request, code: str | None = None) -> Response:
        data = AnswerSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._step("appeals.handle_appeal",
                          lambda appeal: services.answer(appeal, request.user, data.validated_data["text"]))


class TrackViewSet(viewsets.GenericViewSet):
    """Public: the code reads the progress (numbers masked); rating needs the submitter's secret or phone."""

    serializer_class = PublicAppealSerializer
    permission_classes = [permissions.AllowAny]
    authentication_classes: list = []
    queryset = Appeal.objects.select_related("category", "state", "unit")
    lookup_field = "code"
    lookup_value_regex = CODE

    def retrieve(self, request, code: str | None = None) -> Response:
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(request=RateSerializer, responses={
        200: PublicAppealSerializer, 409: Conflict, 400: OpenApiResponse(description="invalid rating"),
        403: OpenApiResponse(Conflict, description="wrong secret or phone"),
        429: OpenApiResponse(Conflict, description="too many failed attempts from this address")})
    @action(detail=True, methods=["post"])
    def rate(self, request, code: str | None = None) -> Response:
        appeal = self.get_object()
        data = RateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        proof = d["secret"].strip() or d["phone"].strip()
        try:
            appeal = services.rate_as_citizen(appeal, proof, client_ip(request), d["rating"], d["resolved"],
                                              d["comment"])
        except services.RateLimited as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_429_TOO_MANY_REQUESTS)
        except services.NotAuthorised as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_403_FORBIDDEN)
        except services.WorkflowError as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
        return Response(self.get_serializer(self.get_queryset().get(pk=appeal.pk)).data)
