"""Derived facts: the answers to the questions people ask most, computed from the graph.

Two closures are computed from what the documents state and kept in their own named graph
(``…/id/graph/derived``), so any SPARQL client gets the answer with plain triple patterns
instead of a transitive path over the whole national graph:

* **Dependencies of systems** (``dx:dependsOn``, whose direction ``kg.build_systems.dependency``
  decides from the layering of the architecture): for every system and every system it
  depends on, directly or not, one ``dx:DependencyPath`` with the length of the shortest
  path (``dx:depth``), every hop next to the dependent (``dx:nextHop``) and every hop before
  the dependency (``dx:previousHop``) on a shortest path; plus the shortcut
  ``dx:dependsOnTransitively``. Upstream, downstream and impact are then index lookups.
* **Legal bases** (``dx:partOfPlan``, ``dx:legalBasis``, ``eli:based_on``, ``dx:implements``):
  for every document — and everything a task, indicator or plan rests on — each document
  it rests on, directly or not, as a ``dx:LegalBasisPath`` with its depth, plus the shortcut
  ``dx:restsOn``. A task's chain is its own links followed by their paths (the named query
  ``legal-basis-trace``).

The graph is regenerated, never edited: ``refresh_derived(store)`` recomputes it from the
store's current contents and replaces it; call it after any write that touches
``dx:dependsOn`` or the four legal-basis relations (the build does, after loading).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

import networkx as nx
import pyoxigraph as ox

from dxkg.kg.namespaces import DERIVED_GRAPH, DX, ID
from dxkg.kg.rdf import ELI, RDF, XSD
from dxkg.kg.store import solutions

DEPENDS_ON = DX + "dependsOn"
# properties only the derived graph holds: views of what documents state leave them out
DERIVED_PROPERTIES = tuple(
    DX + p for p in ("dependsOnTransitively", "restsOn", "pathFrom", "pathTo", "nextHop", "previousHop", "depth")
)
LEGAL_BASIS_RELATIONS = (DX + "partOfPlan", DX + "legalBasis", ELI + "based_on", DX + "implements")
# the local names of every input relation: a write whose text names none of them (and removes
# nothing wholesale) leaves the derived graph as it is
INPUT_NAMES = tuple(iri.rsplit("/", 1)[-1].rsplit("#", 1)[-1] for iri in (DEPENDS_ON, *LEGAL_BASIS_RELATIONS))


def refresh_derived(store) -> int:
    """Recompute the derived graph of ``store`` (embedded or remote) and replace it; returns
    the number of triples written."""
    quads = derive(store)
    store.replace_graph(DERIVED_GRAPH, quads)
    return len(quads)


def derive(store) -> list[ox.Quad]:
    """The derived graph's quads, from the store's current contents (the derived graph
    itself is not an input: none of its properties is)."""
    documents = {row["s"]["value"] for row in _rows(store, f"SELECT DISTINCT ?s WHERE {{ ?s a <{DX}LegalDocument> }}")}
    return closures(_edges(store, (DEPENDS_ON,)), _edges(store, LEGAL_BASIS_RELATIONS), documents)


def closures(
    dependencies: Iterable[tuple[str, str]], legal: Iterable[tuple[str, str]], documents: set
) -> list[ox.Quad]:
    """The derived graph's quads from the links (IRI, IRI) by ``dx:dependsOn`` and by the
    legal-basis relations, and the IRIs typed ``dx:LegalDocument``."""
    w = _Writer()
    g = nx.DiGraph()
    g.add_edges_from(dependencies)
    _dependency_paths(w, g)
    _legal_basis_paths(w, legal, documents)
    return w.quads


class Inputs:
    """What ``closures`` reads, gathered while a build writes its graphs (``GraphWriter``'s
    ``watch``): the build then needs no query of the store it is loading."""

    predicates = frozenset({DEPENDS_ON, *LEGAL_BASIS_RELATIONS, RDF + "type"})

    def __init__(self):
        self.dependencies: list[tuple[str, str]] = []
        self.legal: list[tuple[str, str]] = []
        self.documents: set[str] = set()

    def __call__(self, s: str, p: str, o: str) -> None:
        """A quad whose predicate is one of ``predicates`` and whose object is an IRI."""
        if p == DEPENDS_ON:
            self.dependencies.append((s, o))
        elif p != RDF + "type":
            self.legal.append((s, o))
        elif o == DX + "LegalDocument":
            self.documents.add(s)

    def quads(self) -> list[ox.Quad]:
        return closures(self.dependencies, self.legal, self.documents)


# ---------------------------------------------------------------- inputs
def _rows(store, sparql: str) -> list[dict]:
    return store.select(sparql)["results"]["bindings"]


def _edges(store, predicates: Iterable[str]) -> list[tuple[str, str]]:
    """The IRI → IRI links by any of ``predicates``, over every graph."""
    path = "|".join(f"<{p}>" for p in predicates)
    query = f"SELECT DISTINCT ?s ?o WHERE {{ ?s {path} ?o . FILTER(ISIRI(?s) && ISIRI(?o)) }}"
    raw = getattr(store, "raw", None)
    if raw is not None:  # rows as pyoxigraph gives them: JSON text turned into dicts took 1.3 s for 10 MB of plans
        return [(s.value, o.value) for s, o in solutions(raw.query(query, use_default_graph_as_union=True))]
    return [(row["s"]["value"], row["o"]["value"]) for row in _rows(store, query)]


# ---------------------------------------------------------------- closures
def shortest_paths(g: nx.DiGraph, source: str) -> dict[str, tuple[int, set]]:
    """Every node reachable from ``source`` in one step or more → (length of a shortest
    path, the nodes just before it on every shortest path). ``source`` itself is included
    when a cycle leads back to it; the hop before a node one step away is ``source``."""
    pred, dist = nx.predecessor(g, source, return_seen=True)
    out = {n: (d, set(pred[n])) for n, d in dist.items() if n != source}
    back = [u for u in g.predecessors(source) if u in dist]
    if back:
        d = min(dist[u] for u in back) + 1
        out[source] = (d, {u for u in back if dist[u] + 1 == d})
    for d, hops in out.values():
        if d == 1:
            hops.add(source)
    return out


def _dependency_paths(w: _Writer, g: nx.DiGraph) -> None:
    rev = g.reverse(copy=False)
    # the hop after the dependent on a shortest path = the hop before it, seen from the dependency
    next_hops: dict[tuple, set] = defaultdict(set)
    for b in g.nodes:
        for a, (_d, hops) in shortest_paths(rev, b).items():
            next_hops[(a, b)] = hops
    for a in sorted(g.nodes):
        for b, (d, hops) in sorted(shortest_paths(g, a).items()):
            node = _path_iri("dependency", a, b)
            w.add(a, DX + "dependsOnTransitively", b)
            w.add(node, RDF + "type", DX + "DependencyPath")
            w.add(node, DX + "pathFrom", a)
            w.add(node, DX + "pathTo", b)
            w.integer(node, DX + "depth", d)
            for h in sorted(next_hops[(a, b)]):
                w.add(node, DX + "nextHop", h)
            for h in sorted(hops):
                w.add(node, DX + "previousHop", h)


def basis_graph(links: Iterable[tuple[str, str]], documents: set) -> tuple[nx.DiGraph, set]:
    """The legal-basis links a chain can follow, and where chains start: every document and
    everything something rests on. A node nothing rests on (a task, an indicator) that is
    not a document starts no chain and no chain reaches it, so its links are left out before
    the graph is made: they are most of a plan's (``tests/test_derived.py`` counts them)."""
    links = list(links)
    sources = documents | {o for _s, o in links}
    g = nx.DiGraph()
    g.add_edges_from((s, o) for s, o in links if s in sources)
    return g, sources


def _legal_basis_paths(w: _Writer, links: Iterable[tuple[str, str]], documents: set) -> None:
    """For every start (``basis_graph``), each node it rests on and the depth."""
    g, sources = basis_graph(links, documents)
    for a in sorted(sources):
        if a not in g:
            continue
        for b, d in sorted(nx.single_source_shortest_path_length(g, a).items()):
            if b == a:
                continue
            node = _path_iri("basis", a, b)
            w.add(a, DX + "restsOn", b)
            w.add(node, RDF + "type", DX + "LegalBasisPath")
            w.add(node, DX + "pathFrom", a)
            w.add(node, DX + "pathTo", b)
            w.integer(node, DX + "depth", d)


def _path_iri(kind: str, a: str, b: str) -> str:
    """Deterministic and readable: …/id/path/dependency/system/ha-nam/lgsp/to/system/viet-nam/ndxp."""
    return f"{ID}path/{kind}/{a.removeprefix(ID)}/to/{b.removeprefix(ID)}"


class _Writer:
    def __init__(self):
        self.graph = ox.NamedNode(DERIVED_GRAPH)
        self.quads: list[ox.Quad] = []

    def add(self, s: str, p: str, o: str) -> None:
        self.quads.append(ox.Quad(ox.NamedNode(s), ox.NamedNode(p), ox.NamedNode(o), self.graph))

    def integer(self, s: str, p: str, v: int) -> None:
        lit = ox.Literal(str(v), datatype=ox.NamedNode(XSD + "integer"))
        self.quads.append(ox.Quad(ox.NamedNode(s), ox.NamedNode(p), lit, self.graph))
