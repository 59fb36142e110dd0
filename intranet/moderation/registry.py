"""Kinds of content moderation works on. Each app registers its kinds (forum topics and
answers, comments; later articles and stories) so reports, the queue and hiding work the same
for all of them without moderation importing the apps."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Kind:
    key: str  # "forums.answer"; stored in Report.kind
    label: str  # lazy translation: "answer"
    # load(ids) -> {id: object}: objects with space (select_related), author, hidden_* fields,
    # get_absolute_url(), in one query
    load: Callable[[list[int]], dict]
    # a short plain-text excerpt for the queue
    excerpt: Callable[[object], str]
    # after hide/restore, inside the transaction: counters, caches, live pages
    changed: Callable[[object], None] | None = None
    # hidden_in(space_ids, limit) -> hidden objects, latest first (for the queue's "hidden")
    hidden_in: Callable[[list[int], int], list] | None = None


_kinds: dict[str, Kind] = {}


def register(kind: Kind) -> None:
    _kinds[kind.key] = kind


def kinds() -> list[Kind]:
    return list(_kinds.values())


def get(key: str) -> Kind | None:
    return _kinds.get(key)


def load(key: str, object_id: int):
    kind = _kinds.get(key)
    if kind is None:
        return None
    return kind.load([object_id]).get(object_id)


def load_many(pairs) -> dict[tuple[str, int], object]:
    """{(kind, id): object} in one query per kind present."""
    wanted: dict[str, set[int]] = {}
    for key, object_id in pairs:
        wanted.setdefault(key, set()).add(object_id)
    found = {}
    for key, ids in wanted.items():
        kind = _kinds.get(key)
        if kind is not None:
            for object_id, obj in kind.load(sorted(ids)).items():
                found[(key, object_id)] = obj
    return found
