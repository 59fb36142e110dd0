"""What the knowledge base adds to the platform: a tab in spaces, feed items, a search source,
moderation of articles, and the daily review reminder."""

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext_lazy as _


def register() -> None:
    from intranet.activity import targets
    from intranet.governance import tabs
    from intranet.governance.constants import Module
    from intranet.moderation import registry as moderation
    from intranet.search import registry as search
    from knowledge import demo, digest, handlers, selectors

    handlers.register()
    digest.register()
    demo.register()
    tabs.register(
        tabs.SpaceTab(
            key="knowledge",
            label=_("Knowledge"),
            url_name="knowledge:space",
            module=Module.KNOWLEDGE,
            order=20,
        )
    )
    targets.register(
        targets.Target(
            type="article",
            load=selectors.load_articles,
            template="knowledge/_feed_article.html",
            verbs={
                "article.published": _("published an article in {space}"),
                "article.revised": _("improved an article in {space}"),
            },
        )
    )
    search.register(
        search.Source(
            key="articles",
            label=_("Knowledge"),
            order=20,
            search=selectors.search_source,
            more_url=lambda q: f"{reverse('knowledge:search')}?{urlencode({'q': q})}",
        )
    )
    moderation.register(
        moderation.Kind(
            key="knowledge.article",
            label=_("article"),
            load=selectors.moderation_articles,
            excerpt=lambda article: article.title,
            hidden_in=selectors.hidden_articles,
        )
    )
