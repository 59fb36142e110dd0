"""What can become a signal. Each app registers a `Source` for its kind of content in
AppConfig.ready() (activity: posts and comments; forums: questions; processes: pain points and
recurring exceptions; this module: ideas), so the platform never imports the apps.

A source answers, for many ids at once and in one query, what each piece of content is (title,
address, space, author, the department it concerns) for a reader, or leaves it out when that
reader may not read it; and, as a condition on signal rows, which signals of its kind a reader
may see, so lists page in SQL and cost a fixed number of queries."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Q


@dataclass(frozen=True)
class Found:
    title: str
    url: str
    space_id: int | None
    author_id: int | None
    department_id: int | None = None  # whose manager owns the signal; None: the space's
    excerpt: str = ""
    supporter_ids: tuple[int, ...] = ()  # "me too"s the content already has
    module: str | None = None  # this piece's module, when it differs per piece (comments)


@dataclass(frozen=True)
class Source:
    key: str
    label: str  # a lazy translation: "Post", "Question" ...
    # load(ids, user=) -> {id: Found}: only what `user` may read (user None: no check, for
    # workers that check readers themselves)
    load: Callable[..., dict[int, Found]]
    # readable(user) -> Q on Signal rows of this source that `user` may see. None: the usual
    # rule, the signal's space is readable with `module` switched on (and not `hidden`).
    readable: Callable[..., Q] | None = None
    # hidden() -> a queryset of the ids of content a moderator hid (its signals are not shown)
    hidden: Callable[[], object] | None = None
    # may_raise_as_author(user, found) is implied by found.author_id; moderators are those who
    # may moderate the space. A source may refuse raising by hand (exceptions raise by policy).
    by_hand: bool = True
    # The module the content belongs to (None: every space has it), for figures that count
    # only content in the open with its module switched on (insights).
    module: str | None = None
    # readers(object_id=, user_ids=) -> [(user id, space id)]: of these people, who may read
    # the content and through which space (a shared board is read through any of its spaces),
    # so a notification is shown only while they still may. None: the signal's own space.
    readers: Callable[..., list[tuple[int, int]]] | None = None


_sources: dict[str, Source] = {}


def register(source: Source) -> None:
    _sources[source.key] = source


def unregister(key: str) -> None:
    _sources.pop(key, None)


def get(key: str) -> Source | None:
    return _sources.get(key)


def all_sources() -> list[Source]:
    return [_sources[key] for key in sorted(_sources)]


def readable_q(user) -> Q:
    """Signals `user` may see, over every source. Sources with the usual rule are grouped per
    module (one list of readable spaces each, read once per request: readable_space_ids);
    the others add their own condition; hidden content of any source is left out. Built once
    per request (kept on the user object): pages ask for it more than once."""
    cached = user.__dict__.get("_signals_readable_q")
    if cached is not None:
        return cached
    from intranet.governance.constants import Module
    from intranet.governance.selectors import readable_space_ids

    found = Q(pk__in=[])
    usual: list[str] = []
    hidden = Q()
    for source in all_sources():
        if source.readable is not None:
            found |= Q(source=source.key) & source.readable(user)
        else:
            usual.append(source.key)
        if source.hidden is not None:
            hidden &= ~Q(source=source.key, object_id__in=source.hidden())
    # The usual rule: the signal's space is readable with the module of its content on (the
    # module is stored on the signal: a comment on a question belongs to the forum).
    in_space = Q(module="", space__id__any_of=readable_space_ids(user=user))
    for module in Module.values:
        in_space |= Q(module=module, space__id__any_of=readable_space_ids(user=user, module=module))
    found |= Q(source__in=usual) & in_space
    user.__dict__["_signals_readable_q"] = result = found & hidden
    return result


def load(key: str, ids, *, user=None) -> dict[int, Found]:
    source = _sources.get(key)
    ids = sorted({int(i) for i in ids})
    return source.load(ids, user=user) if source and ids else {}
