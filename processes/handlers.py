"""What follows board events: a hand-off tells the receiving department, a move the card's
watchers (signals are the platform's: intranet.signals tells owners and supporters). Each of
them only when they may read the board now (processes.access, the same predicate as the
pages), and the notification remembers the space through which they read it, so it is shown
and sent only while they still may."""

from django.contrib.auth import get_user_model

from intranet import events
from intranet.activity import live as activity_live
from intranet.activity import services as activity
from intranet.activity.models import NotificationKind
from processes import access, live
from processes import events as ev
from processes.models import Card


def _card(card_id: int) -> Card | None:
    return (
        Card.objects.select_related("board__space", "step")
        .prefetch_related("board__shared_with")
        .filter(pk=card_id)
        .first()
    )


def on_handed_off(event: ev.CardHandedOff) -> None:
    """The receiving department hears of the card: those in it who may read the board (a
    secret board's card titles stay with its readers)."""
    card = _card(event.card_id)
    if card is None:
        return
    people = (
        get_user_model()
        .objects.filter(department_id=event.to_department_id, is_active=True)
        .values_list("pk", flat=True)
    )
    for person_id, space_id in access.readers(user_ids=list(people), board=card.board):
        activity.notify(
            recipient_id=person_id,
            kind=NotificationKind.HANDOFF,
            group_key=f"handoff:{card.pk}:{card.step_id}",
            actor_id=event.actor_id,
            url=card.get_absolute_url(),
            params={"title": card.title, "step": card.step.name},
            space_id=space_id,
        )


def on_moved(event: ev.CardMoved) -> None:
    """Open boards show the move; watchers of the card hear where it went."""
    live.card_moved(board_id=event.board_id, card_id=event.card_id,
                    from_step_id=event.from_step_id)  # fmt: skip
    if not event.watcher_ids:
        return
    card = _card(event.card_id)
    if card is None:
        return
    # Watchers who lost access to the board since they started watching hear nothing.
    for person_id, space_id in access.readers(user_ids=event.watcher_ids, board=card.board):
        activity.notify(
            recipient_id=person_id,
            kind=NotificationKind.HANDOFF,
            group_key=f"watch:{card.pk}:{card.step_id}",
            actor_id=event.actor_id,
            url=card.get_absolute_url(),
            params={"title": card.title, "step": card.step.name, "watched": True},
            space_id=space_id,
        )


def on_pain_flagged(event: ev.PainPointFlagged) -> None:
    live.pains_changed(board_id=event.board_id)


def on_sharing_changed(event: ev.BoardSharingChanged) -> None:
    # Open boards remember per socket whether their reader may see them: make them ask again.
    activity_live.access_changed()
    # Hand-offs and watch notices told through a space the board is no longer shared with
    # named its cards to that space's readers: they go.
    from processes.models import Board

    board = Board.objects.filter(pk=event.board_id).first()
    if board is None:
        return
    spaces = [board.space_id, *board.shared_with.values_list("pk", flat=True)]
    activity.withdraw_notifications(
        urls=[card.get_absolute_url() for card in board.cards.only("pk")], keep_spaces=spaces
    )


def register() -> None:
    events.subscribe(ev.BoardSharingChanged, on_sharing_changed)
    events.subscribe(ev.CardHandedOff, on_handed_off)
    events.subscribe(ev.CardMoved, on_moved)
    events.subscribe(ev.PainPointFlagged, on_pain_flagged)
