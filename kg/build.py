"""Records → RDF: one named graph per source document, shared nodes resolved across documents.

Shared things (legal documents, agencies, systems, provinces) have one IRI everywhere; their
descriptive triples are written into the graph of each document that mentions them, so a
document's graph is self-contained and can be dropped or reloaded alone while the union
default graph still shows one node. Every extracted fact carries provenance: the source
document (``prov:wasDerivedFrom``), file, line range and the line's text.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox

from kg import iris
from kg.namespaces import DX, ID, ONTOLOGY_GRAPH, PREFIXES
from kg.paths import ONTOLOGY_DIR
from kg.places import AGENCY_MERGER_DATE, MERGERS_2025, PROVINCE_MERGER_ACT, PROVINCE_MERGER_DATE, all_provinces
from kg.resolve import DocNode, Resolver
from loaders.records import AgencyRef, LegalRef, ParsedDocument, Span, SystemRef
from loaders.text import fold, slug

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

DOC_TYPES = {  # notation → (code-list IRI suffix, Vietnamese name)
    "Luật": ("luat", "Luật"), "NĐ": ("nd", "Nghị định"), "NQ": ("nq", "Nghị quyết"),
    "QĐ": ("qd", "Quyết định"), "TT": ("tt", "Thông tư"), "CT": ("ct", "Chỉ thị"),
    "KH": ("kh", "Kế hoạch"), "CTr": ("ctr", "Chương trình"), "TTr": ("ttr", "Tờ trình"),
    "ĐA": ("da", "Đề án"), "DA": ("dan", "Dự án"), "CV": ("cv", "Công văn"),
    "TB": ("tb", "Thông báo"), "HD": ("hd", "Hướng dẫn"), "BC": ("bc", "Báo cáo"),
    "QC": ("qc", "Quy chế"), "QyĐ": ("qyd", "Quy định"), "PA": ("pa", "Phương án"),
    "TIN": ("tin", "Tin tức"),
}
RELATIONS = {
    "based_on": ELI + "based_on", "cites": ELI + "cites", "amends": ELI + "amends",
    "implements": DX + "implements", "replaces": DX + "replaces", "approves": DX + "approves",
    "proposed_by": DX + "proposed_by",
}
SYSTEM_RELATIONS = {
    "connects": "connectsTo", "integrates": "integratesWith", "shares_data": "sharesDataWith",
    "uses_data_from": "usesDataFrom", "syncs": "syncsWith", "depends_on": "dependsOn",
}
SYSTEM_CATEGORIES = {"shared-platform", "national-database", "database", "data-warehouse", "portal",
                     "citizen-app", "admin-procedure", "application", "document-management", "email",
                     "reporting", "operations-centre", "security", "monitoring", "identity",
                     "infrastructure", "data-centre", "network", "video-conference"}


def doc_type_iri(type_code: str) -> str:
    suffix = DOC_TYPES.get(type_code, ("khac",))[0]
    return f"{ID}code/doctype-{suffix}"


def doc_type_name(type_code: str) -> str:
    return DOC_TYPES.get(type_code, (None, type_code))[1]


def category_iri(notation: str) -> str:
    """The system-category concept (ontology/codelists.ttl); unknown notations → application."""
    return f"{ID}code/syscat-{notation if notation in SYSTEM_CATEGORIES else 'application'}"


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


class GraphWriter:
    """Collects the quads of one named graph, with small helpers for the common shapes."""

    def __init__(self, graph: str):
        self.graph = ox.NamedNode(graph)
        self.quads: list[ox.Quad] = []

    def add(self, s: str, p: str, o) -> None:
        if o is None or o == "":
            return
        if isinstance(o, str):
            o = ox.NamedNode(o)
        elif not isinstance(o, (ox.NamedNode, ox.Literal, ox.BlankNode)):
            o = lit(o)
        self.quads.append(ox.Quad(ox.NamedNode(s), ox.NamedNode(p), o, self.graph))

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
        self.value(s, DX + "sourceText", span.text)


@dataclass
class BuildResult:
    graphs: dict = field(default_factory=dict)     # graph IRI → list of quads
    documents: list = field(default_factory=list)  # ParsedDocument (for reports)


class Builder:
    """Turns parsed documents into graphs; call ``build(docs)`` once with all of them."""

    def __init__(self):
        self.resolver = Resolver()
        self._sources: dict[str, DocNode] = {}

    # ------------------------------------------------------------------ entry
    def build(self, docs: list[ParsedDocument]) -> BuildResult:
        for doc in docs:
            for ref in self._all_refs(doc):
                self.resolver.add(ref)
            own = self._own_ref(doc)
            if own:
                self.resolver.add(own)
        result = BuildResult(documents=docs)
        result.graphs[ONTOLOGY_GRAPH] = self.shared_graph()
        for doc in docs:
            w = GraphWriter(iris.graph(Path(doc.file).stem))
            self.document(w, doc)
            result.graphs[w.graph.value] = w.quads
        return result

    @staticmethod
    def _all_refs(doc: ParsedDocument):
        yield from doc.refs
        for rel in doc.doc_relations:
            yield rel.subject
            yield rel.object
        for row in doc.tasks + doc.indicators:
            yield from row.refs

    @staticmethod
    def _own_ref(doc: ParsedDocument) -> LegalRef | None:
        """The source document as a citable document, when its header has a number."""
        h = doc.header
        if not (h.number and h.symbol and h.type_code):
            return None
        issuer = h.symbol.split("-")[-1] if "-" in h.symbol else None
        return LegalRef(written=h.symbol, symbol=h.symbol, type_code=h.type_code, number=h.number,
                        year=h.year, issuer_code=issuer, national=False, province=h.province,
                        span=h.span or Span(doc.file, 1, 1), date=h.date, issuer_name=h.issuer)

    # ------------------------------------------------------------------ shared
    def shared_graph(self) -> list[ox.Quad]:
        """Ontology, code lists, provinces and the 2025 reorganisation."""
        w = GraphWriter(ONTOLOGY_GRAPH)
        store = ox.Store()
        for ttl in sorted(ONTOLOGY_DIR.glob("*.ttl")):
            if ttl.name != "shapes.ttl":
                store.load(path=str(ttl), format=ox.RdfFormat.TURTLE)
        w.quads.extend(ox.Quad(q.subject, q.predicate, q.object, w.graph) for q in store)
        nation = iris.place(None)
        w.typed(nation, DX + "Nation")
        w.add(nation, SKOS + "prefLabel", vi(iris.NATION))
        w.label(nation, iris.NATION)
        for p in all_provinces():
            self.place(w, p)
        act = iris.legal("qh", "NQ", 2025, "202")
        w.typed(act, DX + "LegalDocument")
        w.value(act, DX + "symbol", PROVINCE_MERGER_ACT)
        w.label(act, f"Nghị quyết {PROVINCE_MERGER_ACT}")
        for result, parts in MERGERS_2025.items():
            if len(parts) == 1 and parts[0] == result:
                continue
            ev = f"{ID}change/province-2025/{slug(result)}"
            w.typed(ev, DX + "AdministrativeChange")
            w.label(ev, f"Sắp xếp đơn vị hành chính 2025: {', '.join(parts)} → {result}")
            w.value(ev, DX + "effectiveDate", PROVINCE_MERGER_DATE)
            w.add(ev, ELI + "based_on", act)
            w.add(ev, DX + "resultingUnit", iris.place(result))
            for part in parts:
                w.add(ev, DX + "originalUnit", iris.place(part))
                if part != result:
                    w.value(iris.place(part), DX + "validUntil", date(2025, 6, 30))
        return w.quads

    def place(self, w: GraphWriter, province: str | None) -> str:
        iri = iris.place(province)
        if province:
            w.typed(iri, DX + "Province")
            w.add(iri, SKOS + "prefLabel", vi(province))
            w.label(iri, province)
            w.add(iri, SCHEMA + "containedInPlace", iris.place(None))
        return iri

    # ------------------------------------------------------------------ document
    def document(self, w: GraphWriter, doc: ParsedDocument) -> None:
        h = doc.header
        own = self._own_ref(doc)
        src = self.resolver.node(own).iri if own else iris.source(Path(doc.file).stem)
        w.typed(src, DX + "SourceDocument", DX + "LegalDocument", ELI + "LegalResource")
        w.value(src, DX + "sourceFile", doc.file)
        kind = h.kind or doc_type_name(h.type_code or "")
        title = " ".join(x for x in (kind, h.title) if x) or doc.file
        w.label(src, title)
        w.value(src, ELI + "title", h.title and vi(h.title))
        w.value(src, DX + "kind", kind)
        if h.type_code:
            w.add(src, ELI + "type_document", doc_type_iri(h.type_code))
        if h.symbol:
            w.value(src, DX + "symbol", h.symbol)
            w.value(src, DX + "isBlankNumber", not h.number)
        w.value(src, ELI + "number", h.number)
        w.value(src, ELI + "date_document", h.date)
        w.value(src, DX + "place", h.place)
        w.value(src, DX + "issuerName", h.issuer)
        if h.issuer:
            w.add(src, ELI + "passed_by", self.agency(w, issuer_agency(h.issuer, False), h.province))
        scope = self.place(w, h.province)
        w.add(src, DX + "scope", scope)
        w.add(src, ELI + "jurisdiction", scope)
        if h.span:
            w.value(src, DX + "lineStart", h.span.line)
            w.value(src, DX + "lineEnd", h.span.end_line)
        self.structure(w, doc, src)
        self.citations(w, doc, src)
        self.rows(w, doc, src)
        self.systems(w, doc, src)

    def structure(self, w: GraphWriter, doc: ParsedDocument, src: str) -> None:
        for sec in doc.sections:
            iri = f"{src}/section/L{sec.span.line}"
            w.typed(iri, DX + "Section")
            w.label(iri, " ".join(x for x in (sec.number, sec.title) if x))
            w.add(iri, ELI + "is_part_of", src)
            w.value(iri, DX + "number", sec.number)
            w.value(iri, DX + "rowIndex", sec.level)
            w.provenance(iri, src, sec.span)
        for app in doc.appendices:
            iri = self.appendix(w, src, app.label)
            w.label(iri, f"{app.label}: {app.title}" if app.title else app.label)
            w.value(iri, ELI + "title", app.title and vi(app.title))
            w.provenance(iri, src, app.span)

    @staticmethod
    def appendix(w: GraphWriter, src: str, label: str) -> str:
        """The appendix node (also for rows whose appendix heading was not recognised)."""
        iri = f"{src}/appendix/{slug(label or 'bang')}"
        w.typed(iri, DX + "Appendix")
        w.value(iri, DX + "appendixLabel", label)
        w.add(iri, ELI + "is_part_of", src)
        return iri

    # ------------------------------------------------------------------ legal documents
    def legal_doc(self, w: GraphWriter, ref: LegalRef) -> str:
        n = self.resolver.node(ref)
        iri = n.iri
        w.typed(iri, DX + "LegalDocument", ELI + "LegalResource")
        name = doc_type_name(n.type_code)
        ident = n.symbol or (sorted(n.titles)[0] if n.titles else ref.written)
        w.label(iri, f"{name} {ident}" if n.symbol else ident)
        w.value(iri, DX + "symbol", n.symbol)
        w.value(iri, ELI + "id_local", n.symbol)
        w.value(iri, ELI + "number", n.number)
        w.add(iri, ELI + "type_document", doc_type_iri(n.type_code))
        w.value(iri, DX + "issuerCode", n.issuer_code)
        for d in sorted(n.dates):
            w.value(iri, ELI + "date_document", d)
        for t in sorted(n.titles):
            w.value(iri, ELI + "title", vi(t))
        if n.subjects:
            w.value(iri, DX + "subject", n.subjects[0])
        for name_ in sorted(n.issuer_names):
            w.value(iri, DX + "issuerName", name_)
            w.add(iri, ELI + "passed_by", self.agency(w, issuer_agency(name_, n.national), n.province))
        scope = self.place(w, None if n.national else n.province)
        w.add(iri, DX + "scope", scope)
        w.add(iri, ELI + "jurisdiction", scope)
        if ref.written != n.symbol:
            w.add(iri, SKOS + "altLabel", vi(ref.written))
        return iri

    def citations(self, w: GraphWriter, doc: ParsedDocument, src: str) -> None:
        stem = slug(Path(doc.file).stem, 120)
        for k, ref in enumerate(doc.refs):
            target = self.legal_doc(w, ref)
            if target == src:
                continue
            rel = RELATIONS.get(ref.relation, RELATIONS["cites"])
            w.add(src, rel, target)
            w.add(src, RELATIONS["cites"], target)
            self.citation_node(w, f"{ID}citation/{stem}/{k}", src, rel, target, ref, src)
        for k, r in enumerate(doc.doc_relations):
            a, b = self.legal_doc(w, r.subject), self.legal_doc(w, r.object)
            if a == b:
                continue
            rel = RELATIONS.get(r.relation, RELATIONS["cites"])
            w.add(a, rel, b)
            node = f"{ID}citation/{stem}/rel-{k}"
            self.citation_node(w, node, a, rel, b, r.object, src, r.span)

    def citation_node(self, w, node, citing, rel, cited, ref: LegalRef, src, span=None) -> None:
        w.typed(node, DX + "Citation")
        w.add(node, DX + "citingDocument", citing)
        w.add(node, DX + "citedDocument", cited)
        w.add(node, DX + "relation", rel)
        w.value(node, DX + "writtenAs", ref.written)
        w.value(node, DX + "context", ref.context)
        w.provenance(node, src, span or ref.span)

    # ------------------------------------------------------------------ agencies
    def agency(self, w: GraphWriter, a: AgencyRef, province: str | None) -> str:
        prov_ = a.province or province
        iri = iris.agency(a.kind, a.name, a.national, prov_)
        cls = {"group": DX + "AgencyGroup", "enterprise": DX + "Enterprise"}.get(a.kind, DX + "Agency")
        w.typed(iri, cls)
        if a.kind != "group":
            w.typed(iri, ORG + "Organization")
        w.add(iri, SKOS + "prefLabel", vi(a.name))
        w.label(iri, a.name)
        for alias in sorted(set(a.aliases) | {a.written}):
            if alias and alias != a.name:
                w.add(iri, SKOS + "altLabel", vi(alias))
        w.add(iri, DX + "agencyKind", f"{ID}code/agency-{ {'group': 'group', 'enterprise': 'enterprise'}.get(a.kind, 'body') }")
        w.add(iri, DX + "scope", self.place(w, None if a.national else prov_))
        if not a.national and prov_ and fold(a.name) == "so thong tin va truyen thong":
            self.agency_merger(w, iri, prov_)
        return iri

    def agency_merger(self, w: GraphWriter, iri: str, province: str) -> None:
        """Sở TT&TT merged into Sở KH&CN (2025-03-01): a dated successor, the original kept."""
        successor = iris.agency("agency", "Sở Khoa học và Công nghệ", False, province)
        w.typed(successor, DX + "Agency", ORG + "Organization")
        w.add(successor, SKOS + "prefLabel", vi("Sở Khoa học và Công nghệ"))
        w.label(successor, "Sở Khoa học và Công nghệ")
        w.add(successor, DX + "scope", iris.place(province))
        ev = f"{ID}change/agency-2025/{slug(province)}/so-tttt"
        w.typed(ev, DX + "AdministrativeChange", ORG + "ChangeEvent")
        w.label(ev, f"Hợp nhất Sở Thông tin và Truyền thông vào Sở Khoa học và Công nghệ ({province})")
        w.value(ev, DX + "effectiveDate", AGENCY_MERGER_DATE)
        w.add(ev, ORG + "originalOrganization", iri)
        w.add(ev, ORG + "originalOrganization", successor)
        w.add(ev, ORG + "resultingOrganization", successor)
        w.add(iri, ORG + "changedBy", ev)
        w.add(successor, ORG + "resultedFrom", ev)

    # ------------------------------------------------------------------ table rows
    def rows(self, w: GraphWriter, doc: ParsedDocument, src: str) -> None:
        stem = Path(doc.file).stem
        province = doc.header.province
        groups: dict[tuple, str] = {}
        for t in doc.tasks:
            iri = iris.row_entity("task", stem, t.appendix, t.span.line)
            w.typed(iri, DX + "Task")
            w.label(iri, t.title)
            w.value(iri, DCT + "title", vi(t.title))
            w.value(iri, DX + "number", t.number)
            w.value(iri, DX + "tableIndex", t.table)
            w.add(iri, DX + "partOfPlan", src)
            if t.appendix:
                w.add(iri, DX + "inAppendix", self.appendix(w, src, t.appendix))
            w.add(iri, DX + "inGroup", self.task_group(w, src, t.appendix, t.group, groups))
            self.agencies_of(w, iri, DX + "leadAgency", t.leads, province)
            self.agencies_of(w, iri, DX + "cooperatingAgency", t.coops, province)
            self.deadline(w, iri, t.deadline, doc.header.year)
            w.value(iri, DX + "expectedResult", t.result)
            w.value(iri, DX + "leader", t.leader)
            w.value(iri, DX + "note", t.note)
            w.value(iri, DX + "rentalYears", t.years)
            for b in t.budgets:
                self.budget(w, iri, b)
            for ref in t.refs:
                w.add(iri, DX + "legalBasis", self.legal_doc(w, ref))
            for s in t.systems:
                w.add(iri, DX + "concernsSystem", self.system(w, s, province))
            w.provenance(iri, src, t.span)
        for ind in doc.indicators:
            iri = iris.row_entity("indicator", stem, ind.appendix, ind.span.line)
            w.typed(iri, DX + "Indicator")
            w.label(iri, ind.title)
            w.value(iri, DCT + "title", vi(ind.title))
            w.value(iri, DX + "number", ind.number)
            w.add(iri, DX + "partOfPlan", src)
            if ind.appendix:
                w.add(iri, DX + "inAppendix", self.appendix(w, src, ind.appendix))
            w.add(iri, DX + "inGroup", self.task_group(w, src, ind.appendix, ind.group, groups))
            w.value(iri, DX + "targetText", ind.target)
            w.value(iri, DX + "targetValue", ind.value)
            w.value(iri, DX + "unit", ind.unit)
            w.value(iri, DX + "comparator", ind.comparator)
            w.value(iri, DX + "note", ind.note)
            self.agencies_of(w, iri, DX + "leadAgency", ind.leads, province)
            self.agencies_of(w, iri, DX + "cooperatingAgency", ind.coops, province)
            self.agencies_of(w, iri, DX + "assessingAgency", ind.assessors, province)
            for ref in ind.refs:
                w.add(iri, DX + "legalBasis", self.legal_doc(w, ref))
            w.provenance(iri, src, ind.span)
        by_number = {(i.appendix, i.number): iris.row_entity("indicator", stem, i.appendix, i.span.line)
                     for i in doc.indicators}
        for ind in doc.indicators:
            if ind.parent and (ind.appendix, ind.parent) in by_number:
                w.add(iris.row_entity("indicator", stem, ind.appendix, ind.span.line),
                      DX + "subIndicatorOf", by_number[(ind.appendix, ind.parent)])
        for s in doc.services:
            iri = iris.row_entity("service", stem, s.appendix, s.span.line)
            w.typed(iri, DX + "ServiceUsage")
            w.label(iri, s.label)
            w.value(iri, DX + "serviceGroup", s.group)
            w.value(iri, DX + "number", s.number)
            w.value(iri, DX + "totalTransactions", s.total)
            w.value(iri, DX + "successfulTransactions", s.success)
            w.value(iri, DX + "failedTransactions", s.failed)
            w.add(iri, DX + "partOfPlan", src)
            if s.appendix:
                w.add(iri, DX + "inAppendix", self.appendix(w, src, s.appendix))
            for sys in s.systems:
                w.add(iri, DX + "mentionsSystem", self.system(w, sys, province))
            w.provenance(iri, src, s.span)
        for tot in doc.totals:
            iri = iris.row_entity("total", stem, tot.appendix, tot.span.line) + f"/{slug(tot.kind)}-{slug(tot.category)}"
            w.typed(iri, DX + "StatedTotal")
            w.label(iri, f"{tot.appendix} {tot.kind} {tot.category}: {tot.value}")
            w.value(iri, DX + "totalKind", tot.kind)
            if tot.kind == "budget":
                w.add(iri, DX + "budgetCategory", iris.code("budget", tot.category))
            w.value(iri, DX + "columnLabel", tot.category)
            w.value(iri, DX + "totalValue", Decimal(tot.value))
            w.value(iri, DX + "tableIndex", tot.table)
            w.add(iri, DX + "partOfPlan", src)
            if tot.appendix:
                w.add(iri, DX + "inAppendix", self.appendix(w, src, tot.appendix))
            w.provenance(iri, src, tot.span)

    def task_group(self, w: GraphWriter, src: str, appendix: str, path: list, seen: dict) -> str | None:
        """The innermost group row a task sits under, as a dx:TaskGroup mapped to a pillar."""
        if not path:
            return None
        parent = None
        for depth in range(1, len(path) + 1):
            key = (appendix, tuple(path[:depth]))
            if key not in seen:
                iri = f"{src}/appendix/{slug(appendix or 'bang')}/group/{'/'.join(slug(p, 40) for p in path[:depth])}"
                w.typed(iri, DX + "TaskGroup", SKOS + "Concept")
                w.add(iri, SKOS + "prefLabel", vi(path[depth - 1]))
                w.label(iri, path[depth - 1])
                w.add(iri, SKOS + "broader", parent or f"{ID}code/pillar-{pillar(' '.join(path[:depth]))}")
                seen[key] = iri
            parent = seen[key]
        return parent

    def agencies_of(self, w, subject, prop, agencies, province) -> None:
        for a in agencies:
            w.add(subject, prop, self.agency(w, a, province))

    def deadline(self, w: GraphWriter, task: str, text: str | None, year: int | None) -> None:
        from loaders.values import parse_deadline
        if not text:
            return
        w.value(task, DX + "deadlineText", text)
        d = parse_deadline(text, year)
        if d.frequency:
            w.add(task, DX + "frequency", iris.code("freq", d.frequency))
        if d.start or d.end:
            iv = f"{task}/deadline"
            w.add(task, DX + "deadline", iv)
            w.typed(iv, TIME + "ProperInterval")
            w.label(iv, text)
            for name, day in (("hasBeginning", d.start), ("hasEnd", d.end)):
                if day:
                    inst = f"{iv}/{'begin' if name == 'hasBeginning' else 'end'}"
                    w.add(iv, TIME + name, inst)
                    w.typed(inst, TIME + "Instant")
                    w.value(inst, TIME + "inXSDDate", day)

    def budget(self, w: GraphWriter, task: str, b) -> None:
        iri = f"{task}/budget/{slug(b.category)}"
        w.add(task, DX + "budget", iri)
        w.typed(iri, DX + "BudgetAmount", SCHEMA + "MonetaryAmount")
        w.value(iri, SCHEMA + "value", Decimal(b.million_vnd) * 1_000_000)
        w.value(iri, SCHEMA + "currency", "VND")
        w.add(iri, DX + "budgetCategory", iris.code("budget", b.category))
        w.value(iri, DX + "columnLabel", b.label)
        w.value(iri, DX + "amountAsWritten", f"{b.million_vnd} triệu đồng")
        w.label(iri, f"{b.label}: {b.million_vnd} triệu đồng")

    # ------------------------------------------------------------------ systems
    def system(self, w: GraphWriter, s: SystemRef, province: str | None) -> str:
        prov_ = None if s.national else (s.province or province)
        iri = iris.system(s.key, s.national, prov_)
        w.typed(iri, DX + "InformationSystem")
        label = s.name if s.national or not prov_ or fold(prov_) in fold(s.name) else f"{s.name} ({prov_})"
        w.add(iri, SKOS + "prefLabel", vi(label))
        w.label(iri, label)
        w.value(iri, DX + "systemKey", s.key)
        for alias in sorted(set(s.aliases) | {s.written}):
            if alias and alias != label:
                w.add(iri, SKOS + "altLabel", vi(alias))
        w.add(iri, DX + "systemCategory", category_iri(s.category))
        w.add(iri, DX + "scope", self.place(w, prov_))
        return iri

    def systems(self, w: GraphWriter, doc: ParsedDocument, src: str) -> None:
        stem = slug(Path(doc.file).stem, 120)
        province = doc.header.province
        for k, m in enumerate(doc.systems):
            s = self.system(w, m.system, province)
            node = f"{ID}system-mention/{stem}/{k}"
            w.typed(node, DX + "SystemMentionStatement")
            w.add(node, DX + "mentionsSystem", s)
            w.value(node, DX + "statedCount", m.count)
            if m.count is not None:
                w.value(s, DX + "statedCount", m.count)
            w.provenance(node, src, m.span)
        for k, link in enumerate(doc.system_links):
            a, b = self.system(w, link.a, province), self.system(w, link.b, province)
            if a == b:
                continue
            prop = DX + SYSTEM_RELATIONS.get(link.relation, "connectsTo")
            w.add(a, prop, b)
            dep = dependency(link)
            if dep:
                w.add(a if dep == "ab" else b, DX + "dependsOn", b if dep == "ab" else a)
            node = f"{ID}system-link/{stem}/{k}"
            w.typed(node, DX + "SystemLinkStatement")
            w.add(node, DX + "fromSystem", a)
            w.add(node, DX + "toSystem", b)
            w.add(node, DX + "relation", prop)
            w.value(node, DX + "directed", link.directed)
            w.provenance(node, src, link.span)


def dependency(link) -> str | None:
    """Who depends on whom: 'ab' (a depends on b), 'ba', or None.

    Stated direction wins ("khai thác dữ liệu từ", "depends on"). For an undirected link,
    the architecture framework's layering decides: a provincial system depends on the
    national one it connects to, and an application depends on the shared platform or
    national database it connects to (that is what breaks when the platform goes down).
    """
    if link.directed or link.relation in ("uses_data_from", "depends_on"):
        return "ab"
    for rank in (lambda s: s.national, lambda s: s.category in FOUNDATION_CATEGORIES):
        a, b = rank(link.a), rank(link.b)
        if a != b:
            return "ab" if b else "ba"
    return None


FOUNDATION_CATEGORIES = {"shared-platform", "national-database", "identity", "data-centre", "network"}


PILLARS = [  # keyword (folded) → pillar notation; first match wins
    ("nhan thuc", "awareness"), ("tuyen truyen", "awareness"),
    ("the che", "institutions"), ("co che", "institutions"), ("chinh sach", "institutions"),
    ("an toan", "security"), ("an ninh mang", "security"),
    ("ha tang", "infrastructure"), ("du lieu", "data"), ("nen tang", "data"),
    ("nhan luc", "workforce"), ("dao tao", "workforce"), ("ky nang", "workforce"),
    ("kinh te so", "economy"), ("xa hoi so", "society"),
    ("chinh quyen", "government"), ("thu tuc hanh chinh", "government"), ("dich vu cong", "government"),
    ("chinh phu so", "government"), ("co quan", "government"), ("so, ban, nganh", "government"),
    ("ubnd", "government"), ("huyen", "government"),
]


def pillar(text: str) -> str:
    f = fold(text)
    return next((p for k, p in PILLARS if k in f), "other")


def issuer_agency(written: str, national: bool) -> AgencyRef:
    """The issuing body named in a header or a 'của …' phrase, canonical when known."""
    from loaders.agencies import canonical_agency
    known = canonical_agency(written)
    return known or AgencyRef(written.strip(), written.strip(), national=national)
