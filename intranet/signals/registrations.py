"""What the signals module adds to the platform at start-up: the sources the platform itself
owns (posts, comments, ideas), the feed's items, the search source, the digest section, the
rail's follow-up link, every space's idea box tab and the event handlers. Feature apps
register their own sources (forums: questions; processes: pain points and exceptions)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from intranet.signals import sources


def _title(text: str, limit: int = 120) -> str:
    line = " ".join((text or "").split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def _readable_spaces(user) -> set[int]:
    from intranet.governance.selectors import readable_space_ids

    return set(readable_space_ids(user=user))


# --- Posts --------------------------------------------------------------------------------------


def _load_posts(ids, *, user=None) -> dict[int, sources.Found]:
    from intranet.activity.models import Post

    rows = Post.objects.filter(pk__in=ids)
    if user is not None:
        rows = rows.readable_by(user)
    return {
        post.pk: sources.Found(
            title=_title(post.body),
            url=reverse("activity:post", args=[post.pk]),
            space_id=post.space_id,
            author_id=post.author_id,
            excerpt=post.body[:300],
        )
        for post in rows.only("pk", "body", "space_id", "author_id")
    }


# --- Comments (on anything commentable) ---------------------------------------------------------


# The module of what a comment is on, by the commented kind (activity.commentable's names):
# a comment on a question is the forum's, on a card the boards'; on a post, every space's.
COMMENTED_MODULES = {
    "topic": "forums", "answer": "forums", "card": "boards", "painpoint": "boards",
    "article": "knowledge", "story": "stories",
}  # fmt: skip


def _load_comments(ids, *, user=None) -> dict[int, sources.Found]:
    from intranet.activity import commentable

    found = commentable.load_comments(list(ids))
    readable = _readable_spaces(user) if user is not None else None
    result = {}
    for pk, comment in found.items():
        space = comment.where[0]
        if comment.hidden_at is not None or (readable is not None and space.pk not in readable):
            continue
        result[pk] = sources.Found(
            title=_title(comment.body),
            url=comment.get_absolute_url(),
            space_id=space.pk,
            author_id=comment.author_id,
            excerpt=comment.body[:300],
            module=COMMENTED_MODULES.get(comment.content_type.model),
        )
    return result


def _hidden_comments():
    from intranet.activity.models import Comment

    return Comment.objects.filter(hidden_at__isnull=False).values("pk")


# --- Ideas --------------------------------------------------------------------------------------


def _load_ideas(ids, *, user=None) -> dict[int, sources.Found]:
    from intranet.signals.models import Idea, IdeaSupport

    rows = Idea.objects.filter(pk__in=ids, hidden_at__isnull=True)
    if user is not None:
        rows = rows.readable_by(user)
    ideas = list(rows)
    supporters: dict[int, list[int]] = {}
    for idea_id, user_id in IdeaSupport.objects.filter(
        idea_id__in=[i.pk for i in ideas]
    ).values_list("idea_id", "user_id"):
        supporters.setdefault(idea_id, []).append(user_id)
    return {
        idea.pk: sources.Found(
            title=idea.title,
            url=idea.get_absolute_url(),
            space_id=idea.space_id,
            author_id=idea.author_id,
            excerpt=idea.body[:300],
            supporter_ids=tuple(supporters.get(idea.pk, ())),
        )
        for idea in ideas
    }


def _hidden_ideas():
    from intranet.signals.models import Idea

    return Idea.objects.filter(hidden_at__isnull=False).values("pk")


def register() -> None:
    from intranet import events
    from intranet.activity import targets
    from intranet.core import navigation
    from intranet.digests import registry as digests
    from intranet.governance import tabs
    from intranet.search import registry as search
    from intranet.signals import demo, handlers, selectors

    sources.register(
        sources.Source(
            key="post",
            label=_("Post"),
            load=_load_posts,
        )
    )
    sources.register(
        sources.Source(
            key="comment",
            label=_("Comment"),
            load=_load_comments,
            hidden=_hidden_comments,
        )
    )
    sources.register(
        sources.Source(
            key="idea",
            label=_("Idea"),
            load=_load_ideas,
            hidden=_hidden_ideas,
        )
    )
    targets.register(
        targets.Target(
            type="signal",
            load=selectors.load_for_feed,
            template="signals/_target_signal.html",
            verbs={
                "signal.raised": _("raised a signal in {space}"),
                "signal.answered": _("answered a signal in {space}"),
            },
        )
    )
    targets.register(
        targets.Target(
            type="idea",
            load=selectors.load_ideas_for_feed,
            template="signals/_target_idea.html",
            verbs={"idea.posted": _("dropped an idea in {space}")},
        )
    )
    search.register(
        search.Source(
            key="signals",
            label=_("Signals"),
            order=70,
            search=selectors.search_source,
            more_url=None,
        )
    )
    digests.register(
        digests.Section(
            key="signals",
            title=_("Signals you support that were answered"),
            order=35,
            collect=selectors.digest_section,
        )
    )
    navigation.register(
        navigation.NavItem(
            key="follow_up",
            label=_("Follow-up"),
            url_name="signals:follow_up",
            icon="flag",
            order=60,
        )
    )
    tabs.register(
        tabs.SpaceTab(
            key="ideas",
            label=_("Idea box"),
            url_name="signals:ideas",
            module="",
            order=90,
        )
    )
    handlers.register(events)
    demo.register()
