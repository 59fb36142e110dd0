from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ForumsConfig(AppConfig):
    name = "forums"
    verbose_name = _("Forums")

    def ready(self) -> None:
        from forums import demo, expertise, handlers, live, selectors
        from intranet.activity import targets
        from intranet.governance import tabs
        from intranet.governance.constants import Module
        from intranet.search import registry as search
        from profiles import expertise as profiles_expertise

        handlers.register()
        live.register()
        demo.register()
        search.register(
            search.Source(
                key="topics",
                label=_("Questions and discussions"),
                order=15,
                search=selectors.search_topics,
            )
        )
        profiles_expertise.register(expertise.provider())
        targets.register(
            targets.Target(
                type="topic",
                load=selectors.load_topics,
                template="forums/_feed_topic.html",
                verbs={
                    "question.asked": _("asked in {space}"),
                    "discussion.started": _("started a discussion in {space}"),
                },
            )
        )
        targets.register(
            targets.Target(
                type="answer",
                load=selectors.load_answers,
                template="forums/_feed_answer.html",
                verbs={"answer.posted": _("answered in {space}")},
            )
        )
        from intranet.core import navigation
        from intranet.governance import permissions

        navigation.register(
            navigation.NavItem(
                key="unanswered",
                label=_("Open questions"),
                url_name="forums:unanswered",
                icon="bell",
                order=15,
                visible=lambda user: not permissions.is_guest(user),
            )
        )
        tabs.register(
            tabs.SpaceTab(
                key="forum",
                label=_("Forum"),
                url_name="forums:space",
                module=Module.FORUMS,
                order=10,
            )
        )
