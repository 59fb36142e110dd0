"""The network measures on small hand-made graphs whose answers are known."""

import pytest

from insights import graph


def test_a_star_has_its_centre_on_every_path_and_the_highest_rank():
    network = graph.build([(0, leaf, 1.0) for leaf in range(1, 6)])
    found = graph.people(network)
    assert found[0].betweenness == pytest.approx(1.0)  # on all 10 paths between leaves
    assert all(found[leaf].betweenness == 0 for leaf in range(1, 6))
    assert found[0].pagerank > found[1].pagerank
    assert [found[leaf].pagerank for leaf in range(1, 6)] == pytest.approx([found[1].pagerank] * 5)
    assert sum(m.pagerank for m in found.values()) == pytest.approx(1.0)
    assert found[0].ties == 5 and found[1].ties == 1


def test_two_triangles_and_a_bridge_the_bridge_ends_are_the_brokers():
    # 1-2-3 and 4-5-6 are triangles; 3-4 joins them. 3 lies on the paths from 1 and 2 to
    # 4, 5 and 6: 6 of the 10 pairs among the other five people, so 0.6; 1 lies on none.
    ties = [(1, 2, 1), (2, 3, 1), (1, 3, 1), (4, 5, 1), (5, 6, 1), (4, 6, 1), (3, 4, 1)]
    found = graph.people(graph.build(ties))
    assert found[3].betweenness == pytest.approx(0.6)
    assert found[4].betweenness == pytest.approx(0.6)
    assert found[1].betweenness == 0 and found[6].betweenness == 0


def test_sampled_betweenness_above_the_limit_still_finds_the_broker():
    # Two cliques of 8 joined through one person (99) by 0 and 10: with only 5 sources
    # sampled the estimate must still put those three on top and the rest at zero.
    left = [(a, b, 1) for a in range(8) for b in range(a + 1, 8)]
    right = [(a, b, 1) for a in range(10, 18) for b in range(a + 1, 18)]
    found = graph.people(graph.build([*left, *right, (0, 99, 1), (99, 10, 1)]), samples=5)
    ranked = sorted(found, key=lambda n: -found[n].betweenness)
    assert set(ranked[:3]) == {0, 10, 99}
    assert all(found[n].betweenness == 0 for n in ranked[3:])


def test_ties_in_both_directions_add_up_and_ties_to_oneself_drop():
    network = graph.build([(1, 2, 1.0), (2, 1, 3.0), (1, 1, 5.0)])
    assert network[1][2]["weight"] == 4.0 and not network.has_edge(1, 1)
    assert graph.people(graph.build([])) == {}


def test_departments_silos_and_bridges():
    # Departments: A (people 1, 2), B (3, 4), C (5, 6), D (7, 8).
    department_of = {1: "A", 2: "A", 3: "B", 4: "B", 5: "C", 6: "C", 7: "D", 8: "D"}
    ties = [
        (1, 2, 4.0),  # A inside
        (3, 4, 2.0),  # B inside
        (1, 3, 3.0),  # A-B
        (2, 5, 1.0),  # A-C
        (5, 6, 1.0),  # C inside
        (7, 8, 10.0),  # D keeps to itself ...
        (8, 6, 1.0),  # ... but for one tie to C
    ]
    measures, pairs = graph.departments(
        graph.build(ties), department_of=department_of, handoffs=[("B", "C", 2.0)]
    )
    assert pairs == {("A", "B"): 3.0, ("A", "C"): 1.0, ("C", "D"): 1.0, ("B", "C"): 2.0}
    assert measures["A"].internal == 4.0 and measures["A"].external == 4.0
    assert measures["D"].outside_share == pytest.approx(1 / 11)
    assert measures["C"].partners == 3
    silos, bridges = graph.silos_and_bridges(measures)
    assert silos == {"D"}  # 9% of its ties leave it, and it has one partner
    # C is the only way to D: the highest betweenness in the department graph.
    assert "C" in bridges and "D" not in bridges


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_betweenness_matches_networkx_on_random_graphs(seed):
    import networkx as nx

    # Disconnected parts, leaves and cycles: a random graph of 60 people and 90 ties.
    network = nx.gnm_random_graph(60, 90, seed=seed)
    expected = nx.betweenness_centrality(network, normalized=True)
    found = graph.betweenness(network, batch=7)  # batches that do not divide 60
    assert found == pytest.approx(expected, abs=1e-12)


def test_sampled_betweenness_is_scaled_to_the_whole():
    import networkx as nx

    network = nx.barbell_graph(20, 3)
    exact = graph.betweenness(network)
    sampled = graph.betweenness(network, samples=30)
    bridge = max(exact, key=exact.get)
    assert max(sampled, key=sampled.get) in {n for n in exact if exact[n] >= exact[bridge] * 0.9}
    assert sampled[bridge] == pytest.approx(exact[bridge], rel=0.35)
