"""Reads for the knowledge base, each in a fixed number of queries."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db.models import Count, F, Prefetch, Q
from django.utils import timezone

from forums.models import Tag
from intranet.search import fulltext
from knowledge.models import Article, Collection, Revision, Suggestion

PAGE_SIZE = 30
RELATED_CANDIDATES = 200
LIST_COLUMNS = ("id", "space_id", "collection_id", "title", "language", "owner__id",
                "owner__first_name", "owner__last_name", "owner__email", "review_at",
                "updated_at", "revision_count", "helpful_yes", "hidden_at")  # fmt: skip


def _with_tags(articles):
    return articles.prefetch_related(Prefetch("tags", queryset=Tag.objects.only("name", "slug")))


def readable(user):
    """Articles in spaces the user may read, with the knowledge module on; not hidden."""
    return Article.objects.readable_by(user)


def knowledge_space_ids(user) -> list[int]:
    """Readable spaces with the knowledge base, once per request (kept on the user)."""
    from intranet.governance.constants import Module
    from intranet.governance.selectors import readable_space_ids

    return readable_space_ids(user=user, module=Module.KNOWLEDGE)


def articles_in(*, space, collection: Collection | None = None, stale: bool = False):
    articles = Article.objects.filter(space=space, hidden_at__isnull=True)
    if collection is not None:
        articles = articles.filter(Q(collection=collection) | Q(collection__parent=collection))
    if stale:
        articles = articles.filter(review_at__lt=timezone.localdate()).order_by("review_at")
    return _with_tags(articles.select_related("owner").only(*LIST_COLUMNS))


def collections_of(*, space) -> list[Collection]:
    """Top-level collections, each with `children` loaded: two queries."""
    return list(
        Collection.objects.filter(space=space, parent__isnull=True).prefetch_related("children")
    )


def article_page(*, article: Article, user) -> dict:
    """What the article page shows besides the article: co-owners, tags, open suggestions
    count, outdated flags, the reader's helpful vote, questions that cite it, related
    articles. A fixed number of queries, whatever the number of revisions."""
    from django.core.cache import cache

    from knowledge.models import HelpfulVote, OutdatedFlag

    co_owners = list(article.co_owners.only("id", "first_name", "last_name", "email"))
    tags = list(article.tags.all())
    return {
        "co_owners": co_owners,
        "co_owner_ids": {u.pk for u in co_owners},
        "tags": tags,
        "open_suggestions": Suggestion.objects.filter(
            article=article, status=Suggestion.Status.OPEN
        ).count(),
        "flags": list(
            OutdatedFlag.objects.filter(article=article).select_related("user").order_by("-pk")[:5]
        ),
        "my_vote": HelpfulVote.objects.filter(article=article, user_id=user.pk)
        .values_list("helpful", flat=True)
        .first(),
        "views": cache.get(f"knowledge:views:{article.pk}") or 0,
        "citing": citing_questions(article=article, user=user),
        "attachments": list(article.attachments.all()),
        "related": related(article=article, user=user, tags=tags),
    }


def citing_questions(*, article: Article, user, limit: int = 5):
    """Forum topics the reader may see that link to this article (recorded when they were
    posted, knowledge.handlers) or that it grew from."""
    from forums.models import Answer, Topic
    from knowledge.models import Citation

    cited = Citation.objects.filter(article=article).values_list("topic_id", flat=True)
    if article.source_answer_id:
        cited = cited.union(
            Answer.objects.filter(pk=article.source_answer_id).values_list("topic_id", flat=True)
        )
    # Ids first: an OR of "cited" and "grew from" inside one query defeats the indexes.
    ids = list(cited[:100])
    if not ids:
        return []
    # Forums' own list: a space with its forum off, a narrowed View, a hidden topic: not shown.
    topics = Topic.objects.readable_by(user).filter(pk__in=ids, merged_into__isnull=True)
    return list(topics.only("id", "title").order_by("-pk")[:limit])


RELATED_TTL = 300


def related(*, article: Article, user, tags, limit: int = 5) -> list[Article]:
    """Other readable articles sharing most tags, filled up with articles alike in title words.
    The candidates are worked out once per article version and kept a few minutes (Redis);
    what this reader may read is filtered on every request."""
    from django.core.cache import cache

    key = f"knowledge:related:{article.pk}:{article.revision_count}"
    candidates = cache.get(key)
    if candidates is None:
        candidates = _related_candidates(article=article, tags=tags)
        cache.set(key, candidates, timeout=RELATED_TTL)
    readable_ids = set(knowledge_space_ids(user))
    return [
        Article(pk=pk, title=title, space_id=space_id)
        for pk, title, space_id in candidates
        if space_id in readable_ids
    ][:limit]


def _related_candidates(*, article: Article, tags, limit: int = 30) -> list[tuple]:
    others = Article.objects.filter(hidden_at__isnull=True).exclude(pk=article.pk)
    found: list[tuple] = []
    if tags:
        found = list(
            others.filter(tags__in=[t.pk for t in tags])
            .annotate(shared=Count("pk"))
            .order_by("-shared", "-updated_at")
            .values_list("pk", "title", "space_id")[:limit]
        )
    words = [w for w in re.findall(r"\w+", article.title.lower()) if len(w) > 3][:6]
    if len(found) < limit and words:
        query = None
        for word in words:
            for config in ("dutch", "english"):
                part = SearchQuery(word, config=config)
                query = part if query is None else query | part
        # Rank only the newest few hundred matches: common words match thousands.
        candidates = (
            others.filter(search=query)
            .exclude(pk__in=[row[0] for row in found])
            .order_by("-pk")
            .values("pk")[:RELATED_CANDIDATES]
        )
        found += list(
            Article.objects.filter(pk__in=candidates)
            .annotate(rank=SearchRank(F("search"), query))
            .order_by("-rank", "-pk")
            .values_list("pk", "title", "space_id")[: limit - len(found)]
        )
    return found


def revisions(*, article: Article):
    return Revision.objects.filter(article=article).select_related("author").only(
        "id", "number", "summary", "created_at", "restored_from", "author__id",
        "author__first_name", "author__last_name", "author__email", "article_id",
    )  # fmt: skip


def revision_pair(*, article: Article, old: int, new: int) -> tuple[Revision, Revision] | None:
    found = {
        r.number: r
        for r in Revision.objects.filter(article=article, number__in=[old, new]).select_related(
            "author"
        )
    }
    if old not in found or new not in found:
        return None
    return found[old], found[new]


def suggestions_for(*, articles) -> list[Suggestion]:
    return list(
        Suggestion.objects.filter(article__in=articles, status=Suggestion.Status.OPEN)
        .select_related("proposer", "article")
        .order_by("created_at")
    )


def person_by_email(email: str):
    """The active colleague with this address (an owner filter), or None."""
    from django.contrib.auth import get_user_model

    email = (email or "").strip()
    if not email:
        return None
    return get_user_model().objects.filter(email__iexact=email, is_active=True).first()


def my_articles(*, user):
    """Articles I own or co-own, in any space I can still read."""
    return readable(user).filter(Q(owner=user) | Q(co_owners=user)).distinct()


# --- Search ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class SearchFilters:
    q: str = ""
    space_id: int | None = None
    collection_id: int | None = None
    tag: str = ""
    owner_id: int | None = None
    freshness: str = ""  # "stale" or "fresh"


def search(*, user, filters: SearchFilters):
    """Readable articles matching the words, best first, with highlighted snippets."""
    query = fulltext.bilingual_query(filters.q)
    if query is None:
        return Article.objects.none()
    articles = readable(user)
    if filters.space_id:
        articles = articles.filter(space_id=filters.space_id)
    if filters.collection_id:
        articles = articles.filter(collection_id=filters.collection_id)
    if filters.tag:
        articles = articles.filter(tags__slug=filters.tag)
    if filters.owner_id:
        articles = articles.filter(owner_id=filters.owner_id)
    if filters.freshness == "stale":
        articles = articles.filter(review_at__lt=timezone.localdate())
    elif filters.freshness == "fresh":
        articles = articles.filter(review_at__gte=timezone.localdate())
    return _with_tags(
        fulltext.ranked_with_snippets(articles, query)
        .select_related("owner", "space")
        .only(*LIST_COLUMNS, "space__name", "space__slug")
        .order_by("-rank", "-updated_at", "-pk")
    )


def search_source(*, user, q: str, limit: int):
    """The knowledge source of the top bar search."""
    from intranet.search.registry import Result

    return [
        Result(title=a.title, url=a.get_absolute_url(), meta=a.space.name)
        for a in search(user=user, filters=SearchFilters(q=q))[:limit]
    ]


# --- Loaders for feeds and moderation ---------------------------------------------------------


def load_articles(ids: list[int]) -> dict[int, Article]:
    """Feed items about articles (activity.targets); hidden ones, and those of a space whose
    knowledge base is switched off, are left out of feeds (the feed checked the space)."""
    from intranet.governance.constants import Module

    return (
        Article.objects.filter(hidden_at__isnull=True, space__modules__contains=[Module.KNOWLEDGE])
        .only("id", "title", "body_html", "revision_count")
        .in_bulk(ids)
    )


def moderation_articles(ids: list[int]) -> dict[int, Article]:
    return Article.objects.select_related("space__department", "owner").in_bulk(ids)


def hidden_articles(space_ids: list[int], limit: int) -> list[Article]:
    return list(
        Article.objects.filter(space_id__in=space_ids, hidden_at__isnull=False)
        .select_related("space", "owner", "hidden_by")
        .order_by("-hidden_at")[:limit]
    )


def export_markdown(articles) -> str:
    """Articles as one Markdown document: title, owner, date and review date, then the text."""
    parts = []
    for article in articles:
        parts.append(
            f"# {article.title}\n\n"
            f"_{article.owner.display_name} · {article.updated_at:%Y-%m-%d} · "
            f"revision {article.revision_count}_\n\n{article.body}\n"
        )
    return "\n\n---\n\n".join(parts)


def collection_articles(*, collection: Collection):
    """A collection's articles (and those of its sub-collections) to export, in order."""
    return (
        Article.objects.filter(
            Q(collection=collection) | Q(collection__parent=collection), hidden_at__isnull=True
        )
        .select_related("owner", "collection")
        .order_by("collection__position", "collection__name", "title")
    )
