"""What follows board events: a hand-off tells the receiving department."""

from django.contrib.auth import get_user_model
from django.urls import reverse

from intranet import events
from intranet.activity import services as activity
from intranet.activity.models import NotificationKind
from processes import events as ev
from processes.models import Card


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
            # The board's own page comes with the board views; until then, its space.
            url=reverse("governance:space", args=[card.board.space.slug]),
            params={"title": card.title, "step": card.step.name},
        )


def register() -> None:
    events.subscribe(ev.CardHandedOff, on_handed_off)
