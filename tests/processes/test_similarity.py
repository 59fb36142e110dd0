"""The all-pairs similarity agrees with PostgreSQL's pg_trgm, pair by pair."""

import itertools
import random

import pytest
from django.db import connection

from processes import similarity

pytestmark = pytest.mark.django_db

TEXTS = [
    "Klant wil in termijnen betalen",
    "Klant wil in drie termijnen betalen",
    "Klant wil zelf ophalen bij het magazijn",
    "Klant wil ophalen bij het magazijn",
    "Monteur moest terug: verkeerd adres",
    "Levering op zaterdag gevraagd",
    "Ça coûte 10 €!",
    "",
    "klant",
    "KLANT WIL IN TERMIJNEN BETALEN.",
]


def test_similarity_is_pg_trgms():
    with connection.cursor() as cursor:
        for a, b in itertools.combinations(TEXTS, 2):
            cursor.execute("SELECT similarity(%s, %s)", [a, b])
            expected = cursor.fetchone()[0]
            got = similarity.similarity(similarity.trigrams(a), similarity.trigrams(b))
            assert got == pytest.approx(expected, abs=1e-6), (a, b)


def test_clusters_are_the_groups_a_full_comparison_makes():
    import networkx

    rng = random.Random(3)
    words = ["klant", "wil", "termijnen", "betalen", "ophalen", "magazijn", "levering", "adres"]
    texts = {n: " ".join(rng.sample(words, rng.randint(1, 6))) for n in range(300)}
    grams = {n: similarity.trigrams(t) for n, t in texts.items()}
    for threshold in (0.3, 0.5, 0.8, 1.0):
        graph = networkx.Graph()
        graph.add_nodes_from(texts)
        graph.add_edges_from(
            (a, b)
            for a, b in itertools.combinations(texts, 2)
            if similarity.similarity(grams[a], grams[b]) >= threshold
        )
        expected = sorted(sorted(c) for c in networkx.connected_components(graph))
        found = sorted(sorted(c) for c in similarity.clusters(texts, threshold))
        assert found == expected, threshold
