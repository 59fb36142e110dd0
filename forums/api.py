"""Forums over the API: the same services and selectors (and 404 rules) as the pages."""

from __future__ import annotations

from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from forums import selectors, services
from forums.access import access_answer, access_topic, forum_space
from forums.models import Topic
from intranet.core.api import ApiView, call_service
from intranet.core.openapi import paginated, refusal
from intranet.governance import permissions
from intranet.governance.constants import Action, Module
from intranet.governance.selectors import access_module


class TopicSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    space = serializers.CharField(source="space.slug")
    kind = serializers.CharField()
    title = serializers.CharField()
    body_html = serializers.CharField()
    language = serializers.CharField()
    author = serializers.CharField(source="author.display_name")
    answer_count = serializers.IntegerField()
    accepted_answer = serializers.IntegerField(source="accepted_answer_id", allow_null=True)
    locked = serializers.BooleanField()
    created_at = serializers.DateTimeField()
    last_activity_at = serializers.DateTimeField()
    tags = serializers.SerializerMethodField()

    def get_tags(self, topic) -> list[str]:
        return [tag.name for tag in topic.tags.all()]


class AnswerSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    body_html = serializers.CharField()
    author = serializers.CharField(source="author.display_name")
    score = serializers.IntegerField()
    accepted = serializers.SerializerMethodField()
    my_vote = serializers.IntegerField(default=0)
    created_at = serializers.DateTimeField()

    def get_accepted(self, answer) -> bool:
        return bool(getattr(answer, "accepted", False))


class WholeNumber(serializers.IntegerField):
    """A JSON number without a fraction: "1" (a string) and true are refused, not read as 1."""

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


# --- What the views read ---------------------------------------------------------------------


class NewTopicInput(serializers.Serializer):
    kind = serializers.ChoiceField(Topic.Kind.choices, default=Topic.Kind.QUESTION)
    title = serializers.CharField(allow_blank=True)
    body = serializers.CharField(required=False, allow_blank=True, default="")
    tags = serializers.ListField(
        child=serializers.CharField(allow_blank=True), required=False, default=list
    )
    language = serializers.ChoiceField(Topic.Language.choices, default="nl")
    ask_leadership = serializers.BooleanField(required=False, default=False)


class AnswerInput(serializers.Serializer):
    body = serializers.CharField(allow_blank=True, help_text="Markdown")


class VoteInput(serializers.Serializer):
    value = WholeNumber(help_text="1 (up), -1 (down) or 0 (take your vote back)")


class AcceptInput(serializers.Serializer):
    answer = WholeNumber(
        allow_null=True,
        default=None,
        min_value=1,
        max_value=2**63 - 1,
        help_text="the answer to accept; null: accept none",
        error_messages={"invalid": _("An answer id, or null.")},
    )


class TopicListQuery(serializers.Serializer):
    show = serializers.ChoiceField(
        ["all", "unanswered"],
        default="all",
        error_messages={"invalid_choice": _("Use all or unanswered.")},
    )


class SimilarQuery(serializers.Serializer):
    title = serializers.CharField(allow_blank=True, help_text="the title being typed")


class SearchQuery(serializers.Serializer):
    """Only spaces whose forum one may read are found; others answer as unknown ones."""

    q = serializers.CharField(
        error_messages={
            "required": _("Type what you are looking for."),
            "blank": _("Type what you are looking for."),
        }
    )
    space = serializers.CharField(required=False, allow_blank=True, help_text="a space's slug")
    tag = serializers.CharField(required=False, default="", allow_blank=True)
    answered = serializers.ChoiceField(
        ["yes", "no"],
        required=False,
        default="",
        allow_blank=True,
        error_messages={"invalid_choice": _("Use yes or no.")},
    )
    language = serializers.ChoiceField(
        Topic.Language.choices,
        required=False,
        default="",
        allow_blank=True,
        error_messages={"invalid_choice": _("Use nl or en.")},
    )

    def validate_q(self, value: str) -> str:
        return value[:200]

    def validate_tag(self, value: str) -> str:
        return value[:30]

    def validate_space(self, value: str):
        if not value:
            return None
        space = forum_space(user=self.context["request"].user, slug=value)
        if space is None:
            raise serializers.ValidationError(_("There is no such space."))
        return space


# --- What the views answer -------------------------------------------------------------------

TOPIC_PAGE = inline_serializer(
    "TopicPage", {"topic": TopicSerializer(), "answers": AnswerSerializer(many=True)}
)


class SimilarSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    title = serializers.CharField()
    space = serializers.CharField(source="space.slug")
    url = serializers.CharField(source="get_absolute_url")


class ForumHitSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    title = serializers.CharField()
    title_html = serializers.SerializerMethodField()
    snippet_html = serializers.SerializerMethodField()
    space = serializers.CharField(source="space.slug")
    language = serializers.CharField()
    answer_count = serializers.IntegerField()
    accepted_answer = serializers.IntegerField(source="accepted_answer_id", allow_null=True)
    url = serializers.CharField(source="get_absolute_url")

    def get_title_html(self, hit) -> str:
        return selectors.highlighted(hit.title_hit)

    def get_snippet_html(self, hit) -> str:
        return selectors.highlighted(hit.body_hit or "")


def _topic_access(request, topic_id: int):
    """(topic, access), or 404 (forums.access: missing, forbidden, malformed alike)."""
    return access_topic(user=request.user, topic_id=topic_id)


def _forum(request, slug: str):
    """A space's forum the user may read (module on, View), or 404 (as the pages)."""
    return access_module(user=request.user, slug=slug, module=Module.FORUMS)


def _topic(request, topic_id: int):
    return _topic_access(request, topic_id)[0]


class SpaceTopicsView(ApiView):
    get_query = TopicListQuery
    post_input = NewTopicInput

    @extend_schema(responses=paginated(TopicSerializer))
    def get(self, request, slug: str):
        space = _forum(request, slug).space
        scope = self.query(request)["show"]
        topics = (
            selectors.topics_in(space=space, scope=scope)
            .select_related("space")
            .only(*selectors.LIST_COLUMNS, "body_html", "language", "space__slug")
        )
        return self.page(request, topics, TopicSerializer)

    @extend_schema(
        responses={201: TopicSerializer},
        examples=[
            OpenApiExample(
                "A question",
                value={
                    "kind": "question",
                    "title": "Waar staat de VPN-handleiding?",
                    "body": "Ik werk vanaf morgen thuis.",
                    "tags": ["vpn"],
                    "language": "nl",
                },
                request_only=True,
            )
        ],
    )
    def post(self, request, slug: str):
        space = _forum(request, slug).space
        data = self.body(request)
        topic = call_service(lambda: services.ask(author=request.user, space=space, **data))
        topic = selectors.topic_for(topic_id=topic.pk)
        return Response(TopicSerializer(topic).data, status=status.HTTP_201_CREATED)


class TopicView(ApiView):
    @extend_schema(responses=TOPIC_PAGE)
    def get(self, request, topic_id: int):
        topic, access = _topic_access(request, topic_id)
        page = selectors.question_page(
            topic=topic, user=request.user, moderator=access.can(Action.MODERATE)
        )
        return Response(
            {
                "topic": TopicSerializer(page["topic"]).data,
                "answers": AnswerSerializer(page["answers"], many=True).data,
            }
        )


ANSWER_EXAMPLE = OpenApiExample(
    "An answer", value={"body": "In de kennisbank, onder **IT > Thuiswerken**."}, request_only=True
)


class AnswersView(ApiView):
    post_input = AnswerInput

    @extend_schema(responses={201: AnswerSerializer}, examples=[ANSWER_EXAMPLE])
    def post(self, request, topic_id: int):
        topic = _topic(request, topic_id)
        data = self.body(request)
        answer = call_service(lambda: services.answer(author=request.user, topic=topic, **data))
        return Response(AnswerSerializer(answer).data, status=status.HTTP_201_CREATED)


class VoteView(ApiView):
    post_input = VoteInput

    @extend_schema(
        responses={200: AnswerSerializer},
        examples=[OpenApiExample("Vote up", value={"value": 1}, request_only=True)],
    )
    def post(self, request, answer_id: int):
        # Access first: a forbidden or missing answer is 404 whatever the value.
        access_answer(user=request.user, answer_id=answer_id)
        value = self.body(request)["value"]
        answer = call_service(
            lambda: services.vote(user=request.user, answer_id=answer_id, value=value)
        )
        answer.my_vote = value
        return Response(AnswerSerializer(answer).data)


class AnswerView(ApiView):
    patch_input = AnswerInput

    @extend_schema(responses={200: AnswerSerializer}, examples=[ANSWER_EXAMPLE])
    def patch(self, request, answer_id: int):
        """Edit an answer (its author or a moderator); the previous text is kept."""
        access_answer(user=request.user, answer_id=answer_id)
        data = self.body(request)
        answer = call_service(
            lambda: services.edit_answer(actor=request.user, answer_id=answer_id, **data)
        )
        return Response(AnswerSerializer(answer).data)


class AcceptView(ApiView):
    post_input = AcceptInput

    @extend_schema(
        responses={204: None},
        examples=[OpenApiExample("Accept an answer", value={"answer": 42}, request_only=True)],
    )
    def post(self, request, topic_id: int):
        topic = _topic(request, topic_id)
        answer_id = self.body(request)["answer"]
        call_service(lambda: services.accept(actor=request.user, topic=topic, answer_id=answer_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class UnansweredView(ApiView):
    @extend_schema(
        responses={
            200: paginated(TopicSerializer),
            404: refusal(404, "Guests have no list of unanswered questions."),
        }
    )
    def get(self, request):
        if permissions.is_guest(request.user):
            raise NotFound
        return self.page(request, selectors.unanswered_for(user=request.user), TopicSerializer)


class SimilarView(ApiView):
    """ "Before you ask": a few topics like the title being typed, best first."""

    get_query = SimilarQuery

    @extend_schema(responses=SimilarSerializer(many=True))
    def get(self, request):
        title = self.query(request)["title"]
        topics = selectors.similar_questions(user=request.user, title=title)
        return Response(SimilarSerializer(topics, many=True).data)


class SearchView(ApiView):
    """Forum search: ranked, with `title_html` and `snippet_html` (escaped, found words in
    <mark>), filtered like the search page."""

    get_query = SearchQuery

    @extend_schema(responses=paginated(ForumHitSerializer))
    def get(self, request):
        query = self.query(request)
        space = query.get("space")
        hits = selectors.search_forums(
            user=request.user,
            filters=selectors.SearchFilters(
                q=query["q"],
                space_id=space.pk if space else None,
                tag=query["tag"],
                answered=query["answered"],
                language=query["language"],
            ),
        )
        return self.page(request, hits, ForumHitSerializer)


urlpatterns = [
    path("spaces/<slug:slug>/topics/", SpaceTopicsView.as_view(), name="api-space-topics"),
    path("topics/<int:topic_id>/", TopicView.as_view(), name="api-topic"),
    path("topics/<int:topic_id>/answers/", AnswersView.as_view(), name="api-answers"),
    path("topics/<int:topic_id>/accept/", AcceptView.as_view(), name="api-accept"),
    path("answers/<int:answer_id>/vote/", VoteView.as_view(), name="api-vote"),
    path("answers/<int:answer_id>/", AnswerView.as_view(), name="api-answer"),
    path("topics/unanswered/", UnansweredView.as_view(), name="api-unanswered"),
    path("topics/similar/", SimilarView.as_view(), name="api-similar"),
    path("topics/search/", SearchView.as_view(), name="api-search"),
]
