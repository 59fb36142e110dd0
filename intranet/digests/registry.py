"""Sections of the digest. Each app registers its own (answers to my questions, new articles,
success stories, signals ...) in AppConfig.ready(), so the platform composes digests without
importing the apps. A section reads, for one person and a window of time, only what that person
may see at sending time, in a fixed number of queries however much happened.

What many people's digests have in common (the questions asked this week, the articles changed)
is loaded once per worker and window with `shared()` and then picked per person in memory:
composing thousands of digests one after the other costs each person only their own queries
(what they may read, their notifications). Who may see what is never shared."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime


@dataclass(frozen=True)
class Item:
    title: str
    url: str  # a path; the email makes it absolute
    meta: str = ""  # one line of context: a space, who, how many
    when: datetime | None = None
    score: float = 0.0  # higher first, within a section and for the cap across sections


@dataclass(frozen=True)
class Section:
    key: str
    title: str  # a lazy translation
    order: int
    # collect(user=, since=, until=, limit=) -> list[Item]
    collect: Callable[..., list[Item]]
    extra: dict = field(default_factory=dict)


_sections: dict[str, Section] = {}


def register(section: Section) -> None:
    _sections[section.key] = section


def unregister(key: str) -> None:
    _sections.pop(key, None)


def sections() -> list[Section]:
    return sorted(_sections.values(), key=lambda section: section.order)


# --- What every digest of a window shares ---------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    """Something that happened in a window, in a space, that a digest may show to whoever may
    read that space (checked per person at sending time, never here)."""

    title: str
    url: str
    meta: str
    when: datetime
    space_id: int
    by: int | None = None  # the author: not shown their own
    score: float = 0.0
    tags: frozenset = frozenset()


# Long enough that one planning run's thousands of digests load each window once per worker,
# short enough that something answered or hidden since drops out of the next digests.
SHARED_SECONDS = 60.0
_shared: dict[tuple, tuple[float, object]] = {}


def shared(key: str, *, since: datetime, until: datetime, load: Callable[..., object]):
    """load(since=, until=) once per worker for everyone whose window ends at `until` and starts
    on the same day. It loads from the start of that day, so the caller still filters on the
    person's own `since` (people who joined mid-week, or missed a digest, start elsewhere)."""
    start = since.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    now = time.monotonic()
    hit = _shared.get((key, start, until))
    if hit is not None and now - hit[0] < SHARED_SECONDS:
        return hit[1]
    for stale in [k for k, (at, _v) in _shared.items() if now - at >= SHARED_SECONDS]:
        _shared.pop(stale, None)
    value = load(since=start, until=until)
    _shared[(key, start, until)] = (now, value)
    return value


def forget_shared() -> None:
    _shared.clear()


def pick(
    candidates: Iterable[Candidate],
    *,
    user,
    since: datetime,
    spaces: Iterable[int],
    limit: int,
    keep: Callable[[Candidate], bool] | None = None,
    score: float | None = None,
) -> list[Item]:
    """The newest `limit` candidates (they come newest first) in `spaces`, from `since` on,
    not by `user` and passing `keep`."""
    spaces = spaces if isinstance(spaces, set | frozenset) else set(spaces)
    found = []
    for c in candidates:
        if c.when < since or c.space_id not in spaces or c.by == user.pk:
            continue
        if keep is not None and not keep(c):
            continue
        found.append(
            Item(title=c.title, url=c.url, meta=c.meta, when=c.when,
                 score=c.score if score is None else score)
        )  # fmt: skip
        if len(found) >= limit:
            break
    return found
