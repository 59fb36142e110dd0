"""The forums' digest section: questions without an answer yet that the person could answer.
First those tagged with something they know about (their skills and "ask me about" topics, by
slug, as the expertise finder matches them) in any space they may read, then the rest in their
own spaces; asked in the window, by others. A fixed four queries, at sending time, so a space
left since is not in it."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _


def open_questions(*, user, since, until, limit):
    from forums.models import Topic
    from forums.selectors import LISTED
    from intranet.digests.registry import Item
    from intranet.governance.models import Membership
    from intranet.governance.selectors import readable_space_ids

    def unanswered(condition):
        return (
            Topic.objects.filter(
                LISTED,
                condition,
                kind=Topic.Kind.QUESTION,
                answer_count=0,
                created_at__gte=since,
                created_at__lt=until,
            )
            .exclude(author_id=user.pk)
            .select_related("space")
            .only("title", "created_at", "space__name", "space__slug")
            .order_by("-created_at")
        )

    known = list(
        user.skills.values_list("slug", flat=True).union(
            user.ask_me_about.values_list("slug", flat=True)
        )
    )
    expert = []
    if known:
        expert = list(
            unanswered(
                Q(space_id__in=readable_space_ids(user=user), tags__slug__in=known)
            ).distinct()[:limit]
        )
    # Members may read their spaces (open, private or secret): membership is the check.
    member_of = Membership.objects.filter(user_id=user.pk).values("space_id")
    seen = {t.pk for t in expert}
    rest = [t for t in unanswered(Q(space_id__in=member_of))[:limit] if t.pk not in seen]
    return [
        Item(title=t.title, url=t.get_absolute_url(), meta=t.space.name, when=t.created_at,
             score=3 if t.pk in seen else 2)
        for t in [*expert, *rest]
    ]  # fmt: skip


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
