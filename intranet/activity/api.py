"""Feed, notifications and notification preferences over the API; same rules as the pages."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import path
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from intranet.activity import feed_cache, selectors, services
from intranet.activity.models import Channel, NotificationKind
from intranet.core.api import refusal, request_object


class ActivitySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    verb = serializers.CharField()
    actor = serializers.CharField(source="actor.display_name", default=None)
    space = serializers.CharField(source="space.slug", default=None)
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
    actor = serializers.CharField(source="actor.display_name", default=None)
    actor_count = serializers.IntegerField()
    url = serializers.CharField()
    params = serializers.DictField()
    updated_at = serializers.DateTimeField()
    read = serializers.SerializerMethodField()

    def get_read(self, notification) -> bool:
        return notification.read_at is not None


class FeedView(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter("feed", str, description="home, space:<id> or person:<id>"),
            OpenApiParameter("before", int, description="the oldest id you have (keyset)"),
        ],
        responses=FeedSerializer,
    )
    def get(self, request):
        feed = selectors.Feed.parse(request.query_params.get("feed", "home"))
        if feed is None or feed.kind == "bell":
            raise ApiValidationError({"feed": "Use home, space:<id> or person:<id>."})
        if not selectors.may_read_feed(user=request.user, feed=feed):
            raise NotFound
        before = request.query_params.get("before")
        if before is not None and not before.isdecimal():
            raise ApiValidationError({"before": "A whole number."})
        if before:
            return Response(self.page(request.user, feed, before=int(before)))
        # The first page is the busiest read: kept until something it shows changes.
        return Response(
            feed_cache.first_page(
                user_id=request.user.pk,
                feed=str(feed),
                depends_on=lambda: selectors.feed_dependencies(user=request.user, feed=feed),
                build=lambda: self.page(request.user, feed, before=None),
            )
        )

    @staticmethod
    def page(user, feed, *, before: int | None) -> dict:
        page = selectors.feed_page(user=user, feed=feed, before=before, counts=False)
        return {
            "results": list(ActivitySerializer(page["items"], many=True).data),
            "next_before": page["next_before"],
        }


class NotificationListView(APIView):
    @extend_schema(responses=NotificationSerializer(many=True))
    def get(self, request):
        items = selectors.notifications(user=request.user)[:100]
        return Response(NotificationSerializer(items, many=True).data)


class NotificationReadView(APIView):
    @extend_schema(request=None, responses={204: None})
    def post(self, request, notification_id: int | None = None):
        try:
            services.mark_read(user=request.user, notification_id=notification_id)
        except PermissionDenied as error:
            raise NotFound from error
        return Response(status=status.HTTP_204_NO_CONTENT)


# How each kind of notification reaches me: {kind: channel}; a PUT changes the kinds it names.
CHANNELS = {
    "type": "object",
    "properties": {
        kind: {"type": "string", "enum": Channel.values} for kind in NotificationKind.values
    },
}


class PreferencesView(APIView):
    @extend_schema(responses={200: CHANNELS})
    def get(self, request):
        return Response(selectors.notification_channels(user=request.user))

    @extend_schema(
        request={"application/json": CHANNELS},
        responses={200: CHANNELS},
    )
    def put(self, request):
        channels = dict(request_object(request))
        try:
            services.set_preferences(user=request.user, channels=channels)
        except ValidationError as error:
            raise refusal(error) from error
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
