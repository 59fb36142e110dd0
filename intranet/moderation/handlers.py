"""What follows moderation: the author hears that a post was hidden or restored and why;
the moderators of the space hear of new reports (one notification gathers them)."""

from intranet import events
from intranet.activity import services as activity
from intranet.activity.models import NotificationKind
from intranet.moderation import events as ev


def on_reported(event: ev.ContentReported) -> None:
    from intranet.governance.constants import SpaceRole
    from intranet.governance.models import Membership, Space

    space = Space.objects.filter(pk=event.space_id).first()
    if space is None:
        return
    moderators = Membership.objects.filter(
        space=space, role__in=[SpaceRole.OWNER, SpaceRole.MODERATOR], user__is_active=True
    ).values_list("user_id", flat=True)
    for user_id in moderators:
        activity.notify(
            recipient_id=user_id,
            kind=NotificationKind.REPORT,
            group_key=f"reports:space:{space.pk}",
            actor_id=event.reporter_id,
            url=space_queue_url(space.slug),
            params={"space": space.name},
            space_id=space.pk,
        )


def space_queue_url(slug: str) -> str:
    from django.urls import reverse

    return reverse("moderation:space", args=[slug])


def _tell_author(event, state: str) -> None:
    activity.notify(
        recipient_id=event.author_id,
        kind=NotificationKind.MODERATION,
        group_key=f"moderation:{event.kind}:{event.object_id}:{state}",
        actor_id=event.actor_id,
        url=event.url,
        params={"state": state, "reason": event.reason},
        space_id=event.space_id,
    )


def on_hidden(event: ev.ContentHidden) -> None:
    # What others were told of it (its title, an excerpt) goes with it; the author's and the
    # moderators' own notices stay.
    from intranet.activity.models import NotificationKind

    activity.withdraw_notifications(
        urls=[event.url], keep_kinds=[NotificationKind.MODERATION, NotificationKind.REPORT]
    )
    _tell_author(event, "hidden")


def on_restored(event: ev.ContentRestored) -> None:
    _tell_author(event, "restored")


def register() -> None:
    events.subscribe(ev.ContentReported, on_reported)
    events.subscribe(ev.ContentHidden, on_hidden)
    events.subscribe(ev.ContentRestored, on_restored)
