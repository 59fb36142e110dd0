"""Rendered topic lists are cached per space, page, filter and language, and thrown away by a
generation counter that every change to the space's topics bumps (ask, answer, edit, hide,
move, merge, lock, pin). The counter lives in Redis, so every worker sees the same one."""

from __future__ import annotations

from intranet.core.cache import Generation

# Relative times ("3 minutes ago") in a cached list age at most this long.
LIST_TTL = 60


_lists = Generation("forums:list")
_topics = Generation("forums:answers")


def topics_changed(*, space_id: int) -> None:
    _lists.bump(space_id)


def list_key(*, space_id: int, parts: tuple) -> str:
    return _lists.key(space_id, *parts)


def topics_changing(*, space_id: int) -> None:
    """Called by a service inside its transaction (see Generation.changing)."""
    _lists.changing(space_id)


# --- The answers of a question page ------------------------------------------------------------
# Rendered once per topic state, language and kind of reader (moderator or not; may accept,
# comment, report), then made personal per request: the reader's CSRF token, their votes, and
# no "Report" link under their own posts. The topic's counter is bumped by every write that
# changes what the block shows (answers, votes, accepting, edits, comments, moderation).

ANSWERS_TTL = 60


def csrf_placeholder() -> str:
    """A fresh stand-in for the reader's CSRF token, one per rendering of the shared block and
    kept with it: content in the block cannot know it, so no post can have a reader's token
    written into its text or links (personalise also replaces it in the token field only)."""
    import secrets

    return f"plein-csrf-{secrets.token_hex(16)}"


def topic_changing(*, topic_id: int) -> None:
    """Inside a service's transaction: bump now and again after commit."""
    _topics.changing(topic_id)


def answers_key(*, topic_id: int, parts: tuple) -> str:
    return _topics.key(topic_id, *parts)


def personalise(
    html: str, *, placeholder: str, csrf_token: str, user_id: int, votes: dict[int, str]
) -> str:
    """The shared block for one reader: their CSRF token (where the block's `placeholder`
    fills a form's token field, nowhere else), their vote buttons (`votes`: answer id -> the
    vote buttons rendered for them), no report links on their own posts, and edit and delete
    links on their own posts only."""
    import re

    html = html.replace(
        f'name="csrfmiddlewaretoken" value="{placeholder}"',
        f'name="csrfmiddlewaretoken" value="{csrf_token}"',
    )
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
