"""Records → RDF: one named graph per source document, shared nodes resolved across documents.

Shared things (legal documents, agencies, systems, provinces) have one IRI everywhere and are
described once, in the shared graph (``SHARED_GRAPH``); a document's graph holds what that
document states and points at them (see ``Builder``). ``dxkg.kg.incremental`` replaces or
drops one document's graph and prunes shared descriptions no remaining document names. Every extracted fact carries provenance: the source
document (``prov:wasDerivedFrom``), file, line range and the line's text. Table rows and
systems are written by the mixins in ``build_rows`` and ``build_systems``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

import pyoxigraph as ox

from dxkg.domain.doctypes import concept, type_name
from dxkg.domain.places import (
    AGENCY_MERGER_DATE,
    AGENCY_MERGERS_2025,
    DISTRICT_LEVEL_ENDED,
    MERGERS_2025,
    PROVINCE_MERGER_DATE,
    all_provinces,
    province_after_2025,
)
from dxkg.domain.text import fold, slug
from dxkg.kg import iris
from dxkg.kg.build_rows import RowsMixin
from dxkg.kg.build_systems import SystemsMixin
from dxkg.kg.namespaces import DX, ID, ONTOLOGY_GRAPH, SHARED_GRAPH
from dxkg.kg.paths import ONTOLOGY_DIR
from dxkg.kg.rdf import ELI, ORG, RDFS, SCHEMA, SKOS, GraphWriter, vi
from dxkg.kg.resolve import Resolver
from dxkg.loaders.document import MERGER_ACT
from dxkg.loaders.records import AgencyRef, LegalRef, ParsedDocument, Span

_NOWHERE = Span("", 0, 0)  # a mention sent for resolution only

RELATIONS = {
    "based_on": ELI + "based_on",
    "cites": ELI + "cites",
    "amends": ELI + "amends",
    "implements": DX + "implements",
    "replaces": DX + "replaces",
    "repeals": ELI + "repeals",
    "corrects": ELI + "corrects",
    "approves": DX + "approves",
    "proposed_by": DX + "proposed_by",
}


def _mention_key(ref: LegalRef) -> tuple:
    """What resolution reads of a mention but its subject: everything but where it is and how it relates."""
    return (
        ref.written,
        ref.symbol,
        ref.type_code,
        ref.number,
        ref.year,
        ref.issuer_code,
        ref.national,
        ref.province,
        ref.date,
        ref.issuer_name,
        ref.title,
        ref.issuer,
        ref.code_issuer,
    )


def doc_type_iri(type_code: str | None) -> str:
    return f"{ID}code/doctype-{concept(type_code)}"


@dataclass
class BuildResult:
    graphs: dict = field(default_factory=dict)  # graph IRI → list of quads
    documents: list = field(default_factory=list)  # ParsedDocument (for reports)


class Builder(RowsMixin, SystemsMixin):
    """Turns parsed documents into graphs; call ``build(docs)`` once with all of them.

    Things several documents talk about (legal documents, agencies, systems, provinces) are
    described once, in the shared graph; each document's graph holds what that document
    states (its structure, rows, citations, links) and points at them. So the union default
    graph has no copies of the same description: pyoxigraph's union returns a triple once per
    graph holding it, and the copies multiplied every join (named queries over 63 provinces
    went from over 30 s to under 0.5 s when this layout replaced per-document copies).
    """

    def __init__(self, watch=None):
        self.resolver = Resolver()
        self.watch = watch  # told of the links the derived graph reads (GraphWriter)
        self.shared = GraphWriter(SHARED_GRAPH, watch=watch)
        self._described: set = set()

    # ------------------------------------------------------------------ entry
    def build(self, docs: Sequence[ParsedDocument]) -> BuildResult:
        """Every graph at once, in memory (small corpora, tests); ``graphs`` streams them."""
        return BuildResult(graphs=dict(self.graphs(docs)), documents=list(docs))

    def graphs(self, docs: Sequence[ParsedDocument]) -> Iterator[tuple[str, list[ox.Quad]]]:
        """(graph IRI, quads) one graph at a time, as ``lines`` writes them."""
        for graph, lines in self.lines(docs):
            yield graph, list(ox.parse("".join(lines), format=ox.RdfFormat.N_QUADS))

    def lines(
        self, docs: Sequence[ParsedDocument], flush=None, *, resolved: bool = False
    ) -> Iterator[tuple[str, list[str]]]:
        """(graph IRI, its quads as lines of N-Quads) one graph at a time — the ontology,
        each document's, then the shared graph — so a caller can load each and let it go.
        Names are resolved first (``resolve``: every mention of every document before any
        node is written), from ``docs`` unless ``resolved`` says the caller did it; then
        ``docs`` is read one document at a time (a sequence that reads them back from disk
        keeps one document's records in memory, see ``kg.pipeline``). With ``flush(graph
        IRI, lines)``, a document's lines are handed over in pieces as they are written
        (``GraphWriter``), and what is yielded for it is the last piece."""
        if not resolved:
            mentioned: list[LegalRef] = []
            owns: list[LegalRef | None] = []
            for doc in docs:
                mentioned += self._all_refs(doc)
                owns.append(doc.own)
            self.resolve(mentioned + [own for own in owns if own])
            del mentioned, owns
        ontology = self.ontology_graph()
        if self.watch is not None:
            for q in ontology:
                if (
                    q.predicate.value in self.watch.predicates
                    and isinstance(q.subject, ox.NamedNode)
                    and isinstance(q.object, ox.NamedNode)
                ):
                    self.watch(q.subject.value, q.predicate.value, q.object.value)
        yield ONTOLOGY_GRAPH, [f"{q} .\n" for q in ontology]  # pyoxigraph writes a quad as N-Quads
        self.reorganisation()
        for doc in docs:
            w = GraphWriter(iris.graph(Path(doc.file).stem), doc.places, flush, watch=self.watch)
            src = self.document(w, doc)
            for k, part in enumerate(doc.attached):  # in the file's graph: reloaded and dropped with it
                self.approve(w, src, self.document(w, part), part, f"{ID}citation/{slug(doc.stem, 120)}/kem-theo-{k}")
            yield w.graph.value, w.lines
        yield SHARED_GRAPH, list(dict.fromkeys(self.shared.lines))

    def resolve(self, refs: Sequence[LegalRef]) -> None:
        """Every mention of every document (in document order, then each document's own
        reference) merged into its node, before any node is written; the mentions are read
        again with their document."""
        refs = [MERGER_ACT, *refs]
        for ref in refs:
            self.resolver.add(ref)
        for ref in refs:
            self.resolver.node(ref)

    @staticmethod
    def mentions(doc: ParsedDocument) -> list[LegalRef]:
        """What ``resolve`` needs of a document, small enough for a worker to send back: its
        mentions in order, each way a document is written and dated once (a table cites the
        same decree on every row), without where it was read. A node takes from its first
        mention what only one can give and gathers the rest, so a repeat adds nothing, except
        the first subject when the first mention had none (``Resolver.node``)."""
        kept: dict[tuple, bool] = {}  # mention → its subject is known
        out = []
        for ref in Builder._all_refs(doc):
            key = _mention_key(ref)
            known = kept.get(key)
            if known is None or (not known and ref.subject):
                kept[key] = bool(ref.subject)
                out.append(replace(ref, span=_NOWHERE))
        return out

    def approve(self, w: GraphWriter, decision: str, plan: str, part: ParsedDocument, node: str) -> None:
        """The decision approves the plan it issues ("Ban hành kèm theo Quyết định này …")."""
        h = part.header
        w.add(decision, RELATIONS["approves"], plan)
        w.add(decision, RELATIONS["cites"], plan)
        w.typed(node, DX + "Citation")
        w.add(node, DX + "citingDocument", decision)
        w.add(node, DX + "citedDocument", plan)
        w.add(node, DX + "relation", RELATIONS["approves"])
        w.value(node, DX + "writtenAs", " ".join(x for x in (h.kind, h.title) if x))
        w.value(node, DX + "context", "attached")
        w.provenance(node, decision, h.span or Span(part.file, 1, 1))

    @staticmethod
    def _all_refs(doc: ParsedDocument) -> Iterator[LegalRef]:
        for part in doc.attached:
            yield from Builder._all_refs(part)
        yield from doc.refs
        for rel in doc.doc_relations:
            yield rel.subject
            yield rel.object
        for row in doc.tasks + doc.indicators:
            yield from row.refs

    # ------------------------------------------------------------------ shared
    @staticmethod
    def ontology_graph() -> list[ox.Quad]:
        """The ontology and its code lists (the shapes are not data)."""
        store = ox.Store()
        for ttl in sorted(ONTOLOGY_DIR.glob("*.ttl")):
            if ttl.name != "shapes.ttl":
                store.load(path=str(ttl), format=ox.RdfFormat.TURTLE)
        graph = ox.NamedNode(ONTOLOGY_GRAPH)
        return [ox.Quad(q.subject, q.predicate, q.object, graph) for q in store]

    def reorganisation(self) -> None:
        """The nation, the provinces and the 2025 mergers, as dated facts."""
        w = self.shared
        nation = iris.place(None)
        w.typed(nation, DX + "Nation")
        w.add(nation, SKOS + "prefLabel", vi(iris.NATION))
        w.label(nation, iris.NATION)
        for p in all_provinces():
            self.place(p)
        act = self.legal_doc(MERGER_ACT)
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
                    w.add(iris.place(part), DX + "succeededBy", iris.place(result))

    def place(self, province: str | None) -> str:
        w = self.shared
        iri = iris.place(province)
        if province and self._first("place", province):
            w.typed(iri, DX + "Province")
            w.add(iri, SKOS + "prefLabel", vi(province))
            w.label(iri, province)
            w.add(iri, SCHEMA + "containedInPlace", iris.place(None))
        return iri

    # ------------------------------------------------------------------ document
    def document(self, w: GraphWriter, doc: ParsedDocument) -> str:
        h = doc.header
        own = doc.own
        src = self.resolver.node(own).iri if own else iris.source(doc.stem)
        w.typed(src, DX + "SourceDocument", DX + "LegalDocument", ELI + "LegalResource")
        w.value(src, DX + "sourceFile", doc.file)
        kind = h.kind or type_name(h.type_code or "")
        title = " ".join(x for x in (kind, h.title) if x) or doc.file
        w.label(src, title)
        w.value(src, ELI + "title", h.title and vi(h.title))
        w.value(src, DX + "kind", kind)
        w.add(src, ELI + "type_document", doc_type_iri(h.type_code))
        if own:
            w.value(src, DX + "issuerCode", own.issuer_code)
        if h.symbol:
            w.value(src, DX + "symbol", h.symbol)
            w.value(src, DX + "isBlankNumber", not h.number)
        w.value(src, ELI + "number", h.number)
        w.value(src, ELI + "date_document", h.date)
        w.value(src, DX + "place", h.place)
        w.value(src, DX + "issuerName", h.issuer)
        issuer = h.issuer_agency
        if issuer:
            w.add(src, ELI + "passed_by", self.agency(issuer, h.province))
        scope = self.place(h.province)
        w.add(src, DX + "scope", scope)
        w.add(src, ELI + "jurisdiction", scope)
        if h.span:
            w.value(src, DX + "lineStart", h.span.line)
            w.value(src, DX + "lineEnd", h.span.end_line)
        self.structure(w, doc, src)
        self.agency_mentions(w, doc, src)
        self.citations(w, doc, src)
        self.rows(w, doc, src)
        self.systems(w, doc, src)
        self.extraction_issues(w, doc, src)
        return src

    @staticmethod
    def extraction_issues(w: GraphWriter, doc: ParsedDocument, src: str) -> None:
        """Tables the document announces but extraction lost, and stated totals the rows do
        not reproduce (``dxkg.loaders.guard``): one ``dx:ExtractionIssue`` each, at its line."""
        for issue in (i for i in doc.issues if i.lost):
            node = f"{src}/issue/L{issue.line}"
            w.typed(node, DX + "ExtractionIssue")
            w.add(src, DX + "extractionIssue", node)
            w.value(node, RDFS + "label", issue.message)
            line = doc.lines[issue.line - 1] if 0 < issue.line <= len(doc.lines) else ""
            w.provenance(node, src, Span(doc.file, issue.line, issue.line, line))

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
        if w.first((iri, label)):  # once, not once per row
            w.typed(iri, DX + "Appendix")
            w.value(iri, DX + "appendixLabel", label)
            w.add(iri, ELI + "is_part_of", src)
        return iri

    # ------------------------------------------------------------------ legal documents
    def _first(self, *key) -> bool:
        """True the first time ``key`` is seen: a shared node's description is written once,
        not once per mention (a long appendix names the same agencies and decrees on every row)."""
        if key in self._described:
            return False
        self._described.add(key)
        return True

    def legal_doc(self, ref: LegalRef) -> str:
        w = self.shared
        n = self.resolver.node(ref)
        iri = n.iri
        if ref.written != n.symbol and self._first("written", iri, ref.written):
            w.add(iri, SKOS + "altLabel", vi(ref.written))  # once, not once per mention
        if not self._first("document", iri):
            return iri
        w.typed(iri, DX + "LegalDocument", ELI + "LegalResource")
        name = type_name(n.type_code)
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
        w.value(iri, DX + "subject", n.subject)
        for name_, agency in sorted(n.issuers.items()):
            w.value(iri, DX + "issuerName", name_)
            w.add(iri, ELI + "passed_by", self.agency(agency, n.province))
        by_code = None if n.issuers else n.code_issuer
        if by_code:  # the text names no issuer: the symbol's issuer part says who it is
            w.add(iri, ELI + "passed_by", self.agency(by_code, n.province))
        scope = self.place(None if n.national else n.province)
        w.add(iri, DX + "scope", scope)
        w.add(iri, ELI + "jurisdiction", scope)
        return iri

    def citations(self, w: GraphWriter, doc: ParsedDocument, src: str) -> None:
        stem = slug(doc.stem, 120)
        for k, ref in enumerate(doc.refs):
            target = self.legal_doc(ref)
            if target == src:
                continue
            rel = RELATIONS.get(ref.relation, RELATIONS["cites"])
            w.once(src, rel, target)
            w.once(src, RELATIONS["cites"], target)
            self.citation_node(w, f"{ID}citation/{stem}/{k}", src, rel, target, ref, src)
        for k, r in enumerate(doc.doc_relations):
            a, b = self.legal_doc(r.subject), self.legal_doc(r.object)
            if a == b:
                continue
            rel = RELATIONS.get(r.relation, RELATIONS["cites"])
            w.once(a, rel, b)
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
    def agency(self, a: AgencyRef, province: str | None) -> str:
        w = self.shared
        prov_ = a.province or province
        iri = iris.agency(a.kind, a.name, a.national, prov_)
        if not self._first("agency", iri, a.name, a.kind, a.national, tuple(a.aliases), a.written, prov_):
            return iri
        w.typed(iri, {"group": DX + "AgencyGroup", "enterprise": DX + "Enterprise"}.get(a.kind, DX + "Agency"))
        if a.kind != "group":
            w.typed(iri, ORG + "Organization")
        w.add(iri, SKOS + "prefLabel", vi(a.name))
        w.label(iri, a.name)
        for alias in sorted(set(a.aliases) | {a.written}):
            if alias and alias != a.name:
                w.add(iri, SKOS + "altLabel", vi(alias))
        w.add(iri, DX + "agencyKind", f"{ID}code/agency-{a.kind if a.kind in ('group', 'enterprise') else 'body'}")
        w.add(iri, DX + "scope", self.place(None if a.national else prov_))
        if a.kind != "enterprise":
            self.successions(iri, a.name, a.national, None if a.national else prov_, a.kind)
        return iri

    def agency_mentions(self, w: GraphWriter, doc: ParsedDocument, src: str) -> None:
        """Where running text names an agency: one statement node per mention, with its line."""
        stem = slug(doc.stem, 120)
        for k, m in enumerate(doc.agencies):
            node = f"{ID}agency-mention/{stem}/{k}"
            w.typed(node, DX + "AgencyMentionStatement")
            w.add(node, DX + "mentionsAgency", self.agency(m.agency, doc.header.province))
            w.value(node, DX + "writtenAs", m.agency.written)
            w.provenance(node, src, m.span)

    def successions(self, iri: str, name: str, national: bool, province: str | None, kind: str = "agency") -> None:
        """The agency's successors, chained and dated: Sở TT&TT X → Sở KH&CN X (2025-03-01) →
        Sở KH&CN Y when province X was merged into Y (2025-07-01; not a body named after its
        province, "Báo Hà Nam"); Bộ TT&TT → Bộ KH&CN; the district committees (their level
        ended on 2025-07-01) → the communes' of the province of that date. The agency as
        written stays; each step is an ``org:ChangeEvent`` with its date, and ``dx:succeededBy``
        links each agency to the next (queries follow it to "today")."""
        renamed = AGENCY_MERGERS_2025.get(name)
        communes = DISTRICT_LEVEL_ENDED.get(name)
        if communes and province:
            after = province_after_2025(province)
            label = f"Kết thúc cấp huyện (2025): {name} ({province}) → {communes} ({after})"
            self.successor(iri, communes, False, after, PROVINCE_MERGER_DATE, label, kind)
        elif renamed:
            label = f"Hợp nhất {name} vào {renamed}" + (f" ({province})" if province else "")
            nxt = self.successor(iri, renamed, national, province, AGENCY_MERGER_DATE, label)
            self.successions(nxt, renamed, national, province)
        elif (
            province and not national and province_after_2025(province) != province and fold(province) not in fold(name)
        ):
            after = province_after_2025(province)
            label = f"Sắp xếp đơn vị hành chính 2025: {name} ({province}) → {name} ({after})"
            self.successor(iri, name, False, after, PROVINCE_MERGER_DATE, label, kind)

    def successor(
        self, iri: str, name: str, national: bool, province: str | None, when: date, label: str, kind: str = "agency"
    ) -> str:
        """The successor node (an agency, or a group of agencies) and the dated change event to it."""
        w = self.shared
        successor = iris.agency(kind, name, national, province)
        if kind == "group":
            w.typed(successor, DX + "AgencyGroup")
        else:
            w.typed(successor, DX + "Agency", ORG + "Organization")
        w.add(successor, SKOS + "prefLabel", vi(name))
        w.label(successor, name)
        w.add(successor, DX + "scope", self.place(province))
        ev = f"{ID}change/agency/{iri.rsplit('/agency/', 1)[-1]}/{when.isoformat()}"
        w.typed(ev, DX + "AdministrativeChange", ORG + "ChangeEvent")
        w.label(ev, label)
        w.value(ev, DX + "effectiveDate", when)
        w.add(ev, ORG + "originalOrganization", iri)
        w.add(ev, ORG + "originalOrganization", successor)  # it existed before and took the other one in
        w.add(ev, ORG + "resultingOrganization", successor)
        w.add(iri, ORG + "changedBy", ev)
        w.add(successor, ORG + "resultedFrom", ev)
        w.add(iri, DX + "succeededBy", successor)
        return successor
