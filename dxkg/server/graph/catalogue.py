"""The system catalogue: every information system with its category and scope, and every
link stated between two systems (typed relations, dependencies, the sentences that state them).

Built once per store generation (``source.cached``); the system views draw from it.
Which systems depend on which, transitively, is not decided here but by the named query
``system-dependencies`` (see ``graph.systems.dependency_levels``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import networkx as nx

from dxkg.domain.text import fold
from dxkg.kg.namespaces import DX
from dxkg.server.graph import search
from dxkg.server.graph.model import PREFIX_BLOCK, Edge, Node, NotFound, compact, expand
from dxkg.server.graph.source import relation_label, vocabulary
from dxkg.server.graph.style import CATEGORY_COLOURS, clip, colour, short_name

NATION = "Việt Nam"


class Ambiguous(NotFound):
    """Words that name several systems equally well (the message lists them)."""


LINK_RELATIONS = ("connectsTo", "integratesWith", "sharesDataWith", "usesDataFrom", "syncsWith")
DEPENDS = DX + "dependsOn"


@dataclass
class System:
    iri: str
    label: str
    key: str
    category: str
    category_label: str
    scope: str
    national: bool

    def node(self) -> Node:
        scope = f"{'quốc gia' if self.national else 'tỉnh'}: {self.scope}"
        title = "\n".join(
            x
            for x in (
                self.label,
                f"Nhóm: {self.category_label}",
                f"Phạm vi: {scope}",
                self.key and f"Mã: {self.key}",
                compact(self.iri),
            )
            if x
        )
        return Node(
            self.iri,
            self.label,
            "system",
            "cat:" + self.category,
            title,
            self.scope,
            self.national,
            "diamond" if self.national else "dot",
            CATEGORY_COLOURS.get(self.category, colour(self.category)),
            self.category_label,
        )


@dataclass
class Link:
    """Everything stated between two systems, drawn as one edge."""

    a: str
    b: str
    relations: set = field(default_factory=set)  # predicate IRIs other than dependsOn
    depends: set = field(default_factory=set)  # (dependent, dependency)
    statements: list = field(default_factory=list)  # (relation, text, file, line)

    @property
    def id(self) -> str:
        return f"link|{self.a}|{self.b}"

    def edge(self, vocab: dict, systems: dict) -> Edge:
        rels = sorted(self.relations) or [DEPENDS]
        label = " / ".join(relation_label(vocab, r) for r in rels)
        if self.depends:
            src, dst = sorted(self.depends)[0]
            arrows = "to, from" if len(self.depends) == 2 else "to"
        else:
            src, dst, arrows = self.a, self.b, ""
        lines = [f"{systems[src].label} — {label} — {systems[dst].label}"]
        lines += [f"{systems[x].label} phụ thuộc vào {systems[y].label}" for x, y in sorted(self.depends)]
        for rel, text, file, line in sorted(self.statements, key=lambda s: (s[2], s[3])):
            where = f" ({file}:{line})" if file else ""
            lines.append(f"“{clip(text, 400)}”{where}" if text else f"{relation_label(vocab, rel)}{where}")
        return Edge(self.id, src, dst, label, short_name(rels[0]).split(":")[-1], "\n".join(lines), arrows)


@dataclass
class Catalogue:
    systems: dict  # iri → System
    links: dict  # (a, b) sorted → Link
    depends: nx.DiGraph  # a → b: a depends on b
    vocab: dict

    def linked(self, iri: str) -> set:
        return {b if a == iri else a for (a, b) in self.links if iri in (a, b)}


def resolve_system(source, ref: str, scope: str | None = None) -> str:
    """A system from an IRI, a ``dxid:`` reference, or words of its key or label as the
    search box takes them ("lgsp", "csdl dan cu"), optionally within one scope."""
    cat = catalogue(source)
    if ref.startswith(("dxid:", "http://", "https://")):
        iri = expand(ref)
        if iri not in cat.systems:
            raise NotFound(f"no information system {ref}")
        return iri
    where = fold(scope or "").strip()
    hits = [
        h
        for h in search.search(source, ref, limit=len(cat.systems) + 50, kinds={"system"})
        if h["id"] in cat.systems and (not where or fold(cat.systems[h["id"]].scope) == where)
    ]
    if not hits:
        raise NotFound(f"no information system matches {ref!r}" + (f" in {scope}" if scope else ""))
    best = [h for h in hits if h["score"] == hits[0]["score"]]
    if len(best) > 1:  # "lgsp": one per province — say so rather than pick one
        raise Ambiguous(
            f"{ref!r} matches {len(best)} systems equally; choose one (or give a scope): "
            + "; ".join(f"{cat.systems[h['id']].label} = {h['ref']}" for h in best)
        )
    return hits[0]["id"]


def catalogue(source) -> Catalogue:
    return source.cached("catalogue", _build_catalogue)


def _build_catalogue(source) -> Catalogue:
    vocab = vocabulary(source)
    systems = {}
    for r in source.select(
        PREFIX_BLOCK
        + """
        SELECT ?s (SAMPLE(?l) AS ?label) (SAMPLE(?k) AS ?key) (SAMPLE(?cn) AS ?cat)
               (SAMPLE(?cl) AS ?catLabel) (SAMPLE(?scl) AS ?scope) (MAX(?nat) AS ?national)
        WHERE { ?s a dx:InformationSystem .
          OPTIONAL { ?s skos:prefLabel ?l }
          OPTIONAL { ?s dx:systemKey ?k }
          OPTIONAL { ?s dx:systemCategory ?c . ?c skos:notation ?cn .
                     OPTIONAL { ?c skos:prefLabel ?cl FILTER(LANG(?cl) = "vi") } }
          OPTIONAL { ?s dx:scope ?sc . ?sc skos:prefLabel ?scl .
                     BIND(EXISTS { ?sc a dx:Nation } AS ?nat) }
        } GROUP BY ?s"""
    ):
        national = r.get("national") == "true" or r.get("scope", NATION) == NATION
        systems[r["s"]] = System(
            r["s"],
            r.get("label") or short_name(r["s"]),
            r.get("key", ""),
            r.get("cat", "application"),
            r.get("catLabel") or r.get("cat", ""),
            r.get("scope") or NATION,
            national,
        )
    links: dict = {}
    depends = nx.DiGraph()
    depends.add_nodes_from(systems)

    def link(a, b) -> Link:
        key = tuple(sorted((a, b)))
        return links.setdefault(key, Link(*key))

    rels = " ".join(f"dx:{r}" for r in LINK_RELATIONS + ("dependsOn",))
    for r in source.select(
        PREFIX_BLOCK
        + f"""SELECT DISTINCT ?a ?p ?b WHERE {{
            VALUES ?p {{ {rels} }} ?a ?p ?b .
            ?a a dx:InformationSystem . ?b a dx:InformationSystem }}"""
    ):
        a, p, b = r["a"], r["p"], r["b"]
        if a == b or a not in systems or b not in systems:
            continue
        if p == DEPENDS:
            link(a, b).depends.add((a, b))
            depends.add_edge(a, b)
        else:
            link(a, b).relations.add(p)
    for r in source.select(
        PREFIX_BLOCK
        + """SELECT ?a ?p ?b ?text ?file ?line WHERE {
            ?st a dx:SystemLinkStatement ; dx:fromSystem ?a ; dx:toSystem ?b ; dx:relation ?p .
            OPTIONAL { ?st dx:sourceText ?text } OPTIONAL { ?st dx:sourceFile ?file }
            OPTIONAL { ?st dx:lineStart ?line } }"""
    ):
        if r["a"] in systems and r["b"] in systems and r["a"] != r["b"]:
            link(r["a"], r["b"]).statements.append(
                (r["p"], r.get("text", ""), r.get("file", ""), int(r.get("line") or 0))
            )
    return Catalogue(systems, links, depends, vocab)
