"""Domain events: one write, many consequences (DESIGN.md, "Events").

Services publish events; handlers (notifications, points, search, live push) subscribe in their
AppConfig.ready(). Delivery happens on commit, so a rolled-back write announces nothing. Events
carry ids, never model instances, and must survive a JSON round trip (they will be stored and
sent to Celery and websockets)."""

from __future__ import annotations

import dataclasses
import json
import logging
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from django.db import transaction

logger = logging.getLogger(__name__)
_handlers: dict[type, list[Callable[[Any], None]]] = defaultdict(list)
_all_handlers: list[Callable[[Any], None]] = []


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


def publish(event) -> None:
    # Serialise now: an event that cannot travel fails where it is made, not in a worker.
    to_json(event)

    def deliver():
        for handler in [*_handlers.get(type(event), []), *_all_handlers]:
            try:
                handler(event)
            except Exception:
                # One failing consequence must not undo the write or starve the others.
                logger.exception("event handler %s failed for %s", handler, event)

    transaction.on_commit(deliver)
