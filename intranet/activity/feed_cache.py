"""The first page of a feed, kept in Redis until something it depends on changes.

Most feed reads are the first page, and most of them find nothing new. Reading it costs a few
milliseconds of query building and row conversion; keeping it costs two Redis round trips.

Validity is decided by generation counters, not by expiry: every cached page remembers the
counters of what it was built from (the spaces and people it draws on, organisation-wide items,
the reader's access and everyone's access) and is served only while all of them still hold.
Writers bump the counters after their transaction commits (`content_changed`, `access_changed`);
readers read the counters before they query. So a page built from data older than a commit is
always stored under counters older than that commit's bump, and is never served after it.

Counters that are missing (new, or evicted by Redis) start at a clock value rather than at zero,
so an evicted counter can never come back to a value an old page remembers. Cosmetic details
(a renamed space or person) may show for at most TTL seconds."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable

from django.core.cache import cache

TTL = 60
EVERYONE = "feedgen:access"
ORGANISATION = "feedgen:org"


def access_key(user_id: int) -> str:
    return f"feedgen:access:{user_id}"


def space_key(space_id: int) -> str:
    return f"feedgen:space:{space_id}"


def actor_key(user_id: int) -> str:
    return f"feedgen:actor:{user_id}"


def _page_key(user_id: int, feed: str) -> str:
    return f"feedpage:{user_id}:{feed}"


def _bump(keys: Iterable[str]) -> None:
    for key in keys:
        try:
            cache.incr(key)
        except ValueError:
            cache.add(key, time.time_ns(), timeout=None)


def _current(keys: list[str]) -> dict[str, int]:
    values = cache.get_many(keys)
    missing = [key for key in keys if key not in values]
    if missing:
        for key in missing:
            cache.add(key, time.time_ns(), timeout=None)
        values.update(cache.get_many(missing))
    return values


def content_changed(*, space_id: int | None, actor_id: int | None) -> None:
    """An item appeared, changed or went in a space (or organisation-wide) by an actor."""
    keys = [space_key(space_id) if space_id is not None else ORGANISATION]
    if actor_id is not None:
        keys.append(actor_key(actor_id))
    _bump(keys)


def access_changed(*, user_id: int | None = None) -> None:
    """What one user (or, without user_id, anyone) may read or follows has changed."""
    _bump([access_key(user_id) if user_id is not None else EVERYONE])


def access_stamps(*, user_id: int) -> tuple[int, int]:
    """The counters of everyone's and this user's access (also what cached page chrome such
    as "My spaces" depends on)."""
    values = _current([EVERYONE, access_key(user_id)])
    return values[EVERYONE], values[access_key(user_id)]


def first_page(
    *, user_id: int, feed: str, depends_on: Callable[[], list[str]], build: Callable[[], object]
):
    """The cached first page of `feed` for this reader, or `build()` stored under the
    counters of `depends_on()` (the keys it draws on besides access and organisation)."""
    page_key = _page_key(user_id, feed)
    entry = cache.get(page_key)
    if entry is not None:
        stamps, page = entry
        if _current(list(stamps)) == stamps:
            return page
    # Access first: the list of what the page draws on is itself read from the database.
    stamps = _current([EVERYONE, access_key(user_id), ORGANISATION])
    stamps.update(_current(depends_on()))
    page = build()
    cache.set(page_key, (stamps, page), timeout=TTL)
    return page
