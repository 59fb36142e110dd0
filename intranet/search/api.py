"""Search over the API: the same sources and rules as the search page."""

from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response

from intranet.core.api import ApiView
from intranet.search import selectors

# One group per kind of content (people, spaces, questions ...), best first: at most one group
# per source and 20 results in each, so the answer is bounded without pages.
SEARCH_GROUPS = inline_serializer(
    "SearchGroup",
    {
        "kind": serializers.CharField(),
        "label": serializers.CharField(),
        "more_url": serializers.CharField(allow_null=True),
        "results": inline_serializer(
            "SearchResult",
            {
                "title": serializers.CharField(),
                "url": serializers.CharField(),
                "meta": serializers.CharField(),
                "snippet": serializers.CharField(),
            },
            many=True,
        ),
    },
    many=True,
)

LENGTH = _("Search for 2 to 100 characters.")


class SearchQuery(serializers.Serializer):
    q = serializers.CharField(
        help_text="2 to 100 characters",
        trim_whitespace=False,
        error_messages={"required": LENGTH, "blank": LENGTH},
    )

    def validate_q(self, raw: str) -> str:
        q = selectors.clean_query(raw)
        if len(q) < 2 or len(" ".join(raw.split())) > selectors.MAX_QUERY:
            raise serializers.ValidationError(LENGTH)
        return q


class SearchView(ApiView):
    """What the search box finds, grouped by kind (people, spaces, questions ...)."""

    get_query = SearchQuery

    @extend_schema(responses=SEARCH_GROUPS)
    def get(self, request):
        q = self.query(request)["q"]
        return Response(
            [
                {
                    "kind": group.source.key,
                    "label": str(group.source.label),
                    "more_url": group.more_url,
                    "results": [result.__dict__ for result in group.results],
                }
                for group in selectors.search(user=request.user, q=q, limit=20)
            ]
        )


urlpatterns = [path("search/", SearchView.as_view(), name="api-search")]
