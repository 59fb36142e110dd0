"""Recognition over the API: my points and history, badges, leaderboards (with the same privacy
rules as the pages: people who do not show their points are not in any answer), stories and
reuse. Forbidden or switched off is 404; bad input is 400 with a message per field."""

from __future__ import annotations

from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from gamification import access, selectors, services
from gamification.models import Period
from intranet.core.api import call_service, request_object
from intranet.core.openapi import refusal
from intranet.governance.selectors import department_by_id, spaces_where


class EntrySerializer(serializers.Serializer):
    rule = serializers.CharField(source="rule.key")
    label = serializers.CharField(source="rule.get_key_display")
    points = serializers.IntegerField()
    reversal = serializers.SerializerMethodField()
    at = serializers.DateTimeField(source="created_at")

    def get_reversal(self, entry) -> bool:
        return entry.reverses_id is not None


class LevelSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    name = serializers.CharField()
    next_floor = serializers.IntegerField(allow_null=True)


class MyPointsSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    level = LevelSerializer()
    history = EntrySerializer(many=True)


class BadgeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="label")
    description = serializers.CharField(source="explanation")
    counts = serializers.CharField(source="deed")
    bronze = serializers.IntegerField()
    silver = serializers.IntegerField(allow_null=True)
    gold = serializers.IntegerField(allow_null=True)
    period_days = serializers.IntegerField(allow_null=True)
    holders = serializers.IntegerField(required=False)


class AwardSerializer(serializers.Serializer):
    badge = serializers.IntegerField(source="badge_id")
    name = serializers.CharField(source="badge.label")
    tier = serializers.CharField(source="get_tier_display")
    at = serializers.DateTimeField(source="awarded_at")


@extend_schema_serializer(component_name="RankedPerson")  # profiles' is "Person"
class PersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="display_name")


class RowSerializer(serializers.Serializer):
    rank = serializers.IntegerField()
    person = PersonSerializer()
    points = serializers.IntegerField(source="total")


class DepartmentRowSerializer(serializers.Serializer):
    department = serializers.IntegerField(source="department_id")
    name = serializers.CharField()
    people = serializers.IntegerField()
    points = serializers.IntegerField()
    per_head = serializers.FloatField()


class ReuseSerializer(serializers.Serializer):
    team = serializers.CharField(source="department.name")
    kind = serializers.CharField()
    note = serializers.CharField()
    at = serializers.DateTimeField(source="created_at")


class StorySerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    space = serializers.SlugField(source="space.slug")
    title = serializers.CharField(max_length=160)
    challenge = serializers.CharField()
    approach = serializers.CharField()
    result = serializers.CharField()
    people = serializers.ListField(
        child=serializers.IntegerField(), required=False, write_only=True
    )
    teams = serializers.ListField(child=serializers.IntegerField(), required=False, write_only=True)
    reuse_count = serializers.IntegerField(read_only=True)
    featured = serializers.BooleanField(read_only=True)
    url = serializers.CharField(source="get_absolute_url", read_only=True)
    published_at = serializers.DateTimeField(read_only=True)

    def to_representation(self, story):
        data = super().to_representation(story)
        # Lists come with their teams prefetched; people are named on the story itself only.
        data["teams"] = [team.pk for team in story.teams.all()]
        return data


class StoryReadSerializer(StorySerializer):
    """What the story views answer (for the schema): the story with its teams; a single
    story, or one just published, also with the people it names, and a single story with
    its reuses."""

    people = serializers.ListField(child=serializers.IntegerField(), required=False)
    teams = serializers.ListField(child=serializers.IntegerField())
    reuses = ReuseSerializer(many=True, required=False)


class ReuseInSerializer(serializers.Serializer):
    kind = serializers.CharField()
    note = serializers.CharField(required=False, allow_blank=True, default="")


# Switched off (points, leaderboards) or not for this person answers 404, as no such address.
SWITCHED_OFF = refusal(404, "Not found: switched off by the organisation, or not for you.")


def _points_on(request) -> None:
    if not services.game_settings().points_on:
        raise NotFound


class MyPointsView(APIView):
    @extend_schema(responses={200: MyPointsSerializer, 404: SWITCHED_OFF})
    def get(self, request):
        _points_on(request)
        return Response(MyPointsSerializer(selectors.my_points(user=request.user)).data)


class MyBadgesView(APIView):
    @extend_schema(responses=AwardSerializer(many=True))
    def get(self, request):
        return Response(AwardSerializer(selectors.badges_of(user=request.user), many=True).data)


class BadgesView(APIView):
    @extend_schema(responses=BadgeSerializer(many=True))
    def get(self, request):
        return Response(
            BadgeSerializer(selectors.badges_overview(user=request.user), many=True).data
        )


def _period(request) -> str:
    period = request.query_params.get("period", Period.MONTH)
    if period not in Period.values:
        raise ApiValidationError({"period": [_("One of: week, month, all.")]})
    return period


class LeaderboardView(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter("period", str, enum=Period.values),
            OpenApiParameter("department", int),
            OpenApiParameter("space", str, description="a space's slug"),
        ],
        responses={200: RowSerializer(many=True), 404: SWITCHED_OFF},
    )
    def get(self, request):
        if not selectors.leaderboards_open(request.user):
            raise NotFound
        period = _period(request)
        department = space = None
        raw_department = request.query_params.get("department")
        if raw_department:
            if not raw_department.isdecimal():
                raise ApiValidationError({"department": [_("A number.")]})
            department = department_by_id(raw_department)
            if department is None:
                raise NotFound
        if request.query_params.get("space"):
            found = spaces_where(user=request.user, slug=request.query_params["space"])
            if not found:
                raise NotFound
            space = found[0]
        board = selectors.leaderboard(
            viewer=request.user, period=period, department=department, space=space, limit=50
        )
        return Response(RowSerializer(board["rows"], many=True).data)


class DepartmentBoardView(APIView):
    @extend_schema(
        parameters=[OpenApiParameter("period", str, enum=Period.values)],
        responses={200: DepartmentRowSerializer(many=True), 404: SWITCHED_OFF},
    )
    def get(self, request):
        if not selectors.leaderboards_open(request.user):
            raise NotFound
        rows = selectors.department_board(period=_period(request))
        return Response(DepartmentRowSerializer(rows, many=True).data)


class StoriesView(APIView):
    @extend_schema(responses=StoryReadSerializer(many=True))
    def get(self, request):
        stories = selectors.story_list(user=request.user)
        return Response(StorySerializer(stories, many=True).data)

    @extend_schema(
        request=StorySerializer,
        responses={
            201: StoryReadSerializer,
            404: refusal(404, "No space by that address where you may publish a story."),
        },
    )
    def post(self, request):
        incoming = StorySerializer(data=request_object(request))
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        space = access.story_space(user=request.user, slug=data["space"]["slug"])
        story = call_service(
            lambda: services.publish_story(
                author=request.user,
                space=space,
                title=data["title"],
                challenge=data["challenge"],
                approach=data["approach"],
                result=data["result"],
                people_ids=data.get("people", []),
                team_ids=data.get("teams", []),
            )
        )
        story = access.access_story(user=request.user, story_id=story.pk)
        data = StorySerializer(story).data
        data["people"] = list(story.people.values_list("pk", flat=True))
        return Response(data, status=status.HTTP_201_CREATED)


def _story(request, story_id: int):
    return access.access_story(user=request.user, story_id=story_id)


class StoryView(APIView):
    @extend_schema(responses=StoryReadSerializer)
    def get(self, request, story_id: int):
        story = _story(request, story_id)
        data = StorySerializer(story).data
        data["people"] = list(story.people.filter(is_active=True).values_list("pk", flat=True))
        data["reuses"] = ReuseSerializer(story.reuses.select_related("department"), many=True).data
        return Response(data)


class ReuseView(APIView):
    @extend_schema(request=ReuseInSerializer, responses={201: ReuseSerializer})
    def post(self, request, story_id: int):
        story = _story(request, story_id)
        incoming = ReuseInSerializer(data=request_object(request))
        incoming.is_valid(raise_exception=True)
        reuse = call_service(
            lambda: services.record_reuse(
                user=request.user,
                story=story,
                kind=incoming.validated_data["kind"],
                note=incoming.validated_data["note"],
            )
        )
        return Response(ReuseSerializer(reuse).data, status=status.HTTP_201_CREATED)


urlpatterns = [
    path("me/points/", MyPointsView.as_view(), name="api-my-points"),
    path("me/badges/", MyBadgesView.as_view(), name="api-my-badges"),
    path("badges/", BadgesView.as_view(), name="api-badges"),
    path("leaderboards/people/", LeaderboardView.as_view(), name="api-leaderboard"),
    path("leaderboards/departments/", DepartmentBoardView.as_view(), name="api-department-board"),
    path("stories/", StoriesView.as_view(), name="api-stories"),
    path("stories/<int:story_id>/", StoryView.as_view(), name="api-story"),
    path("stories/<int:story_id>/reuse/", ReuseView.as_view(), name="api-story-reuse"),
]
