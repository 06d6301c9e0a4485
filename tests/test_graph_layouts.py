"""Layouts (``server.graph.layouts``) as pure functions: levels become rows or columns, wide
layers wrap, nodes never sit on top of each other, clusters are packed apart and labelled."""

from __future__ import annotations

import itertools
import math

import networkx as nx

from dxkg.server.graph import layouts


def min_distance(pos: dict) -> float:
    return min(math.dist(a, b) for a, b in itertools.combinations(pos.values(), 2))


def test_layered_top_to_bottom_puts_each_level_on_its_own_row():
    levels = {"c": 0, "a": -1, "b": -1, "x": 1}
    pos = layouts.layered(levels, [("a", "c"), ("b", "c"), ("c", "x")], "tb", {})
    assert pos["c"][1] == 0
    assert pos["a"][1] == pos["b"][1] < 0 < pos["x"][1]
    assert min_distance(pos) >= layouts.NODE_GAP


def test_layered_left_to_right_uses_columns():
    pos = layouts.layered({"t": 0, "p": 1, "law": 2}, [("t", "p"), ("p", "law")], "lr", {})
    assert pos["t"][0] < pos["p"][0] < pos["law"][0]
    assert pos["t"][1] == pos["p"][1] == pos["law"][1] == 0


def test_a_wide_layer_wraps_into_rows():
    levels = {"hub": 0} | {f"n{i}": -1 for i in range(3 * layouts.ROW_MAX)}
    pos = layouts.layered(levels, [(f"n{i}", "hub") for i in range(3 * layouts.ROW_MAX)], "tb", {})
    rows = {pos[f"n{i}"][1] for i in range(3 * layouts.ROW_MAX)}
    assert len(rows) == 3
    assert min_distance(pos) > 10


def test_radial_keeps_the_centre_in_the_middle_and_spreads_the_rest():
    pos = layouts.radial_around("c", [f"n{i}" for i in range(40)])
    assert pos["c"] == (0.0, 0.0)
    assert min(math.hypot(*pos[f"n{i}"]) for i in range(40)) >= layouts.NODE_GAP
    assert min_distance(pos) > layouts.NODE_GAP / 2


def test_balloon_puts_the_hub_at_the_centre_of_its_spokes():
    g = nx.star_graph(12)
    pos, radius = layouts.balloon(g, 0, {})
    assert pos[0] == (0.0, 0.0) and len(pos) == 13
    assert all(math.hypot(*pos[n]) <= radius for n in pos)
    assert min_distance(pos) > layouts.NODE_GAP / 2


def test_clusters_are_packed_apart_each_with_one_label():
    clusters = {"Hà Nam": ["a", "b", "c"], "Quảng Nam": ["d", "e"], "Việt Nam": ["f"]}
    pos, marks = layouts.cluster_layout(clusters, [("a", "b"), ("b", "c"), ("d", "e"), ("c", "f")])
    assert set(pos) == set("abcdef")
    assert sorted(m["label"] for m in marks) == sorted(clusters)
    discs = {m["label"]: (m["x"], m["y"] + m["r"] - layouts.NODE_GAP * 0.3, m["r"]) for m in marks}
    for label, members in clusters.items():  # each label sits above its own cluster's nodes
        x, y, r = discs[label]
        assert min(pos[n][1] for n in members) > y - r + layouts.NODE_GAP * 0.3
    for (x1, y1, r1), (x2, y2, r2) in itertools.combinations(discs.values(), 2):
        assert math.dist((x1, y1), (x2, y2)) >= r1 + r2 - 1  # discs do not overlap
    for label, members in clusters.items():
        x, y, r = discs[label]
        assert all(math.dist(pos[n], (x, y)) <= r for n in members)
