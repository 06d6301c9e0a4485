"""Views of any node: its description, the legal-basis trace of a task or document, its
neighbourhood, and the shortest chain of links between two nodes.
"""

from __future__ import annotations

from collections import defaultdict

import networkx as nx

from dxkg.kg import queries
from dxkg.kg.derived import DERIVED_PROPERTIES
from dxkg.kg.namespaces import DX, PREFIXES
from dxkg.server.graph.catalogue import DEPENDS, LINK_RELATIONS, catalogue
from dxkg.server.graph.layouts import layered, radial_around
from dxkg.server.graph.model import (
    PREFIX_BLOCK,
    Edge,
    Node,
    NotFound,
    View,
    cell,
    compact,
    expand,
    place,
    plain_label,
    values,
)
from dxkg.server.graph.source import relation_label, vocabulary
from dxkg.server.graph.style import (
    DOC_TYPE_COLOURS,
    TYPE_LABELS,
    TYPE_ORDER,
    TYPE_SHAPES,
    clip,
    colour,
    display_date,
    short_name,
)

ELI = PREFIXES["eli"]
SKOS = PREFIXES["skos"]
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

STATED_ONLY = ", ".join(f"<{p}>" for p in DERIVED_PROPERTIES)  # views show what documents state, not closures


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
    view = View("trace", f"Căn cứ pháp lý: {clip(plain_label(nodes[start]), 90)}", center=start, layout="layered-lr")
    _add_described(view, g.nodes, nodes)
    for a, b, data in g.edges(data=True):
        label = relation_label(vocab, data["relation"])
        e = Edge(
            f"{a}|{data['relation']}|{b}",
            a,
            b,
            label,
            short_name(data["relation"]).split(":")[-1],
            f"{plain_label(view.nodes[a])}\n— {label} →\n{plain_label(view.nodes[b])}",
            "to",
        )
        view.edges[e.id] = e
    levels = nx.single_source_shortest_path_length(g, start)
    view.total = len(view.nodes)
    place(view, layered(levels, [(a, b) for a, b, _ in g.edges], "lr", {n: view.nodes[n].label for n in view.nodes}))
    view.tables.append(
        {
            "title": f"Đường căn cứ ({len(rows)} liên kết)",
            "columns": ["Bậc", "Từ", "Quan hệ", "Đến", "Số, ký hiệu", "Ngày", "Cơ quan ban hành", "Phạm vi"],
            "rows": [
                [
                    r.get("minDepth", ""),
                    cell(r["from"], plain_label(view.nodes[r["from"]])),
                    relation_label(vocab, r["relation"]),
                    cell(r["to"], plain_label(view.nodes[r["to"]])),
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


def neighbours(source, node: str, limit: int = NEIGHBOUR_LIMIT, only_systems: bool = False) -> View:
    """A node and up to ``limit`` of its neighbours by any relation (specific ones first);
    with ``only_systems``, only the information systems among them (system views grow by systems)."""
    iri = expand(node)
    rows = source.select(
        PREFIX_BLOCK
        + f"""SELECT DISTINCT ?p ?o ?out WHERE {{
        {{ <{iri}> ?p ?o FILTER(isIRI(?o)) BIND(true AS ?out) }}
        UNION {{ ?o ?p <{iri}> BIND(false AS ?out) }}
        FILTER(?p != rdf:type && ?p NOT IN ({STATED_ONLY})) }}"""
    )
    by_other: dict[str, list[tuple[str, bool]]] = defaultdict(list)
    for r in rows:
        if r["o"] != iri:
            by_other[r["o"]].append((r["p"], r["out"] == "true"))
    if only_systems:
        systems = catalogue(source).systems
        by_other = {o: links for o, links in by_other.items() if o in systems}
    ranked = sorted(
        by_other, key=lambda o: (all(p in HUB_PREDICATES for p, _ in by_other[o]), min(p for p, _ in by_other[o]), o)
    )
    shown = ranked[:limit]
    nodes = describe(source, [iri] + shown)
    if iri not in nodes and not rows:
        raise NotFound(f"nothing is known about {compact(iri)}")
    view = View("neighbours", "", center=iri, total=len(ranked) + 1)
    _add_described(view, [iri] + shown, nodes)
    view.title = f"Lân cận: {plain_label(view.nodes[iri])}"
    for other in shown:
        for p, out in by_other[other]:
            _add_edge(view, source, iri if out else other, p, other if out else iri)
    place(view, radial_around(iri, shown))
    view.tables.append(_edge_table(view, f"Lân cận ({len(shown)} / {len(ranked)} nút)"))
    return view


def _edge_table(view: View, title: str) -> dict:
    rows = [
        [
            cell(e.source, plain_label(view.nodes[e.source])),
            e.label,
            cell(e.target, plain_label(view.nodes[e.target])),
        ]
        for e in view.edges.values()
    ]
    return {"title": title, "columns": ["Từ", "Quan hệ", "Đến"], "rows": rows}


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
            f"{plain_label(view.nodes[s])}\n— {label} →\n{plain_label(view.nodes[o])}",
            "to",
        )
    view.edges[e.id] = e


def entity_graph(source) -> nx.Graph:
    """Every link between two resources (except rdf:type) as an undirected weighted graph."""

    def build(src):
        g = nx.Graph()
        for r in src.select(
            PREFIX_BLOCK
            + f"""SELECT DISTINCT ?s ?p ?o WHERE {{
                ?s ?p ?o FILTER(isIRI(?o) && ?p != rdf:type && ?p NOT IN ({STATED_ONLY})) }}"""
        ):
            s, p, o = r["s"], r["p"], r["o"]
            if s == o:
                continue
            w = HUB_WEIGHT if p in HUB_PREDICATES else 1
            if not g.has_edge(s, o) or g[s][o]["weight"] > w:
                g.add_edge(s, o, weight=w, p=p, s=s, o=o)
        return g

    return source.cached("entity-graph", build)


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
    view.title = f"Đường đi: {plain_label(view.nodes[a])} → {plain_label(view.nodes[b])}"
    rows = []
    for i, (x, y) in enumerate(zip(path, path[1:], strict=False), 1):
        d = g[x][y]
        _add_edge(view, source, d["s"], d["p"], d["o"])
        rows.append(
            [
                str(i),
                cell(d["s"], plain_label(view.nodes[d["s"]])),
                relation_label(vocabulary(source), d["p"]),
                cell(d["o"], plain_label(view.nodes[d["o"]])),
            ]
        )
    place(view, layered({n: i for i, n in enumerate(path)}, list(zip(path, path[1:], strict=False)), "lr", {}))
    view.tables.append(
        {
            "title": f"Đường đi ({len(path) - 1} bước)",
            "columns": ["Bước", "Chủ thể", "Quan hệ", "Đối tượng"],
            "rows": rows,
        }
    )
    return view
