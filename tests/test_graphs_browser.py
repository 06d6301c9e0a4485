"""Graph pages in headless Chromium against a live service: each view draws exactly what its
API returns, a click expands a node, a permalink restores the view, the search box leads to a
view, PNG export downloads, labels with markup stay text, and nothing is fetched from
anywhere but the service (every other request is aborted and counts as a failure)."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
import requests
from test_graphs_fixture import TASK_L120, fixture_nquads, serving

VIEWS = [
    "/graph/systems?scope=H%C3%A0%20Nam",
    "/graph/systems",
    "/graph/systems?system=lgsp&scope=ha%20nam&direction=both&depth=3",
    "/graph/impact?system=dxid:system/viet-nam/csdl-dan-cu",
    f"/graph/trace?task={TASK_L120}",
    "/graph/trace?document=dxid:eli/ubnd-ha-nam/kh/2024/123",
    "/graph/path?from=dxid:system/ha-nam/ioc&to=dxid:eli/ttg/qd/2020/749",
    "/graph/node?node=dxid:agency/ha-nam/so-thong-tin-va-truyen-thong",
]


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    with serving(fixture_nquads(), tmp_path_factory.mktemp("graphs") / "store") as url:
        yield url


class Watched:
    """A page whose console errors, uncaught exceptions and failed requests are recorded."""

    def __init__(self, browser):
        self.problems: list[str] = []
        self.context = browser.new_context(viewport={"width": 1400, "height": 950}, accept_downloads=True)
        self.context.route("**/*", self._only_local)
        self.page = self.context.new_page()
        self.page.on("console", lambda m: m.type == "error" and self.problems.append(f"console: {m.text}"))
        self.page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))
        self.page.on("requestfailed", lambda r: self.problems.append(f"failed: {r.url}"))
        self.page.on("response", lambda r: r.status >= 400 and self.problems.append(f"{r.status}: {r.url}"))

    def _only_local(self, route):
        if urlsplit(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            self.problems.append(f"outside request: {route.request.url}")
            route.abort()

    def open(self, url: str) -> None:
        self.page.goto(url)
        # selectors, not wait_for_function: the page's CSP forbids the eval that would need
        self.page.wait_for_selector("body[data-state]:not([data-state='loading'])", state="attached")
        assert self.page.evaluate("document.body.dataset.state") == "ready", self.page.inner_text("#notice")

    def counts(self) -> tuple[int, int]:
        return tuple(self.page.evaluate("[dxkgGraph.nodes.length, dxkgGraph.edges.length]"))

    def click_node(self, node_id: str) -> None:
        xy = self.page.evaluate("(id) => dxkgGraph.network.canvasToDOM(dxkgGraph.network.getPosition(id))", node_id)
        box = self.page.locator("#network canvas").bounding_box()
        self.page.mouse.click(box["x"] + xy["x"], box["y"] + xy["y"])

    def close(self) -> None:
        self.context.close()
        assert not self.problems, self.problems


@pytest.fixture
def watched(browser):
    w = Watched(browser)
    yield w
    w.close()


def api_json(base: str, page_path: str, extra: str = "") -> dict:
    path, _, query = page_path.partition("?")
    kind = path.rsplit("/", 1)[-1]
    route = {"node": "neighbours"}.get(kind, kind)
    r = requests.get(f"{base}/api/graph/{route}?{query}{extra}", timeout=30)
    assert r.status_code == 200, r.text
    return r.json()


@pytest.mark.parametrize("path", VIEWS)
def test_each_view_draws_what_its_api_returns(base, watched, path):
    watched.open(base + path)
    view = api_json(base, path)
    assert watched.counts() == (len(view["nodes"]), len(view["edges"]))
    assert watched.page.inner_text("#view-title") == view["title"]
    rows = watched.page.locator("#tables table").first.locator("tr").count() - 1
    assert rows == len(view["tables"][0]["rows"])
    legend = watched.page.inner_text("#legend-nodes")
    assert f"Nút ({len(view['nodes'])})" in legend


def test_click_selects_the_button_expands_by_systems_and_a_permalink_restores_the_view(base, browser, watched):
    path = "/graph/systems?scope=H%C3%A0%20Nam"
    watched.open(base + path)
    lgsp = "https://w3id.org/dxkg/id/system/ha-nam/lgsp"
    watched.click_node(lgsp)
    assert watched.page.inner_text("#details-label").startswith("Nền tảng tích hợp")
    assert watched.page.get_attribute("body", "data-expanded") is None  # selecting is not expanding
    watched.page.click("#expand-node")
    watched.page.wait_for_selector("body[data-expanded='1']", state="attached")
    view = api_json(base, path)
    more = requests.get(f"{base}/api/graph/neighbours", params={"node": lgsp, "only": "system"}, timeout=30).json()
    assert {n["type"] for n in more["nodes"]} == {"system"}
    expect_nodes = {n["id"] for n in view["nodes"]} | {n["id"] for n in more["nodes"]}
    expect_edges = {e["id"] for e in view["edges"]} | {e["id"] for e in more["edges"]}
    assert watched.counts() == (len(expect_nodes), len(expect_edges))
    assert watched.page.inner_text("#details-label").startswith("Nền tảng tích hợp")
    # hide one kind of node, then follow the permalink in a fresh page
    watched.page.locator("#legend-nodes input[data-key='cat:portal']").uncheck()
    link = watched.page.get_attribute("#permalink", "href")
    assert "expand=dxid%3Asystem%2Fha-nam%2Flgsp" in link and "hide=cat%3Aportal" in link
    hidden = watched.page.evaluate("dxkgGraph.nodes.get({filter: n => n.hidden}).length")
    assert hidden > 0
    again = Watched(browser)
    try:
        again.open(link)
        again.page.wait_for_selector("body[data-restored='1']", state="attached")
        assert again.counts() == (len(expect_nodes), len(expect_edges))
        assert again.page.evaluate("dxkgGraph.nodes.get({filter: n => n.hidden}).length") == hidden
        assert not again.page.locator("#legend-nodes input[data-key='cat:portal']").is_checked()
        assert again.page.inner_text("#details-label").startswith("Nền tảng tích hợp")
    finally:
        again.close()


def test_search_box_leads_to_a_view(base, watched):
    watched.page.goto(base + "/graph")
    watched.page.fill("#search", "lgsp ha nam")
    first = watched.page.locator("#search-results a").first
    first.wait_for()
    assert first.get_attribute("href") == "/graph/systems?system=dxid:system/ha-nam/lgsp"
    first.click()
    watched.page.wait_for_selector("body[data-state='ready']", state="attached")
    assert watched.page.evaluate("dxkgGraph.data.center") == "https://w3id.org/dxkg/id/system/ha-nam/lgsp"


def test_png_export_downloads_the_canvas(base, watched):
    watched.open(base + VIEWS[0])
    with watched.page.expect_download() as dl:
        watched.page.click("#export-png")
    assert dl.value.suggested_filename == "dxkg-systems.png"
    with open(dl.value.path(), "rb") as f:
        assert f.read(8) == b"\x89PNG\r\n\x1a\n"


# ---------------------------------------------------------------------------- XSS
@pytest.fixture(scope="module")
def xss_base(tmp_path_factory):
    with serving(fixture_nquads(xss=True), tmp_path_factory.mktemp("xss") / "store") as url:
        yield url


XSS_VIEWS = [
    "/graph",
    "/graph/systems",
    "/graph/systems?system=dxid:system/ha-nam/lgsp",
    "/graph/impact?system=dxid:system/viet-nam/ndxp",
    f"/graph/trace?task={TASK_L120}",
    "/graph/path?from=dxid:system/ha-nam/ioc&to=dxid:eli/ttg/qd/2020/749",
    "/graph/node?node=dxid:system/ha-nam/lgsp",
]


@pytest.mark.parametrize("path", XSS_VIEWS)
def test_labels_with_markup_render_as_text(xss_base, watched, path):
    page = watched.page
    if path == "/graph":
        page.goto(xss_base + path)
    else:
        watched.open(xss_base + path)
        # a tooltip shows the markup as text
        node = page.evaluate("dxkgGraph.data.nodes[0].id")
        xy = page.evaluate("(id) => dxkgGraph.network.canvasToDOM(dxkgGraph.network.getPosition(id))", node)
        box = page.locator("#network canvas").bounding_box()
        page.mouse.move(box["x"] + xy["x"], box["y"] + xy["y"])
        page.wait_for_selector("div.vis-tooltip", state="visible")
        assert "<script>window.__xss=2</script>" in page.inner_text("div.vis-tooltip")
        page.fill("#search", "lgsp")
        page.locator("#search-results li").first.wait_for()
    assert "<script>window.__xss=2</script>" in page.inner_text("main")
    assert page.evaluate("window.__xss") is None
    assert page.locator("img").count() == 0
    assert page.locator("script:not([src])").count() == 0


# ---------------------------------------------------------------------------- seeds
@pytest.fixture(scope="module")
def seeds_base(seeds_url):
    return seeds_url


TASK_TO_749 = """PREFIX dx: <https://w3id.org/dxkg/ontology#>
PREFIX eli: <http://data.europa.eu/eli/ontology#>
SELECT ?task WHERE {
  ?task a dx:Task ; dx:inAppendix ?appendix ; dx:partOfPlan ?plan .
  ?plan (eli:based_on|dx:implements)/(eli:based_on|dx:implements)* <https://w3id.org/dxkg/id/eli/ttg/qd/2020/749>
} ORDER BY ?task LIMIT 1"""


def test_seed_views_draw_what_their_api_returns(seeds_base, watched):
    hits = requests.get(f"{seeds_base}/api/search", params={"q": "lgsp ha nam"}, timeout=30).json()["results"]
    assert hits[0]["ref"] == "dxid:system/ha-nam/lgsp"
    found = requests.get(
        f"{seeds_base}/sparql",
        params={"query": TASK_TO_749},
        headers={"Accept": "application/sparql-results+json"},
        timeout=30,
    ).json()
    task = found["results"]["bindings"][0]["task"]["value"]
    for path in [
        hits[0]["url"],
        "/graph/systems?scope=H%C3%A0%20Nam",
        "/graph/systems",
        "/graph/impact?system=dxid:system/viet-nam/ndxp",
        f"/graph/trace?task={task}",
    ]:
        watched.open(seeds_base + path)
        view = api_json(seeds_base, path)
        assert watched.counts() == (len(view["nodes"]), len(view["edges"])), path
    assert "https://w3id.org/dxkg/id/eli/ttg/qd/2020/749" in {n["id"] for n in view["nodes"]}
