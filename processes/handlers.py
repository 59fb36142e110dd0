"""What follows board events: a hand-off tells the receiving department."""

from django.contrib.auth import get_user_model
from django.urls import reverse

from intranet import events
from intranet.activity import live as activity_live
from intranet.activity import services as activity
from intranet.activity.models import NotificationKind
from processes import events as ev
from processes import live
from processes.models import Card
from processes.tasks import notify_signal_raised


def on_handed_off(event: ev.CardHandedOff) -> None:
    card = Card.objects.select_related("board__space", "step").filter(pk=event.card_id).first()
    if card is None:
        return
    people = (
        get_user_model()
        .objects.filter(department_id=event.to_department_id, is_active=True)
        .values_list("pk", flat=True)
    )
    for person_id in people:
        activity.notify(
            recipient_id=person_id,
            kind=NotificationKind.HANDOFF,
            group_key=f"handoff:{card.pk}:{card.step_id}",
            actor_id=event.actor_id,
            url=card.get_absolute_url(),
            params={"title": card.title, "step": card.step.name},
        )


def on_moved(event: ev.CardMoved) -> None:
    """Open boards show the move; watchers of the card hear where it went."""
    live.card_moved(board_id=event.board_id, card_id=event.card_id,
                    from_step_id=event.from_step_id)  # fmt: skip
    if not event.watcher_ids:
        return
    card = Card.objects.select_related("step").filter(pk=event.card_id).first()
    if card is None:
        return
    for person_id in event.watcher_ids:
        activity.notify(
            recipient_id=person_id,
            kind=NotificationKind.HANDOFF,
            group_key=f"watch:{card.pk}:{card.step_id}",
            actor_id=event.actor_id,
            url=card.get_absolute_url(),
            params={"title": card.title, "step": card.step.name, "watched": True},
        )


def on_pain_flagged(event: ev.PainPointFlagged) -> None:
    live.pains_changed(board_id=event.board_id)


def _signal_url(signal_id: int) -> str:
    return reverse("processes:signal", args=[signal_id])


def on_signal_raised(event: ev.SignalRaised) -> None:
    # A worker tells the owner: regrouping a backlog can raise hundreds of signals at once,
    # and the notification (row, bell, email) should not hold up the grouping.
    if event.owner_id is not None:
        notify_signal_raised.delay(signal_id=event.signal_id, owner_id=event.owner_id)


def tell_signal_owner(*, signal_id: int, owner_id: int) -> None:
    activity.notify(
        recipient_id=owner_id,
        kind=NotificationKind.SIGNAL,
        group_key=f"signal:{signal_id}:raised",
        actor_id=None,
        url=_signal_url(signal_id),
        params={"state": "raised"},
    )


def on_signal_answered(event: ev.SignalAnswered) -> None:
    for reporter_id in event.reporter_ids:
        activity.notify(
            recipient_id=reporter_id,
            kind=NotificationKind.SIGNAL,
            group_key=f"signal:{event.signal_id}:answer",
            actor_id=event.actor_id,
            url=_signal_url(event.signal_id),
            params={"state": event.status},
        )


def on_sharing_changed(event: ev.BoardSharingChanged) -> None:
    # Open boards remember per socket whether their reader may see them: make them ask again.
    activity_live.access_changed()


def register() -> None:
    events.subscribe(ev.BoardSharingChanged, on_sharing_changed)
    events.subscribe(ev.CardHandedOff, on_handed_off)
    events.subscribe(ev.CardMoved, on_moved)
    events.subscribe(ev.PainPointFlagged, on_pain_flagged)
    events.subscribe(ev.SignalRaised, on_signal_raised)
    events.subscribe(ev.SignalAnswered, on_signal_answered)
