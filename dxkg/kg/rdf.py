"""RDF writing helpers: vocabulary IRIs, literals, and the per-graph quad collector."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pyoxigraph as ox

from dxkg.kg.namespaces import DX, PREFIXES
from dxkg.loaders.records import Span

RDF = PREFIXES["rdf"]
RDFS = PREFIXES["rdfs"]
XSD = PREFIXES["xsd"]
SKOS = PREFIXES["skos"]
ELI = PREFIXES["eli"]
PROV = PREFIXES["prov"]
ORG = PREFIXES["org"]
DCT = PREFIXES["dcterms"]
TIME = PREFIXES["time"]
SCHEMA = PREFIXES["schema"]
_TYPE = RDF + "type"


def lit(v) -> ox.Literal:
    if isinstance(v, bool):
        return ox.Literal("true" if v else "false", datatype=ox.NamedNode(XSD + "boolean"))
    if isinstance(v, int):
        return ox.Literal(str(v), datatype=ox.NamedNode(XSD + "integer"))
    if isinstance(v, Decimal):
        s = format(v.normalize(), "f")
        return ox.Literal(s if "." in s else s + ".0", datatype=ox.NamedNode(XSD + "decimal"))
    if isinstance(v, date):
        return ox.Literal(v.isoformat(), datatype=ox.NamedNode(XSD + "date"))
    return ox.Literal(str(v))


def vi(text: str) -> ox.Literal:
    return ox.Literal(text, language="vi")


_VOCABULARY: dict[str, ox.NamedNode] = {}


def _term(iri: str) -> ox.NamedNode:
    """A predicate's or class's node, made once: the vocabulary is small and every quad
    names a predicate (making a node checks its IRI, a third of the cost of a quad)."""
    node = _VOCABULARY.get(iri)
    if node is None:
        node = _VOCABULARY[iri] = ox.NamedNode(iri)
    return node


class GraphWriter:
    """Collects the quads of one named graph, with small helpers for the common shapes.

    With ``flush``, every ``chunk`` quads are handed to ``flush(graph IRI, quads)`` as they
    are written and ``quads`` holds only the rest: a long document's graph goes to the store
    in pieces instead of being held whole."""

    def __init__(self, graph: str, places: dict | None = None, flush=None, chunk: int = 50_000):
        self.graph = ox.NamedNode(graph)
        self.quads: list[ox.Quad] = []
        self.places = places or {}  # line → page and table row, for documents read from Word/PDF/scans
        self.flush, self.chunk = flush, chunk
        # the last subject and its node: the shapes write one subject's quads in a run
        self._subject: str | None = None
        self._subject_node = self.graph

    def add(self, s: str, p: str, o) -> None:
        if o is None or o == "":
            return
        if isinstance(o, str):
            o = _term(o) if p == _TYPE else ox.NamedNode(o)
        elif not isinstance(o, (ox.NamedNode, ox.Literal, ox.BlankNode)):
            o = lit(o)
        if self._subject != s:
            self._subject, self._subject_node = s, ox.NamedNode(s)
        self.quads.append(ox.Quad(self._subject_node, _term(p), o, self.graph))
        if self.flush is not None and len(self.quads) >= self.chunk:
            self.flush(self.graph.value, self.quads)
            self.quads = []

    def value(self, s: str, p: str, v) -> None:
        """A literal value (plain strings become literals, not IRIs)."""
        if v is None or v == "":
            return
        self.add(s, p, lit(v) if not isinstance(v, ox.Literal) else v)

    def typed(self, s: str, *classes: str) -> None:
        for c in classes:
            self.add(s, RDF + "type", c)

    def label(self, s: str, text: str | None) -> None:
        if text:
            self.add(s, RDFS + "label", vi(text))

    def provenance(self, s: str, source: str, span: Span) -> None:
        self.add(s, PROV + "wasDerivedFrom", source)
        self.value(s, DX + "sourceFile", span.file)
        self.value(s, DX + "lineStart", span.line)
        self.value(s, DX + "lineEnd", span.end_line)
        place = self.places.get(span.line)
        row = place.text if place and place.text and span.line == span.end_line else ""
        self.value(s, DX + "sourceText", row or span.text)  # a table row as read in the original, not as laid out
        if place:
            self.value(s, DX + "sourcePage", place.page)
            self.value(s, DX + "sourcePlace", place.where)
