"""Forums over the API: the same services and selectors (and 404 rules) as the pages."""

from __future__ import annotations

from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from forums import selectors, services
from forums.access import access_answer, access_topic, forum_space
from forums.models import Topic
from intranet.core.api import call_service, request_object
from intranet.core.openapi import refusal
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


# Request and response bodies the views build themselves, for the schema.
NEW_TOPIC = inline_serializer(
    "NewTopic",
    {
        "kind": serializers.ChoiceField(Topic.Kind.choices, default=Topic.Kind.QUESTION),
        "title": serializers.CharField(),
        "body": serializers.CharField(required=False),
        "tags": serializers.ListField(child=serializers.CharField(), required=False),
        "language": serializers.ChoiceField(Topic.Language.choices, default="nl"),
        "ask_leadership": serializers.BooleanField(required=False),
    },
)
TOPIC_PAGE = inline_serializer(
    "TopicPage", {"topic": TopicSerializer(), "answers": AnswerSerializer(many=True)}
)
ANSWER_BODY = inline_serializer("AnswerBody", {"body": serializers.CharField()})
VOTE = inline_serializer("Vote", {"value": serializers.IntegerField(help_text="1, 0 or -1")})
ACCEPT = inline_serializer(
    "Accept",
    {"answer": serializers.IntegerField(allow_null=True, help_text="null: accept none")},
)
SIMILAR = inline_serializer(
    "SimilarTopic",
    {
        "id": serializers.IntegerField(),
        "title": serializers.CharField(),
        "space": serializers.CharField(),
        "url": serializers.CharField(),
    },
    many=True,
)
FORUM_HITS = inline_serializer(
    "ForumHit",
    {
        "id": serializers.IntegerField(),
        "title": serializers.CharField(),
        "title_html": serializers.CharField(),
        "snippet_html": serializers.CharField(),
        "space": serializers.CharField(),
        "language": serializers.CharField(),
        "answer_count": serializers.IntegerField(),
        "accepted_answer": serializers.IntegerField(allow_null=True),
        "url": serializers.CharField(),
    },
    many=True,
)


def _topic_access(request, topic_id: int):
    """(topic, access), or 404 (forums.access: missing, forbidden, malformed alike)."""
    return access_topic(user=request.user, topic_id=topic_id)


def _forum(request, slug: str):
    """A space's forum the user may read (module on, View), or 404 (as the pages)."""
    return access_module(user=request.user, slug=slug, module=Module.FORUMS)


def _topic(request, topic_id: int):
    return _topic_access(request, topic_id)[0]


class SpaceTopicsView(APIView):
    @extend_schema(
        parameters=[OpenApiParameter("show", str, enum=["all", "unanswered"])],
        responses=TopicSerializer(many=True),
    )
    def get(self, request, slug: str):
        space = _forum(request, slug).space
        scope = request.query_params.get("show", "all")
        if scope not in ("all", "unanswered"):
            raise ApiValidationError({"show": [_("Use all or unanswered.")]})
        topics = (
            selectors.topics_in(space=space, scope=scope)
            .select_related("space")
            .only(*selectors.LIST_COLUMNS, "body_html", "language", "space__slug")[:100]
        )
        return Response(TopicSerializer(topics, many=True).data)

    @extend_schema(request=NEW_TOPIC, responses={201: TopicSerializer})
    def post(self, request, slug: str):
        space = _forum(request, slug).space
        data = request_object(request)
        topic = call_service(
            lambda: services.ask(
                author=request.user,
                space=space,
                kind=str(data.get("kind", "question")),
                title=str(data.get("title", "")),
                body=str(data.get("body", "")),
                tags=data.get("tags", []),
                language=str(data.get("language", "nl")),
                ask_leadership=bool(data.get("ask_leadership")),
            )
        )
        topic = selectors.topic_for(topic_id=topic.pk)
        return Response(TopicSerializer(topic).data, status=status.HTTP_201_CREATED)


class TopicView(APIView):
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


class AnswersView(APIView):
    @extend_schema(request=ANSWER_BODY, responses={201: AnswerSerializer})
    def post(self, request, topic_id: int):
        topic = _topic(request, topic_id)
        body = str(request_object(request).get("body", ""))
        answer = call_service(lambda: services.answer(author=request.user, topic=topic, body=body))
        return Response(AnswerSerializer(answer).data, status=status.HTTP_201_CREATED)


class VoteView(APIView):
    @extend_schema(request=VOTE, responses={200: AnswerSerializer})
    def post(self, request, answer_id: int):
        # Access first: a forbidden or missing answer is 404 whatever the value.
        access_answer(user=request.user, answer_id=answer_id)
        raw = request_object(request).get("value")
        value = raw if isinstance(raw, int) and not isinstance(raw, bool) else 99
        answer = call_service(
            lambda: services.vote(user=request.user, answer_id=answer_id, value=value)
        )
        answer.my_vote = value
        return Response(AnswerSerializer(answer).data)


class AnswerView(APIView):
    @extend_schema(request=ANSWER_BODY, responses={200: AnswerSerializer})
    def patch(self, request, answer_id: int):
        """Edit an answer (its author or a moderator); the previous text is kept."""
        access_answer(user=request.user, answer_id=answer_id)
        body = str(request_object(request).get("body", ""))
        answer = call_service(
            lambda: services.edit_answer(actor=request.user, answer_id=answer_id, body=body)
        )
        return Response(AnswerSerializer(answer).data)


class AcceptView(APIView):
    @extend_schema(request=ACCEPT, responses={204: None})
    def post(self, request, topic_id: int):
        topic = _topic(request, topic_id)
        raw = request_object(request).get("answer")
        answer_id = raw if isinstance(raw, int) and not isinstance(raw, bool) else None
        if raw is not None and answer_id is None:
            raise ApiValidationError({"answer": [_("An answer id, or null.")]})
        call_service(lambda: services.accept(actor=request.user, topic=topic, answer_id=answer_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class UnansweredView(APIView):
    @extend_schema(
        responses={
            200: TopicSerializer(many=True),
            404: refusal(404, "Guests have no list of unanswered questions."),
        }
    )
    def get(self, request):
        if permissions.is_guest(request.user):
            raise NotFound
        topics = selectors.unanswered_for(user=request.user)[:100]
        return Response(TopicSerializer(topics, many=True).data)


class SimilarView(APIView):
    @extend_schema(
        parameters=[OpenApiParameter("title", str, required=True)],
        responses=SIMILAR,
    )
    def get(self, request):
        topics = selectors.similar_questions(
            user=request.user, title=request.query_params.get("title", "")
        )
        return Response(
            [
                {"id": t.pk, "title": t.title, "space": t.space.slug, "url": t.get_absolute_url()}
                for t in topics
            ]
        )


class SearchView(APIView):
    """Forum search: ranked, with `title_html` and `snippet_html` (escaped, found words in
    <mark>), filtered like the search page."""

    @extend_schema(
        parameters=[
            OpenApiParameter("q", str, required=True),
            OpenApiParameter("space", str, description="a space's slug"),
            OpenApiParameter("tag", str),
            OpenApiParameter("answered", str, enum=["yes", "no"]),
            OpenApiParameter("language", str, enum=Topic.Language.values),
        ],
        responses=FORUM_HITS,
    )
    def get(self, request):
        params = request.query_params
        errors = {}
        if not params.get("q", "").strip():
            errors["q"] = [_("Type what you are looking for.")]
        if params.get("answered", "") not in ("", "yes", "no"):
            errors["answered"] = [_("Use yes or no.")]
        if params.get("language", "") not in ("", "nl", "en"):
            errors["language"] = [_("Use nl or en.")]
        space = None
        if params.get("space"):
            # Only spaces whose forum the user may read: the same answer for unknown ones.
            space = forum_space(user=request.user, slug=params["space"])
            if space is None:
                errors["space"] = [_("There is no such space.")]
        if errors:
            raise ApiValidationError(errors)
        hits = selectors.search_forums(
            user=request.user,
            filters=selectors.SearchFilters(
                q=params["q"][:200],
                space_id=space.pk if space else None,
                tag=params.get("tag", "")[:30],
                answered=params.get("answered", ""),
                language=params.get("language", ""),
            ),
        )[:50]
        return Response(
            [
                {
                    "id": hit.pk,
                    "title": hit.title,
                    "title_html": selectors.highlighted(hit.title_hit),
                    "snippet_html": selectors.highlighted(hit.body_hit or ""),
                    "space": hit.space.slug,
                    "language": hit.language,
                    "answer_count": hit.answer_count,
                    "accepted_answer": hit.accepted_answer_id,
                    "url": hit.get_absolute_url(),
                }
                for hit in hits
            ]
        )


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
