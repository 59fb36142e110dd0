"""Full-text search shared by the apps whose content has a title, a body, a language ("nl" or
"en") and a search vector kept by their services: one bilingual query, ranking, and snippets
with the found words marked (made safe by intranet.search.highlight)."""

from __future__ import annotations

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db.models import Case, F, Value, When

from intranet.search.highlight import MARKS


def bilingual_query(text: str):
    """What was typed, as on the web (quotes, or, -word), stemmed as Dutch and as English:
    one may search Dutch content in English words and the other way round."""
    text = " ".join((text or "").split())[:200]
    if not text:
        return None
    return SearchQuery(text, config="dutch", search_type="websearch") | SearchQuery(
        text, config="english", search_type="websearch"
    )


def ranked_with_snippets(queryset, query):
    """`queryset` matching `query`, annotated with rank, title_hit and body_hit (each row's
    snippet in its own language's rules)."""
    config = Case(When(language="nl", then=Value("dutch")), default=Value("english"))
    return queryset.filter(search=query).annotate(
        rank=SearchRank(F("search"), query),
        title_hit=SearchHeadline("title", query, config=config, highlight_all=True, **MARKS),
        body_hit=SearchHeadline(
            "body", query, config=config, max_words=35, min_words=15, max_fragments=2,
            fragment_delimiter=" … ", **MARKS,
        ),
    )  # fmt: skip


def spaces_with(*, user, module: str) -> list:
    """The spaces a search page offers as a filter: readable, with that module switched on."""
    from intranet.governance.models import Space

    return list(
        Space.objects.viewable_by(user)
        .filter(modules__contains=[module])
        .only("id", "name", "slug")
        .order_by("name")
    )


def highlight(hits) -> None:
    """Give each hit of ranked_with_snippets its safe title_html and snippet_html."""
    from intranet.search.highlight import highlighted

    for hit in hits:
        hit.title_html = highlighted(hit.title_hit)
        hit.snippet_html = highlighted(hit.body_hit or "")
