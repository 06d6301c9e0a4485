"""The three questions of issue 16, answered in headless Chromium on the seeds graph by a person
who starts at ``/`` and types neither an IRI nor SPARQL (every non-local request aborted):

(a) what breaks if NDXP goes down — home → impact → picker "ndxp" → the impact table;
(b) which Quảng Nam tasks rest on 749/QĐ-TTg — home → search "749" → the document page →
    its Quảng Nam group → the task browser;
(c) which tasks Sở TT&TT Hà Nam leads, with deadlines and budgets — home → task browser →
    facets Hà Nam, then the agency → the table and its CSV.

Each answer is checked against SPARQL written here, independently of the pages' code. Also:
the pages in English, and data with markup staying text on every new page.
"""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal

import pytest
import requests
from test_graphs_browser import Watched
from test_graphs_fixture import fixture_nquads, serving

ID = "https://w3id.org/dxkg/id/"
PREFIXES = """PREFIX dx: <https://w3id.org/dxkg/ontology#>
PREFIX eli: <http://data.europa.eu/eli/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX schema: <https://schema.org/>
"""
AGENCY = ID + "agency/ha-nam/so-thong-tin-va-truyen-thong"


@pytest.fixture(scope="module")
def seeds(seeds_url):
    return seeds_url


@pytest.fixture
def person(browser):
    w = Watched(browser)
    yield w
    w.close()
    assert w.problems == []


def select(base: str, query: str) -> list[dict]:
    r = requests.get(
        base + "/sparql",
        params={"query": PREFIXES + query},
        headers={"Accept": "application/sparql-results+json"},
        timeout=60,
    )
    assert r.status_code == 200, r.text
    return [{k: v["value"] for k, v in b.items()} for b in r.json()["results"]["bindings"]]


def shown_count(page) -> int:
    return int(re.search(r"\d+", page.inner_text("#count"))[0])


def test_a_what_breaks_if_ndxp_goes_down(seeds, person):
    page = person.page
    page.goto(seeds + "/")
    page.click("#start-impact")
    page.wait_for_selector("body[data-state='empty']", state="attached")
    page.fill("input[name=system]", "ndxp")
    candidate = page.locator(".picker-results button.candidate").first
    candidate.wait_for()
    refs = page.locator(".picker-results button.candidate").evaluate_all("bs => bs.map(b => b.dataset.ref)")
    assert refs[0] == "dxid:system/viet-nam/ndxp", refs
    candidate.click()
    assert page.input_value("input[name=system]") == "dxid:system/viet-nam/ndxp"
    page.click("#view-form button[type=submit]")
    page.wait_for_selector("body[data-state='ready']", state="attached")
    expected = {
        r["other"]
        for r in select(
            seeds,
            """SELECT DISTINCT ?other WHERE { ?other dx:dependsOn+ <https://w3id.org/dxkg/id/system/viet-nam/ndxp> .
               ?other a dx:InformationSystem }""",
        )
    }
    assert expected, "the seeds state systems that depend on NDXP"
    rows = page.locator("#tables table").first.locator("tr")
    assert rows.count() - 1 == len(expected)
    assert set(page.evaluate("dxkgGraph.data.nodes.filter(n => n.highlight).map(n => n.id)")) == expected
    assert "LGSP" in page.inner_text("#tables")


def test_b_quang_nam_tasks_resting_on_749(seeds, person):
    page = person.page
    page.goto(seeds + "/")
    page.fill("#search", "749")
    first = page.locator("#search-results a").first
    first.wait_for()
    assert first.inner_text().endswith("749/QĐ-TTg")
    first.click()
    page.wait_for_selector("#rests-on")
    assert page.inner_text("h1") == "Quyết định 749/QĐ-TTg"
    group = page.locator("#rests-on h3.province", has_text="Quảng Nam")
    group.locator("a").click()
    page.wait_for_selector("#browse")
    expected = {
        r["task"]
        for r in select(
            seeds,
            """SELECT DISTINCT ?task WHERE {
                 ?task a dx:Task ; dx:partOfPlan ?plan . ?plan dx:scope/skos:prefLabel ?p FILTER(STR(?p) = "Quảng Nam")
                 { ?plan (eli:based_on|dx:implements)+ <https://w3id.org/dxkg/id/eli/ttg/qd/2020/749> }
                 UNION { ?task dx:legalBasis/(eli:based_on|dx:implements)* <https://w3id.org/dxkg/id/eli/ttg/qd/2020/749> }
               }""",
        )
    }
    assert expected
    assert shown_count(page) == len(expected)
    chips = page.inner_text("#filters")
    assert "749/QĐ-TTg" in chips and "Quảng Nam" in chips
    provinces = page.locator("#rows tbody tr td:nth-child(3)").all_inner_texts()
    assert provinces and set(provinces) == {"Quảng Nam"}
    exported = requests.get(seeds + page.get_attribute("#export-json", "href"), timeout=60).json()
    assert {r["id"] for r in exported["rows"]} == expected


def test_c_tasks_led_by_so_tttt_ha_nam_with_deadlines_and_budgets(seeds, person):
    page = person.page
    page.goto(seeds + "/")
    page.click("#start-tasks")
    page.wait_for_selector("#browse")
    page.locator("[data-facet=province] a", has_text="Hà Nam").click()
    page.wait_for_selector("#filters")
    page.locator("[data-facet=lead] a", has_text="Sở Thông tin và Truyền thông (Hà Nam)").click()
    page.wait_for_selector("#filters a[data-key=lead]")
    rows = select(
        seeds,
        f"""SELECT ?task (SAMPLE(?d) AS ?deadline) (SUM(?v) AS ?budget) WHERE {{
              ?task a dx:Task ; dx:leadAgency <{AGENCY}> .
              OPTIONAL {{ ?task dx:deadlineText ?d }} OPTIONAL {{ ?task dx:budget/schema:value ?v }} }} GROUP BY ?task""",
    )
    assert rows
    assert shown_count(page) == len(rows)
    headers = page.locator("#rows thead th").all_inner_texts()
    assert any("Thời hạn" in h for h in headers) and any("Kinh phí" in h for h in headers)
    exported = requests.get(seeds + page.get_attribute("#export-csv", "href"), timeout=60)
    table = {r["id"]: r for r in csv.DictReader(io.StringIO(exported.text))}
    assert set(table) == {r["task"] for r in rows}
    for r in rows:
        assert table[r["task"]]["deadline"] == r.get("deadline", "")
        budget = Decimal(r.get("budget") or 0) / 1_000_000
        assert Decimal(table[r["task"]]["budget"].replace(".", "") or 0) == budget.quantize(Decimal(1))
    # the same answer from the agency's own page, reached by search
    page.fill("#search", "so tttt ha nam")
    hit = page.locator("#search-results a").first
    hit.wait_for()
    hit.click()
    page.wait_for_selector("#holdings")
    assert page.inner_text("h1") == "Sở Thông tin và Truyền thông (Hà Nam)"
    assert "Sở Khoa học và Công nghệ" in page.inner_text("#today")  # who holds its duties since the 2025 mergers
    page.locator("#holdings a[href^='/tasks?lead=']").click()
    page.wait_for_selector("#browse")
    assert shown_count(page) == len(rows)


def test_pages_speak_english_when_asked(seeds, person):
    page = person.page
    page.goto(seeds + "/?lang=en")
    assert page.get_attribute("html", "lang") == "en"
    assert "knowledge graph" in page.inner_text(".intro")
    page.click("#start-tasks")  # the choice is remembered
    page.wait_for_selector("#browse")
    assert page.inner_text("h1").startswith("Tasks")
    page.click("nav a[href='/graph/impact']")
    page.wait_for_selector("body[data-state='empty']", state="attached")
    assert page.inner_text("h1") == "Impact analysis" and "Type a system" in page.inner_text("#notice")


def test_sparql_service_page_for_browsers(seeds, person):
    page = person.page
    page.goto(seeds + "/sparql")
    assert "SPARQL 1.1" in page.inner_text("h1")
    form = page.locator("#sparql-service form[action='/sparql']")
    query = form.locator("textarea[name=query]").input_value()
    formats = form.locator("select[name=format] option").evaluate_all("os => os.map(o => o.value)")
    assert {"json", "xml", "csv", "tsv", "turtle"} <= set(formats)
    # what submitting it asks for (a browser would download the answer, so it is fetched here)
    r = requests.get(seeds + "/sparql", params={"query": query, "format": "json"}, timeout=60)
    assert r.headers["Content-Type"].startswith("application/sparql-results+json") and r.json()["results"]["bindings"]


# ---------------------------------------------------------------------------- XSS
@pytest.fixture(scope="module")
def xss(tmp_path_factory):
    with serving(fixture_nquads(xss=True), tmp_path_factory.mktemp("pages-xss") / "store") as url:
        yield url


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/tasks",
        "/tasks?sort=-lead&q=a",
        "/id/eli/ttg/qd/2020/749",
        "/id/eli/ubnd-ha-nam/kh/2024/123",
    ],
)
def test_markup_in_data_stays_text(xss, person, path):
    page = person.page
    page.goto(xss + path)
    assert "<script>window.__xss=2</script>" in page.inner_text("main")
    assert page.evaluate("window.__xss") is None
    assert page.locator("img").count() == 0
    assert page.locator("script:not([src])").count() == 0


def test_named_query_form_shows_every_candidate_of_an_ambiguous_name(seeds, person):
    page = person.page
    page.goto(seeds + "/queries/system-dependencies")
    page.fill("input[name=system]", "lgsp")
    page.locator(".picker-results button.candidate").first.wait_for()
    refs = page.locator(".picker-results button.candidate").evaluate_all("bs => bs.map(b => b.dataset.ref)")
    provincial = {r for r in refs if r.endswith("/lgsp")}
    assert len(provincial) >= 3, refs  # Hà Nam, Hải Dương, Quảng Nam: none chosen silently
    page.locator(".picker-results button.candidate[data-ref='dxid:system/ha-nam/lgsp']").click()
    page.select_option("select[name=direction]", "up")
    page.click("#query-form button[type=submit]")
    page.wait_for_selector("#rows")
    assert "NDXP" in page.inner_text("#rows")
