"""Graph API (``server.graphs``) over the hand-made fixture: what each view holds, search,
exports, errors, and the offline promise (no ``https://`` in any page, vis-network served
by the app from the installed pyvis)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
import requests
from test_graphs_fixture import TASK_L120, fixture_nquads, serving

SYS = "dxid:system/"


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    with serving(fixture_nquads(), tmp_path_factory.mktemp("graphs") / "store") as url:
        yield url


def get(base, path, **params):
    r = requests.get(base + path, params=params, timeout=30)
    return r


def api(base, path, **params):
    r = get(base, path, **params)
    assert r.status_code == 200, r.text
    return r.json()


def labels(view):
    return {n["ref"] for n in view["nodes"]}


def test_province_landscape_has_its_systems_and_the_national_ones_they_link_to(base):
    v = api(base, "/api/graph/systems", scope="ha nam")
    assert labels(v) == {
        SYS + s
        for s in (
            "ha-nam/lgsp",
            "ha-nam/tthc",
            "ha-nam/dvc",
            "ha-nam/qlvb",
            "ha-nam/ioc",
            "ha-nam/csdl-dat-dai",
            "viet-nam/ndxp",
            "viet-nam/dvcqg",
        )
    }
    assert len(v["edges"]) == 7
    assert {c["label"] for c in v["clusters"]} == {"Hà Nam", "Việt Nam"}
    assert all(n["x"] is not None and n["y"] is not None for n in v["nodes"])
    national = {n["ref"]: (n["national"], n["shape"]) for n in v["nodes"]}
    assert national[SYS + "viet-nam/ndxp"] == (True, "diamond")
    assert national[SYS + "ha-nam/lgsp"] == (False, "dot")


def test_national_landscape_is_clustered_by_province(base):
    v = api(base, "/api/graph/systems")
    assert len(v["nodes"]) == 12 and len(v["edges"]) == 11
    assert {c["label"] for c in v["clusters"]} == {"Hà Nam", "Quảng Nam", "Việt Nam"}


def test_dependency_view_up_down_and_edge_tooltips_quote_the_source(base):
    up = api(base, "/api/graph/systems", system="lgsp", scope="Hà Nam", direction="up", depth=5)
    assert labels(up) == {SYS + "ha-nam/lgsp", SYS + "viet-nam/ndxp", SYS + "viet-nam/csdl-dan-cu"}
    down = api(base, "/api/graph/systems", system=SYS + "ha-nam/lgsp", direction="down", depth=1)
    assert labels(down) == {
        SYS + s for s in ("ha-nam/lgsp", "ha-nam/tthc", "ha-nam/qlvb", "ha-nam/ioc", "ha-nam/csdl-dat-dai")
    }
    edge = next(e for e in down["edges"] if e["from"].endswith("ha-nam/ioc"))
    assert edge["to"].endswith("ha-nam/lgsp") and edge["arrows"] == "to"
    assert edge["label"] == "khai thác dữ liệu từ"
    assert "IOC khai thác dữ liệu từ LGSP tỉnh." in edge["title"] and "ke-hoach-ha-nam.txt:42" in edge["title"]
    # dependents above the system, dependencies below it
    ys = {n["ref"]: n["y"] for n in api(base, "/api/graph/systems", system="lgsp", scope="ha nam")["nodes"]}
    assert ys[SYS + "ha-nam/ioc"] < ys[SYS + "ha-nam/lgsp"] < ys[SYS + "viet-nam/ndxp"]


def test_cap_says_how_many_were_left_out(base):
    v = api(base, "/api/graph/systems", limit=5)
    assert (v["shown_nodes"], v["total_nodes"], v["truncated"]) == (5, 12, True)


def test_impact_lists_every_transitive_dependent_with_its_tasks(base):
    v = api(base, "/api/graph/impact", system="csdl dan cu")
    dependents = {n["ref"] for n in v["nodes"] if n["highlight"]}
    assert dependents == {
        SYS + s
        for s in (
            "viet-nam/ndxp",
            "ha-nam/lgsp",
            "quang-nam/lgsp",
            "ha-nam/tthc",
            "ha-nam/qlvb",
            "ha-nam/ioc",
            "ha-nam/csdl-dat-dai",
            "quang-nam/tthc",
        )
    }
    table = v["tables"][0]
    assert len(table["rows"]) == 8
    ioc = next(r for r in table["rows"] if r[0]["node"].endswith("ha-nam/ioc"))
    assert ioc[3] == "3" and ioc[4]["node"].endswith("ha-nam/lgsp")
    assert [t["text"] for t in ioc[5]] == ["Xây dựng Trung tâm giám sát, điều hành thông minh (IOC) (123/KH-UBND)"]


def test_trace_goes_from_the_task_to_the_law_left_to_right(base):
    v = api(base, "/api/graph/trace", task=TASK_L120)
    refs = {n["ref"]: n for n in v["nodes"]}
    assert set(refs) == {
        "dxid:task/ke-hoach-ha-nam/phu-luc-ii/L120",
        "dxid:eli/ubnd-ha-nam/kh/2024/123",
        "dxid:eli/ttg/qd/2022/06",
        "dxid:eli/ttg/qd/2020/749",
        "dxid:eli/tu-ha-nam/nq/2021/05",
        "dxid:eli/qh/luat/2015/to-chuc-chinh-phu",
    }
    assert len(v["edges"]) == 8 == len(v["tables"][0]["rows"])
    qd = refs["dxid:eli/ttg/qd/2020/749"]
    assert qd["label"] == "Quyết định\n749/QĐ-TTg\n03/06/2020\nThủ tướng Chính phủ"
    x = {r: n["x"] for r, n in refs.items()}
    assert (
        x["dxid:task/ke-hoach-ha-nam/phu-luc-ii/L120"]
        < x["dxid:eli/ubnd-ha-nam/kh/2024/123"]
        < x["dxid:eli/ttg/qd/2020/749"]
    )
    doc = api(base, "/api/graph/trace", document="dxid:eli/tu-ha-nam/nq/2021/05")
    assert len(doc["nodes"]) == 3


def test_shortest_path_over_any_relation(base):
    v = api(base, "/api/graph/path", **{"from": SYS + "ha-nam/ioc", "to": "dxid:eli/ttg/qd/2020/749"})
    steps = [r[2] for r in v["tables"][0]["rows"]]
    assert steps[:2] == ["liên quan hệ thống", "thuộc kế hoạch"]
    assert steps[2] in ("căn cứ", "triển khai thực hiện")  # the plan does both


def test_neighbours_are_capped_and_reuse_the_system_link_edges(base):
    v = api(base, "/api/graph/neighbours", node=SYS + "ha-nam/lgsp", limit=3)
    assert v["shown_nodes"] == 4 and v["total_nodes"] > 4 and v["truncated"]
    full = api(base, "/api/graph/neighbours", node=SYS + "ha-nam/lgsp")
    landscape = {e["id"] for e in api(base, "/api/graph/systems", scope="ha nam")["edges"]}
    link_edges = {e["id"] for e in full["edges"] if e["id"].startswith("link|")}
    assert link_edges and link_edges <= landscape


@pytest.mark.parametrize(
    "q, first",
    [
        ("so tttt", "dxid:agency/ha-nam/so-thong-tin-va-truyen-thong"),
        ("Sở TT&TT", "dxid:agency/ha-nam/so-thong-tin-va-truyen-thong"),
        ("lgsp ha nam", SYS + "ha-nam/lgsp"),
        ("LGSP Hà Nam", SYS + "ha-nam/lgsp"),
        ("749", "dxid:eli/ttg/qd/2020/749"),
        ("qd 749", "dxid:eli/ttg/qd/2020/749"),
        ("ubnd ha nam", "dxid:agency/ha-nam/ubnd-tinh-ha-nam"),
        ("csdl dan cu", SYS + "viet-nam/csdl-dan-cu"),
        ("chuyen doi so ha nam", "dxid:eli/ubnd-ha-nam/kh/2024/123"),
    ],
)
def test_search_ignores_diacritics_and_expands_abbreviations(base, q, first):
    hits = api(base, "/api/search", q=q)["results"]
    assert hits and hits[0]["ref"] == first, [h["ref"] for h in hits]


def test_search_results_link_to_the_right_view(base):
    hit = api(base, "/api/search", q="lgsp quang nam")["results"][0]
    assert hit["url"] == "/graph/systems?system=dxid:system/quang-nam/lgsp"
    assert api(base, "/api/search", q="")["results"] == []


def test_exports_graphml_turtle_and_construct_query(base):
    params = {"system": "lgsp", "scope": "ha nam"}
    view = api(base, "/api/graph/systems", **params)
    graphml = get(base, "/api/graph/systems", format="graphml", **params)
    assert graphml.headers["Content-Type"].startswith("application/graphml+xml")
    ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
    root = ET.fromstring(graphml.content)
    assert len(root.findall(".//g:node", ns)) == len(view["nodes"])
    assert len(root.findall(".//g:edge", ns)) == len(view["edges"])
    query = get(base, "/api/graph/systems", format="sparql", **params).text
    assert query.lstrip().startswith("PREFIX") and "CONSTRUCT" in query
    turtle = get(base, "/api/graph/systems", format="turtle", **params)
    assert turtle.headers["Content-Type"].startswith("text/turtle")
    assert "Nền tảng tích hợp, chia sẻ dữ liệu tỉnh Hà Nam (LGSP)" in turtle.text


@pytest.mark.parametrize(
    "path, params, status",
    [
        ("/api/graph/systems", {"system": "no-such-system"}, 404),
        ("/api/graph/systems", {"direction": "sideways"}, 400),
        ("/api/graph/systems", {"depth": "two"}, 400),
        ("/api/graph/impact", {}, 400),
        ("/api/graph/trace", {"task": "dxid:task/none"}, 404),
        ("/api/graph/trace", {"task": "<bad iri>"}, 404),
        ("/api/graph/neighbours", {"node": "dxid:nothing/here"}, 404),
        ("/api/graph/systems", {"format": "pdf"}, 400),
        ("/graph/nothing", {}, 404),
        ("/graph/lib/../../setup.py", {}, 404),
    ],
)
def test_bad_requests_get_a_plain_message(base, path, params, status):
    r = get(base, path, **params)
    assert r.status_code == status
    assert "Traceback" not in r.text


@pytest.mark.parametrize(
    "path",
    [
        "/graph",
        "/graph/systems",
        "/graph/impact?system=lgsp",
        "/graph/trace",
        "/graph/path",
        "/graph/node",
        "/graph/static/graph.js",
        "/graph/static/graph.css",
        "/graph/static/graph_search.js",
        "/graph/lib/vis-network.css",
    ],
)
def test_pages_are_offline(base, path):
    r = get(base, path)
    assert r.status_code == 200
    assert "https://" not in r.text
    if path.startswith("/graph/lib") or path.endswith((".js", ".css")):
        return
    assert "<script>" not in r.text  # no inline script: the CSP allows 'self' only


def test_vis_network_comes_from_the_installed_pyvis(base):
    from dxkg.server.graphs import vis_folder

    r = get(base, "/graph/lib/vis-network.min.js")
    assert r.status_code == 200 and r.content == (vis_folder() / "vis-network.min.js").read_bytes()
    assert "pyvis" in str(vis_folder())


def test_views_and_the_named_query_agree_on_dependencies_of_every_system(base):
    """One definition of dependency: impact and the up/down views list exactly the systems the
    named query ``system-dependencies`` lists, for every system of the fixture."""
    systems = api(base, "/api/graph/systems")["nodes"]
    assert len(systems) > 10
    for s in systems:
        for direction in ("up", "down"):
            rows = api(base, "/api/queries/system-dependencies", system=s["id"], direction=direction)
            expected = {b["other"]["value"] for b in rows["results"]["bindings"]} - {s["id"]}
            view = api(base, "/api/graph/systems", system=s["ref"], direction=direction, depth=6)
            assert {n["id"] for n in view["nodes"]} - {s["id"]} == expected, (s["ref"], direction)
            if direction == "down":
                impact = api(base, "/api/graph/impact", system=s["ref"])
                assert {n["id"] for n in impact["nodes"] if n["highlight"]} == expected, s["ref"]


def test_an_ambiguous_name_lists_its_candidates_instead_of_picking_one(base):
    r = get(base, "/api/graph/impact", system="lgsp")
    assert r.status_code == 409
    assert SYS + "ha-nam/lgsp" in r.text and SYS + "quang-nam/lgsp" in r.text
    assert api(base, "/api/graph/impact", system="lgsp", scope="Quảng Nam")["center"].endswith("quang-nam/lgsp")
