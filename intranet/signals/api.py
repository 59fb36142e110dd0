"""Signals through the API: the same services and rules as the pages. A signal you may not see
answers 404, like one that does not exist."""

from __future__ import annotations

from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from intranet.core.api import ApiView, PageQuery, call_service
from intranet.core.openapi import paginated, refusal
from intranet.signals import access, selectors, services
from intranet.signals.models import Signal, SignalStatus


class FloorSignalSerializer(serializers.ModelSerializer):
    space = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    owner = serializers.CharField(source="owner.display_name", read_only=True, allow_null=True)
    url = serializers.CharField(source="get_absolute_url", read_only=True)
    overdue = serializers.BooleanField(source="is_overdue", read_only=True)

    class Meta:
        model = Signal
        fields = ["id", "source", "object_id", "title", "space", "owner", "status", "response",
                  "responded_at", "due_at", "overdue", "support_count", "how", "created_at",
                  "url"]  # fmt: skip
        read_only_fields = fields


class FollowUpQuery(PageQuery):
    tab = serializers.ChoiceField(
        list(selectors.TABS), required=False, help_text="Not given: the signals you own."
    )
    state = serializers.ChoiceField(
        list(selectors.STATES), required=False, help_text="Not given: every state."
    )


class SignalRaiseInput(serializers.Serializer):
    source = serializers.ChoiceField(
        ["post", "topic", "comment", "pain", "idea"], help_text="what kind of content"
    )
    object_id = serializers.IntegerField(min_value=1, max_value=2**63 - 1)


class SignalAnswerInput(serializers.Serializer):
    status = serializers.ChoiceField(
        [(v, label) for v, label in SignalStatus.choices if v != SignalStatus.NEW]
    )
    response = serializers.CharField(max_length=3000, help_text="the public answer")


class SignalSupportInput(serializers.Serializer):
    support = serializers.BooleanField(help_text="true: me too; false: withdraw")


class SignalListView(ApiView):
    """Signals you may see, overdue first; POST raises content you wrote or moderate."""

    get_query = FollowUpQuery
    post_input = SignalRaiseInput

    @extend_schema(
        operation_id="signals_follow_up_list", responses=paginated(FloorSignalSerializer)
    )
    def get(self, request):
        query = self.query(request)
        found = selectors.follow_up(
            user=request.user, tab=query.get("tab", "mine"), state=query.get("state", "")
        )
        return self.page(request, found, FloorSignalSerializer)

    @extend_schema(
        responses={
            201: FloorSignalSerializer,
            404: refusal(404, "No such content, or none you may read (alike)."),
        }
    )
    def post(self, request):
        data = self.body(request)
        signal = call_service(lambda: services.raise_signal(actor=request.user, **data))
        return Response(FloorSignalSerializer(signal).data, status=status.HTTP_201_CREATED)


class SignalDetailView(ApiView):
    """One signal; PATCH answers it (its owner or an administrator)."""

    patch_input = SignalAnswerInput

    @extend_schema(operation_id="signals_follow_up_retrieve", responses=FloorSignalSerializer)
    def get(self, request, followup_id: int):
        signal = call_service(
            lambda: access.access_signal(user=request.user, signal_id=followup_id)
        )
        return Response(FloorSignalSerializer(signal).data)

    @extend_schema(operation_id="signals_follow_up_answer", responses=FloorSignalSerializer)
    def patch(self, request, followup_id: int):
        # Not to be seen: 404 before the body is read (a bad body must not tell it exists).
        call_service(lambda: access.access_signal(user=request.user, signal_id=followup_id))
        data = self.body(request)
        signal = call_service(
            lambda: services.answer(actor=request.user, signal_id=followup_id, **data)
        )
        return Response(FloorSignalSerializer(signal).data)


class SupportView(ApiView):
    """Me too (or withdraw): supporters are told of every answer."""

    post_input = SignalSupportInput

    @extend_schema(responses=FloorSignalSerializer)
    def post(self, request, followup_id: int):
        call_service(lambda: access.access_signal(user=request.user, signal_id=followup_id))
        data = self.body(request)
        signal = call_service(
            lambda: services.support(user=request.user, signal_id=followup_id, on=data["support"])
        )
        return Response(FloorSignalSerializer(signal).data)


urlpatterns = [
    path("signals/follow-up/", SignalListView.as_view(), name="api-follow-up"),
    path(
        "signals/follow-up/<int:followup_id>/",
        SignalDetailView.as_view(),
        name="api-follow-up-signal",
    ),
    path(
        "signals/follow-up/<int:followup_id>/support/",
        SupportView.as_view(),
        name="api-follow-up-support",
    ),
]
