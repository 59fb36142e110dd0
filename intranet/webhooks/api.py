"""Webhooks through the API: the same services and rules as the pages. A webhook you may not
manage answers 404, like one that does not exist; the signing secret appears only in the answer
that made (or renewed) it."""

from __future__ import annotations

from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from intranet.core.api import ApiView, call_service
from intranet.core.openapi import paginated
from intranet.governance import permissions
from intranet.webhooks import payloads, selectors, services
from intranet.webhooks.models import Delivery, Format, Subscription


class SubscriptionSerializer(serializers.ModelSerializer):
    space = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    owner = serializers.CharField(source="owner.display_name", read_only=True)

    class Meta:
        model = Subscription
        fields = ["id", "name", "space", "url", "format", "kinds", "active", "failure_count",
                  "disabled_at", "disabled_reason", "last_attempt_at", "last_status_code",
                  "owner", "created_at"]  # fmt: skip
        read_only_fields = fields


class CreatedSerializer(SubscriptionSerializer):
    secret = serializers.CharField(read_only=True, help_text="shown only in this answer")

    class Meta(SubscriptionSerializer.Meta):
        fields = [*SubscriptionSerializer.Meta.fields, "secret"]
        read_only_fields = fields


class DeliverySerializer(serializers.ModelSerializer):
    class Meta:
        model = Delivery
        fields = ["id", "kind", "activity_id", "status", "attempts", "status_code",
                  "response_excerpt", "error", "duration_ms", "created_at", "last_attempt_at",
                  "delivered_at", "next_try_at"]  # fmt: skip
        read_only_fields = fields


class SubscriptionInput(serializers.Serializer):
    name = serializers.CharField(max_length=80)
    space = serializers.SlugField(
        max_length=120,
        required=False,
        allow_null=True,
        default=None,
        help_text="the slug of a space you own; leave out for the whole organisation "
        "(administrators: open spaces and organisation-wide news only)",
    )
    url = serializers.CharField(max_length=500, help_text="http(s) address of the receiver")
    format = serializers.ChoiceField(choices=Format.choices, default=Format.GENERIC)
    kinds = serializers.ListField(
        child=serializers.CharField(max_length=40),
        max_length=50,
        help_text="event kinds, from GET /api/v1/webhooks/events/",
    )


class ChangeInput(serializers.Serializer):
    active = serializers.BooleanField(help_text="false pauses, true switches it on again")


class SecretSerializer(serializers.Serializer):
    secret = serializers.CharField()


class KindSerializer(serializers.Serializer):
    kind = serializers.CharField()
    label = serializers.CharField()


class SubscriptionListView(ApiView):
    """The webhooks you manage (administrators: all), a page at a time; POST adds one."""

    post_input = SubscriptionInput

    @extend_schema(operation_id="webhooks_list", responses=paginated(SubscriptionSerializer))
    def get(self, request):
        return self.page(
            request, selectors.subscriptions_query(user=request.user), SubscriptionSerializer
        )

    @extend_schema(responses={201: CreatedSerializer})
    def post(self, request):
        data = self.body(request)
        slug = data.pop("space")
        space = None
        if slug:
            space = selectors.manageable_spaces(user=request.user).filter(slug=slug).first()
        if (slug and space is None) or (
            not slug and not permissions.is_administrator(request.user)
        ):
            # The same words for a space that does not exist and one you do not own.
            raise ValidationError({"space": [_("Choose a space you own.")]})
        subscription, secret = call_service(
            lambda: services.create_subscription(actor=request.user, space=space, **data)
        )
        subscription.secret = secret
        return Response(CreatedSerializer(subscription).data, status=status.HTTP_201_CREATED)


class SubscriptionDetailView(ApiView):
    """One webhook; PATCH pauses or resumes it, DELETE removes it."""

    patch_input = ChangeInput
    delete_input = None

    @extend_schema(responses=SubscriptionSerializer)
    def get(self, request, subscription_id: int):
        subscription = call_service(
            lambda: selectors.access_subscription(
                user=request.user, subscription_id=subscription_id
            )
        )
        return Response(SubscriptionSerializer(subscription).data)

    @extend_schema(responses=SubscriptionSerializer)
    def patch(self, request, subscription_id: int):
        call_service(
            lambda: selectors.access_subscription(
                user=request.user, subscription_id=subscription_id
            )
        )
        data = self.body(request)
        subscription = call_service(
            lambda: services.set_active(
                actor=request.user, subscription_id=subscription_id, active=data["active"]
            )
        )
        return Response(SubscriptionSerializer(subscription).data)

    @extend_schema(responses={204: None})
    def delete(self, request, subscription_id: int):
        call_service(
            lambda: services.delete_subscription(
                actor=request.user, subscription_id=subscription_id
            )
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class DeliveryListView(ApiView):
    """A webhook's delivery log, newest first, a page at a time."""

    @extend_schema(operation_id="webhooks_deliveries_list", responses=paginated(DeliverySerializer))
    def get(self, request, subscription_id: int):
        subscription = call_service(
            lambda: selectors.access_subscription(
                user=request.user, subscription_id=subscription_id
            )
        )
        return self.page(
            request, selectors.deliveries_query(subscription=subscription), DeliverySerializer
        )


class PingView(ApiView):
    """Send a test message now; answers with its delivery (status code, error)."""

    post_input = None

    @extend_schema(responses=DeliverySerializer)
    def post(self, request, subscription_id: int):
        delivery = call_service(
            lambda: services.send_ping(actor=request.user, subscription_id=subscription_id)
        )
        return Response(DeliverySerializer(delivery).data)


class SecretView(ApiView):
    """A new signing secret, shown only in this answer; the old one stops working."""

    post_input = None

    @extend_schema(responses=SecretSerializer)
    def post(self, request, subscription_id: int):
        _subscription, secret = call_service(
            lambda: services.renew_secret(actor=request.user, subscription_id=subscription_id)
        )
        return Response({"secret": secret})


class KindListView(ApiView):
    """The kinds of event a webhook can subscribe to."""

    @extend_schema(operation_id="webhooks_events_list", responses=KindSerializer(many=True))
    def get(self, request):
        return Response([{"kind": k, "label": label} for k, label in payloads.event_kinds()])


urlpatterns = [
    path("webhooks/", SubscriptionListView.as_view(), name="api-webhooks"),
    path("webhooks/events/", KindListView.as_view(), name="api-webhook-events"),
    path(
        "webhooks/<int:subscription_id>/",
        SubscriptionDetailView.as_view(),
        name="api-webhook",
    ),
    path(
        "webhooks/<int:subscription_id>/deliveries/",
        DeliveryListView.as_view(),
        name="api-webhook-deliveries",
    ),
    path("webhooks/<int:subscription_id>/test/", PingView.as_view(), name="api-webhook-test"),
    path(
        "webhooks/<int:subscription_id>/secret/",
        SecretView.as_view(),
        name="api-webhook-secret",
    ),
]
