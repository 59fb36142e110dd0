"""Moderation events, past tense; ids only. None of them is an activity: reports and hiding
are between the reader, the author and the moderators, never in a feed."""

from dataclasses import dataclass


@dataclass(frozen=True)
class ContentReported:
    report_id: int
    kind: str
    object_id: int
    space_id: int
    reporter_id: int
    url: str


@dataclass(frozen=True)
class _Decision:
    kind: str
    object_id: int
    space_id: int
    author_id: int
    actor_id: int
    reason: str
    url: str


@dataclass(frozen=True)
class ContentHidden(_Decision):
    pass


@dataclass(frozen=True)
class ContentRestored(_Decision):
    pass
