"""The platform's own digest section (notifications not seen yet), its rail entry for
administrators and the link from notification preferences."""

from django.utils.translation import gettext_lazy as _


def unseen_notifications(*, user, since, until, limit):
    """Answers, replies, mentions, reactions ... that the person has not read on Plein yet
    and was not emailed about already: one query."""
    from django.template.loader import render_to_string

    from intranet.activity.models import Notification
    from intranet.digests.registry import Item

    found = (
        Notification.objects.readable_by(user)
        .filter(
            read_at__isnull=True,
            emailed_at__isnull=True,
            updated_at__gte=since,
            updated_at__lt=until,
        )
        .select_related("actor")
        .order_by("-updated_at")[:limit]
    )
    return [
        Item(
            title=render_to_string("activity/_notification_text.html", {"n": n}).strip(),
            url=n.url,
            when=n.updated_at,
            score=3 + n.actor_count,
        )
        for n in found
    ]


def register() -> None:
    from intranet.core import navigation
    from intranet.digests import demo, registry
    from intranet.governance import permissions

    demo.register()
    navigation.register(
        navigation.NavItem(
            key="digests",
            label=_("Digests"),
            url_name="digests:admin",
            icon="mail",
            order=95,
            visible=permissions.is_administrator,
        )
    )
    registry.register(
        registry.Section(
            key="notifications",
            title=_("For you"),
            order=10,
            collect=unseen_notifications,
        )
    )
