"""Feed, notifications and notification preferences over the API; same rules as the pages."""

from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.plumbing import ResolvedComponent
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from intranet.activity import feed_cache, selectors, services
from intranet.activity.models import Channel, NotificationKind
from intranet.core.api import ApiView, call_service
from intranet.core.openapi import paginated


class ActivitySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    verb = serializers.CharField()
    actor = serializers.CharField(source="actor.display_name", default=None, allow_null=True)
    space = serializers.CharField(source="space.slug", default=None, allow_null=True)
    created_at = serializers.DateTimeField()
    body_html = serializers.SerializerMethodField()

    def get_body_html(self, activity) -> str | None:
        target = getattr(activity, "post", None) or getattr(activity, "announcement", None)
        return target.body_html if target is not None else None


class FeedSerializer(serializers.Serializer):
    results = ActivitySerializer(many=True)
    next_before = serializers.IntegerField(allow_null=True)


class NotificationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    actor = serializers.CharField(source="actor.display_name", default=None, allow_null=True)
    actor_count = serializers.IntegerField()
    url = serializers.CharField()
    params = serializers.DictField()
    updated_at = serializers.DateTimeField()
    read = serializers.SerializerMethodField()

    def get_read(self, notification) -> bool:
        return notification.read_at is not None


class FeedQuery(serializers.Serializer):
    """Which feed, and (for older items) the oldest id one has. The feed is checked first: one
    that may not be read answers 404 whatever else the query says."""

    feed = serializers.CharField(
        required=False, default="home", help_text="home, space:<id> or person:<id>"
    )
    before = serializers.IntegerField(
        required=False,
        min_value=0,
        max_value=2**63 - 1,
        help_text="the oldest id you have (keyset); the first page without it",
    )

    def validate_feed(self, value: str) -> selectors.Feed:
        feed = selectors.Feed.parse(value)
        if feed is None or feed.kind == "bell":
            raise serializers.ValidationError(_("Use home, space:<id> or person:<id>."))
        if not selectors.may_read_feed(user=self.context["request"].user, feed=feed):
            raise NotFound
        return feed


class FeedView(ApiView):
    """A feed a page at a time, newest first; `next_before` asks for the next page."""

    get_query = FeedQuery

    @extend_schema(responses=FeedSerializer)
    def get(self, request):
        query = self.query(request)
        feed, before = query["feed"], query.get("before")
        if before:
            return Response(self.feed_page(request.user, feed, before=before))
        # The first page is the busiest read: kept until something it shows changes.
        return Response(
            feed_cache.first_page(
                user_id=request.user.pk,
                feed=str(feed),
                depends_on=lambda: selectors.feed_dependencies(user=request.user, feed=feed),
                build=lambda: self.feed_page(request.user, feed, before=None),
            )
        )

    @staticmethod
    def feed_page(user, feed, *, before: int | None) -> dict:
        page = selectors.feed_page(user=user, feed=feed, before=before, counts=False)
        return {
            "results": list(ActivitySerializer(page["items"], many=True).data),
            "next_before": page["next_before"],
        }


class NotificationListView(ApiView):
    """My notifications, newest first, a page at a time (?limit=, ?offset=)."""

    @extend_schema(responses=paginated(NotificationSerializer))
    def get(self, request):
        return self.page(
            request, selectors.notifications(user=request.user), NotificationSerializer
        )


class NotificationReadView(ApiView):
    """Mark one notification (or, at read-all/, every one) as read."""

    post_input = None

    @extend_schema(responses={204: None})
    def post(self, request, notification_id: int | None = None):
        call_service(lambda: services.mark_read(user=request.user, notification_id=notification_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


# How each kind of notification reaches me: {kind: channel}; a PUT changes the kinds it names.
CHANNELS = {
    "type": "object",
    "properties": {
        kind: {"type": "string", "enum": Channel.values} for kind in NotificationKind.values
    },
}


class PreferencesInput(serializers.Serializer):
    """{kind: channel} for the kinds to change; kinds left out keep their channel."""

    def get_fields(self):
        return {
            kind: serializers.ChoiceField(choices=Channel.choices, required=False, help_text=label)
            for kind, label in NotificationKind.choices
        }

    def validate(self, attrs):
        unknown = sorted(set(self.initial_data) - set(self.fields))
        if unknown:
            raise serializers.ValidationError(
                {name: [_("There is no such kind of notification.")] for name in unknown}
            )
        return attrs


class PreferencesInputSchema(OpenApiSerializerExtension):
    """In the schema every kind's channel is one shared enum, NotificationChannel (else the
    schema would name the same choices once per kind)."""

    target_class = PreferencesInput

    def map_serializer(self, auto_schema, direction):
        channel = ResolvedComponent(
            name="NotificationChannel",
            type=ResolvedComponent.SCHEMA,
            object="NotificationChannel",
            schema={"type": "string", "enum": Channel.values},
        )
        auto_schema.registry.register_on_missing(channel)
        return {
            "type": "object",
            "description": "{kind: channel} for the kinds to change; others keep their channel.",
            # A fresh {"$ref": ...} per kind: one shared dict would be a YAML alias.
            "properties": {kind: channel.ref for kind in NotificationKind.values},  # noqa: C420
        }


class PreferencesView(ApiView):
    put_input = PreferencesInput

    @extend_schema(responses={200: CHANNELS})
    def get(self, request):
        return Response(selectors.notification_channels(user=request.user))

    @extend_schema(
        responses={200: CHANNELS},
        examples=[
            OpenApiExample(
                "Reactions in the digest",
                value={"reaction": "digest", "mention": "email"},
                request_only=True,
            )
        ],
    )
    def put(self, request):
        channels = self.body(request)
        call_service(lambda: services.set_preferences(user=request.user, channels=channels))
        return Response(selectors.notification_channels(user=request.user))


urlpatterns = [
    path("feed/", FeedView.as_view(), name="api-feed"),
    path("notifications/", NotificationListView.as_view(), name="api-notifications"),
    path(
        "notifications/read-all/", NotificationReadView.as_view(), name="api-notifications-read-all"
    ),
    path(
        "notifications/<int:notification_id>/read/",
        NotificationReadView.as_view(),
        name="api-notification-read",
    ),
    path("notifications/preferences/", PreferencesView.as_view(), name="api-preferences"),
]
