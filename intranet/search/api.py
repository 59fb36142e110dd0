"""Search over the API: the same sources and rules as the search page."""

from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from intranet.search import selectors

# One group per kind of content (people, spaces, questions ...), best first.
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


class SearchView(APIView):
    @extend_schema(
        parameters=[OpenApiParameter("q", str, required=True, description="2 to 100 characters")],
        responses=SEARCH_GROUPS,
    )
    def get(self, request):
        raw = request.query_params.get("q", "")
        q = selectors.clean_query(raw)
        if len(q) < 2 or len(" ".join(raw.split())) > selectors.MAX_QUERY:
            raise ValidationError({"q": [_("Search for 2 to 100 characters.")]})
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
