"""Questions as a source of signals (intranet.signals): a question to the floor, or to the
leadership, that its author or a moderator raises for follow-up."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


def _load(ids, *, user=None):
    from forums.models import Topic
    from intranet.signals.sources import Found

    rows = Topic.objects.filter(pk__in=ids, hidden_at__isnull=True)
    if user is not None:
        rows = rows.readable_by(user)
    return {
        topic.pk: Found(
            title=topic.title,
            url=topic.get_absolute_url(),
            space_id=topic.space_id,
            author_id=topic.author_id,
            excerpt=(topic.body or topic.title)[:300],
        )
        for topic in rows.only("pk", "title", "body", "space_id", "author_id")
    }


def _hidden():
    from forums.models import Topic

    return Topic.objects.filter(hidden_at__isnull=False).values("pk")


def register() -> None:
    from intranet.governance.constants import Module
    from intranet.signals import sources

    sources.register(
        sources.Source(
            key="topic",
            label=_("Question"),
            load=_load,
            hidden=_hidden,
            module=Module.FORUMS,
        )
    )
