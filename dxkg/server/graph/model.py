"""The graph view model: nodes, edges, tables and legend that the page draws as they are.

A ``View`` is what every ``/api/graph/…`` route returns (``json()``), exports as GraphML
(``graph()``) or as the CONSTRUCT that gives its nodes as RDF (``construct_query()``).
Nodes are named by IRI; ``compact``/``expand`` turn instance IRIs into the short ``dxid:…``
references of the page's URLs and back.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import networkx as nx

from dxkg.kg import queries
from dxkg.kg.namespaces import ID, PREFIXES

PREFIX_BLOCK = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())


class NotFound(LookupError):
    """What a view was asked about is not in the graph (the message says what)."""


def compact(iri: str) -> str:
    """``dxid:…`` for instance IRIs: short permalinks, and no scheme in the page's URLs."""
    return "dxid:" + iri[len(ID) :] if iri.startswith(ID) else iri


def expand(ref: str) -> str:
    """The IRI of a ``dxid:…`` reference or a full IRI; refuses anything that is neither."""
    iri = ID + ref[5:] if ref.startswith("dxid:") else ref
    try:
        queries.term(iri, "iri")
    except queries.QueryError as e:
        raise NotFound(str(e)) from None
    if not re.match(r"[a-z][a-z0-9+.-]*:", iri, re.I):
        raise NotFound(f"not an IRI or dxid: reference: {ref!r}")
    return iri


def values(var: str, iris) -> str:
    """A SPARQL ``VALUES`` block binding ``?var`` to each IRI."""
    return f"VALUES ?{var} {{ {' '.join(f'<{i}>' for i in iris)} }}"


def cell(iri: str, text: str) -> dict:
    """A table cell that names a node: the page makes it select that node."""
    return {"text": text, "node": iri}


@dataclass
class Node:
    id: str
    label: str
    type: str
    group: str
    title: str = ""
    scope: str = ""
    national: bool = False
    shape: str = "dot"
    color: str = "#999999"
    group_label: str = ""
    x: float | None = None
    y: float | None = None
    highlight: bool = False

    def json(self) -> dict:
        d = {k: v for k, v in self.__dict__.items() if v is not None}
        d["ref"] = compact(self.id)
        return d


@dataclass
class Edge:
    id: str
    source: str
    target: str
    label: str
    relation: str
    title: str = ""
    arrows: str = ""
    highlight: bool = False

    def json(self) -> dict:
        return {
            "id": self.id,
            "from": self.source,
            "to": self.target,
            "label": self.label,
            "relation": self.relation,
            "title": self.title,
            "arrows": self.arrows,
            "highlight": self.highlight,
        }


@dataclass
class View:
    """One graph view; ``json()`` is what the API returns and the page draws."""

    kind: str
    title: str
    nodes: dict = field(default_factory=dict)  # id → Node
    edges: dict = field(default_factory=dict)  # id → Edge
    total: int = 0  # nodes before the cap
    tables: list = field(default_factory=list)  # {"title", "columns", "rows"}
    clusters: list = field(default_factory=list)  # {"label", "x", "y"}
    groups: dict = field(default_factory=dict)  # legend: group → {"label", "color"}
    center: str | None = None
    layout: str = "free"  # free | layered-lr | layered-tb

    def add_node(self, node: Node) -> None:
        self.nodes[node.id] = node
        self.groups.setdefault(node.group, {"label": node.group_label, "color": node.color})

    def json(self) -> dict:
        return {
            "kind": self.kind,
            "title": self.title,
            "center": self.center,
            "id_base": ID,
            "layout": self.layout,
            "nodes": [n.json() for n in self.nodes.values()],
            "edges": [e.json() for e in self.edges.values()],
            "total_nodes": max(self.total, len(self.nodes)),
            "shown_nodes": len(self.nodes),
            "truncated": self.total > len(self.nodes),
            "groups": self.groups,
            "relations": self.relation_labels(),
            "tables": self.tables,
            "clusters": self.clusters,
        }

    def relation_labels(self) -> dict:
        return {e.relation: e.label for e in self.edges.values()}

    def graph(self) -> nx.MultiDiGraph:
        """The view as networkx (for GraphML): scalar attributes only."""
        g = nx.MultiDiGraph(title=self.title)
        for n in self.nodes.values():
            g.add_node(n.id, **{k: v for k, v in n.json().items() if v is not None and k != "id"})
        for e in self.edges.values():
            g.add_edge(e.source, e.target, key=e.id, label=e.label, relation=e.relation, title=e.title)
        return g

    def construct_query(self) -> str:
        """A CONSTRUCT giving the view's nodes as RDF: their literals, types and mutual links."""
        ids = sorted(self.nodes)
        return (
            PREFIX_BLOCK + "CONSTRUCT { ?s ?p ?o } WHERE {\n  " + values("s", ids) + "\n"
            "  { ?s ?p ?o FILTER(isLiteral(?o) || ?p = rdf:type) }\n  UNION\n  { "
            + values("o", ids)
            + " ?s ?p ?o }\n}\n"
        )


def place(view: View, pos: dict) -> None:
    """Copy layout positions onto the view's nodes (rounded: the JSON stays small)."""
    for n, (x, y) in pos.items():
        if n in view.nodes:
            view.nodes[n].x, view.nodes[n].y = round(x, 1), round(y, 1)


def pairs(view: View) -> list:
    return [(e.source, e.target) for e in view.edges.values()]


def plain_label(n: Node) -> str:
    """A node's full label (its drawn label may be clipped or multi-line)."""
    return n.title.split("\n")[0]
