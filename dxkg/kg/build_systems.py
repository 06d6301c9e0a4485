"""Information systems, their links, and which one depends on which (architects' view)."""

from __future__ import annotations

from collections.abc import Callable

from dxkg.domain.systems import FOUNDATION_CATEGORIES, check_category
from dxkg.domain.text import fold, slug
from dxkg.kg import iris
from dxkg.kg.namespaces import DX, ID
from dxkg.kg.rdf import SKOS, GraphWriter, vi
from dxkg.loaders.records import ParsedDocument, SystemRef

SYSTEM_RELATIONS = {
    "connects": "connectsTo",
    "integrates": "integratesWith",
    "shares_data": "sharesDataWith",
    "uses_data_from": "usesDataFrom",
    "syncs": "syncsWith",
    "depends_on": "dependsOn",
}


def category_iri(notation: str) -> str:
    """The system-category concept (dxkg/ontology/codelists.ttl); an unknown notation is an error."""
    return f"{ID}code/syscat-{check_category(notation)}"


def dependency(link) -> str | None:
    """Who depends on whom: 'ab' (a depends on b), 'ba', or None.

    Between a national system and one province's, the architecture framework's layering
    decides whatever the verb: the provincial system depends on the national one. A stated
    flow the other way ("NDXP tiếp nhận dữ liệu từ LGSP tỉnh X") is kept as the link it is,
    but a national platform does not stop when one province's system does; taken as a
    dependency it would route every province's systems through that one in the impact
    closure. Otherwise stated direction wins ("khai thác dữ liệu từ", "depends on"), and an
    undirected link falls back on the layering of categories: an application depends on
    the shared platform or national database it connects to (what breaks when it goes down).
    """
    if link.a.national != link.b.national:
        return "ab" if link.b.national else "ba"
    if link.directed or link.relation in ("uses_data_from", "depends_on"):
        return "ab"
    a, b = (s.category in FOUNDATION_CATEGORIES for s in (link.a, link.b))
    if a != b:
        return "ab" if b else "ba"
    return None


class SystemsMixin:
    """Builder part for systems; expects ``shared`` and ``place`` from the Builder."""

    shared: GraphWriter
    place: Callable[[str | None], str]
    _first: Callable[..., bool]

    def system(self, s: SystemRef, province: str | None) -> str:
        w = self.shared
        prov_ = None if s.national else (s.province or province)
        iri = iris.system(s.key, s.national, prov_)
        if not self._first("system", s, prov_):  # described once per way it is written, not per mention
            return iri
        w.typed(iri, DX + "InformationSystem")
        if not s.catalogued:
            w.typed(iri, DX + "RecognisedSystem")
        label = s.name if s.national or not prov_ or fold(prov_) in fold(s.name) else f"{s.name} ({prov_})"
        w.add(iri, SKOS + "prefLabel", vi(label))
        w.label(iri, label)
        w.value(iri, DX + "systemKey", s.key)
        for alias in sorted(set(s.aliases) | {s.written}):
            if alias and alias != label:
                w.add(iri, SKOS + "altLabel", vi(alias))
        w.add(iri, DX + "systemCategory", category_iri(s.category))
        w.add(iri, DX + "scope", self.place(prov_))
        return iri

    def systems(self, w: GraphWriter, doc: ParsedDocument, src: str) -> None:
        stem = slug(doc.stem, 120)
        province = doc.header.province
        for k, m in enumerate(doc.systems):
            s = self.system(m.system, province)
            node = f"{ID}system-mention/{stem}/{k}"
            w.typed(node, DX + "SystemMentionStatement")
            w.add(node, DX + "mentionsSystem", s)
            w.value(node, DX + "statedCount", m.count)
            if m.count is not None:
                w.value(s, DX + "statedCount", m.count)
            w.provenance(node, src, m.span)
        for k, link in enumerate(doc.system_links):
            self.system_link(w, f"{ID}system-link/{stem}/{k}", link, province, src)

    def system_link(self, w: GraphWriter, node: str, link, province: str | None, src: str) -> None:
        """The typed link, the dependency it implies, and a statement node with its sentence."""
        a, b = self.system(link.a, province), self.system(link.b, province)
        if a == b:
            return
        prop = DX + SYSTEM_RELATIONS.get(link.relation, "connectsTo")
        w.once(a, prop, b)
        dep = dependency(link)
        if dep:
            w.once(a if dep == "ab" else b, DX + "dependsOn", b if dep == "ab" else a)
        w.typed(node, DX + "SystemLinkStatement")
        w.add(node, DX + "fromSystem", a)
        w.add(node, DX + "toSystem", b)
        w.add(node, DX + "relation", prop)
        w.value(node, DX + "directed", link.directed)
        w.provenance(node, src, link.span)
