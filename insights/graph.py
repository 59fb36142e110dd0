"""The network measures, on plain data so they can be checked on a hand-made graph. No
database here: sources.py reads the interactions, services.py stores what this computes.

People are nodes; a tie between two people is every interaction between them in the window,
in either direction, weighted by what it was (an answer weighs more than a reaction)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import networkx as nx

# Exact betweenness costs a breadth-first search from every person; above this many people a
# sample of this many sources estimates it (networkx's k), seeded so snapshots are repeatable.
BETWEENNESS_SAMPLES = 300
SEED = 7


def build(ties: Iterable[tuple[int, int, float]]) -> nx.Graph:
    """An undirected weighted graph; ties in both directions add up, ties to oneself drop."""
    graph = nx.Graph()
    for a, b, weight in ties:
        if a == b or a is None or b is None:
            continue
        if graph.has_edge(a, b):
            graph[a][b]["weight"] += weight
        else:
            graph.add_edge(a, b, weight=float(weight))
    return graph


@dataclass
class PersonMeasures:
    ties: int
    weight: float
    pagerank: float
    betweenness: float


def people(graph: nx.Graph, *, samples: int = BETWEENNESS_SAMPLES) -> dict[int, PersonMeasures]:
    """Per person: how many colleagues they interact with (ties) and how much (weight);
    PageRank (connected to well-connected colleagues: informal leaders); betweenness (on the
    shortest paths between others: brokers), exact up to `samples` people, estimated above."""
    if graph.number_of_nodes() == 0:
        return {}
    rank = nx.pagerank(graph, weight="weight")
    between = betweenness(graph, samples=samples)
    return {
        node: PersonMeasures(
            ties=graph.degree(node),
            weight=graph.degree(node, weight="weight"),
            pagerank=rank[node],
            betweenness=between[node],
        )
        for node in graph.nodes
    }


def betweenness(graph: nx.Graph, *, samples: int = BETWEENNESS_SAMPLES,
                batch: int = 64) -> dict:  # fmt: skip
    """Betweenness centrality, unweighted and normalised as networkx computes it (Brandes'
    algorithm), exact up to `samples` people and estimated from `samples` sources above.

    networkx walks the graph in Python, one source at a time: for 5,000 people and half a
    million ties that took over a minute. Here `batch` breadth-first searches run at once as
    sparse matrix products (SciPy): each level of the search is one product of the adjacency
    matrix with the frontier's path counts, and the dependencies flow back level by level the
    same way. Same numbers (checked against networkx in the tests), a few seconds."""
    import numpy as np

    nodes = list(graph.nodes)
    n = len(nodes)
    if n <= 2:
        return dict.fromkeys(nodes, 0.0)
    adjacency = nx.to_scipy_sparse_array(graph, nodelist=nodes, weight=None, format="csr")
    adjacency.data[:] = 1.0
    if n <= samples:
        sources = np.arange(n)
    else:
        sources = np.random.default_rng(SEED).choice(n, size=samples, replace=False)
    total = np.zeros(n)
    for start in range(0, len(sources), batch):
        chunk = sources[start : start + batch]
        width = len(chunk)
        columns = np.arange(width)
        depth = np.full((n, width), -1, dtype=np.int32)
        paths = np.zeros((n, width))
        depth[chunk, columns] = 0
        paths[chunk, columns] = 1.0
        frontier = np.zeros((n, width), dtype=bool)
        frontier[chunk, columns] = True
        level = 0
        while frontier.any():
            reached = adjacency @ np.where(frontier, paths, 0.0)
            new = (reached > 0) & (depth < 0)
            level += 1
            depth[new] = level
            paths[new] = reached[new]
            frontier = new
        dependency = np.zeros((n, width))
        safe = np.where(paths > 0, paths, 1.0)
        for d in range(level - 1, 0, -1):
            below = np.where(depth == d + 1, (1.0 + dependency) / safe, 0.0)
            share = adjacency @ below
            here = depth == d
            dependency[here] += paths[here] * share[here]
        total += dependency.sum(axis=1)
    scale = 1.0 / ((n - 1) * (n - 2))
    if n > samples:
        scale *= n / samples
    return {node: float(total[i] * scale) for i, node in enumerate(nodes)}


@dataclass
class DepartmentMeasures:
    internal: float = 0.0
    external: float = 0.0
    partners: int = 0
    betweenness: float = 0.0

    @property
    def outside_share(self) -> float | None:
        total = self.internal + self.external
        return self.external / total if total else None


def departments(
    graph: nx.Graph,
    *,
    department_of: dict[int, int | None],
    handoffs: Iterable[tuple[int, int, float]] = (),
) -> tuple[dict[int, DepartmentMeasures], dict[tuple[int, int], float]]:
    """Person ties summed per pair of departments (plus cards handed from one department to
    another), and per department: weight inside, weight outside, how many departments it
    works with, and its betweenness in the department graph (a bridge between others)."""
    found: dict[int, DepartmentMeasures] = defaultdict(DepartmentMeasures)
    pairs: dict[tuple[int, int], float] = defaultdict(float)
    for a, b, weight in graph.edges(data="weight"):
        da, db = department_of.get(a), department_of.get(b)
        if da is None or db is None:
            continue
        if da == db:
            found[da].internal += weight
        else:
            pairs[(min(da, db), max(da, db))] += weight
    for da, db, weight in handoffs:
        if da is not None and db is not None and da != db:
            pairs[(min(da, db), max(da, db))] += weight
    network = nx.Graph()
    network.add_nodes_from(found)
    for (da, db), weight in pairs.items():
        found[da].external += weight
        found[db].external += weight
        # Shortest paths follow strong ties: where most departments work with most others a
        # little, the bridge is the one the heavy traffic runs through.
        network.add_edge(da, db, weight=weight, distance=1 / weight)
    between = (
        nx.betweenness_centrality(network, normalized=True, weight="distance")
        if network.number_of_nodes()
        else {}
    )
    for department, measures in found.items():
        measures.partners = network.degree(department) if department in network else 0
        measures.betweenness = between.get(department, 0.0)
    return dict(found), dict(pairs)


def silos_and_bridges(
    measures: dict[int, DepartmentMeasures], *, silo_share: float = 0.2
) -> tuple[set[int], set[int]]:
    """Silos: departments with activity of which less than `silo_share` crosses to another
    department, or with at most one partner department. Bridges: departments on the paths
    between the others (betweenness at least half the highest, and above zero)."""
    silos = {
        d for d, m in measures.items()
        if (m.internal + m.external) > 0 and (m.outside_share < silo_share or m.partners <= 1)
    }  # fmt: skip
    top = max((m.betweenness for m in measures.values()), default=0.0)
    bridges = {d for d, m in measures.items() if top > 0 and m.betweenness >= top / 2}
    return silos, bridges
