"""What a reply by email can become. Each app registers the kinds of things one can answer or
comment on by email (in its AppConfig.ready()), so the platform posts a reply without
importing the app:

    inbound.register(inbound.Replyable(
        kind="answer",                                   # in the signed address, [a-z]{1,10}
        post=post_answer,                                # (*, user, target_id, body) -> url
        notifications=("answers:topic:{id}",),           # notifications that offer it
        hint=_("Reply to this email to post an answer."),
    ))

`post` loads the target through the app's access module for `user` (access is decided when
the reply arrives: the person may have lost it since the email was sent) and calls the app's
service, which checks, validates, rate-limits and writes as for any other write. It raises
Http404 or PermissionDenied when the person may not (or no longer) post there and
ValidationError for anything else it refuses; it returns the address of what it posted."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

KIND = re.compile(r"^[a-z]{1,10}$")


@dataclass(frozen=True)
class Replyable:
    kind: str
    # post(*, user, target_id: int, body: str) -> str (the address of what was posted)
    post: Callable[..., str]
    # Notification group keys that are about such a target, "{id}" standing for its id
    notifications: tuple[str, ...] = ()
    # The line the notification email adds ("Reply to this email to ...")
    hint: str = ""
    # allowed(*, user, target_id) -> bool: offer the reply address at all (checked when the
    # email is sent; the reply is checked again when it arrives). Default: always.
    allowed: Callable[..., bool] | None = None
    patterns: tuple = field(default=(), compare=False, repr=False)


_replyables: dict[str, Replyable] = {}


def _compile(pattern: str) -> re.Pattern:
    if pattern.count("{id}") != 1:
        raise ValueError(f"notification key pattern needs one {{id}}: {pattern!r}")
    return re.compile(re.escape(pattern).replace(re.escape("{id}"), r"(\d{1,18})"))


def register(replyable: Replyable) -> None:
    if not KIND.match(replyable.kind):
        raise ValueError(f"reply kind must be 1 to 10 letters a-z: {replyable.kind!r}")
    patterns = tuple(_compile(p) for p in replyable.notifications)
    object.__setattr__(replyable, "patterns", patterns)
    _replyables[replyable.kind] = replyable


def unregister(kind: str) -> None:
    _replyables.pop(kind, None)


def get(kind: str) -> Replyable | None:
    return _replyables.get(kind)


def for_notification(group_key: str) -> tuple[Replyable, int] | None:
    """The replyable thing a notification is about, with its id, or None."""
    for replyable in _replyables.values():
        for pattern in replyable.patterns:
            found = pattern.fullmatch(group_key or "")
            if found:
                return replyable, int(found.group(1))
    return None
