"""RDF writing helpers: vocabulary IRIs, literals, and the per-graph quad collector."""

from __future__ import annotations

import re
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


class Term(str):
    """An RDF term already written as in N-Quads (``"text"@vi``, ``"3"^^<…#integer>``): what
    ``lit`` and ``vi`` give. The writer joins terms into lines of text, which the store's bulk
    loader parses in Rust: a pyoxigraph object per term and per quad cost the build more
    CPU time than storing them (``kg.pipeline``)."""

    __slots__ = ()


_ESCAPED = re.compile(r'[\\"\n\r]')  # what an N-Quads string cannot hold as it is
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"}


def quoted(text: str) -> str:
    """``text`` as an N-Quads string (quotes included)."""
    # four scans for the four characters: a tenth of the time of one search for the class
    if '"' in text or "\\" in text or "\n" in text or "\r" in text:
        text = _ESCAPED.sub(lambda m: _ESCAPES[m.group()], text)
    return f'"{text}"'


def typed(lexical: str, datatype: str) -> Term:
    return Term(f'"{lexical}"^^<{datatype}>')


_TRUE, _FALSE = typed("true", XSD + "boolean"), typed("false", XSD + "boolean")


def lit(v) -> Term:
    kind = type(v)  # the common kinds first, exactly (bool is an int, a datetime a date)
    if kind is str:
        return Term(quoted(v))
    if kind is int:
        return typed(str(v), XSD + "integer")
    if isinstance(v, bool):
        return _TRUE if v else _FALSE
    if isinstance(v, int):
        return typed(str(v), XSD + "integer")
    if isinstance(v, Decimal):
        s = format(v.normalize(), "f")
        return typed(s if "." in s else s + ".0", XSD + "decimal")
    if isinstance(v, date):
        return typed(v.isoformat(), XSD + "date")
    return Term(quoted(str(v)))


def vi(text: str) -> Term:
    return Term(quoted(text) + "@vi")


def _term(o) -> str:
    """Anything ``GraphWriter.add`` takes as an object, as N-Quads: a str is an IRI."""
    if isinstance(o, Term):
        return o
    if isinstance(o, str):
        return f"<{o}>"
    if isinstance(o, (ox.NamedNode, ox.Literal, ox.BlankNode)):
        return str(o)  # pyoxigraph writes its terms as N-Triples
    return lit(o)


_PREDICATES: dict[str, str] = {}


class GraphWriter:
    """Collects the quads of one named graph as lines of N-Quads, with small helpers for the
    common shapes. Subjects and predicates are IRIs (str); an object is an IRI (str), a
    literal (``lit``, ``vi``, a pyoxigraph term) or a value ``lit`` turns into one.

    With ``flush``, every ``chunk`` lines are handed to ``flush(graph IRI, lines)`` as they
    are written and ``lines`` holds only the rest: a long document's graph goes to the store
    in pieces instead of being held whole. With ``watch`` (see ``kg.derived.Inputs``), the
    links the derived graph is computed from are told as they are written. ``quads`` gives
    pyoxigraph quads, for small graphs and tests."""

    def __init__(self, graph: str, places: dict | None = None, flush=None, chunk: int = 10_000, watch=None):
        self.graph = ox.NamedNode(graph)
        # watch(s, p, o) is told of each quad with an IRI object and a predicate in watch.predicates
        self.watch = watch
        self._watched: frozenset = watch.predicates if watch is not None else frozenset()
        self.lines: list[str] = []
        self.places = places or {}  # line → page and table row, for documents read from Word/PDF/scans
        self.flush, self.chunk = flush, chunk
        self._tail = f" <{graph}> .\n"
        self._seen: set = set()
        # the last subject, written: the shapes write one subject's quads in a run
        self._subject: str | None = None
        self._head = ""

    @property
    def quads(self) -> list[ox.Quad]:
        return list(ox.parse("".join(self.lines), format=ox.RdfFormat.N_QUADS))

    def first(self, key) -> bool:
        """True the first time ``key`` is asked for in this graph (a node every row points
        at, described once instead of once per row)."""
        if key in self._seen:
            return False
        self._seen.add(key)
        return True

    def once(self, s: str, p: str, o: str) -> None:
        """``add``, once in this graph: a link many records state again (a plan cites the
        decree its table cites on every row: 9,000 repeats in a 1 MB plan)."""
        if self.first((s, p, o)):
            self.add(s, p, o)

    def add(self, s: str, p: str, o) -> None:
        if o is None or o == "":
            return
        if self._subject != s:
            self._subject, self._head = s, f"<{s}> "
        pred = _PREDICATES.get(p)
        if pred is None:
            pred = _PREDICATES[p] = f"<{p}> "
        kind = type(o)
        self.lines.append(
            f"{self._head}{pred}{o if kind is Term else f'<{o}>' if kind is str else _term(o)}{self._tail}"
        )
        if p in self._watched and kind is not Term and not isinstance(o, ox.Literal):
            self.watch(s, p, o.value if isinstance(o, ox.NamedNode) else o)
        if self.flush is not None and len(self.lines) >= self.chunk:
            self.flush(self.graph.value, self.lines)
            self.lines = []

    def value(self, s: str, p: str, v) -> None:
        """A literal value (plain strings become literals, not IRIs)."""
        if v is None or v == "":
            return
        kind = type(v)
        self.add(s, p, Term(quoted(v)) if kind is str else v if kind is Term or kind is ox.Literal else lit(v))

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
