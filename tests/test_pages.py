"""Pages over HTTP on the seeds graph: the task browser's filters, sort, paging and exports
agree with SPARQL; a plan's page groups its tasks by appendix; search knows appendix names;
``/sparql`` honours ``format=``/``output=`` and shows browsers a service page."""

from __future__ import annotations

import csv
import io

import pytest
import requests

PREFIXES = """PREFIX dx: <https://w3id.org/dxkg/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX schema: <https://schema.org/>
"""
QUANG_NAM_PLAN = "https://w3id.org/dxkg/id/source/003-2b8758fcb395133d"


@pytest.fixture(scope="module")
def seeds(seeds_url):
    return seeds_url


def count(base: str, where: str) -> int:
    r = requests.get(
        base + "/sparql",
        params={"query": PREFIXES + f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ {where} }}"},
        headers={"Accept": "application/sparql-results+json"},
        timeout=60,
    )
    return int(r.json()["results"]["bindings"][0]["n"]["value"])


def rows(base: str, path: str, **params) -> dict:
    r = requests.get(base + path, params={**params, "format": "json"}, timeout=60)
    assert r.status_code == 200, r.text
    return r.json()


def test_filters_count_what_sparql_counts(seeds):
    assert rows(seeds, "/tasks")["count"] == count(seeds, "?x a dx:Task ; dx:partOfPlan ?p")
    ha_nam = "?x a dx:Task ; dx:partOfPlan/dx:scope/skos:prefLabel ?l FILTER(STR(?l) = 'Hà Nam')"
    assert rows(seeds, "/tasks", province="Hà Nam")["count"] == count(seeds, ha_nam)
    with_budget = rows(seeds, "/tasks", province="Hà Nam", budget="yes")["count"]
    assert with_budget == count(seeds, ha_nam + " ?x dx:budget ?b")
    assert rows(seeds, "/budgets")["count"] == count(seeds, "?t a dx:Task ; dx:budget ?x . ?x schema:value ?v")
    assert rows(seeds, "/indicators")["count"] == count(seeds, "?x a dx:Indicator ; dx:partOfPlan ?p")


def test_sort_paging_and_csv(seeds):
    by_budget = rows(seeds, "/tasks", sort="-budget")["rows"]
    amounts = [int(r["budget"].replace(".", "") or 0) for r in by_budget]
    assert amounts == sorted(amounts, reverse=True) and amounts[0] > 0
    first = requests.get(seeds + "/tasks", params={"sort": "title"}, timeout=60).text
    second = requests.get(seeds + "/tasks", params={"sort": "title", "page": "2"}, timeout=60).text
    assert 'rel="next"' in first and 'rel="prev"' in second and first != second
    text = requests.get(seeds + "/tasks", params={"province": "Quảng Nam", "format": "csv"}, timeout=60).text
    table = list(csv.DictReader(io.StringIO(text)))
    assert len(table) == rows(seeds, "/tasks", province="Quảng Nam")["count"]
    assert {r["province"] for r in table} == {"Quảng Nam"}


def test_a_plan_page_groups_its_tasks_by_appendix(seeds):
    page = requests.get(seeds + "/id/source/003-2b8758fcb395133d", headers={"Accept": "text/html"}, timeout=60).text
    assert 'id="appendices"' in page and "Phụ lục III" in page
    by_appendix = rows(seeds, "/tasks", plan="dxid:source/003-2b8758fcb395133d")["count"]
    assert by_appendix == count(seeds, f"?x a dx:Task ; dx:partOfPlan <{QUANG_NAM_PLAN}>")
    assert page.count('href="/id/task/') <= 25 * 2  # incoming links capped per kind, not one row per task


def test_search_knows_appendix_names(seeds):
    hits = requests.get(seeds + "/api/search", params={"q": "phu luc iii", "type": "appendix"}, timeout=60).json()
    assert hits["results"] and {h["type"] for h in hits["results"]} == {"appendix"}
    assert all("Phụ lục III" in h["label"] for h in hits["results"][:1])


@pytest.mark.parametrize(
    "param, value, ctype",
    [
        ("format", "json", "application/sparql-results+json"),
        ("format", "csv", "text/csv"),
        ("output", "tsv", "text/tab-separated-values"),
        ("output", "xml", "application/sparql-results+xml"),
        ("format", "application/sparql-results+xml", "application/sparql-results+xml"),
        ("format", "text/csv", "text/csv"),
    ],
)
def test_sparql_format_and_output_parameters(seeds, param, value, ctype):
    r = requests.get(
        seeds + "/sparql",
        params={"query": "SELECT ?s WHERE { ?s a <https://w3id.org/dxkg/ontology#Task> } LIMIT 2", param: value},
        headers={"Accept": "application/sparql-results+json"},
        timeout=60,
    )
    assert r.status_code == 200 and r.headers["Content-Type"].startswith(ctype)


def test_sparql_format_for_graphs_and_unknown_names(seeds):
    construct = "CONSTRUCT { ?s a ?t } WHERE { ?s a ?t } LIMIT 2"
    r = requests.get(seeds + "/sparql", params={"query": construct, "format": "nt"}, timeout=60)
    assert r.headers["Content-Type"].startswith("application/n-triples")
    r = requests.get(seeds + "/sparql", params={"query": construct, "output": "json"}, timeout=60)
    assert r.headers["Content-Type"].startswith("application/ld+json")
    r = requests.get(seeds + "/sparql", params={"query": "ASK {}", "format": "yaml"}, timeout=60)
    assert r.status_code == 400 and "yaml" in r.text


def test_sparql_without_query_a_page_for_browsers_rdf_for_clients(seeds):
    html = requests.get(seeds + "/sparql", headers={"Accept": "text/html,*/*;q=0.8"}, timeout=60)
    assert html.headers["Content-Type"].startswith("text/html") and 'action="/sparql"' in html.text
    ttl = requests.get(seeds + "/sparql", headers={"Accept": "text/turtle"}, timeout=60)
    assert ttl.headers["Content-Type"].startswith("text/turtle") and "sd:Service" in ttl.text
    assert requests.get(seeds + "/sparql", timeout=60).headers["Content-Type"].startswith("text/turtle")


def test_landscape_draws_linked_systems_and_lists_the_others(seeds):
    view = requests.get(seeds + "/api/graph/systems", timeout=60).json()
    linked = {n for e in view["edges"] for n in (e["from"], e["to"])}
    assert {n["id"] for n in view["nodes"]} == linked
    folded = view["tables"][-1]
    assert folded["title"].startswith("Chưa nêu liên kết")
    every = count(seeds, "?x a dx:InformationSystem")
    assert len(view["nodes"]) + len(folded["rows"]) == every
    assert len({c["label"] for c in view["clusters"]}) == len(view["clusters"])  # one label per province


def test_named_query_form_runs_with_references_and_links_locally(seeds):
    page = requests.get(
        seeds + "/queries/system-dependencies",
        params={"system": "dxid:system/viet-nam/ndxp", "direction": "down"},
        timeout=60,
    ).text
    api = requests.get(
        seeds + "/api/queries/system-dependencies",
        params={"system": "dxid:system/viet-nam/ndxp", "direction": "down", "format": "json"},
        timeout=60,
    ).json()
    rows = api["results"]["bindings"]
    assert rows and page.count("<tr>") == len(rows) + 1
    assert 'href="/id/system/' in page and "https://w3id.org" not in page.split('id="rows"')[1]
    csv_text = requests.get(
        seeds + "/api/queries/system-dependencies",
        params={"system": "dxid:system/viet-nam/ndxp", "direction": "down", "format": "csv"},
        timeout=60,
    ).text
    assert len(csv_text.strip().splitlines()) == len(rows) + 1
    listing = requests.get(seeds + "/queries", timeout=60).text
    assert 'href="/queries/legal-basis-trace"' in listing
