"""What follows signal events: the owner hears a signal was raised for them, handed to them or
is overdue; the raiser, the content's author and every supporter hear each answer. Each only
when they may see the signal when it is told (access.signals_readable_by), and the notification
remembers the signal's space, so the bell shows it only while they still may read there."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from intranet.activity import services as activity
from intranet.activity.models import NotificationKind
from intranet.signals import access, sources
from intranet.signals import events as ev
from intranet.signals.models import Signal


def tell(*, signal_id: int, user_ids, state: str, actor_id: int | None) -> int:
    """Notify each of `user_ids` who may see the signal now, remembering the space they read
    it through; returns how many were told."""
    signal = (
        Signal.objects.filter(pk=signal_id)
        .only("pk", "title", "space_id", "source", "object_id", "module")
        .first()
    )
    if signal is None:
        return 0
    source = sources.get(signal.source)
    people = get_user_model().objects.filter(pk__in=list(user_ids), is_active=True)
    if source is not None and source.readers is not None:
        ids = list(people.values_list("pk", flat=True))
        through = source.readers(object_id=signal.object_id, user_ids=ids)
    else:
        through = [
            (person.pk, signal.space_id)
            for person in people
            if access.signals_readable_by(person).filter(pk=signal.pk).exists()
        ]
    for person_id, space_id in through:
        activity.notify(
            recipient_id=person_id,
            kind=NotificationKind.FOLLOW_UP,
            group_key=f"signal:{signal.pk}:{state}",
            actor_id=actor_id,
            url=signal.get_absolute_url(),
            # The module of what it is about: the bell hides it when the space switches it off.
            params={
                "state": state,
                "title": signal.title[:120],
                **({"module": signal.module} if signal.module else {}),
            },
            space_id=space_id,
        )
    return len(through)


def on_raised(event: ev.SignalRaised) -> None:
    if event.owner_id is not None:
        tell(
            signal_id=event.signal_id,
            user_ids=[event.owner_id],
            state="raised",
            actor_id=event.actor_id,
        )


def on_answered(event: ev.SignalAnswered) -> None:
    # Hundreds of supporters: a worker tells them, so the owner's answer is saved at once.
    from intranet.signals.tasks import tell_answered

    if event.told_ids:
        tell_answered.delay(
            signal_id=event.signal_id,
            user_ids=event.told_ids,
            status=event.status,
            actor_id=event.actor_id,
        )


def on_assigned(event: ev.SignalAssigned) -> None:
    tell(
        signal_id=event.signal_id,
        user_ids=[event.owner_id],
        state="assigned",
        actor_id=event.actor_id,
    )


def on_overdue(event: ev.SignalOverdue) -> None:
    tell(signal_id=event.signal_id, user_ids=[event.owner_id], state="overdue", actor_id=None)


def register(events) -> None:
    events.subscribe(ev.SignalRaised, on_raised)
    events.subscribe(ev.SignalAnswered, on_answered)
    events.subscribe(ev.SignalAssigned, on_assigned)
    events.subscribe(ev.SignalOverdue, on_overdue)
