"""Which texts are alike, all pairs at once, by the measure PostgreSQL's pg_trgm uses (the
share of trigrams two texts have in common, of all trigrams either has). Registering one
report asks PostgreSQL (`%` over the trigram index); grouping a whole backlog again asks this
module, because comparing thousands of reports with each other in SQL costs a comparison per
pair. Here the prefix filter (Bayardo et al., "Scaling up all pairs similarity search",
2007) compares only pairs that share one of their rarest trigrams, which every pair above the
threshold must."""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from itertools import chain

_WORD = re.compile(r"[^\W_]+")


def trigrams(text: str) -> frozenset[str]:
    """pg_trgm's trigrams: per word (letters and digits, lower case), padded with two spaces
    in front and one behind."""
    found = set()
    for word in _WORD.findall(text.lower()):
        padded = f"  {word} "
        found.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return frozenset(found)


def similarity(a: frozenset, b: frozenset) -> float:
    if not a or not b:
        return 0.0
    shared = len(a & b)
    return shared / (len(a) + len(b) - shared)


def clusters(texts: dict[int, str], threshold: float) -> list[set[int]]:
    """The ids in groups: two texts with a similarity of at least `threshold` (0 < t <= 1)
    are in the same group, and so, in a chain, are the texts alike to either. A candidate
    already in the text's group is not compared again."""
    sets = {key: trigrams(text) for key, text in texts.items()}
    frequency = Counter(t for grams in sets.values() for t in grams)
    rank = {t: (n, t) for t, n in frequency.items()}
    ordered = sorted(
        ((key, sorted(grams, key=rank.__getitem__)) for key, grams in sets.items() if grams),
        key=lambda item: len(item[1]),
    )
    parent = {key: key for key in texts}
    sizes = {key: len(grams) for key, grams in sets.items()}

    def root(key):
        while parent[key] != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    # Every text's trigrams are indexed; a text probes with its prefix only. For a pair to
    # reach the threshold they share at least t/(1+t) * (|x|+|y|) trigrams, and at most
    # |x| - prefix of those lie outside x's prefix: fewer shared in the prefix rules it out
    # before the sets are compared.
    index: dict[str, list[int]] = defaultdict(list)
    share = threshold / (1 + threshold)
    for key, grams in ordered:
        size = len(grams)
        prefix = size - math.ceil(threshold * size - 1e-9) + 1
        smallest = threshold * size  # a smaller text cannot reach the threshold
        # Counter counts in C: this loop is where the time goes for thousands of reports.
        hits = Counter(chain.from_iterable(index[gram] for gram in grams[:prefix]))
        mine = root(key)
        mine_set = sets[key]
        for other, shared in hits.items():
            other_size = sizes[other]
            if other_size < smallest or shared < math.ceil(share * (size + other_size) - 1e-9) - (
                size - prefix
            ):
                continue
            theirs = root(other)
            if mine != theirs and similarity(mine_set, sets[other]) >= threshold:
                parent[theirs] = mine
                mine = root(key)
        for gram in grams:
            index[gram].append(key)
    groups: dict[int, set[int]] = defaultdict(set)
    for key in texts:
        groups[root(key)].add(key)
    return list(groups.values())
