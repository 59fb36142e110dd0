"""Recognition over the API: my points and history, badges, leaderboards (with the same privacy
rules as the pages: people who do not show their points are not in any answer), stories and
reuse. Forbidden or switched off is 404; bad input is 400 with a message per field."""

from __future__ import annotations

from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from gamification import access, selectors, services
from gamification.models import Period, ReuseKind
from intranet.core.api import ApiView, call_service
from intranet.core.openapi import paginated, refusal
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


# --- What the API reads: request bodies and query parameters (shape only; services decide) ---


class PageQuery(serializers.Serializer):
    """?limit= and ?offset= of a list that comes in pages (intranet.core.api.Pagination)."""

    limit = serializers.IntegerField(
        required=False, min_value=1, max_value=500, help_text="rows per page (50 if not given)"
    )
    offset = serializers.IntegerField(required=False, min_value=0, help_text="rows to skip")


class PeriodQuery(serializers.Serializer):
    period = serializers.ChoiceField(
        Period.values,
        default=Period.MONTH,
        error_messages={"invalid_choice": _("One of: week, month, all.")},
    )


class LeaderboardQuery(PeriodQuery):
    department = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=2**31 - 1,
        error_messages={"invalid": _("A number.")},
        help_text="a department's id",
    )
    space = serializers.CharField(required=False, allow_blank=True, help_text="a space's slug")


class NewStoryInput(serializers.Serializer):
    space = serializers.SlugField(help_text="The address of a space where you may publish.")
    title = serializers.CharField(max_length=160)
    challenge = serializers.CharField()
    approach = serializers.CharField()
    result = serializers.CharField()
    people = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**31 - 1),
        required=False,
        default=list,
        help_text="Colleagues the story is about (ids).",
    )
    teams = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**31 - 1),
        required=False,
        default=list,
        help_text="Departments the story is about (ids).",
    )


class ReuseInput(serializers.Serializer):
    kind = serializers.ChoiceField(ReuseKind.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="")


# Switched off (points, leaderboards) or not for this person answers 404, as no such address.
SWITCHED_OFF = refusal(404, "Not found: switched off by the organisation, or not for you.")


def _points_on(request) -> None:
    if not services.game_settings().points_on:
        raise NotFound


class MyPointsView(ApiView):
    @extend_schema(responses={200: MyPointsSerializer, 404: SWITCHED_OFF})
    def get(self, request):
        _points_on(request)
        return Response(MyPointsSerializer(selectors.my_points(user=request.user)).data)


class MyBadgesView(ApiView):
    get_query = PageQuery

    @extend_schema(operation_id="me_badges_list", responses=paginated(AwardSerializer))
    def get(self, request):
        self.query(request)
        return self.page(request, selectors.badges_of(user=request.user), AwardSerializer)


class BadgesView(ApiView):
    get_query = PageQuery

    @extend_schema(operation_id="badges_list", responses=paginated(BadgeSerializer))
    def get(self, request):
        self.query(request)
        return self.page(request, selectors.badges_overview(user=request.user), BadgeSerializer)


class LeaderboardView(ApiView):
    """The top 50 people showing their points, like the page: a ranking, not a list that
    pages on."""

    get_query = LeaderboardQuery

    @extend_schema(responses={200: RowSerializer(many=True), 404: SWITCHED_OFF})
    def get(self, request):
        if not selectors.leaderboards_open(request.user):
            raise NotFound
        query = self.query(request)
        department = space = None
        if query.get("department") is not None:
            department = department_by_id(query["department"])
            if department is None:
                raise NotFound
        if query.get("space"):
            found = spaces_where(user=request.user, slug=query["space"])
            if not found:
                raise NotFound
            space = found[0]
        board = selectors.leaderboard(
            viewer=request.user,
            period=query["period"],
            department=department,
            space=space,
            limit=50,
        )
        return Response(RowSerializer(board["rows"], many=True).data)


class DepartmentBoardView(ApiView):
    """Every department with enough people showing points (one row a department)."""

    get_query = PeriodQuery

    @extend_schema(responses={200: DepartmentRowSerializer(many=True), 404: SWITCHED_OFF})
    def get(self, request):
        if not selectors.leaderboards_open(request.user):
            raise NotFound
        rows = selectors.department_board(period=self.query(request)["period"])
        return Response(DepartmentRowSerializer(rows, many=True).data)


class StoriesView(ApiView):
    get_query = PageQuery
    post_input = NewStoryInput

    @extend_schema(operation_id="stories_list", responses=paginated(StoryReadSerializer))
    def get(self, request):
        self.query(request)
        stories = selectors.stories_visible_to(user=request.user)
        stories = stories.select_related("space").prefetch_related("teams")
        return self.page(request, stories.order_by("-published_at", "-pk"), StorySerializer)

    @extend_schema(
        responses={
            201: StoryReadSerializer,
            404: refusal(404, "No space by that address where you may publish a story."),
        },
        examples=[
            OpenApiExample(
                "A story about a win",
                value={
                    "space": "verkoop",
                    "title": "Twaalf nieuwe leads uit één webinar",
                    "challenge": "Weinig leads uit de zorg.",
                    "approach": "Een webinar met een klant als spreker.",
                    "result": "Twaalf nieuwe leads in een week.",
                    "people": [12],
                    "teams": [3],
                },
                request_only=True,
            )
        ],
    )
    def post(self, request):
        data = self.body(request)
        space = access.story_space(user=request.user, slug=data.pop("space"))
        people, teams = data.pop("people"), data.pop("teams")
        story = call_service(
            lambda: services.publish_story(
                author=request.user, space=space, people_ids=people, team_ids=teams, **data
            )
        )
        story = access.access_story(user=request.user, story_id=story.pk)
        data = StorySerializer(story).data
        data["people"] = list(story.people.values_list("pk", flat=True))
        return Response(data, status=status.HTTP_201_CREATED)


def _story(request, story_id: int):
    return access.access_story(user=request.user, story_id=story_id)


class StoryView(ApiView):
    @extend_schema(responses=StoryReadSerializer)
    def get(self, request, story_id: int):
        story = _story(request, story_id)
        data = StorySerializer(story).data
        data["people"] = list(story.people.filter(is_active=True).values_list("pk", flat=True))
        data["reuses"] = ReuseSerializer(story.reuses.select_related("department"), many=True).data
        return Response(data)


class ReuseView(ApiView):
    post_input = ReuseInput

    @extend_schema(
        responses={201: ReuseSerializer},
        examples=[
            OpenApiExample(
                "It brought us a lead",
                value={"kind": "lead", "note": "Drie leads uit dezelfde aanpak"},
                request_only=True,
            )
        ],
    )
    def post(self, request, story_id: int):
        story = _story(request, story_id)
        data = self.body(request)
        reuse = call_service(lambda: services.record_reuse(user=request.user, story=story, **data))
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
