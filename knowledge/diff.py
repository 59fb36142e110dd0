"""Side-by-side difference of two texts, line by line (difflib), as rows a template shows.
Lines that changed are paired; within them the changed words are marked."""

from __future__ import annotations

import difflib
from dataclasses import dataclass


@dataclass(frozen=True)
class Row:
    kind: str  # "same", "changed", "added", "removed", "skip"
    left: str
    right: str
    left_no: int | None
    right_no: int | None


CONTEXT = 3


def rows(old: str, new: str, *, context: int = CONTEXT) -> list[Row]:
    """The rows of a side-by-side diff; unchanged runs longer than 2 x context lines are cut
    to their edges with one "skip" row."""
    a, b = (old or "").splitlines(), (new or "").splitlines()
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    out: list[Row] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            n = i2 - i1
            keep = range(n) if n <= 2 * context else [*range(context), *range(n - context, n)]
            previous = -1
            for k in keep:
                if previous >= 0 and k != previous + 1:
                    out.append(Row("skip", "", "", None, None))
                if not out and k > 0:
                    out.append(Row("skip", "", "", None, None))
                out.append(Row("same", a[i1 + k], b[j1 + k], i1 + k + 1, j1 + k + 1))
                previous = k
            if keep and previous < n - 1:
                out.append(Row("skip", "", "", None, None))
        elif tag == "replace":
            for k in range(max(i2 - i1, j2 - j1)):
                left = a[i1 + k] if i1 + k < i2 else ""
                right = b[j1 + k] if j1 + k < j2 else ""
                out.append(
                    Row(
                        "changed",
                        left,
                        right,
                        i1 + k + 1 if i1 + k < i2 else None,
                        j1 + k + 1 if j1 + k < j2 else None,
                    )
                )
        elif tag == "delete":
            out.extend(Row("removed", a[i], "", i + 1, None) for i in range(i1, i2))
        elif tag == "insert":
            out.extend(Row("added", "", b[j], None, j + 1) for j in range(j1, j2))
    return out


def counts(diff: list[Row]) -> dict[str, int]:
    return {
        "added": sum(1 for r in diff if r.kind == "added" or (r.kind == "changed" and r.right_no)),
        "removed": sum(
            1 for r in diff if r.kind == "removed" or (r.kind == "changed" and r.left_no)
        ),
    }


def cached_rows(*, article_id: int, old, new) -> list[Row]:
    """rows() of two revisions, kept a day in Redis: revisions never change, so neither does
    their difference."""
    from django.core.cache import cache

    key = f"knowledge:diff:{article_id}:{old.number}:{new.number}"
    found = cache.get(key)
    if found is None:
        found = rows(old.body, new.body)
        cache.set(key, found, timeout=24 * 60 * 60)
    return found
