"""The knowledge base over the API: the same services and selectors (and 404 rules) as the
pages."""

from __future__ import annotations

from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.response import Response

from intranet.core.api import ApiView, call_service
from intranet.core.openapi import paginated
from intranet.governance.constants import Module
from intranet.search import fulltext
from intranet.search.highlight import highlighted
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


class ArticleHitSerializer(ArticleSerializer):
    """A search hit: its title and a snippet, escaped, with the words found in <mark>."""

    title_html = serializers.SerializerMethodField()
    snippet_html = serializers.SerializerMethodField()

    def get_title_html(self, hit) -> str:
        return highlighted(hit.title_hit)

    def get_snippet_html(self, hit) -> str:
        return highlighted(hit.body_hit or "")


# --- What the views read ---------------------------------------------------------------------

A_REVISION_NUMBER = _("A revision number.")


class RevisionNumber(serializers.IntegerField):
    """The revision a text was edited from: a JSON number ("1" and true are refused)."""

    default_error_messages = {"required": A_REVISION_NUMBER, "invalid": A_REVISION_NUMBER}

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


class NewArticleInput(serializers.Serializer):
    title = serializers.CharField(allow_blank=True)
    body = serializers.CharField(allow_blank=True, trim_whitespace=False, help_text="Markdown")
    language = serializers.ChoiceField(Article.Language.choices, default="nl")
    tags = serializers.ListField(
        child=serializers.CharField(allow_blank=True), required=False, default=list
    )
    summary = serializers.CharField(required=False, allow_blank=True, default="")


class NewRevisionInput(serializers.Serializer):
    base = RevisionNumber(help_text="The revision the text was edited from.")
    title = serializers.CharField(
        required=False, allow_blank=True, help_text="unchanged if left out"
    )
    body = serializers.CharField(allow_blank=True, trim_whitespace=False, help_text="Markdown")
    summary = serializers.CharField(required=False, allow_blank=True, default="")


class NewSuggestionInput(serializers.Serializer):
    base = RevisionNumber(help_text="The revision the text was edited from.")
    title = serializers.CharField(
        required=False, allow_blank=True, help_text="unchanged if left out"
    )
    body = serializers.CharField(allow_blank=True, trim_whitespace=False, help_text="Markdown")
    note = serializers.CharField(required=False, allow_blank=True, default="")


class DecisionInput(serializers.Serializer):
    decision = serializers.ChoiceField(
        ["accept", "decline"], error_messages={"invalid_choice": _("Use accept or decline.")}
    )
    reason = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Why it is declined."
    )
    title = serializers.CharField(required=False, allow_blank=True)
    body = serializers.CharField(
        required=False, allow_blank=True, trim_whitespace=False, help_text="Accept an edited text."
    )


TWO_NUMBERS = _("Give two revision numbers: old and new.")


class DiffQuery(serializers.Serializer):
    old = serializers.IntegerField(
        min_value=0,
        max_value=2**31 - 1,
        error_messages={"required": TWO_NUMBERS, "invalid": TWO_NUMBERS},
    )
    new = serializers.IntegerField(
        min_value=0,
        max_value=2**31 - 1,
        error_messages={"required": TWO_NUMBERS, "invalid": TWO_NUMBERS},
    )


class SearchQuery(serializers.Serializer):
    """Only spaces whose knowledge base one may read are found; others answer as unknown."""

    q = serializers.CharField(
        error_messages={
            "required": _("Type what you are looking for."),
            "blank": _("Type what you are looking for."),
        }
    )
    space = serializers.CharField(required=False, allow_blank=True, help_text="a space's slug")
    tag = serializers.CharField(required=False, allow_blank=True, default="")
    freshness = serializers.ChoiceField(
        ["stale", "fresh"],
        required=False,
        allow_blank=True,
        default="",
        error_messages={"invalid_choice": _("Use stale or fresh.")},
    )

    def validate_q(self, value: str) -> str:
        return value[:200]

    def validate_tag(self, value: str) -> str:
        return value[:30]

    def validate_space(self, value: str):
        if not value:
            return None
        spaces = fulltext.spaces_with(user=self.context["request"].user, module=Module.KNOWLEDGE)
        space = next((s for s in spaces if s.slug == value), None)
        if space is None:
            raise serializers.ValidationError(_("There is no such space."))
        return space


def _space(request, slug: str):
    return knowledge_access.access_knowledge(user=request.user, slug=slug)


def _article(request, article_id: int):
    # Http404 answers as DRF's NotFound.
    return knowledge_access.access_article(user=request.user, article_id=article_id)


class SpaceArticlesView(ApiView):
    post_input = NewArticleInput

    @extend_schema(responses=paginated(ArticleSerializer))
    def get(self, request, slug: str):
        space = _space(request, slug).space
        articles = selectors.articles_in(space=space).select_related("space")
        return self.page(request, articles, ArticleSerializer)

    @extend_schema(
        responses={201: ArticleDetailSerializer},
        examples=[
            OpenApiExample(
                "An article",
                value={
                    "title": "Verlof aanvragen",
                    "body": "## Zo werkt het\n\nVraag verlof aan in het portaal.",
                    "language": "nl",
                    "tags": ["verlof"],
                    "summary": "Eerste versie",
                },
                request_only=True,
            )
        ],
    )
    def post(self, request, slug: str):
        space = _space(request, slug).space
        data = self.body(request)
        article = call_service(lambda: services.publish(author=request.user, space=space, **data))
        return Response(ArticleDetailSerializer(article).data, status=status.HTTP_201_CREATED)


class ArticleView(ApiView):
    patch_input = NewRevisionInput

    @extend_schema(responses=ArticleDetailSerializer)
    def get(self, request, article_id: int):
        return Response(ArticleDetailSerializer(_article(request, article_id)[0]).data)

    @extend_schema(
        responses={200: ArticleDetailSerializer, 409: EDIT_CONFLICT},
        examples=[
            OpenApiExample(
                "A new revision",
                value={"base": 3, "body": "## Zo werkt het\n\nNu ook via de app.",
                       "summary": "De app erbij"},
                request_only=True,
            )
        ],
    )  # fmt: skip
    def patch(self, request, article_id: int):
        """Save a revision. `base` is the revision the text was edited from: when someone
        saved after it, 409 with what they saved and the difference."""
        article, _access = _article(request, article_id)
        data = self.body(request)
        try:
            saved = call_service(
                lambda: services.revise(
                    actor=request.user,
                    article=article,
                    base_number=data["base"],
                    title=data.get("title", article.title),
                    body=data["body"],
                    summary=data["summary"],
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


class RevisionsView(ApiView):
    @extend_schema(responses=paginated(RevisionSerializer))
    def get(self, request, article_id: int):
        article, _access = _article(request, article_id)
        return self.page(request, selectors.revisions(article=article), RevisionSerializer)


class DiffView(ApiView):
    get_query = DiffQuery

    @extend_schema(responses=DIFF)
    def get(self, request, article_id: int):
        article, _access = _article(request, article_id)
        asked = self.query(request)
        pair = selectors.revision_pair(article=article, old=asked["old"], new=asked["new"])
        if pair is None:
            raise NotFound
        rows = diff.cached_rows(article_id=article.pk, old=pair[0], new=pair[1])
        return Response({"counts": diff.counts(rows), "rows": [row.__dict__ for row in rows]})


class SuggestionsView(ApiView):
    post_input = NewSuggestionInput

    @extend_schema(responses=paginated(SuggestionSerializer))
    def get(self, request, article_id: int):
        article, access = _article(request, article_id)
        if not services.may_edit(user=request.user, access=access, article=article):
            raise NotFound
        found = selectors.suggestions_for(articles=[article.pk])
        return self.page(request, found, SuggestionSerializer)

    @extend_schema(
        responses={201: SuggestionSerializer},
        examples=[
            OpenApiExample(
                "A suggestion",
                value={"base": 3, "body": "## Zo werkt het\n\nOok bij verhuizing: één dag.",
                       "note": "Verhuisverlof ontbrak"},
                request_only=True,
            )
        ],
    )  # fmt: skip
    def post(self, request, article_id: int):
        article, _access = _article(request, article_id)
        data = self.body(request)
        made = call_service(
            lambda: services.suggest(
                proposer=request.user,
                article=article,
                base_number=data["base"],
                title=data.get("title", article.title),
                body=data["body"],
                note=data["note"],
            )
        )
        return Response(SuggestionSerializer(made).data, status=status.HTTP_201_CREATED)


class DecideView(ApiView):
    post_input = DecisionInput

    @extend_schema(
        responses={200: SuggestionSerializer},
        examples=[
            OpenApiExample(
                "Decline", value={"decision": "decline", "reason": "Dit klopt niet meer."},
                request_only=True,
            )
        ],
    )  # fmt: skip
    def post(self, request, suggestion_id: int):
        # Access first: a bad decision on a suggestion one may not see answers 404 too.
        knowledge_access.access_suggestion(user=request.user, suggestion_id=suggestion_id)
        data = self.body(request)
        edited = "body" in data  # accepted with an edited text
        decided = call_service(
            lambda: services.decide(
                actor=request.user,
                suggestion_id=suggestion_id,
                accept=data["decision"] == "accept",
                reason=data["reason"],
                title=data.get("title", "") if edited else None,
                body=data["body"] if edited else None,
            )
        )
        return Response(SuggestionSerializer(decided).data)


class SearchView(ApiView):
    get_query = SearchQuery

    @extend_schema(responses=paginated(ArticleHitSerializer))
    def get(self, request):
        query = self.query(request)
        space = query.get("space")
        hits = selectors.search(
            user=request.user,
            filters=selectors.SearchFilters(
                q=query["q"],
                space_id=space.pk if space else None,
                tag=query["tag"],
                freshness=query["freshness"],
            ),
        )
        return self.page(request, hits, ArticleHitSerializer)


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
