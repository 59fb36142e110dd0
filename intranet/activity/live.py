"""Live push through the Redis channel layer. Messages carry ids only: each consumer loads the
activity itself and checks that its user may see it before anything is sent."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from intranet.activity import feed_cache

_sender = ThreadPoolExecutor(max_workers=1, thread_name_prefix="live-push")


def _send(group: str, message: dict) -> None:
    layer = get_channel_layer()
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        async_to_sync(layer.group_send)(group, message)
        return
    # Called from a thread that runs an event loop (a browser test driving the page): send
    # from a helper thread instead of blocking the loop.
    _sender.submit(async_to_sync(layer.group_send), group, message).result(timeout=10)


def groups_for(row) -> list[str]:
    groups = []
    if row.space_id is not None:
        groups.append(f"space.{row.space_id}")
    elif row.department_id is not None:
        groups.append(f"department.{row.department_id}")
    else:
        groups.append("org")
    if row.actor_id is not None:
        groups.append(f"person.{row.actor_id}")  # for followers and person feeds
    return groups


def push_activity(*, activity_id: int, row) -> None:
    # Where it happened travels along, so each consumer decides visibility from memory.
    message = {
        "type": "activity.new",
        "id": activity_id,
        "space_id": row.space_id,
        "department_id": row.department_id,
    }
    for group in groups_for(row):
        _send(group, message)


ACCESS_GROUP = "access"


def access_changed(*, user_id: int | None = None) -> None:
    """Someone's rights changed (user_id), or everyone's may have (a space closed, defaults
    changed): cached first pages of their feeds expire, and open sockets reload what they may
    see before the next item arrives."""
    feed_cache.access_changed(user_id=user_id)
    group = f"user.{user_id}" if user_id is not None else ACCESS_GROUP
    _send(group, {"type": "access.changed"})


def push_notifications(*, user_id: int) -> None:
    _send(f"user.{user_id}", {"type": "notifications.changed"})


# --- Live pages ----------------------------------------------------------------------------------
# Besides feeds, a page can follow one thing live (a question and its answers). Its app
# registers the kind: which groups a user's socket joins (None: may not read it), and how a
# message to those groups becomes an HTML fragment for that user (None: send nothing).


@dataclass(frozen=True)
class LivePage:
    kind: str
    groups: Callable[..., list[str] | None]  # groups(user=, id=)
    # render(user=, language=, message=, memo=): memo is the socket's own dict, emptied when
    # the user's access changes, where a page keeps what it decided about this reader (may
    # they see it?) instead of asking the database again for every message.
    render: Callable[..., str | None]


_pages: dict[str, LivePage] = {}


def register_page(page: LivePage) -> None:
    _pages[page.kind] = page


def page_for(kind: str) -> LivePage | None:
    return _pages.get(kind)


def push_page(group: str, data: dict) -> None:
    """Tell every socket following `group` (a live page) that something changed."""
    _send(group, {"type": "page.update", **data})
