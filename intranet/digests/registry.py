"""Sections of the digest. Each app registers its own (answers to my questions, new articles,
success stories, signals ...) in AppConfig.ready(), so the platform composes digests without
importing the apps. A section reads, for one person and a window of time, only what that person
may see at sending time, in a fixed number of queries however much happened."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime


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
