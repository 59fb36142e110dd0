"""The forums' digest section: questions without an answer yet that the person could answer.
First those tagged with something they know about (their skills and "ask me about" topics, by
slug, as the expertise finder matches them) in any space they may read, then the rest in their
own spaces; asked in the window, by others. The window's open questions are loaded once per
worker (intranet.digests.registry.shared); per person it costs what they may read, the spaces
they are in and what they know: three queries, at sending time, so a space left since is not
in it."""

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _


def _unanswered(*, since, until):
    from forums.models import Tag, Topic
    from forums.selectors import LISTED
    from intranet.digests.registry import Candidate

    topics = (
        Topic.objects.filter(
            LISTED,
            kind=Topic.Kind.QUESTION,
            answer_count=0,
            created_at__gte=since,
            created_at__lt=until,
        )
        .select_related("space")
        .only("title", "created_at", "author_id", "space__name", "space__slug")
        .prefetch_related(Prefetch("tags", queryset=Tag.objects.only("slug")))
        .order_by("-created_at")
    )
    return [
        Candidate(title=t.title, url=t.get_absolute_url(), meta=t.space.name, when=t.created_at,
                  space_id=t.space_id, by=t.author_id, tags=frozenset(x.slug for x in t.tags.all()))
        for t in topics
    ]  # fmt: skip


def open_questions(*, user, since, until, limit):
    from intranet.digests import registry
    from intranet.governance.constants import Module
    from intranet.governance.selectors import member_space_ids, readable_space_ids

    questions = registry.shared("forums.unanswered", since=since, until=until, load=_unanswered)
    if not questions:
        return []
    known = set(
        user.skills.values_list("slug", flat=True).union(
            user.ask_me_about.values_list("slug", flat=True)
        )
    )
    # Spaces whose forum the person may read now (module on, View not narrowed away): the
    # same answer as the forum's pages and lists (forums.access).
    readable = readable_space_ids(user=user, module=Module.FORUMS)
    expert = []
    if known:
        expert = registry.pick(
            questions, user=user, since=since, spaces=readable,
            limit=limit, keep=lambda q: not q.tags.isdisjoint(known), score=3,
        )  # fmt: skip
    # Then their own spaces, of those they may read.
    seen = {item.url for item in expert}
    mine = member_space_ids(user=user).intersection(readable)
    rest = registry.pick(
        questions, user=user, since=since, spaces=mine, limit=limit,
        keep=lambda q: q.url not in seen, score=2,
    )  # fmt: skip
    return [*expert, *rest]


def register() -> None:
    from intranet.digests import registry

    registry.register(
        registry.Section(
            key="open_questions",
            title=_("Questions you could answer"),
            order=20,
            collect=open_questions,
        )
    )
