"""The forums' digest section: questions without an answer yet in the person's spaces, asked
in the window, by others. One query; at sending time, so a space left since is not in it."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _


def open_questions(*, user, since, until, limit):
    from forums.models import Topic
    from forums.selectors import LISTED
    from intranet.digests.registry import Item
    from intranet.governance.models import Membership

    member_of = Membership.objects.filter(user_id=user.pk).values("space_id")
    topics = (
        Topic.objects.filter(
            LISTED,
            # Members may read their spaces (open, private or secret): membership is the check.
            Q(space_id__in=member_of),
            kind=Topic.Kind.QUESTION,
            answer_count=0,
            created_at__gte=since,
            created_at__lt=until,
        )
        .exclude(author_id=user.pk)
        .select_related("space")
        .only("title", "created_at", "space__name", "space__slug")
        .order_by("-created_at")[:limit]
    )
    return [
        Item(title=t.title, url=t.get_absolute_url(), meta=t.space.name, when=t.created_at,
             score=2)
        for t in topics
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
