"""What a feed item is about. Each kind of target (a post, an announcement; later a question,
an article, a story) registers how to load many at once and how to show one, so the feed
shows every app's items without importing the apps. One query per kind present on a page."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Target:
    type: str  # Activity.target_type
    # load(ids) -> {id: object}, one query, only the columns the item shows
    load: Callable[[list[int]], dict]
    # the item's body: rendered with `item` (the activity) and `target` (the object)
    template: str
    # the header line after the actor's name: {verb: lazy text}; "{space}" links the space
    verbs: dict[str, str]


_targets: dict[str, Target] = {}


def register(target: Target) -> None:
    _targets[target.type] = target


def unregister(target_type: str) -> None:
    _targets.pop(target_type, None)


def get(target_type: str) -> Target | None:
    return _targets.get(target_type)


def load(activities) -> None:
    """Set `activity.target` (and `activity.target_spec`) on each activity, in one query per
    kind of target present."""
    wanted: dict[str, list[int]] = {}
    for activity in activities:
        if activity.target_type in _targets and activity.target_id is not None:
            wanted.setdefault(activity.target_type, []).append(activity.target_id)
    loaded = {kind: _targets[kind].load(ids) for kind, ids in wanted.items()}
    for activity in activities:
        spec = _targets.get(activity.target_type)
        activity.target_spec = spec
        activity.target = loaded.get(activity.target_type, {}).get(activity.target_id)
