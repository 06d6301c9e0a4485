"""SHACL validation: the graph checks itself against ``dxkg/ontology/shapes.ttl`` and says, in
words people understand, what is wrong and where to read it.

``dxkg/ontology/shapes.ttl`` is the single source of truth. Its SHACL Core constraints run in
pyshacl (no inference); its SHACL-SPARQL constraints (``sh:sparql``/``sh:select``) run in
pyoxigraph, which is one to two orders of magnitude faster than rdflib's SPARQL engine.
A constraint's ``$this`` is bound by a ``VALUES`` block of the shape's focus nodes, which
gives the rows SHACL pre-binding gives for constraints written as shapes.ttl asks
(tests compare both on every fixture).

The data graph is the RDF merge of every graph but the validation report: copied into
an in-memory store first, because pyoxigraph's union default graph repeats a triple once
per named graph holding it (shared nodes are written into each document's graph), which
would double the sums the table checks compare.

Each result names its shape, the offending node by label, and the file and line a person
can open: the node's own ``dx:sourceFile``/``dx:lineStart``, or those of the nearest node
that mentions it (a citation, a task row).
"""

from __future__ import annotations

import json
import re
import time
from collections import defaultdict
from dataclasses import asdict, dataclass, field

import pyoxigraph as ox
import pyshacl
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, RDFS, SH

from dxkg.kg.namespaces import DX, PREFIXES, REPORT_GRAPH, prefixed
from dxkg.kg.paths import ONTOLOGY_DIR
from dxkg.kg.store import solutions, triples

SHAPES_FILE = ONTOLOGY_DIR / "shapes.ttl"
DXNS = Namespace(DX)
SEVERITIES = ("Violation", "Warning", "Info")
_TEMPLATE = re.compile(r"\{[?$](\w+)\}")


@dataclass(frozen=True)
class Result:
    """One offending node, as a person reads it."""

    shape: str  # name of the shape (its IRI's local name)
    severity: str  # Violation | Warning | Info
    focus: str  # IRI of the offending node
    label: str | None  # its label, for people
    file: str | None  # source file where it can be read
    line: int | None  # first line there
    message_vi: str
    message_en: str
    value: str | None = None  # the offending value, when the shape names one
    path: str | None = None  # the property concerned (prefixed name)


@dataclass
class Report:
    violations: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    infos: list = field(default_factory=list)
    graph: Graph = field(default_factory=Graph)  # the SHACL results graph (sh:ValidationReport)
    seconds: float = 0.0

    @property
    def conforms(self) -> bool:
        return not (self.violations or self.warnings or self.infos)

    def results(self) -> list:
        return self.violations + self.warnings + self.infos


@dataclass
class _SparqlConstraint:
    shape: URIRef
    query: str  # prefix declarations + sh:select
    targets: list  # [(target predicate, value)] of the shape
    messages: list  # [rdflib Literal] message templates
    severity: URIRef


# ---------------------------------------------------------------------- entry points


def validate_store(store, shapes_file=SHAPES_FILE) -> Report:
    """Validate the store's graph (everything but the report graph) against the shapes."""
    t0 = time.perf_counter()
    data = data_store(store)
    shapes = Graph().parse(shapes_file, format="turtle")  # fresh: pyshacl mutates it
    sparql = sparql_constraints(shapes)
    results = core_results(data, shapes)
    for c in sparql:
        add_sparql_results(results, c, run_sparql_constraint(data, c))
    report = make_report(results, shapes, data)
    report.seconds = time.perf_counter() - t0
    return report


def store_report(store, report: Report) -> None:
    """Replace the named graph ``REPORT_GRAPH`` with the report, for the server to query."""
    store.replace_graph(REPORT_GRAPH, report.graph.serialize(format="nt", encoding="utf-8"))


def render(report: Report, fmt: str = "text") -> str:
    if fmt == "turtle":
        return report.graph.serialize(format="turtle")
    if fmt == "json":
        return (
            json.dumps(
                {
                    "conforms": report.conforms,
                    "violations": len(report.violations),
                    "warnings": len(report.warnings),
                    "infos": len(report.infos),
                    "seconds": round(report.seconds, 3),
                    "results": [asdict(r) for r in report.results()],
                },
                ensure_ascii=False,
                indent=2,
            )
            + "\n"
        )
    if fmt == "text":
        return render_text(report)
    raise ValueError(f"unknown report format {fmt!r}: use text, turtle or json")


# ---------------------------------------------------------------------- data graph


def data_store(store) -> ox.Store:
    """The RDF merge of all graphs except the report, as the default graph of a new store."""
    raw = getattr(store, "raw", None)
    if raw is None:  # a remote store: fetch it once
        raw = ox.Store()
        raw.bulk_load(store.dump("nquads"), format=ox.RdfFormat.N_QUADS)
    graphs = [ox.DefaultGraph()] + [g for g in raw.named_graphs() if g.value != REPORT_GRAPH]
    merged = triples(raw.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", default_graph=graphs))
    mem = ox.Store()
    mem.bulk_load(merged.serialize(format=ox.RdfFormat.N_TRIPLES), format=ox.RdfFormat.N_TRIPLES)
    return mem


def core_predicates(shapes: Graph) -> set:
    """Every property a Core shape reads: paths, targets and property-pair constraints.

    Core constraints only look along these (the shapes use no sh:closed), so the rdflib
    copy pyshacl works on can leave out the rest (source text, titles, labels…).
    """
    preds = {RDF.type, RDFS.subClassOf}
    for p in (
        SH.path,
        SH.targetSubjectsOf,
        SH.targetObjectsOf,
        SH.disjoint,
        SH.equals,
        SH.lessThan,
        SH.lessThanOrEquals,
    ):
        for value in shapes.objects(None, p):
            preds |= _iris_in_path(shapes, value)
    return preds


def _iris_in_path(shapes: Graph, node) -> set:
    if isinstance(node, URIRef):
        return {node}
    found = set()
    for p, o in shapes.predicate_objects(node):
        if p != RDF.rest or o != RDF.nil:
            found |= _iris_in_path(shapes, o)
    return found


def rdflib_copy(data: ox.Store, predicates: set) -> Graph:
    values = " ".join(p.n3() for p in predicates)
    res = triples(data.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ VALUES ?p {{ {values} }} ?s ?p ?o }}"))
    return Graph().parse(data=res.serialize(format=ox.RdfFormat.N_TRIPLES), format="nt")


# ---------------------------------------------------------------------- SHACL Core (pyshacl)


def core_results(data: ox.Store, shapes: Graph) -> Graph:
    """pyshacl's results graph for the Core constraints (the SPARQL ones are taken out)."""
    core = Graph()
    for t in shapes:
        if t[1] != SH.sparql:
            core.add(t)
    _, results, _ = pyshacl.validate(
        rdflib_copy(data, core_predicates(shapes)),
        shacl_graph=core,
        inference="none",
        advanced=True,
        inplace=True,
        allow_warnings=True,
        allow_infos=True,
    )
    return results


# ---------------------------------------------------------------------- SHACL-SPARQL (pyoxigraph)


def sparql_constraints(shapes: Graph) -> list:
    out = []
    for shape, c in shapes.subject_objects(SH.sparql):
        select = shapes.value(c, SH.select)
        prefixes = "".join(
            f"PREFIX {shapes.value(d, SH.prefix)}: <{shapes.value(d, SH.namespace)}>\n"
            for decl in shapes.objects(c, SH.prefixes)
            for d in shapes.objects(decl, SH.declare)
        )
        targets = [
            (p, o)
            for p in (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
            for o in shapes.objects(shape, p)
        ]
        messages = list(shapes.objects(c, SH.message)) or list(shapes.objects(shape, SH.message))
        severity = shapes.value(shape, SH.severity) or SH.Violation
        out.append(
            _SparqlConstraint(URIRef(str(shape)), prefixes + str(select), targets, messages, URIRef(str(severity)))
        )
    return out


def focus_nodes(data: ox.Store, targets: list) -> list:
    """The focus nodes of a shape's targets, in N-Triples syntax."""
    patterns = []
    for kind, value in targets:
        v = value.n3()
        patterns.append(
            {
                SH.targetClass: f"?this a/<{RDFS.subClassOf}>* {v}",
                SH.targetNode: f"VALUES ?this {{ {v} }}",
                SH.targetSubjectsOf: f"?this {v} ?o",
                SH.targetObjectsOf: f"?s {v} ?this",
            }[kind]
        )
    if not patterns:
        return []
    q = "SELECT DISTINCT ?this WHERE { {" + "} UNION {".join(patterns) + "} }"
    return [str(row["this"]) for row in solutions(data.query(q))]


def run_sparql_constraint(data: ox.Store, c: _SparqlConstraint) -> list:
    """Rows of the constraint's SELECT for the shape's focus nodes ($this bound by VALUES)."""
    focus = focus_nodes(data, c.targets)
    if not focus:
        return []
    values = "VALUES $this { " + " ".join(focus) + " }\n"
    query = re.sub(r"\bWHERE\s*\{", lambda m: m.group(0) + "\n" + values, c.query, count=1, flags=re.I)
    res = solutions(data.query(query))
    names = [v.value for v in res.variables]
    return [{n: _to_rdflib(row[n]) for n in names if row[n] is not None} for row in res]


def add_sparql_results(results: Graph, c: _SparqlConstraint, rows: list) -> None:
    """Write rows into the results graph as SHACL validation results (messages filled in)."""
    report = results.value(predicate=RDF.type, object=SH.ValidationReport)
    if report is None:
        raise ValueError("the results graph holds no sh:ValidationReport")
    for row in rows:
        r = BNode()
        results.add((report, SH.result, r))
        results.add((r, RDF.type, SH.ValidationResult))
        results.add((r, SH.focusNode, row["this"]))
        results.add((r, SH.resultSeverity, c.severity))
        results.add((r, SH.sourceShape, c.shape))
        results.add((r, SH.sourceConstraintComponent, SH.SPARQLConstraintComponent))
        if "value" in row:
            results.add((r, SH.value, row["value"]))
        if "path" in row:
            results.add((r, SH.resultPath, row["path"]))
        for m in c.messages:
            results.add((r, SH.resultMessage, Literal(fill_template(str(m), row), lang=m.language)))
    if rows:
        results.set((report, SH.conforms, Literal(False)))


def fill_template(template: str, row: dict) -> str:
    return _TEMPLATE.sub(lambda m: term_text(row[m.group(1)]) if m.group(1) in row else "…", template)


def _to_rdflib(term):
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    return Literal(term.value, datatype=URIRef(term.datatype.value))


def term_text(term) -> str:
    """A term as a person reads it: literal text, or an IRI as a prefixed name."""
    if isinstance(term, Literal):
        return str(term)
    return prefixed(str(term)) or str(term)


# ---------------------------------------------------------------------- report


def make_report(results: Graph, shapes: Graph, data: ox.Store) -> Report:
    nodes = list(results.objects(None, SH.result))  # top level only, not sh:detail
    where = locate(data, {results.value(r, SH.focusNode) for r in nodes})
    report = Report(graph=results)
    buckets = {"Violation": report.violations, "Warning": report.warnings, "Info": report.infos}
    for r in nodes:
        res = read_result(results, r, shapes, where)
        buckets[res.severity].append(res)
        if res.file:
            results.add((r, DXNS.sourceFile, Literal(res.file)))
        if res.line:
            results.add((r, DXNS.lineStart, Literal(res.line)))
    for bucket in buckets.values():
        bucket.sort(key=lambda x: (x.shape, x.file or "~", x.line or 0, x.label or "", x.focus))
    return report


def read_result(results: Graph, r, shapes: Graph, where: dict) -> Result:
    focus = results.value(r, SH.focusNode)
    named = named_shape(shapes, results.value(r, SH.sourceShape))
    messages = _messages(results.objects(r, SH.resultMessage)) or _messages(shapes.objects(named, SH.message))
    label, file, line = where.get(focus, (None, None, None))
    value = results.value(r, SH.value)
    path = results.value(r, SH.resultPath)
    return Result(
        shape=_local(named),
        severity=_local(results.value(r, SH.resultSeverity)),
        focus=str(focus),
        label=label,
        file=file,
        line=line,
        message_vi=messages.get("vi") or messages.get("en", ""),
        message_en=messages.get("en") or messages.get("vi", ""),
        value=term_text(value) if value is not None and value != focus else None,
        path=term_text(path) if isinstance(path, URIRef) else None,
    )


def named_shape(shapes: Graph, shape):
    """The shape a result is reported under: itself, or the named shape it is nested in."""
    seen = set()
    while isinstance(shape, BNode) and shape not in seen:
        seen.add(shape)
        parent = shapes.value(predicate=SH.property, object=shape)
        if parent is None:
            break
        shape = parent
    return shape


def _messages(literals) -> dict:
    return {lit.language: str(lit) for lit in literals if isinstance(lit, Literal) and lit.language}


def _local(iri) -> str:
    s = str(iri)
    return re.split(r"[#/]", s)[-1] if isinstance(iri, URIRef) else s


def locate(data: ox.Store, focus: set) -> dict:
    """focus node → (label, source file, first line), from the node or a node mentioning it.

    Best first: the node's own provenance; then the first mention (lowest file, line) by
    an extracted fact one hop away (a citation, a task row); then by any node with a
    line (a source document's header); then by a fact two hops away (an interval's task).
    """
    iris = [f for f in focus if isinstance(f, URIRef)]
    if not iris:
        return {}
    values = "VALUES ?focus { " + " ".join(f.n3() for f in iris) + " }"
    q = f"""PREFIX dx: <{DX}>
    PREFIX prov: <{PREFIXES["prov"]}>
    SELECT ?focus ?rank ?file ?line WHERE {{
      {values}
      {{ ?focus dx:sourceFile ?file OPTIONAL {{ ?focus dx:lineStart ?line }} BIND(0 AS ?rank) }}
      UNION {{ ?n ?p ?focus . ?n dx:sourceFile ?file ; dx:lineStart ?line .
               BIND(IF(EXISTS {{ ?n prov:wasDerivedFrom ?src }}, 1, 2) AS ?rank) }}
      UNION {{ ?m ?q ?focus . ?n ?p ?m . ?n prov:wasDerivedFrom ?src ; dx:sourceFile ?file ; dx:lineStart ?line
               BIND(3 AS ?rank) }}
    }}"""
    best: dict[URIRef, tuple] = {}
    for row in solutions(data.query(q)):
        key = (int(row["rank"].value), row["file"].value, int(row["line"].value) if row["line"] else 0)
        f = URIRef(row["focus"].value)
        if f not in best or key < best[f]:
            best[f] = key
    labels = _labels(data, values)
    return {f: (labels.get(f, _local(f)), *(best[f][1:] if f in best else (None, None))) for f in iris}


def _labels(data: ox.Store, values: str) -> dict:
    q = f"""SELECT ?focus ?label WHERE {{ {values}
              ?focus <{RDFS.label}>|<http://www.w3.org/2004/02/skos/core#prefLabel> ?label }}"""
    found = defaultdict(list)
    for row in solutions(data.query(q)):
        lab = row["label"]
        found[URIRef(row["focus"].value)].append((lab.language not in ("vi", None), lab.value))
    return {f: min(labels)[1] for f, labels in found.items()}


# ---------------------------------------------------------------------- text


def render_text(report: Report) -> str:
    """Results grouped by shape; each offending node in one sentence with label, file, line."""
    lines = [
        f"dxkg validation: {len(report.violations)} violations, {len(report.warnings)} warnings, "
        f"{len(report.infos)} infos ({report.seconds:.2f}s)."
    ]
    groups = defaultdict(list)
    for r in report.results():
        groups[(SEVERITIES.index(r.severity), r.shape)].append(r)
    for (_, shape), rs in sorted(groups.items()):
        generic = len({(r.message_vi, r.message_en) for r in rs}) == 1
        lines += ["", f"{rs[0].severity}: {shape} ({len(rs)})"]
        if generic:
            lines += [f"  vi: {rs[0].message_vi}", f"  en: {rs[0].message_en}"]
        for r in rs:
            lines.append("  - " + sentence(r, with_message=not generic))
    return "\n".join(lines) + "\n"


def sentence(r: Result, *, with_message: bool) -> str:
    where = f"{r.file}, line {r.line}" if r.file and r.line else (r.file or "no source line known")
    text = f'"{r.label}" ({where})'
    if r.path:
        text += f", {r.path}"
    if r.value:
        text += f", value {r.value}"
    if with_message:
        text += f": {r.message_vi} / {r.message_en}"
    return text if text.endswith(".") else text + "."
