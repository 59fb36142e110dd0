"""Reads for the knowledge base, each in a fixed number of queries."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery
from django.db.models import Prefetch, Q
from django.utils import timezone

from forums.models import Tag
from intranet.search import fulltext
from knowledge.models import Article, Collection, Revision, Suggestion

PAGE_SIZE = 30
LIST_COLUMNS = ("id", "space_id", "collection_id", "title", "language", "owner__id",
                "owner__first_name", "owner__last_name", "owner__email", "review_at",
                "updated_at", "revision_count", "helpful_yes", "hidden_at")  # fmt: skip


def _with_tags(articles):
    return articles.prefetch_related(Prefetch("tags", queryset=Tag.objects.only("name", "slug")))


def readable(user):
    """Articles in spaces the user may read, with the knowledge module on; not hidden."""
    from intranet.governance.constants import Module
    from intranet.governance.models import Space

    spaces = Space.objects.viewable_by(user).filter(modules__contains=[Module.KNOWLEDGE])
    return Article.objects.filter(space__in=spaces, hidden_at__isnull=True)


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


def readable_article(*, user, article_id: int):
    """(article, access) when the user may read it (hidden: moderators and its owner)."""
    from intranet.governance import permissions
    from intranet.governance.constants import Action, Module

    article = (
        Article.objects.select_related("space", "space__department", "owner", "collection")
        .filter(pk=article_id)
        .first()
    )
    if article is None or Module.KNOWLEDGE not in (article.space.modules or []):
        return None
    access = permissions.access_for(user, article.space)
    if not access.can(Action.VIEW):
        return None
    if article.is_hidden and not (article.owner_id == user.pk or access.can(Action.MODERATE)):
        return None
    return article, access


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
    """Forum topics the reader may see that link to this article (one query)."""
    from forums.models import Topic

    url = article.get_absolute_url()
    spaces = _viewable_space_ids(user)
    topics = Topic.objects.filter(
        Q(body__contains=url) | Q(answers__body__contains=url) | Q(pk=_source_topic(article)),
        space_id__in=spaces,
        hidden_at__isnull=True,
    )
    return list(topics.distinct().only("id", "title").order_by("-pk")[:limit])


def _source_topic(article: Article):
    from forums.models import Answer

    if article.source_answer_id is None:
        return 0
    return Answer.objects.filter(pk=article.source_answer_id).values("topic_id")[:1]


def _viewable_space_ids(user):
    from intranet.governance.models import Space

    return Space.objects.viewable_by(user).values("pk")


def related(*, article: Article, user, tags, limit: int = 5) -> list[Article]:
    """Other readable articles sharing tags, else alike in words (title full text)."""
    words = [w for w in re.findall(r"\w+", article.title.lower()) if len(w) > 3][:6]
    condition = Q(tags__in=[t.pk for t in tags]) if tags else Q(pk__in=[])
    if words:
        query = None
        for word in words:
            for config in ("dutch", "english"):
                part = SearchQuery(word, config=config)
                query = part if query is None else query | part
        condition |= Q(search=query)
    return list(
        readable(user)
        .filter(condition)
        .exclude(pk=article.pk)
        .distinct()
        .only("id", "title")
        .order_by("-updated_at")[:limit]
    )


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
    return (
        Article.objects.filter(hidden_at__isnull=True)
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
