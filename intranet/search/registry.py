"""One search box over many kinds of content. Each app registers a `Source` in its
AppConfig.ready(): profiles (people), governance (spaces) now; forums, knowledge and processes
later. The platform never imports them; each source applies its own visibility rules, so a
result the user may not see is never found."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Result:
    title: str
    url: str
    meta: str = ""  # one line of context: job title and department, kind of space ...
    snippet: str = ""  # plain text; templates escape it


@dataclass(frozen=True)
class Source:
    key: str
    label: str  # a lazy translation: "People", "Spaces"
    order: int
    # search(user=, q=, limit=) -> list[Result], already filtered by what the user may see
    search: Callable[..., list[Result]]
    # the page with all results of this kind, given the query ("/people/?q=..."), if any
    more_url: Callable[[str], str] | None = None
    extra: dict = field(default_factory=dict)


_sources: dict[str, Source] = {}


def register(source: Source) -> None:
    _sources[source.key] = source


def unregister(key: str) -> None:
    _sources.pop(key, None)


def sources() -> list[Source]:
    return sorted(_sources.values(), key=lambda source: source.order)
