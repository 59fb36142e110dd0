"""Reads for search: every registered source, each with its own rules."""

from __future__ import annotations

from dataclasses import dataclass

from intranet.search.registry import Result, Source, sources

MAX_QUERY = 100


@dataclass(frozen=True)
class Group:
    source: Source
    results: list[Result]
    more_url: str | None


def clean_query(raw: str | None) -> str:
    return " ".join((raw or "").split())[:MAX_QUERY]


def search(*, user, q: str, limit: int = 5) -> list[Group]:
    """Results grouped by kind, in the sources' order; kinds without results are left out.
    One or two queries per source, whatever the number of results."""
    q = clean_query(q)
    if len(q) < 2:
        return []
    groups = []
    for source in sources():
        results = source.search(user=user, q=q, limit=limit)
        if results:
            more = source.more_url(q) if source.more_url else None
            groups.append(Group(source=source, results=results, more_url=more))
    return groups
