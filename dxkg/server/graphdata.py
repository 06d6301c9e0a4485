"""Graph views as data: SPARQL → networkx → JSON for ``server.graphs``, with the layouts.

Every view (system dependencies, the landscape of a province, impact, legal-basis trace,
shortest path, a node's neighbourhood) is a ``View``: nodes, edges, tables, legend groups and
positions, all computed here so the browser only draws (no physics to wait for, the same
picture on every load). Text from documents is passed through as plain strings; the page
puts it into the DOM as text, never as HTML.

The data comes from a ``source`` with ``select(sparql) -> list[dict]`` (one dict of plain
strings per solution), ``construct(sparql) -> bytes`` (Turtle) and ``version`` (changes when
the store does). Whole-store structures (the system catalogue, the search index, the entity
graph for shortest paths) are cached per source version.
"""

from __future__ import annotations

import math
import re
import threading
import zlib
from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import quote

import networkx as nx

from dxkg.domain.text import fold
from dxkg.kg import queries
from dxkg.kg.namespaces import DX, ID, PREFIXES

SKOS = PREFIXES["skos"]
ELI = PREFIXES["eli"]
PREFIX_BLOCK = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())

NATION = "Việt Nam"
LINK_RELATIONS = ("connectsTo", "integratesWith", "sharesDataWith", "usesDataFrom", "syncsWith")
DEPENDS = DX + "dependsOn"
DEFAULT_LIMIT = 2000  # nodes drawn before a view says "showing N of M"
MAX_LIMIT = 5000
NEIGHBOUR_LIMIT = 50

# Predicates that tie almost everything to a few hub nodes (a place, a code-list concept, the
# source document): a shortest path may use them, but at a cost, so that it prefers the
# specific links ("căn cứ", "kết nối với", "thuộc kế hoạch") when there are any.
HUB_PREDICATES = {
    DX + p
    for p in (
        "scope",
        "systemCategory",
        "agencyKind",
        "budgetCategory",
        "frequency",
        "relation",
        "inGroup",
        "inAppendix",
    )
} | {
    ELI + "jurisdiction",
    ELI + "type_document",
    PREFIXES["prov"] + "wasDerivedFrom",
    PREFIXES["schema"] + "containedInPlace",
    SKOS + "inScheme",
    SKOS + "broader",
}
HUB_WEIGHT = 10
DOC_TYPE_COLOURS = {
    "Luật": "#ff7f0e",
    "Nghị định": "#d62728",
    "Nghị quyết": "#e377c2",
    "Quyết định": "#1f77b4",
    "Thông tư": "#8c564b",
    "Chỉ thị": "#9467bd",
    "Kế hoạch": "#2ca02c",
    "Chương trình": "#bcbd22",
    "Đề án": "#17becf",
    "Công văn": "#7f7f7f",
    "Nhiệm vụ": "#98df8a",
}

# The most specific class wins: (class IRI, type key).
TYPE_ORDER = [
    (DX + c, k)
    for c, k in (
        ("InformationSystem", "system"),
        ("SourceDocument", "plan"),
        ("LegalDocument", "document"),
        ("Task", "task"),
        ("Indicator", "indicator"),
        ("Agency", "agency"),
        ("AgencyGroup", "agency"),
        ("Enterprise", "agency"),
        ("Province", "place"),
        ("Nation", "place"),
        ("Appendix", "appendix"),
        ("Section", "section"),
        ("TaskGroup", "task-group"),
        ("Citation", "citation"),
        ("SystemLinkStatement", "statement"),
        ("SystemMentionStatement", "statement"),
        ("BudgetAmount", "budget"),
        ("ServiceUsage", "service"),
        ("StatedTotal", "total"),
        ("AdministrativeChange", "change"),
    )
] + [(PREFIXES["org"] + "Organization", "agency"), (SKOS + "Concept", "concept")]
TYPE_LABELS = {
    "system": "Hệ thống thông tin",
    "plan": "Văn bản nguồn (kế hoạch)",
    "document": "Văn bản",
    "task": "Nhiệm vụ",
    "indicator": "Chỉ tiêu",
    "agency": "Cơ quan, đơn vị",
    "place": "Địa bàn",
    "appendix": "Phụ lục",
    "section": "Mục",
    "task-group": "Nhóm nhiệm vụ",
    "citation": "Trích dẫn",
    "statement": "Câu nêu trong văn bản",
    "budget": "Kinh phí",
    "service": "Số liệu dịch vụ",
    "total": "Tổng cộng",
    "change": "Sắp xếp",
    "concept": "Danh mục",
    "other": "Khác",
}
TYPE_SHAPES = {
    "system": "dot",
    "plan": "box",
    "document": "box",
    "task": "ellipse",
    "agency": "triangle",
    "place": "hexagon",
    "concept": "square",
}
PALETTE = [
    "#4e79a7",
    "#f28e2b",
    "#e15759",
    "#76b7b2",
    "#59a14f",
    "#edc948",
    "#b07aa1",
    "#ff9da7",
    "#9c755f",
    "#bab0ac",
    "#1f77b4",
    "#17becf",
    "#bcbd22",
    "#8c564b",
]
CATEGORY_COLOURS = {  # notations of the system-category scheme (ontology/codelists.ttl)
    "shared-platform": "#1f77b4",
    "national-database": "#d62728",
    "database": "#ff9da7",
    "data-warehouse": "#e377c2",
    "portal": "#2ca02c",
    "citizen-app": "#98df8a",
    "admin-procedure": "#17becf",
    "application": "#76b7b2",
    "document-management": "#9edae5",
    "email": "#aec7e8",
    "reporting": "#edc948",
    "operations-centre": "#ff7f0e",
    "security": "#8c564b",
    "monitoring": "#c49c94",
    "identity": "#9467bd",
    "infrastructure": "#7f7f7f",
    "data-centre": "#bab0ac",
    "network": "#c7c7c7",
    "video-conference": "#dbdb8d",
}


class NotFound(LookupError):
    """What a view was asked about is not in the graph (the message says what)."""


# ------------------------------------------------------------------------------ basics
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


def short_name(iri: str) -> str:
    for prefix, ns in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):
        if iri.startswith(ns) and len(iri) > len(ns):
            return f"{prefix}:{iri[len(ns) :]}"
    return iri.rsplit("/", 1)[-1]


def colour(key: str) -> str:
    return PALETTE[zlib.crc32(key.encode()) % len(PALETTE)]


def values(var: str, iris) -> str:
    return f"VALUES ?{var} {{ {' '.join(f'<{i}>' for i in iris)} }}"


def display_date(iso: str | None) -> str:
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", iso or "")
    return f"{m[3]}/{m[2]}/{m[1]}" if m else (iso or "")


def clip(text: str, n: int = 70) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


# ------------------------------------------------------------------------------ the view model
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


# ------------------------------------------------------------------------------ caching
class _Cache:
    """Whole-store structures per source version; rebuilt when the store changes."""

    def __init__(self):
        self._lock = threading.Lock()
        self._items: dict = {}

    def get(self, source, name: str, build):
        key = (name, source.version)
        with self._lock:
            if key in self._items:
                return self._items[key]
        value = build(source)
        with self._lock:
            for k in [k for k in self._items if k[0] == name]:
                del self._items[k]
            self._items[key] = value
        return value


CACHE = _Cache()


def vocabulary(source) -> dict:
    """Vietnamese labels of the ontology's classes and properties (edge labels, types)."""

    def build(src):
        rows = src.select(
            PREFIX_BLOCK
            + """SELECT ?t (SAMPLE(?l) AS ?label) WHERE {
            ?t rdfs:label ?l FILTER(LANG(?l) = "vi")
            FILTER(STRSTARTS(STR(?t), STR(dx:)) || STRSTARTS(STR(?t), STR(eli:)))
        } GROUP BY ?t"""
        )
        return {r["t"]: r["label"] for r in rows}

    return CACHE.get(source, "vocabulary", build)


def relation_label(vocab: dict, predicate: str) -> str:
    return vocab.get(predicate) or short_name(predicate)


# ------------------------------------------------------------------------------ system catalogue
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
    for hit in search(source, ref, limit=len(cat.systems) + 50):
        if hit["id"] in cat.systems and (not where or fold(cat.systems[hit["id"]].scope) == where):
            return hit["id"]
    raise NotFound(f"no information system matches {ref!r}" + (f" in {scope}" if scope else ""))


def catalogue(source) -> Catalogue:
    return CACHE.get(source, "catalogue", _build_catalogue)


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


# ------------------------------------------------------------------------------ system views
def _system_view(cat: Catalogue, kind: str, title: str, members: dict, limit: int) -> View:
    """Nodes (``members``: iri → level, closest first) and every link among those shown."""
    view = View(kind, title, total=len(members))
    order = sorted(members, key=lambda i: (abs(members[i]), cat.systems[i].label, i))[:limit]
    for iri in order:
        view.add_node(cat.systems[iri].node())
    for (a, b), link in sorted(cat.links.items()):
        if a in view.nodes and b in view.nodes:
            e = link.edge(cat.vocab, cat.systems)
            view.edges[e.id] = e
    return view


def reach(cat: Catalogue, center: str, direction: str, depth: int) -> dict:
    """Systems within ``depth`` dependency hops: level > 0 what ``center`` depends on (up),
    < 0 what depends on it (down); ``both`` also puts plainly linked peers beside it (0)."""
    levels = {center: 0}
    if direction in ("up", "both"):
        for n, d in nx.single_source_shortest_path_length(cat.depends, center, cutoff=depth).items():
            levels.setdefault(n, d)
    if direction in ("down", "both"):
        rev = cat.depends.reverse(copy=False)
        for n, d in nx.single_source_shortest_path_length(rev, center, cutoff=depth).items():
            levels.setdefault(n, -d)
    if direction == "both":
        for n in sorted(cat.linked(center)):
            levels.setdefault(n, 0)
    return levels


def systems_view(
    source,
    system: str | None = None,
    direction: str = "both",
    depth: int = 2,
    scope: str | None = None,
    limit: int = DEFAULT_LIMIT,
) -> View:
    """A system's dependencies and dependents, or (no ``system``) the landscape of a scope."""
    cat = catalogue(source)
    if not system:
        return landscape_view(cat, scope, limit)
    center = resolve_system(source, system, scope)
    levels = reach(cat, center, direction, depth)
    names = {"up": "phụ thuộc của", "down": "hệ thống phụ thuộc vào", "both": "liên kết của"}
    view = _system_view(cat, "systems", f"{names[direction].capitalize()} {cat.systems[center].label}", levels, limit)
    view.center, view.layout = center, "layered-tb"
    _place(
        view,
        layered({n: levels[n] for n in view.nodes}, _pairs(view), "tb", {n: view.nodes[n].label for n in view.nodes}),
    )
    view.tables.append(_system_table(cat, view, levels, "Mức (+ phụ thuộc vào / − bị phụ thuộc)"))
    view.tables.append(_link_table(view))
    return view


def landscape_view(cat: Catalogue, scope: str | None, limit: int) -> View:
    """All systems of a province (with the national ones they link to), or of the whole
    country, grouped into one cluster per scope."""
    if scope:
        where = fold(scope).strip()
        own = {i for i, s in cat.systems.items() if fold(s.scope) == where}
        if not own:
            raise NotFound(f"no information system in {scope!r}")
        members = {i: 0 for i in own}
        members.update({n: 1 for i in own for n in cat.linked(i) if n not in own})
        title = f"Hệ thống thông tin: {cat.systems[next(iter(own))].scope}"
    else:
        members = {i: 0 for i in cat.systems}
        title = "Hệ thống thông tin: toàn quốc"
    view = _system_view(cat, "landscape", title, members, limit)
    clusters = defaultdict(list)
    for n in view.nodes.values():
        clusters[n.scope].append(n.id)
    pos, view.clusters = cluster_layout(clusters, _pairs(view), {n: view.nodes[n].label for n in view.nodes})
    _place(view, pos)
    view.tables.append(_system_table(cat, view, {}, None))
    view.tables.append(_link_table(view))
    return view


def impact_view(source, system: str, scope: str | None = None, limit: int = DEFAULT_LIMIT) -> View:
    """What breaks if ``system`` goes down: everything that depends on it, transitively,
    highlighted, with the tasks that build or use each of them."""
    cat = catalogue(source)
    center = resolve_system(source, system, scope)
    rev = cat.depends.reverse(copy=False)
    paths = nx.single_source_shortest_path(rev, center)
    levels = {n: -(len(p) - 1) for n, p in paths.items()}
    view = _system_view(cat, "impact", f"Nếu {cat.systems[center].label} ngừng hoạt động", levels, limit)
    view.center, view.layout = center, "layered-tb"
    for n in view.nodes.values():
        n.highlight = n.id != center
    for e in view.edges.values():
        e.highlight = cat.depends.has_edge(e.source, e.target)
    _place(
        view,
        layered({n: levels[n] for n in view.nodes}, _pairs(view), "tb", {n: view.nodes[n].label for n in view.nodes}),
    )
    tasks = tasks_concerning(source, list(view.nodes))
    rows = []
    for iri in sorted(view.nodes, key=lambda i: (-levels[i], cat.systems[i].label)):
        if iri == center:
            continue
        s, via = cat.systems[iri], paths[iri][-2]
        rows.append(
            [
                _ref(iri, s.label),
                s.category_label,
                s.scope,
                str(-levels[iri]),
                _ref(via, cat.systems[via].label),
                tasks.get(iri, []),
            ]
        )
    view.tables.append(
        {
            "title": f"Bị ảnh hưởng: {len(rows)} hệ thống"
            + (f" (trong {len(levels) - 1})" if view.total > len(view.nodes) else ""),
            "columns": ["Hệ thống", "Nhóm", "Phạm vi", "Số bước", "Qua", "Nhiệm vụ xây dựng / sử dụng"],
            "rows": rows,
        }
    )
    view.tables.append(
        {
            "title": f"Nhiệm vụ liên quan {cat.systems[center].label}",
            "columns": ["Nhiệm vụ"],
            "rows": [[t] for t in tasks.get(center, [])] or [["(không có)"]],
        }
    )
    return view


def tasks_concerning(source, systems: list) -> dict:
    """system → [task cells] for the tasks that build, upgrade, connect or use it."""
    if not systems:
        return {}
    out = defaultdict(list)
    for r in source.select(
        PREFIX_BLOCK
        + f"""
        SELECT ?sys ?task (SAMPLE(?tl) AS ?label) (SAMPLE(?ps) AS ?plan) WHERE {{
          {values("sys", systems)} ?task dx:concernsSystem ?sys .
          OPTIONAL {{ ?task rdfs:label ?tl }}
          OPTIONAL {{ ?task dx:partOfPlan ?p . OPTIONAL {{ ?p dx:symbol ?ps }} }}
        }} GROUP BY ?sys ?task ORDER BY ?plan ?label"""
    ):
        text = clip(r.get("label") or short_name(r["task"]), 90)
        out[r["sys"]].append(_ref(r["task"], f"{text} ({r['plan']})" if r.get("plan") else text))
    return out


def _ref(iri: str, text: str) -> dict:
    """A table cell that names a node: the page makes it select that node."""
    return {"text": text, "node": iri}


def _system_table(cat: Catalogue, view: View, levels: dict, level_title: str | None) -> dict:
    cols = ["Hệ thống", "Mã", "Nhóm", "Phạm vi"] + ([level_title] if level_title else [])
    rows = []
    for n in view.nodes.values():
        s = cat.systems[n.id]
        row = [_ref(n.id, s.label), s.key, s.category_label, f"{s.scope} ({'quốc gia' if s.national else 'tỉnh'})"]
        rows.append(row + ([str(levels[n.id])] if level_title else []))
    return {"title": f"Hệ thống ({len(rows)})", "columns": cols, "rows": rows}


def _link_table(view: View) -> dict:
    rows = [
        [
            _ref(e.source, view.nodes[e.source].label),
            e.label,
            _ref(e.target, view.nodes[e.target].label),
            e.title.split("\n", 1)[1] if "\n" in e.title else "",
        ]
        for e in view.edges.values()
    ]
    return {"title": f"Liên kết ({len(rows)})", "columns": ["Từ", "Quan hệ", "Đến", "Nguồn"], "rows": rows}


# ------------------------------------------------------------------------------ any node
def describe(source, iris) -> dict:
    """iri → Node for arbitrary nodes: label, type, document details for the tooltip."""
    iris = sorted(set(iris))
    if not iris:
        return {}
    vocab = vocabulary(source)
    cats = catalogue(source).systems
    rows = source.select(
        PREFIX_BLOCK
        + f"""
        SELECT ?n (SAMPLE(?lab) AS ?label) (SAMPLE(?alt) AS ?other)
               (GROUP_CONCAT(DISTINCT STR(?t); separator=" ") AS ?types)
               (SAMPLE(?sym) AS ?symbol) (MIN(STR(?d)) AS ?date) (SAMPLE(?iss) AS ?issuer)
               (SAMPLE(?dt) AS ?doctype) (SAMPLE(?sc) AS ?scope) (MAX(?nat) AS ?national)
        WHERE {{ {values("n", iris)}
          OPTIONAL {{ ?n rdfs:label|skos:prefLabel ?lab }}
          OPTIONAL {{ ?n dx:writtenAs|dx:sourceText ?alt }}
          OPTIONAL {{ ?n a ?t }}
          OPTIONAL {{ ?n dx:symbol ?sym }}
          OPTIONAL {{ ?n eli:date_document ?d }}
          OPTIONAL {{ ?n eli:passed_by/skos:prefLabel|dx:issuerName ?iss }}
          OPTIONAL {{ ?n eli:type_document/skos:prefLabel ?dt FILTER(LANG(?dt) = "vi") }}
          OPTIONAL {{ ?n dx:scope ?scn . ?scn skos:prefLabel ?sc . BIND(EXISTS {{ ?scn a dx:Nation }} AS ?nat) }}
        }} GROUP BY ?n"""
    )
    out = {}
    for r in rows:
        iri = r["n"]
        if iri in cats:
            out[iri] = cats[iri].node()
            continue
        if not (r.get("label") or r.get("types") or r.get("other")):
            continue  # nothing is said about it
        types = set(r.get("types", "").split())
        kind = next((k for c, k in TYPE_ORDER if c in types), "other")
        label = r.get("label") or (clip(r["other"], 60) if r.get("other") else short_name(iri))
        out[iri] = _generic_node(iri, kind, label, r, vocab)
    return out


def _generic_node(iri: str, kind: str, label: str, r: dict, vocab: dict) -> Node:
    if kind in ("plan", "document"):
        doctype = r.get("doctype") or TYPE_LABELS[kind]
        lines = [
            doctype,
            r.get("symbol") or clip(label, 50),
            display_date(r.get("date")),
            clip(r.get("issuer", ""), 40),
        ]
        text = "\n".join(x for x in lines if x)
        group, group_label = "doctype:" + doctype, doctype
    else:
        text = clip(label, 60)
        group, group_label = "type:" + kind, TYPE_LABELS[kind]
    title = "\n".join(
        x
        for x in (
            label,
            f"Loại: {group_label}",
            r.get("symbol") and f"Số, ký hiệu: {r['symbol']}",
            r.get("date") and f"Ngày: {display_date(r['date'])}",
            r.get("issuer") and f"Cơ quan ban hành: {r['issuer']}",
            r.get("scope") and f"Phạm vi: {r['scope']}",
            compact(iri),
        )
        if x
    )
    return Node(
        iri,
        text,
        kind,
        group,
        title,
        r.get("scope", ""),
        r.get("national") == "true",
        TYPE_SHAPES.get(kind, "dot"),
        DOC_TYPE_COLOURS.get(group_label) or colour(group),
        group_label,
    )


def _add_described(view: View, wanted, nodes: dict) -> None:
    """Add ``wanted`` nodes as described; one without any description still gets a node."""
    for iri in wanted:
        view.add_node(
            nodes.get(iri)
            or Node(
                iri,
                short_name(iri),
                "other",
                "type:other",
                compact(iri),
                color=colour("type:other"),
                group_label=TYPE_LABELS["other"],
            )
        )


# ------------------------------------------------------------------------------ legal-basis trace
def trace_view(source, task: str | None = None, document: str | None = None) -> View:
    """Task → its plan → the plan's legal bases → their bases, up to national documents,
    drawn left to right, with the links as a table (the project's legal-basis-trace query)."""
    start = expand(task or document or "")
    param = "task" if task else "document"
    rows = source.select(queries.get("legal-basis-trace").bind({param: start}))
    vocab = vocabulary(source)
    g = nx.MultiDiGraph()  # a plan may both rest on (căn cứ) and implement a decision
    g.add_node(start)
    for r in rows:
        g.add_edge(r["from"], r["to"], key=r["relation"], relation=r["relation"])
    nodes = describe(source, g.nodes)
    if start not in nodes or (not rows and nodes[start].type not in ("task", "plan", "document")):
        raise NotFound(f"nothing to trace from {compact(start)}")
    view = View("trace", f"Căn cứ pháp lý: {clip(_plain_label(nodes[start]), 90)}", center=start, layout="layered-lr")
    _add_described(view, g.nodes, nodes)
    for a, b, data in g.edges(data=True):
        label = relation_label(vocab, data["relation"])
        e = Edge(
            f"{a}|{data['relation']}|{b}",
            a,
            b,
            label,
            short_name(data["relation"]).split(":")[-1],
            f"{_plain_label(view.nodes[a])}\n— {label} →\n{_plain_label(view.nodes[b])}",
            "to",
        )
        view.edges[e.id] = e
    levels = nx.single_source_shortest_path_length(g, start)
    view.total = len(view.nodes)
    _place(view, layered(levels, [(a, b) for a, b, _ in g.edges], "lr", {n: view.nodes[n].label for n in view.nodes}))
    view.tables.append(
        {
            "title": f"Đường căn cứ ({len(rows)} liên kết)",
            "columns": ["Bậc", "Từ", "Quan hệ", "Đến", "Số, ký hiệu", "Ngày", "Cơ quan ban hành", "Phạm vi"],
            "rows": [
                [
                    r.get("minDepth", ""),
                    _ref(r["from"], _plain_label(view.nodes[r["from"]])),
                    relation_label(vocab, r["relation"]),
                    _ref(r["to"], _plain_label(view.nodes[r["to"]])),
                    r.get("symbol", ""),
                    display_date(r.get("date")),
                    r.get("issuer", ""),
                    r.get("scope", ""),
                ]
                for r in rows
            ],
        }
    )
    return view


# ------------------------------------------------------------------------------ neighbours, paths
def neighbours(source, node: str, limit: int = NEIGHBOUR_LIMIT) -> View:
    """A node and up to ``limit`` of its neighbours by any relation (specific ones first)."""
    iri = expand(node)
    rows = source.select(
        PREFIX_BLOCK
        + f"""SELECT DISTINCT ?p ?o ?out WHERE {{
        {{ <{iri}> ?p ?o FILTER(isIRI(?o)) BIND(true AS ?out) }}
        UNION {{ ?o ?p <{iri}> BIND(false AS ?out) }}
        FILTER(?p != rdf:type) }}"""
    )
    by_other = defaultdict(list)
    for r in rows:
        if r["o"] != iri:
            by_other[r["o"]].append((r["p"], r["out"] == "true"))
    ranked = sorted(
        by_other, key=lambda o: (all(p in HUB_PREDICATES for p, _ in by_other[o]), min(p for p, _ in by_other[o]), o)
    )
    shown = ranked[:limit]
    nodes = describe(source, [iri] + shown)
    if iri not in nodes and not rows:
        raise NotFound(f"nothing is known about {compact(iri)}")
    view = View("neighbours", "", center=iri, total=len(ranked) + 1)
    _add_described(view, [iri] + shown, nodes)
    view.title = f"Lân cận: {_plain_label(view.nodes[iri])}"
    for other in shown:
        for p, out in by_other[other]:
            _add_edge(view, source, iri if out else other, p, other if out else iri)
    _place(view, radial_around(iri, shown))
    view.tables.append(_edge_table(view, f"Lân cận ({len(shown)} / {len(ranked)} nút)"))
    return view


def _edge_table(view: View, title: str) -> dict:
    rows = [
        [
            _ref(e.source, _plain_label(view.nodes[e.source])),
            e.label,
            _ref(e.target, _plain_label(view.nodes[e.target])),
        ]
        for e in view.edges.values()
    ]
    return {"title": title, "columns": ["Từ", "Quan hệ", "Đến"], "rows": rows}


def _plain_label(n: Node) -> str:
    return n.title.split("\n")[0]


def _add_edge(view: View, source, s: str, p: str, o: str) -> None:
    """One edge; a link between two systems reuses the system views' edge (same id), so
    expanding a node never doubles a link already drawn."""
    cat = catalogue(source)
    key = tuple(sorted((s, o)))
    if (p == DEPENDS or p.removeprefix(DX) in LINK_RELATIONS) and key in cat.links:
        e = cat.links[key].edge(cat.vocab, cat.systems)
    else:
        label = relation_label(cat.vocab, p)
        e = Edge(
            f"{s}|{p}|{o}",
            s,
            o,
            label,
            short_name(p).split(":")[-1],
            f"{_plain_label(view.nodes[s])}\n— {label} →\n{_plain_label(view.nodes[o])}",
            "to",
        )
    view.edges[e.id] = e


def entity_graph(source) -> nx.Graph:
    """Every link between two resources (except rdf:type) as an undirected weighted graph."""

    def build(src):
        g = nx.Graph()
        for r in src.select(
            PREFIX_BLOCK
            + """SELECT DISTINCT ?s ?p ?o WHERE {
                ?s ?p ?o FILTER(isIRI(?o) && ?p != rdf:type) }"""
        ):
            s, p, o = r["s"], r["p"], r["o"]
            if s == o:
                continue
            w = HUB_WEIGHT if p in HUB_PREDICATES else 1
            if not g.has_edge(s, o) or g[s][o]["weight"] > w:
                g.add_edge(s, o, weight=w, p=p, s=s, o=o)
        return g

    return CACHE.get(source, "entity-graph", build)


def path_view(source, start: str, end: str) -> View:
    """The shortest chain of links (any relation, hub links avoided) between two nodes."""
    a, b = expand(start), expand(end)
    g = entity_graph(source)
    for n in (a, b):
        if n not in g:
            raise NotFound(f"{compact(n)} has no links")
    try:
        path = nx.shortest_path(g, a, b, weight="weight")
    except nx.NetworkXNoPath:
        raise NotFound(f"no path between {compact(a)} and {compact(b)}") from None
    view = View("path", "", center=a, layout="layered-lr", total=len(path))
    _add_described(view, path, describe(source, path))
    view.title = f"Đường đi: {_plain_label(view.nodes[a])} → {_plain_label(view.nodes[b])}"
    rows = []
    for i, (x, y) in enumerate(zip(path, path[1:]), 1):
        d = g[x][y]
        _add_edge(view, source, d["s"], d["p"], d["o"])
        rows.append(
            [
                str(i),
                _ref(d["s"], _plain_label(view.nodes[d["s"]])),
                relation_label(vocabulary(source), d["p"]),
                _ref(d["o"], _plain_label(view.nodes[d["o"]])),
            ]
        )
    _place(view, layered({n: i for i, n in enumerate(path)}, list(zip(path, path[1:])), "lr", {}))
    view.tables.append(
        {
            "title": f"Đường đi ({len(path) - 1} bước)",
            "columns": ["Bước", "Chủ thể", "Quan hệ", "Đối tượng"],
            "rows": rows,
        }
    )
    return view


# ------------------------------------------------------------------------------ search
ABBREVIATIONS = {  # folded, "&" removed → folded expansion
    "tttt": "thong tin va truyen thong",
    "khdt": "ke hoach va dau tu",
    "khcn": "khoa hoc va cong nghe",
    "ubnd": "uy ban nhan dan",
    "hdnd": "hoi dong nhan dan",
    "vp": "van phong",
    "csdl": "co so du lieu",
    "dvc": "dich vu cong",
    "httt": "he thong thong tin",
    "cntt": "cong nghe thong tin",
    "tthc": "thu tuc hanh chinh",
    "cds": "chuyen doi so",
    "qd": "quyet dinh",
    "nq": "nghi quyet",
    "nd": "nghi dinh",
    "kh": "ke hoach",
    "ttg": "thu tuong",
    "cp": "chinh phu",
    "tu": "tinh uy",
    "ldtbxh": "lao dong thuong binh va xa hoi",
    "gtvt": "giao thong van tai",
    "tnmt": "tai nguyen va moi truong",
    "nnptnt": "nong nghiep va phat trien nong thon",
    "vhttdl": "van hoa the thao va du lich",
    "gddt": "giao duc va dao tao",
    "qlvb": "quan ly van ban",
    "ioc": "trung tam giam sat dieu hanh",
    "lgsp": "nen tang tich hop chia se du lieu",
    "ngsp": "nen tang tich hop chia se du lieu quoc gia",
    "tp": "thanh pho",
    "atttt": "an toan thong tin",
}
SEARCH_TYPES = {"system": 3, "document": 3, "plan": 3, "agency": 2, "place": 2, "task": 0}
KIND_WEIGHTS = {"key": 6, "symbol": 6, "label": 4, "alt": 3, "title": 2, "scope": 1}


def normalise(text: str) -> str:
    """Folded words separated by single spaces; "TT&TT" → "tttt" so both spellings meet."""
    f = re.sub(r"(?<=\w)\s*&\s*(?=\w)", "", fold(text))
    return " ".join(re.findall(r"[a-z0-9]+", f))


def with_expansions(text: str) -> str:
    """``text`` plus the long form of every abbreviation it contains (matched as words)."""
    extra = [ABBREVIATIONS[w] for w in text.split() if w in ABBREVIATIONS]
    return " ".join([text] + extra)


@dataclass
class Entry:
    iri: str
    kind: str
    label: str = ""
    scope: str = ""
    symbol: str = ""
    texts: list = field(default_factory=list)  # (field kind, normalised, with expansions)


def search_index(source) -> dict:
    def build(src):
        entries: dict = {}
        kinds = dict(TYPE_ORDER)
        types = " ".join(f"<{c}>" for c, k in TYPE_ORDER if k in SEARCH_TYPES)
        for r in src.select(
            PREFIX_BLOCK
            + f"""SELECT ?n ?t ?k ?text WHERE {{
              VALUES ?t {{ {types} }} ?n a ?t .
              {{ ?n rdfs:label|skos:prefLabel ?text BIND("label" AS ?k) }}
              UNION {{ ?n skos:altLabel|dx:writtenAs ?text BIND("alt" AS ?k) }}
              UNION {{ ?n dx:symbol ?text BIND("symbol" AS ?k) }}
              UNION {{ ?n dx:systemKey ?text BIND("key" AS ?k) }}
              UNION {{ ?n eli:title|dcterms:title ?text BIND("title" AS ?k) }}
              UNION {{ ?n dx:scope/skos:prefLabel ?text BIND("scope" AS ?k) }} }}"""
        ):
            e = entries.setdefault(r["n"], Entry(r["n"], "other"))
            kind = kinds.get(r["t"], "other")
            if SEARCH_TYPES.get(kind, -1) > SEARCH_TYPES.get(e.kind, -1) or (kind == "plan" and e.kind == "document"):
                e.kind = kind
            if r["k"] == "label" and (not e.label or len(r["text"]) < len(e.label)):
                e.label = r["text"]
            if r["k"] == "scope":
                e.scope = r["text"]
            if r["k"] == "symbol":
                e.symbol = r["text"]
            norm = normalise(r["text"])
            e.texts.append((r["k"], norm, with_expansions(norm)))
        return entries

    return CACHE.get(source, "search", build)


def search(source, q: str, limit: int = 20) -> list[dict]:
    """Nodes whose label, alternative label, symbol or key match every word of ``q``,
    ignoring diacritics and expanding abbreviations (TT&TT, UBND, CSDL, DVC…), best first."""
    words = normalise(q).split()
    if not words:
        return []
    hits = []
    for e in search_index(source).values():
        score = _score(e, words)
        if score is not None:
            hits.append((-score, len(e.label), e.label, e))
    hits.sort(key=lambda h: h[:3])
    return [_hit(e) for *_, e in hits[:limit]]


def _score(e: Entry, words: list) -> float | None:
    """None unless every word (or its long form) starts a word somewhere in the entry; then
    the better the fields matched (key, symbol > label > …), the higher. Words that appear
    together as typed ("ha nam"), an exact key/symbol/label, and systems and documents
    (what people look for) score more."""
    total = 0.0
    for w in words:
        alternatives = [" " + w] + ([" " + ABBREVIATIONS[w]] if w in ABBREVIATIONS else [])
        best = max((_weight(kind, text, alternatives) for kind, _, text in e.texts), default=0)
        if not best:
            return None
        total += best
    whole = " ".join(words)
    if len(words) > 1:
        total += 2 * sum(any(f" {a} {b}" in " " + text for _, _, text in e.texts) for a, b in zip(words, words[1:]))
    if any(norm == whole for kind, norm, _ in e.texts if kind in ("key", "symbol", "label")):
        total += 8
    elif any(norm.startswith(whole) for kind, norm, _ in e.texts if kind in ("symbol", "label")):
        total += 3
    return total + SEARCH_TYPES.get(e.kind, 0)


def _weight(kind: str, text: str, alternatives: list) -> int:
    """How much a word found in this field counts; in a symbol only its number is specific
    ("123/KH-UBND" is not about the UBND)."""
    padded = " " + text
    if not any(alt in padded for alt in alternatives):
        return 0
    if kind == "symbol" and not any(padded.startswith(alt) for alt in alternatives):
        return 1
    return KIND_WEIGHTS[kind]


def _hit(e: Entry) -> dict:
    ref = compact(e.iri)
    url = {
        "system": f"/graph/systems?system={ref}",
        "task": f"/graph/trace?task={ref}",
        "plan": f"/graph/trace?document={ref}",
        "document": f"/graph/trace?document={ref}",
        "place": f"/graph/systems?scope={quote(e.label)}",
    }.get(e.kind, f"/graph/node?node={ref}")
    return {
        "id": e.iri,
        "ref": ref,
        "label": e.label or short_name(e.iri),
        "type": e.kind,
        "type_label": TYPE_LABELS.get(e.kind, e.kind),
        "scope": e.scope,
        "symbol": e.symbol,
        "url": url,
    }


def overview(source) -> dict:
    """What the index page lists: scopes with their systems, and the source documents."""
    cat = catalogue(source)
    scopes = defaultdict(int)
    for s in cat.systems.values():
        scopes[s.scope] += 1
    docs = source.select(
        PREFIX_BLOCK
        + """SELECT ?d (SAMPLE(?l) AS ?label) (SAMPLE(?s) AS ?symbol)
        (SAMPLE(?sc) AS ?scope) WHERE { ?d a dx:SourceDocument . OPTIONAL { ?d rdfs:label ?l }
        OPTIONAL { ?d dx:symbol ?s } OPTIONAL { ?d dx:scope/skos:prefLabel ?sc } } GROUP BY ?d ORDER BY ?scope ?label"""
    )
    return {
        "scopes": sorted(scopes.items(), key=lambda kv: (kv[0] != NATION, kv[0])),
        "documents": [
            {
                "ref": compact(r["d"]),
                "label": r.get("label") or short_name(r["d"]),
                "symbol": r.get("symbol", ""),
                "scope": r.get("scope", ""),
            }
            for r in docs
        ],
        "systems": len(cat.systems),
        "links": len(cat.links),
    }


# ------------------------------------------------------------------------------ layouts
NODE_GAP = 110  # px between neighbouring nodes
LEVEL_GAP = 170  # px between layers
ROW_MAX = 14  # nodes per row in a layer before it wraps


def _pairs(view: View) -> list:
    return [(e.source, e.target) for e in view.edges.values()]


def _place(view: View, pos: dict) -> None:
    for n, (x, y) in pos.items():
        if n in view.nodes:
            view.nodes[n].x, view.nodes[n].y = round(x, 1), round(y, 1)


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
    across, along = {}, {}
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
    parent = {root: None}
    order = [root]
    for n in order:
        for m in sorted(g[n], key=lambda m: (labels.get(m, ""), m)):
            if m not in parent:
                parent[m] = n
                order.append(m)
    kids = defaultdict(list)
    for n in order[1:]:
        kids[parent[n]].append(n)
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
            for c, s in zip(subs, sizes):
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
        marks.append({"label": k, "x": round(cx, 1), "y": round(cy - r - 25, 1), "r": round(r, 1)})
    return pos, marks
