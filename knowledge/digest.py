"""The knowledge base's digest section: articles published or improved in the window in spaces
the person may read now. The window's articles are loaded once per worker
(intranet.digests.registry.shared); per person it costs the readable spaces as ids, one query
shared with the other sections."""

from django.utils.translation import gettext_lazy as _


def _changed(*, since, until):
    from intranet.digests.registry import Candidate
    from knowledge.models import Article

    articles = (
        Article.objects.filter(hidden_at__isnull=True, updated_at__gte=since, updated_at__lt=until)
        .select_related("space")
        .only("title", "updated_at", "revision_count", "owner_id", "space__name")
        .order_by("-updated_at")
    )
    return [
        Candidate(title=a.title, url=a.get_absolute_url(), meta=a.space.name, when=a.updated_at,
                  space_id=a.space_id, by=a.owner_id, score=1.5 if a.revision_count <= 1 else 1)
        for a in articles
    ]  # fmt: skip


def new_articles(*, user, since, until, limit):
    from intranet.digests import registry
    from knowledge.selectors import knowledge_space_ids

    articles = registry.shared("knowledge.changed", since=since, until=until, load=_changed)
    if not articles:
        return []
    return registry.pick(
        articles, user=user, since=since, spaces=knowledge_space_ids(user), limit=limit
    )


def register() -> None:
    from intranet.digests import registry

    registry.register(
        registry.Section(
            key="articles", title=_("New and improved articles"), order=30, collect=new_articles
        )
    )
