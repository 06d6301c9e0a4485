"""Layouts computed on the server, so the browser only draws: the same picture on every load,
no physics to wait for. Pure functions of node ids, edges and labels → positions (x, y).

- ``layered``: levels as rows (``tb``) or columns (``lr``), barycentre-ordered, wide layers wrapped;
- ``radial_around``: one node in the middle, the others on a Fermat spiral;
- ``balloon`` / ``component_layout`` / ``cluster_layout``: hub-and-spoke rosettes per connected
  component, packed per cluster (a province), clusters packed apart with one label each.
"""

from __future__ import annotations

import math
from collections import defaultdict

import networkx as nx

NODE_GAP = 110  # px between neighbouring nodes
LEVEL_GAP = 170  # px between layers
ROW_MAX = 14  # nodes per row in a layer before it wraps


def layered(levels: dict, edges: list, axis: str, labels: dict) -> dict:
    """Layers by level (rows top-to-bottom for ``tb``, columns left-to-right for ``lr``).

    Layers are filled outward from level 0, each node placed by the mean position of its
    already-placed neighbours (barycentre ordering), which keeps crossings low; a layer wider
    than ``ROW_MAX`` wraps into several rows so a hub with 200 dependents stays readable.
    """
    nbrs = defaultdict(set)
    for a, b in edges:
        nbrs[a].add(b)
        nbrs[b].add(a)
    by_level = defaultdict(list)
    for n, lv in levels.items():
        by_level[lv].append(n)
    depth = LEVEL_GAP * (1.6 if axis == "lr" else 1.0)
    row_gap = depth * (0.8 if axis == "lr" else 0.45)  # a wrapped column must clear a box's width
    gap = NODE_GAP * (0.85 if axis == "lr" else 1.6)  # boxes stack tighter than labelled dots
    row_max = 8 if axis == "lr" else ROW_MAX  # the canvas is wider than it is tall
    across: dict[str, float] = {}
    along: dict[str, float] = {}
    reached = {1: 0.0, -1: 0.0}  # furthest layer coordinate used on each side of 0

    def barycentre(n):
        placed = [across[m] for m in nbrs[n] if m in across]
        return (sum(placed) / len(placed) if placed else 0.0, labels.get(n, ""), n)

    for lv in sorted(by_level, key=lambda v: (abs(v), v)):
        layer = sorted(by_level[lv], key=barycentre)
        sign = -1 if lv < 0 else 1
        first = reached[sign] + depth if lv else 0.0
        for i, n in enumerate(layer):
            row, col = divmod(i, row_max)
            width = min(row_max, len(layer) - row * row_max)
            across[n] = (col - (width - 1) / 2 + (row % 2) / 2) * gap
            along[n] = sign * (first + row * row_gap)
        reached[sign] = first + (math.ceil(len(layer) / row_max) - 1) * row_gap
    return {n: (along[n], across[n]) if axis == "lr" else (across[n], along[n]) for n in levels}


def radial_around(center: str, others: list) -> dict:
    pos = {center: (0.0, 0.0)}
    pos.update(_sunflower(others, NODE_GAP * 1.6))
    return pos


def _sunflower(nodes: list, start: float) -> dict:
    """Nodes on a Fermat spiral: evenly spread discs, any count, no overlaps."""
    golden = math.pi * (3 - math.sqrt(5))
    pos = {}
    for i, n in enumerate(nodes):
        r = start + NODE_GAP * 0.55 * math.sqrt(i + 1) * 1.6
        pos[n] = (r * math.cos(i * golden), r * math.sin(i * golden))
    return pos


def _spiral_radius(count: int, start: float) -> float:
    return start + NODE_GAP * 0.55 * math.sqrt(count) * 1.6 if count else 0.0


def balloon(g: nx.Graph, root: str, labels: dict) -> tuple[dict, float]:
    """Balloon tree layout of one connected component around its hub (``root``).

    Each node's leaf children sit on a small spiral around it and its other subtrees on a
    ring beyond, every subtree sized by what it holds, so hub-and-spoke architectures
    (LGSP with its connected systems) come out as compact rosettes. Iterative: no recursion
    limit on long chains.
    """
    parent: dict[str, str | None] = {root: None}
    order = [root]
    for n in order:
        for m in sorted(g[n], key=lambda m: (labels.get(m, ""), m)):
            if m not in parent:
                parent[m] = n
                order.append(m)
    kids: defaultdict[str, list[str]] = defaultdict(list)
    for n in order[1:]:
        kids[parent[n] or root].append(n)  # every node but the root has a parent
    local: dict = {}  # node → (positions relative to node, radius)
    for n in reversed(order):
        leaves = [c for c in kids[n] if not kids[c]]
        subs = [c for c in kids[n] if kids[c]]
        pos = {n: (0.0, 0.0)}
        pos.update(_sunflower(leaves, NODE_GAP))
        inner = _spiral_radius(len(leaves), NODE_GAP) if leaves else NODE_GAP * 0.5
        radius = inner
        if subs:
            sizes = [local[c][1] for c in subs]
            ring = max(inner + max(sizes) + NODE_GAP * 0.5, sum(2 * s + NODE_GAP * 0.3 for s in sizes) / (2 * math.pi))
            total = sum(2 * s + NODE_GAP * 0.3 for s in sizes)
            angle = 0.0
            for c, s in zip(subs, sizes, strict=False):
                span = (2 * s + NODE_GAP * 0.3) / total * 2 * math.pi
                theta = angle + span / 2
                cx, cy = ring * math.cos(theta), ring * math.sin(theta)
                for m, (x, y) in local.pop(c)[0].items():
                    pos[m] = (cx + x, cy + y)
                angle += span
            radius = ring + max(sizes)
        local[n] = (pos, radius + NODE_GAP * 0.2)
    return local[root]


def pack(items: list) -> dict:
    """Shelf-pack discs ``(key, radius)`` into a roughly square block; returns key → centre."""
    items = sorted(items, key=lambda kv: (-kv[1], str(kv[0])))
    width = max(math.sqrt(sum((2 * r) ** 2 for _, r in items)) * 1.15, 2 * items[0][1]) if items else 0
    pos, x, y, shelf = {}, 0.0, 0.0, 0.0
    for key, r in items:
        if x and x + 2 * r > width:
            x, y, shelf = 0.0, y + shelf + NODE_GAP * 0.5, 0.0
        pos[key] = (x + r, y + r)
        x += 2 * r + NODE_GAP * 0.5
        shelf = max(shelf, 2 * r)
    return pos


def component_layout(nodes: list, edges: list, labels: dict) -> tuple[dict, float]:
    """One cluster: each connected component as a balloon around its best-linked node,
    the components (and the unlinked nodes as one spiral) packed together."""
    g = nx.Graph()
    g.add_nodes_from(nodes)
    g.add_edges_from((a, b) for a, b in edges if a in g and b in g)
    parts, singles = [], []
    for comp in nx.connected_components(g):
        if len(comp) == 1:
            singles.extend(comp)
            continue
        root = max(comp, key=lambda n: (g.degree(n), labels.get(n, ""), n))
        parts.append(balloon(g.subgraph(comp), root, labels))
    if singles:
        singles.sort(key=lambda n: (labels.get(n, ""), n))
        spiral = _sunflower(singles[1:], NODE_GAP * 0.6)
        spiral[singles[0]] = (0.0, 0.0)
        parts.append((spiral, _spiral_radius(len(singles) - 1, NODE_GAP * 0.6) + NODE_GAP * 0.5))
    centres = pack([(i, r) for i, (_, r) in enumerate(parts)])
    pos = {}
    for i, (local, _) in enumerate(parts):
        cx, cy = centres[i]
        pos.update({n: (cx + x, cy + y) for n, (x, y) in local.items()})
    if not pos:
        return {}, 0.0
    mx = sum(x for x, _ in pos.values()) / len(pos)
    my = sum(y for _, y in pos.values()) / len(pos)
    pos = {n: (x - mx, y - my) for n, (x, y) in pos.items()}
    radius = max(math.hypot(x, y) for x, y in pos.values()) + NODE_GAP * 0.6
    return pos, radius


def cluster_layout(clusters: dict, edges: list, labels: dict | None = None) -> tuple[dict, list]:
    """Clusters (scope → nodes) laid out apart, each labelled above itself on the canvas."""
    labels = labels or {}
    laid = {k: component_layout(v, edges, labels) for k, v in clusters.items()}
    centres = pack([(k, r) for k, (_, r) in laid.items()])
    pos, marks = {}, []
    for k, (local, r) in laid.items():
        cx, cy = centres[k]
        pos.update({n: (cx + x, cy + y) for n, (x, y) in local.items()})
        # inside the cluster's margin, above its top node, so fitting the nodes keeps it in view
        marks.append({"label": k, "x": round(cx, 1), "y": round(cy - r + NODE_GAP * 0.3, 1), "r": round(r, 1)})
    return pos, marks
