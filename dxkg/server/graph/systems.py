"""System views: a province's (or the country's) landscape, a system's dependencies and
dependents, and the impact of a system going down, with the tasks that build or use each.

Transitive dependency comes from the named query ``system-dependencies`` (one definition for
the pages, the API and the CLI); the catalogue supplies the systems and the links drawn.
"""

from __future__ import annotations

from collections import defaultdict

from dxkg.domain.text import fold
from dxkg.kg import queries
from dxkg.server.graph.catalogue import NATION, Catalogue, catalogue, resolve_system
from dxkg.server.graph.layouts import cluster_layout, layered
from dxkg.server.graph.model import PREFIX_BLOCK, NotFound, View, cell, compact, pairs, place, values
from dxkg.server.graph.style import clip, short_name

DEFAULT_LIMIT = 2000  # nodes drawn before a view says "showing N of M"
MAX_LIMIT = 5000
MAX_DEPTH = 6  # the deepest the named query goes


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


def dependency_levels(source, center: str, direction: str, depth: int = MAX_DEPTH) -> dict[str, tuple[int, str]]:
    """Systems ``center`` depends on (``up``) or that depend on it (``down``), transitively:
    other → (fewest hops, label of the hop before it). The named query ``system-dependencies``
    decides this, so these views and ``dxkg query system-dependencies`` cannot disagree."""
    text = queries.get("system-dependencies").bind(
        {"system": center, "direction": direction, "depth": str(depth)},
        defaults=False,  # every level, not a page
    )
    return {
        r["other"]: (int(r["minDepth"]), r.get("viaLabel", "")) for r in source.select(text) if r["system"] == center
    }


def reach(source, cat: Catalogue, center: str, direction: str, depth: int) -> dict:
    """Levels around ``center``: > 0 what it depends on (up), < 0 what depends on it (down);
    ``both`` also puts plainly linked peers beside it (0)."""
    levels = {center: 0}
    if direction in ("up", "both"):
        levels.update({n: d for n, (d, _) in dependency_levels(source, center, "up", depth).items() if n != center})
    if direction in ("down", "both"):
        for n, (d, _) in dependency_levels(source, center, "down", depth).items():
            levels.setdefault(n, -d)
    if direction == "both":
        for n in sorted(cat.linked(center)):
            levels.setdefault(n, 0)
    return {n: lv for n, lv in levels.items() if n in cat.systems}


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
    levels = reach(source, cat, center, direction, depth)
    names = {"up": "phụ thuộc của", "down": "hệ thống phụ thuộc vào", "both": "liên kết của"}
    view = _system_view(cat, "systems", f"{names[direction].capitalize()} {cat.systems[center].label}", levels, limit)
    view.center, view.layout = center, "layered-tb"
    place(
        view,
        layered({n: levels[n] for n in view.nodes}, pairs(view), "tb", {n: view.nodes[n].label for n in view.nodes}),
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
    # systems without any stated link would fill the canvas with a spiral of dots: listed instead
    linked = {x for a, b in cat.links if a in members and b in members for x in (a, b)}
    alone = [cat.systems[i] for i in members if i not in linked] if linked else []
    view = _system_view(
        cat, "landscape", title, {i: lv for i, lv in members.items() if i in linked or not linked}, limit
    )
    for n in view.nodes.values():  # short names on a crowded canvas; the full one in its tooltip and table
        key = cat.systems[n.id].key
        n.label = key if key and key == key.upper() else clip(n.label, 40)  # "LGSP", not a slug
    clusters = defaultdict(list)
    for n in view.nodes.values():
        clusters[n.scope].append(n.id)
    pos, view.clusters = cluster_layout(clusters, pairs(view), {n: view.nodes[n].label for n in view.nodes})
    place(view, pos)
    view.tables.append(_system_table(cat, view, {}, None))
    view.tables.append(_link_table(view))
    if alone:
        rows = [[cell(s.iri, s.label), s.key, s.category_label, s.scope] for s in sorted(alone, key=_by_scope)]
        view.tables.append(
            {
                "title": f"Chưa nêu liên kết ({len(rows)} hệ thống, không vẽ)",
                "columns": ["Hệ thống", "Mã", "Nhóm", "Phạm vi"],
                "rows": rows,
            }
        )
    return view


def _by_scope(s) -> tuple:
    return (s.scope != NATION, s.scope, s.label)


def impact_view(source, system: str, scope: str | None = None, limit: int = DEFAULT_LIMIT) -> View:
    """What breaks if ``system`` goes down: everything that depends on it, transitively,
    highlighted, with the tasks that build or use each of them."""
    cat = catalogue(source)
    center = resolve_system(source, system, scope)
    found = dependency_levels(source, center, "down")
    found.pop(center, None)
    levels = {center: 0} | {n: -d for n, (d, _) in found.items() if n in cat.systems}
    view = _system_view(cat, "impact", f"Nếu {cat.systems[center].label} ngừng hoạt động", levels, limit)
    view.center, view.layout = center, "layered-tb"
    for n in view.nodes.values():
        n.highlight = n.id != center
    for e in view.edges.values():
        e.highlight = cat.depends.has_edge(e.source, e.target)
    place(
        view,
        layered({n: levels[n] for n in view.nodes}, pairs(view), "tb", {n: view.nodes[n].label for n in view.nodes}),
    )
    tasks = tasks_concerning(source, list(view.nodes))
    rows = []
    for iri in sorted(view.nodes, key=lambda i: (-levels[i], cat.systems[i].label)):
        if iri == center:
            continue
        s, via = cat.systems[iri], _via(cat, iri, levels, found[iri][1])
        rows.append(
            [
                cell(iri, s.label),
                s.category_label,
                s.scope,
                str(-levels[iri]),
                cell(via, cat.systems[via].label) if via else found[iri][1],
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
        out[r["sys"]].append(cell(r["task"], f"{text} ({r['plan']})" if r.get("plan") else text))
    return out


def _via(cat: Catalogue, iri: str, levels: dict, label: str) -> str | None:
    """The system one hop closer to the centre that ``iri`` depends on (the one named
    ``label`` when several are)."""
    closer = [v for v in cat.depends.successors(iri) if levels.get(v) == levels[iri] + 1]
    return next((v for v in closer if cat.systems[v].label == label), closer[0] if closer else None)


def _system_table(cat: Catalogue, view: View, levels: dict, level_title: str | None) -> dict:
    cols = ["Hệ thống", "Mã", "Nhóm", "Phạm vi"] + ([level_title] if level_title else [])
    rows = []
    for n in view.nodes.values():
        s = cat.systems[n.id]
        row = [cell(n.id, s.label), s.key, s.category_label, f"{s.scope} ({'quốc gia' if s.national else 'tỉnh'})"]
        rows.append(row + ([str(levels[n.id])] if level_title else []))
    return {"title": f"Hệ thống ({len(rows)})", "columns": cols, "rows": rows}


def _link_table(view: View) -> dict:
    rows = [
        [
            cell(e.source, view.nodes[e.source].label),
            e.label,
            cell(e.target, view.nodes[e.target].label),
            e.title.split("\n", 1)[1] if "\n" in e.title else "",
        ]
        for e in view.edges.values()
    ]
    return {"title": f"Liên kết ({len(rows)})", "columns": ["Từ", "Quan hệ", "Đến", "Nguồn"], "rows": rows}


def overview(source) -> dict:
    """What the index page lists: scopes with their systems, and the source documents."""
    cat = catalogue(source)
    scopes: defaultdict[str, int] = defaultdict(int)
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
