"""Domain events: one write, many consequences (DESIGN.md, "Events").

Services publish events. An event that describes something colleagues may see returns an
`ActivityRow` from `activity()`: `publish()` writes that row in the caller's transaction, so the
write and its trace land together or not at all. After commit, handlers run (notifications,
points, search; they subscribe in their AppConfig.ready()) and the activity is pushed live.
Events carry ids, never model instances, and must survive a JSON round trip."""

from __future__ import annotations

import dataclasses
import json
import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

logger = logging.getLogger(__name__)
_handlers: dict[type, list[Callable[[Any], None]]] = defaultdict(list)
_all_handlers: list[Callable[[Any], None]] = []


@dataclass(frozen=True)
class ActivityRow:
    verb: str
    actor_id: int | None
    space_id: int | None = None
    department_id: int | None = None
    target_type: str = ""
    target_id: int | None = None
    data: dict = field(default_factory=dict)


def subscribe(event_type: type | None, handler: Callable[[Any], None]) -> None:
    """Call `handler(event)` after commit for every event of `event_type` (None: all events)."""
    targets = _all_handlers if event_type is None else _handlers[event_type]
    if handler not in targets:
        targets.append(handler)


def unsubscribe(event_type: type | None, handler: Callable[[Any], None]) -> None:
    targets = _all_handlers if event_type is None else _handlers[event_type]
    if handler in targets:
        targets.remove(handler)


def to_json(event) -> str:
    return json.dumps({"type": type(event).__name__, **dataclasses.asdict(event)})


def publish(event) -> int | None:
    """Record and announce `event`; returns the id of its activity row, if it has one."""
    # Serialise now: an event that cannot travel fails where it is made, not in a worker.
    to_json(event)
    row = event.activity() if hasattr(event, "activity") else None
    activity_id = None
    if row is not None:
        from intranet.activity.models import Activity

        activity_id = Activity.objects.create(**dataclasses.asdict(row)).pk

    def deliver():
        for handler in [*_handlers.get(type(event), []), *_all_handlers]:
            try:
                handler(event)
            except Exception:
                # One failing consequence must not undo the write or starve the others.
                logger.exception("event handler %s failed for %s", handler, event)
        if activity_id is not None:
            from intranet.activity import feed_cache, live

            try:
                # Cached first pages that draw on this item's space or actor expire first,
                # so a page reloaded because of the push below already shows it.
                feed_cache.content_changed(space_id=row.space_id, actor_id=row.actor_id)
                live.push_activity(activity_id=activity_id, row=row)
            except Exception:
                # Redis down: the page catches up on reconnect; the write stands.
                logger.exception("live push failed for activity %s", activity_id)

    transaction.on_commit(deliver)
    return activity_id
