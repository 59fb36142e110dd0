from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ForumsConfig(AppConfig):
    name = "forums"
    verbose_name = _("Forums")

    def ready(self) -> None:
        from urllib.parse import urlencode

        from django.urls import reverse

        from forums import (
            demo,
            digest,
            expertise,
            handlers,
            inbound,
            leadership,
            live,
            selectors,
            services,
            signal_sources,
        )
        from intranet.activity import commentable, targets
        from intranet.governance import tabs
        from intranet.governance.constants import Module
        from intranet.moderation import registry as moderation
        from intranet.search import registry as search
        from profiles import expertise as profiles_expertise

        handlers.register()
        digest.register()
        inbound.register()  # replies by email: answers and comments (intranet.inbound)
        signal_sources.register()  # questions can be raised as signals (intranet.signals)
        commentable.register(
            "topic", selectors.comment_places("topic"), changed=services.comment_changed
        )
        commentable.register(
            "answer", selectors.comment_places("answer"), changed=services.comment_changed
        )
        moderation.register(
            moderation.Kind(
                key="forums.topic",
                label=_("topic"),
                load=selectors.moderation_topics,
                excerpt=lambda topic: topic.title,
                changed=services.moderation_changed,
                hidden_in=selectors.hidden_topics,
            )
        )
        moderation.register(
            moderation.Kind(
                key="forums.answer",
                label=_("answer"),
                load=selectors.moderation_answers,
                excerpt=lambda answer: answer.body[:200],
                changed=services.moderation_changed,
                hidden_in=selectors.hidden_answers,
            )
        )
        live.register()
        demo.register()
        search.register(
            search.Source(
                key="topics",
                label=_("Questions and discussions"),
                order=15,
                search=selectors.search_topics,
                more_url=lambda q: f"{reverse('forums:search')}?{urlencode({'q': q})}",
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
        # "Ask the leadership" in the rail, overdue questions in the follow-up panels.
        leadership.register()
        tabs.register(
            tabs.SpaceTab(
                key="forum",
                label=_("Forum"),
                url_name="forums:space",
                module=Module.FORUMS,
                order=10,
            )
        )
