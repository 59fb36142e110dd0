"""The knowledge base's digest section: articles published or improved in the window in spaces
the person may read now. Two queries (the readable spaces as ids, then the articles)."""

from django.utils.translation import gettext_lazy as _


def new_articles(*, user, since, until, limit):
    from intranet.digests.registry import Item
    from knowledge import selectors

    articles = (
        selectors.readable(user)
        .filter(updated_at__gte=since, updated_at__lt=until)
        .exclude(owner_id=user.pk)
        .select_related("space")
        .only("title", "updated_at", "revision_count", "space__name")
        .order_by("-updated_at")[:limit]
    )
    return [
        Item(
            title=a.title,
            url=a.get_absolute_url(),
            meta=a.space.name,
            when=a.updated_at,
            score=1.5 if a.revision_count <= 1 else 1,
        )
        for a in articles
    ]


def register() -> None:
    from intranet.digests import registry

    registry.register(
        registry.Section(
            key="articles", title=_("New and improved articles"), order=30, collect=new_articles
        )
    )
