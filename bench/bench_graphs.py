"""How long a 2 000-system province takes to draw: server (SPARQL → networkx → layout) and
browser (headless Chromium until vis-network's first frame; positions come from the server,
so that frame is the settled picture).

    python bench/bench_graphs.py [--systems 2000] [--runs 3]

The province is synthetic: a provincial LGSP, 40 shared platforms and databases connected to
it, every other system connected to one of those (and every tenth also to a second one), and
the LGSP connected to the national NDXP.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import threading
import time
from pathlib import Path

import pyoxigraph as ox
import requests

from bench.browser import chromium
from dxkg.kg.build_systems import category_iri
from dxkg.kg.namespaces import DX, ID, ONTOLOGY_GRAPH, PREFIXES
from dxkg.kg.paths import ONTOLOGY_DIR
from dxkg.kg.store import EmbeddedStore
from dxkg.server.wsgi import make_server, shutdown

PROVINCE = "Tỉnh Mẫu"
SKOS, RDFS = PREFIXES["skos"], PREFIXES["rdfs"]
CATEGORIES = ["admin-procedure", "application", "database", "portal", "reporting", "document-management"]


def province(n: int) -> bytes:
    """N-Quads of a province with ``n`` systems (n - 1 provincial + the national NDXP)."""
    g = ox.NamedNode(ID + "graph/bench")
    quads = []

    def add(s, p, o):
        quads.append(ox.Quad(ox.NamedNode(s), ox.NamedNode(p), o if not isinstance(o, str) else ox.NamedNode(o), g))

    place, nation = ID + "place/tinh-mau", ID + "place/viet-nam"
    for iri, label, cls in ((place, PROVINCE, "Province"), (nation, "Việt Nam", "Nation")):
        add(iri, PREFIXES["rdf"] + "type", DX + cls)
        add(iri, SKOS + "prefLabel", ox.Literal(label, language="vi"))

    def system(key, label, cat, scope):
        iri = f"{ID}system/{'viet-nam' if scope == nation else 'tinh-mau'}/{key}"
        add(iri, PREFIXES["rdf"] + "type", DX + "InformationSystem")
        add(iri, SKOS + "prefLabel", ox.Literal(label, language="vi"))
        add(iri, RDFS + "label", ox.Literal(label, language="vi"))
        add(iri, DX + "systemKey", ox.Literal(key.upper()))
        add(iri, DX + "systemCategory", category_iri(cat))
        add(iri, DX + "scope", scope)
        return iri

    def link(a, b, k):
        add(a, DX + "connectsTo", b)
        add(a, DX + "dependsOn", b)
        st = f"{ID}system-link/bench/{k}"
        add(st, PREFIXES["rdf"] + "type", DX + "SystemLinkStatement")
        for p, o in (("fromSystem", a), ("toSystem", b), ("relation", DX + "connectsTo")):
            add(st, DX + p, o)
        add(st, DX + "sourceText", ox.Literal(f"Hệ thống kết nối (câu {k})."))
        add(st, DX + "sourceFile", ox.Literal("bench.txt"))
        add(st, DX + "lineStart", ox.Literal(str(k), datatype=ox.NamedNode(PREFIXES["xsd"] + "integer")))

    ndxp = system("ndxp", "Nền tảng NDXP", "shared-platform", nation)
    lgsp = system("lgsp", f"LGSP {PROVINCE}", "shared-platform", place)
    link(lgsp, ndxp, 0)
    hubs = [system(f"hub-{i}", f"Nền tảng dùng chung {i}", "shared-platform", place) for i in range(40)]
    for i, h in enumerate(hubs):
        link(h, lgsp, i + 1)
    k = len(hubs) + 1
    for i in range(n - len(hubs) - 2):
        s = system(f"app-{i}", f"Hệ thống nghiệp vụ {i}", CATEGORIES[i % len(CATEGORIES)], place)
        link(s, hubs[i % len(hubs)], k)
        k += 1
        if i % 10 == 0:
            link(s, hubs[(i * 7 + 3) % len(hubs)], k)
            k += 1
    store = ox.Store()
    for ttl in sorted(ONTOLOGY_DIR.glob("*.ttl")):
        if ttl.name != "shapes.ttl":
            store.load(path=str(ttl), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(ONTOLOGY_GRAPH))
    store.extend(quads)
    return store.dump(format=ox.RdfFormat.N_QUADS)


def measure(base: str, n: int, runs: int) -> None:
    path = f"/graph/systems?scope={PROVINCE}&limit={n}"
    api = f"{base}/api/graph/systems?scope={PROVINCE}&limit={n}"
    t0 = time.perf_counter()
    first = requests.get(api, timeout=300).json()
    cold = time.perf_counter() - t0
    warm = []
    for _ in range(runs):
        t0 = time.perf_counter()
        requests.get(api, timeout=300).raise_for_status()
        warm.append(time.perf_counter() - t0)
    print(f"view: {first['shown_nodes']} nodes, {len(first['edges'])} edges (of {first['total_nodes']})")
    print(
        f"server: first request {cold * 1000:.0f} ms (builds the catalogue), "
        f"then median {statistics.median(warm) * 1000:.0f} ms (query + layout + JSON)"
    )
    with chromium() as browser:
        times = []
        for _ in range(runs):
            page = browser.new_page(viewport={"width": 1400, "height": 950})
            page.goto(base + path)
            page.wait_for_selector("body[data-state='ready']", state="attached", timeout=120_000)
            drawn = page.evaluate("[dxkgGraph.readyAt, dxkgGraph.nodes.length, dxkgGraph.edges.length]")
            assert drawn[1:] == [len(first["nodes"]), len(first["edges"])], drawn
            times.append(drawn[0])
            page.close()
    print(
        f"browser: navigation → settled first frame: median {statistics.median(times):.0f} ms "
        f"(runs: {', '.join(f'{t:.0f}' for t in times)})"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--systems", type=int, default=2000)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        store = EmbeddedStore(Path(tmp) / "store")
        store.load(province(args.systems))
        store.close()
        app, server = make_server(str(Path(tmp) / "store"), "127.0.0.1", 0, workers=2)
        threading.Thread(target=server.run, daemon=True).start()
        try:
            measure(f"http://127.0.0.1:{server.effective_port}", args.systems, args.runs)
        finally:
            shutdown(app, server)


if __name__ == "__main__":  # the service's workers are spawned: they re-import this file
    main()
