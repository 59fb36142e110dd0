"""Rendered topic lists are cached per space, page, filter and language, and thrown away by a
generation counter that every change to the space's topics bumps (ask, answer, edit, hide,
move, merge, lock, pin). The counter lives in Redis, so every worker sees the same one."""

from __future__ import annotations

from django.core.cache import cache

# Relative times ("3 minutes ago") in a cached list age at most this long.
LIST_TTL = 60


def _generation_key(space_id: int) -> str:
    return f"forums:gen:{space_id}"


def topics_changed(*, space_id: int) -> None:
    try:
        cache.incr(_generation_key(space_id))
    except ValueError:
        cache.set(_generation_key(space_id), 1, timeout=None)


def list_key(*, space_id: int, parts: tuple) -> str:
    generation = cache.get(_generation_key(space_id)) or 0
    return "forums:list:" + ":".join(str(p) for p in (space_id, generation, *parts))


def topics_changing(*, space_id: int) -> None:
    """Called by a service inside its transaction: bump now, and again once the write is
    committed, so a list another worker rendered from the old rows in between is not reused."""
    from django.db import transaction

    topics_changed(space_id=space_id)
    transaction.on_commit(lambda: topics_changed(space_id=space_id))
