"""What gamification adds to the platform: the stories tab in spaces, story items in feeds,
a search source, moderation of stories, the rail entries, the home and profile panels, and the
demo."""

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext_lazy as _


def _home_panel(request, **values):
    from gamification import selectors

    stories = selectors.featured_stories(user=request.user)
    return {"stories": stories} if stories else None


def _profile_panel(request, *, person, **values):
    from gamification import selectors

    panel = selectors.profile_panel(person=person, viewer=request.user)
    return {"game": panel, "person": person} if panel else None


def register() -> None:
    from gamification import demo, digest, handlers, selectors
    from intranet.activity import targets
    from intranet.core import navigation, panels
    from intranet.governance import permissions, tabs
    from intranet.governance.constants import Module
    from intranet.moderation import registry as moderation
    from intranet.search import registry as search

    handlers.register()
    digest.register()
    demo.register()
    tabs.register(
        tabs.SpaceTab(
            key="stories",
            label=_("Stories"),
            url_name="gamification:space",
            module=Module.STORIES,
            order=40,
        )
    )
    targets.register(
        targets.Target(
            type="story",
            load=selectors.load_stories,
            template="gamification/_feed_story.html",
            verbs={
                "story.published": _("published a success story in {space}"),
                "story.reused": _("says a success story in {space} helped their team"),
            },
        )
    )
    search.register(
        search.Source(
            key="stories",
            label=_("Success stories"),
            order=30,
            search=selectors.search_source,
            more_url=lambda q: f"{reverse('gamification:stories')}?{urlencode({'q': q})}",
        )
    )
    moderation.register(
        moderation.Kind(
            key="gamification.story",
            label=_("story"),
            load=selectors.moderation_stories,
            excerpt=lambda story: story.title,
            hidden_in=selectors.hidden_stories,
        )
    )
    navigation.register(
        navigation.NavItem(
            key="stories",
            label=_("Success stories"),
            url_name="gamification:stories",
            icon="star",
            order=45,
        )
    )
    navigation.register(
        navigation.NavItem(
            key="recognition",
            label=_("Recognition"),
            url_name="gamification:leaderboard",
            icon="trophy",
            order=46,
            visible=lambda user: not permissions.is_guest(user),
        )
    )
    panels.register("home", panels.Panel("stories", "gamification/_home_stories.html", _home_panel))
    panels.register(
        "profile", panels.Panel("points", "gamification/_profile_points.html", _profile_panel)
    )
