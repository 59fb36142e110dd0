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


# --- The answers of a question page ------------------------------------------------------------
# Rendered once per topic state, language and kind of reader (moderator or not; may accept,
# comment, report), then made personal per request: the reader's CSRF token, their votes, and
# no "Report" link under their own posts. The topic's counter is bumped by every write that
# changes what the block shows (answers, votes, accepting, edits, comments, moderation).

ANSWERS_TTL = 60
CSRF_PLACEHOLDER = "__plein_csrf__"


def _topic_key(topic_id: int) -> str:
    return f"forums:topic-gen:{topic_id}"


def topic_changing(*, topic_id: int) -> None:
    """Inside a service's transaction: bump now and again after commit (see topics_changing)."""
    from django.db import transaction

    def bump():
        try:
            cache.incr(_topic_key(topic_id))
        except ValueError:
            cache.set(_topic_key(topic_id), 1, timeout=None)

    bump()
    transaction.on_commit(bump)


def answers_key(*, topic_id: int, parts: tuple) -> str:
    generation = cache.get(_topic_key(topic_id)) or 0
    return "forums:answers:" + ":".join(str(p) for p in (topic_id, generation, *parts))


def personalise(html: str, *, csrf_token: str, user_id: int, votes: dict[int, str]) -> str:
    """The shared block for one reader: their CSRF token, their vote buttons (`votes`:
    answer id -> the vote buttons rendered for them), no report links on their own posts, and
    edit and delete links on their own posts only."""
    import re

    html = html.replace(CSRF_PLACEHOLDER, csrf_token)
    html = re.sub(rf"<!--own:{user_id}-->.*?<!--/own-->", "", html, flags=re.S)
    html = re.sub(rf"<!--mine:(?!{user_id}-->)\d+-->.*?<!--/mine-->", "", html, flags=re.S)
    for answer_id, buttons in votes.items():
        html = re.sub(
            rf"<!--v:{answer_id}-->.*?<!--/v:{answer_id}-->",
            lambda _match, b=buttons: b,
            html,
            count=1,
            flags=re.S,
        )
    return html
