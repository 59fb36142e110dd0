"""The knowledge base over the API: the same services and selectors (and 404 rules) as the
pages."""

from __future__ import annotations

from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from intranet.core.api import call_service, request_object
from intranet.governance.constants import Module
from intranet.search import fulltext
from knowledge import access as knowledge_access
from knowledge import diff, selectors, services
from knowledge.models import Article


class ArticleSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    space = serializers.CharField(source="space.slug")
    title = serializers.CharField()
    language = serializers.CharField()
    owner = serializers.CharField(source="owner.display_name")
    revision = serializers.IntegerField(source="revision_count")
    review_at = serializers.DateField()
    stale = serializers.BooleanField(source="is_stale")
    updated_at = serializers.DateTimeField()
    url = serializers.CharField(source="get_absolute_url")


class ArticleDetailSerializer(ArticleSerializer):
    body = serializers.CharField()
    body_html = serializers.CharField()


class RevisionSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    author = serializers.CharField(source="author.display_name")
    summary = serializers.CharField()
    restored_from = serializers.IntegerField(allow_null=True)
    created_at = serializers.DateTimeField()


class SuggestionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    proposer = serializers.CharField(source="proposer.display_name")
    base = serializers.IntegerField(source="base_number")
    title = serializers.CharField()
    body = serializers.CharField()
    note = serializers.CharField()
    status = serializers.CharField()
    reason = serializers.CharField()


DIFF_ROW = inline_serializer(
    "DiffRow",
    {
        "kind": serializers.ChoiceField(["same", "changed", "added", "removed", "skip"]),
        "left": serializers.CharField(),
        "right": serializers.CharField(),
        "left_no": serializers.IntegerField(allow_null=True),
        "right_no": serializers.IntegerField(allow_null=True),
    },
    many=True,
)
# Request and response bodies the views build themselves, for the schema.
NEW_ARTICLE = inline_serializer(
    "NewArticle",
    {
        "title": serializers.CharField(),
        "body": serializers.CharField(),
        "language": serializers.ChoiceField(Article.Language.choices, default="nl"),
        "tags": serializers.ListField(child=serializers.CharField(), required=False),
        "summary": serializers.CharField(required=False),
    },
)
NEW_REVISION = inline_serializer(
    "NewRevision",
    {
        "base": serializers.IntegerField(help_text="The revision the text was edited from."),
        "title": serializers.CharField(required=False),
        "body": serializers.CharField(),
        "summary": serializers.CharField(required=False),
    },
)
EDIT_CONFLICT = inline_serializer(
    "EditConflict",
    {
        "detail": serializers.ListField(child=serializers.CharField()),
        "current_revision": serializers.IntegerField(),
        "diff": DIFF_ROW,
    },
)
DIFF = inline_serializer(
    "Diff",
    {
        "counts": inline_serializer(
            "DiffCounts",
            {"added": serializers.IntegerField(), "removed": serializers.IntegerField()},
        ),
        "rows": DIFF_ROW,
    },
)
NEW_SUGGESTION = inline_serializer(
    "NewSuggestion",
    {
        "base": serializers.IntegerField(help_text="The revision the text was edited from."),
        "title": serializers.CharField(required=False),
        "body": serializers.CharField(),
        "note": serializers.CharField(required=False),
    },
)
DECISION = inline_serializer(
    "Decision",
    {
        "decision": serializers.ChoiceField(["accept", "decline"]),
        "reason": serializers.CharField(required=False),
        "title": serializers.CharField(required=False),
        "body": serializers.CharField(required=False, help_text="Accept an edited text."),
    },
)


class ArticleHitSerializer(ArticleSerializer):
    title_html = serializers.CharField()
    snippet_html = serializers.CharField()


def _space(request, slug: str):
    return knowledge_access.access_knowledge(user=request.user, slug=slug)


def _article(request, article_id: int):
    # Http404 answers as DRF's NotFound.
    return knowledge_access.access_article(user=request.user, article_id=article_id)


def _number(value, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ApiValidationError({field: [_("A revision number.")]})
    return value


class SpaceArticlesView(APIView):
    @extend_schema(responses=ArticleSerializer(many=True))
    def get(self, request, slug: str):
        space = _space(request, slug).space
        articles = selectors.articles_in(space=space).select_related("space")[:200]
        return Response(ArticleSerializer(articles, many=True).data)

    @extend_schema(request=NEW_ARTICLE, responses={201: ArticleDetailSerializer})
    def post(self, request, slug: str):
        space = _space(request, slug).space
        data = request_object(request)
        article = call_service(
            lambda: services.publish(
                author=request.user,
                space=space,
                title=str(data.get("title", "")),
                body=str(data.get("body", "")),
                language=str(data.get("language", "nl")),
                tags=data.get("tags", []),
                summary=str(data.get("summary", "")),
            )
        )
        return Response(ArticleDetailSerializer(article).data, status=status.HTTP_201_CREATED)


class ArticleView(APIView):
    @extend_schema(responses=ArticleDetailSerializer)
    def get(self, request, article_id: int):
        return Response(ArticleDetailSerializer(_article(request, article_id)[0]).data)

    @extend_schema(
        request=NEW_REVISION, responses={200: ArticleDetailSerializer, 409: EDIT_CONFLICT}
    )
    def patch(self, request, article_id: int):
        """Save a revision. `base` is the revision the text was edited from: when someone
        saved after it, 409 with what they saved and the difference."""
        article, _access = _article(request, article_id)
        data = request_object(request)
        base = _number(data.get("base"), "base")
        try:
            saved = call_service(
                lambda: services.revise(
                    actor=request.user,
                    article=article,
                    base_number=base,
                    title=str(data.get("title", article.title)),
                    body=str(data.get("body", "")),
                    summary=str(data.get("summary", "")),
                )
            )
        except ApiValidationError as error:
            conflict = error.__cause__
            if isinstance(conflict, services.EditConflict):
                return Response(
                    {
                        "detail": conflict.messages,
                        "current_revision": conflict.current.number,
                        "diff": [row.__dict__ for row in conflict.rows],
                    },
                    status=status.HTTP_409_CONFLICT,
                )
            raise
        return Response(ArticleDetailSerializer(saved).data)


class RevisionsView(APIView):
    @extend_schema(responses=RevisionSerializer(many=True))
    def get(self, request, article_id: int):
        article, _access = _article(request, article_id)
        return Response(
            RevisionSerializer(selectors.revisions(article=article)[:500], many=True).data
        )


class DiffView(APIView):
    @extend_schema(
        parameters=[OpenApiParameter("old", int, required=True),
                    OpenApiParameter("new", int, required=True)],
        responses=DIFF,
    )  # fmt: skip
    def get(self, request, article_id: int):
        article, _access = _article(request, article_id)
        raw = {k: request.query_params.get(k, "") for k in ("old", "new")}
        if not all(v.isdecimal() for v in raw.values()):
            raise ApiValidationError({"detail": [_("Give two revision numbers: old and new.")]})
        pair = selectors.revision_pair(article=article, old=int(raw["old"]), new=int(raw["new"]))
        if pair is None:
            raise NotFound
        rows = diff.cached_rows(article_id=article.pk, old=pair[0], new=pair[1])
        return Response({"counts": diff.counts(rows), "rows": [row.__dict__ for row in rows]})


class SuggestionsView(APIView):
    @extend_schema(responses=SuggestionSerializer(many=True))
    def get(self, request, article_id: int):
        article, access = _article(request, article_id)
        if not services.may_edit(user=request.user, access=access, article=article):
            raise NotFound
        return Response(
            SuggestionSerializer(selectors.suggestions_for(articles=[article.pk]), many=True).data
        )

    @extend_schema(request=NEW_SUGGESTION, responses={201: SuggestionSerializer})
    def post(self, request, article_id: int):
        article, _access = _article(request, article_id)
        data = request_object(request)
        made = call_service(
            lambda: services.suggest(
                proposer=request.user,
                article=article,
                base_number=_number(data.get("base"), "base"),
                title=str(data.get("title", article.title)),
                body=str(data.get("body", "")),
                note=str(data.get("note", "")),
            )
        )
        return Response(SuggestionSerializer(made).data, status=status.HTTP_201_CREATED)


class DecideView(APIView):
    @extend_schema(request=DECISION, responses={200: SuggestionSerializer})
    def post(self, request, suggestion_id: int):
        # Access first: a bad decision on a suggestion one may not see answers 404 too.
        knowledge_access.access_suggestion(user=request.user, suggestion_id=suggestion_id)
        data = request_object(request)
        if data.get("decision") not in ("accept", "decline"):
            raise ApiValidationError({"decision": [_("Use accept or decline.")]})
        edited = "body" in data
        decided = call_service(
            lambda: services.decide(
                actor=request.user,
                suggestion_id=suggestion_id,
                accept=data["decision"] == "accept",
                reason=str(data.get("reason", "")),
                title=str(data.get("title", "")) if edited else None,
                body=str(data.get("body", "")) if edited else None,
            )
        )
        return Response(SuggestionSerializer(decided).data)


class SearchView(APIView):
    @extend_schema(
        parameters=[OpenApiParameter("q", str, required=True),
                    OpenApiParameter("space", str), OpenApiParameter("tag", str),
                    OpenApiParameter("freshness", str, enum=["stale", "fresh"])],
        responses=ArticleHitSerializer(many=True),
    )  # fmt: skip
    def get(self, request):
        params = request.query_params
        errors = {}
        if not params.get("q", "").strip():
            errors["q"] = [_("Type what you are looking for.")]
        if params.get("freshness", "") not in ("", "stale", "fresh"):
            errors["freshness"] = [_("Use stale or fresh.")]
        spaces = fulltext.spaces_with(user=request.user, module=Module.KNOWLEDGE)
        space = next((s for s in spaces if s.slug == params.get("space")), None)
        if params.get("space") and space is None:
            errors["space"] = [_("There is no such space.")]
        if errors:
            raise ApiValidationError(errors)
        hits = list(
            selectors.search(
                user=request.user,
                filters=selectors.SearchFilters(
                    q=params["q"][:200],
                    space_id=space.pk if space else None,
                    tag=params.get("tag", "")[:30],
                    freshness=params.get("freshness", ""),
                ),
            )[:50]
        )
        fulltext.highlight(hits)
        return Response(
            [
                {**ArticleSerializer(hit).data, "title_html": hit.title_html,
                 "snippet_html": hit.snippet_html}
                for hit in hits
            ]
        )  # fmt: skip


urlpatterns = [
    path("spaces/<slug:slug>/articles/", SpaceArticlesView.as_view(), name="api-articles"),
    path("articles/search/", SearchView.as_view(), name="api-article-search"),
    path("articles/<int:article_id>/", ArticleView.as_view(), name="api-article"),
    path("articles/<int:article_id>/revisions/", RevisionsView.as_view(), name="api-revisions"),
    path("articles/<int:article_id>/diff/", DiffView.as_view(), name="api-diff"),
    path(
        "articles/<int:article_id>/suggestions/",
        SuggestionsView.as_view(),
        name="api-suggestions",
    ),
    path("suggestions/<int:suggestion_id>/decide/", DecideView.as_view(), name="api-decide"),
]
