"""The derived graph (kg/derived.py) and the named queries that read it.

The definition of a dependency and of a legal-basis chain stays the one written with paths
in the named queries before the derived graph existed (kept in tests/reference/): the
derived answers must be the same rows, on the seeds and on a synthetic corpus. Query shapes
are guarded by counting rows, never by time.
"""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest
import requests

from bench import synth, synth_text
from dxkg.kg import queries
from dxkg.kg.derived import LEGAL_BASIS_RELATIONS, _edges, basis_graph, derive, refresh_derived, shortest_paths
from dxkg.kg.namespaces import DERIVED_GRAPH, DX
from dxkg.kg.pipeline import build_store
from dxkg.kg.store import EmbeddedStore
from tests.conftest import TOKEN

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
REFERENCE = Path(__file__).with_name("reference")
needs_seeds = pytest.mark.skipif(not SEEDS.is_dir(), reason="needs ../shared/seeds")
PREFIX = f"PREFIX dx: <{DX}>\n"


def reference(name: str) -> queries.NamedQuery:
    return queries.parse(name, (REFERENCE / f"{name}-by-paths.rq").read_text(encoding="utf-8"))


def rows(store, q: queries.NamedQuery, params: dict, **kw) -> list[tuple]:
    """The rows as sorted tuples; SAMPLE made MIN, so that a node with two labels compares."""
    sparql = re.sub(r"\bSAMPLE\((\?\w+)\)", r"MIN(\1)", q.bind(params, **kw))
    res = store.select(sparql)["results"]["bindings"]
    return [tuple(sorted((k, v["value"]) for k, v in b.items())) for b in res]


def iris(store, sparql: str) -> list[str]:
    return [b["x"]["value"] for b in store.select(PREFIX + sparql)["results"]["bindings"]]


def assert_same_as_reference(store, systems: list[str], starts: list[tuple[str, str]]) -> int:
    """Every system both ways and every start of a trace: same rows as the path queries."""
    checked = 0
    for system in systems:
        for direction in ("up", "down"):
            params = {"system": system, "direction": direction}
            want = rows(store, reference("system-dependencies"), params)
            assert sorted(rows(store, queries.get("system-dependencies"), params, defaults=False)) == sorted(want)
            checked += len(want)
    for param, start in starts:
        want = rows(store, reference("legal-basis-trace"), {param: start})
        assert sorted(rows(store, queries.get("legal-basis-trace"), {param: start}, defaults=False)) == sorted(want)
        checked += len(want)
    return checked


@pytest.fixture(scope="module")
def seeds_store(tmp_path_factory) -> EmbeddedStore:
    folder = tmp_path_factory.mktemp("seeds") / "store"
    assert build_store([str(SEEDS)], folder, validate=False, report=lambda _m: None) == 0
    return EmbeddedStore(folder, read_only=True)


@pytest.fixture(scope="module")
def synthetic() -> EmbeddedStore:
    """3 provinces × 3 years of synthetic plans, with the derived graph synth computes."""
    store = EmbeddedStore()
    synth.load_into(store, 3, 3)
    return store


@needs_seeds
def test_derived_answers_equal_the_path_queries_on_the_seeds(seeds_store):
    systems = iris(seeds_store, "SELECT ?x WHERE { ?x a dx:InformationSystem } ORDER BY ?x")
    tasks = iris(seeds_store, "SELECT ?x WHERE { ?x a dx:Task } ORDER BY ?x")[::5]
    documents = iris(seeds_store, "SELECT ?x WHERE { ?x a dx:LegalDocument } ORDER BY ?x")
    starts = [("task", t) for t in tasks] + [("document", d) for d in documents]
    assert len(systems) > 10 and len(starts) > 60
    assert assert_same_as_reference(seeds_store, systems + ["LGSP", "Hệ thống"], starts) > 300


def test_derived_answers_equal_the_path_queries_on_a_synthetic_corpus(synthetic):
    lm = synth.landmarks(3)
    systems = [lm.app, lm.lgsp, lm.ndxp, synth.system_iri("ioc", "An Giang"), "csdl"]
    tasks = iris(synthetic, "SELECT ?x WHERE { ?x a dx:Task } ORDER BY ?x")[::40]
    plans = iris(synthetic, "SELECT ?x WHERE { ?x a dx:SourceDocument } ORDER BY ?x")
    starts = [("task", lm.task)] + [("task", t) for t in tasks] + [("document", d) for d in plans]
    assert assert_same_as_reference(synthetic, systems, starts) > 400


def test_the_build_derives_from_what_it_writes_what_the_store_derives(tmp_path):
    """The build gathers the closures' inputs as it writes (``derived.Inputs``); a query of
    the built store gives the same derived graph. Tasks start no chain: their links are left
    out of the graph the chains are followed in."""
    paths = synth_text.write_corpus(tmp_path / "plans", 2, 40_000)
    assert build_store(paths, tmp_path / "store", validate=False, report=lambda _m: None) == 0
    store = EmbeddedStore(tmp_path / "store", read_only=True)
    built = {
        (q.subject, q.predicate, q.object)
        for q in store.raw.quads_for_pattern(None, None, None, ox.NamedNode(DERIVED_GRAPH))
    }
    assert built and built == {(q.subject, q.predicate, q.object) for q in derive(store)}
    links = _edges(store, LEGAL_BASIS_RELATIONS)
    g, _sources = basis_graph(links, set())
    tasks = len(iris(store, "SELECT ?x WHERE { ?x a dx:Task }"))
    assert tasks > 100 and len(links) >= 2 * tasks and g.number_of_edges() < len(links) - 2 * tasks


def test_shortest_paths_name_every_hop_before_and_include_cycles():
    import networkx as nx

    g = nx.DiGraph([("a", "b"), ("a", "c"), ("b", "d"), ("c", "d"), ("d", "a")])
    got = shortest_paths(g, "a")
    assert got["b"] == (1, {"a"}) and got["d"] == (2, {"b", "c"})
    assert got["a"] == (3, {"d"})  # a cycle leads back: a depends on itself through d


def test_the_derived_graph_follows_writes_when_refreshed():
    store = EmbeddedStore()
    g = "https://w3id.org/dxkg/id/graph/doc"
    a, b, c = (f"https://w3id.org/dxkg/id/system/x/{k}" for k in "abc")
    store.load(f"<{a}> <{DX}dependsOn> <{b}> <{g}> .\n".encode())
    refresh_derived(store)
    ask = f"SELECT ?x WHERE {{ <{a}> dx:dependsOnTransitively ?x }} ORDER BY ?x"
    assert iris(store, ask) == [b]
    store.load(f"<{b}> <{DX}dependsOn> <{c}> <{g}> .\n".encode())
    assert iris(store, ask) == [b]  # derived facts are not live …
    refresh_derived(store)
    assert iris(store, ask) == [b, c]  # … until refreshed
    depth = f"SELECT ?x WHERE {{ ?p dx:pathFrom <{a}> ; dx:pathTo <{c}> ; dx:depth ?x }}"
    assert iris(store, depth) == ["2"]
    once = sorted(store.dump("nquads", graph=DERIVED_GRAPH).splitlines())
    refresh_derived(store)
    assert sorted(store.dump("nquads", graph=DERIVED_GRAPH).splitlines()) == once  # regenerated, not appended


def test_the_derived_graph_does_not_grow_with_the_years_of_plans():
    """Plans restate the same landscape every year: twice the years, the same closure;
    legal-basis paths grow with the documents (one more plan per year), not faster."""

    def counts(n_years: int) -> tuple[int, int, int]:
        store = EmbeddedStore()
        synth.load_into(store, 2, n_years)
        dep = len(iris(store, "SELECT ?x WHERE { ?x a dx:DependencyPath }"))
        basis = len(iris(store, "SELECT ?x WHERE { ?x a dx:LegalBasisPath }"))
        docs = len(iris(store, "SELECT DISTINCT ?x WHERE { ?x a dx:LegalDocument }"))
        return dep, basis, docs

    dep2, basis2, docs2 = counts(2)
    dep4, basis4, docs4 = counts(4)
    assert dep2 == dep4 > 0
    assert basis4 / docs4 <= 2 * basis2 / docs2


def test_anchored_named_queries_return_the_same_rows_whatever_the_number_of_provinces():
    """The rows of an upward trace and of a task's chain are the system's and the task's
    own: they must not multiply when other provinces are added (no join over all of them)."""
    lm = synth.landmarks(1)

    def answer(n_provinces: int) -> tuple[list, list, int]:
        store = EmbeddedStore()
        synth.load_into(store, n_provinces, 1)
        up = rows(store, queries.get("system-dependencies"), {"system": lm.app})
        trace = rows(store, queries.get("legal-basis-trace"), {"task": lm.task})
        down = rows(store, queries.get("system-dependencies"), {"system": lm.ndxp, "direction": "down"})
        return up, trace, len(down)

    up2, trace2, down2 = answer(2)
    up4, trace4, down4 = answer(4)
    assert up2 == up4 and len(up2) > 5
    # the chain reaches the task's own province and national documents, never another province's
    # (national decrees gain links as more plans restate their bases: that is data, not work)
    assert set(trace2) <= set(trace4) and len(trace2) > 5
    assert {dict(r).get("scope") for r in trace4} <= {"Hà Nam", "Việt Nam", None}
    assert down2 < down4 <= 2 * down2  # what breaks with a national platform grows with the provinces, linearly


LISTINGS = [
    "tasks",
    "budgets",
    "indicators",
    "document-relations",
    "service-usage",
    "system-links",
    "responsible-today",
]


def before_grouping(sparql: str) -> str:
    """A query counting the solutions of ``sparql``'s WHERE clause: the rows its engine
    builds before the final grouping (the work, where the answer only shows the result)."""
    head, _, rest = sparql.partition("\nWHERE {")
    end = rest.rindex("\nGROUP BY") if "\nGROUP BY" in rest else rest.rindex("\nORDER BY")
    prefixes = "\n".join(line for line in head.splitlines() if line.startswith("PREFIX"))
    return f"{prefixes}\nSELECT (COUNT(*) AS ?n) WHERE {{{rest[:end]}"


def solutions(store, sparql: str) -> int:
    return int(store.select(before_grouping(sparql))["results"]["bindings"][0]["n"]["value"])


@pytest.mark.parametrize("name", LISTINGS)
def test_a_page_is_chosen_before_its_details_are_looked_up(synthetic, name):
    """A listing's rows before grouping are its page's (a few per row for multi-valued
    cells), not every statement of the corpus grouped and then cut to a page."""
    q = queries.get(name)
    assert len(rows(synthetic, q, {}, defaults=False)) > 30
    assert len(rows(synthetic, q, {"limit": "10"})) == 10
    assert solutions(synthetic, q.bind({"limit": "10"})) <= 4 * 10


def test_a_trace_takes_each_link_once_however_many_plans_restate_it():
    """A national document's bases are restated by every plan that cites it: twice the
    provinces adds their few new links to the trace, and no more rows before grouping."""
    lm = synth.landmarks(1)
    q = queries.get("legal-basis-trace").bind({"task": lm.task})

    def counts(n_provinces: int) -> tuple[int, int]:
        store = EmbeddedStore()
        synth.load_into(store, n_provinces, 1)
        return len(store.select(q)["results"]["bindings"]), solutions(store, q)

    (rows2, work2), (rows4, work4) = counts(2), counts(4)
    assert rows2 > 5 and work4 - work2 <= rows4 - rows2


@needs_seeds
@pytest.mark.parametrize("name", LISTINGS)
def test_pages_of_a_listing_add_up_to_the_whole_listing(seeds_store, name):
    q = queries.get(name)
    whole = rows(seeds_store, q, {}, defaults=False)
    pages, offset = [], 0
    while page := rows(seeds_store, q, {"limit": "7", "offset": str(offset)}):
        assert len(page) <= 7
        pages += page
        offset += 7
    assert pages == whole and len(whole) > 7


def test_services_get_a_default_page_and_exports_every_row():
    q = queries.get("tasks")
    assert "LIMIT 1000" in q.bind({}) and "LIMIT 1000" in q.example()
    assert "LIMIT" not in q.bind({}, defaults=False)
    assert "LIMIT 5" in q.bind({"limit": "5"}, defaults=False)


# --- writes through the service ---------------------------------------------------------------
def test_a_write_touching_dependencies_refreshes_the_closure_and_an_annotation_does_not(writable_server):
    """An acknowledged write that adds a dependency is answered by the derived graph at once;
    a data block naming no input relation leaves the derived graph untouched."""
    auth = {"Authorization": f"Bearer {TOKEN}"}
    url = writable_server.url + "/sparql"
    reach = f"ASK {{ GRAPH <{DERIVED_GRAPH}> {{ <http://x/app> dx:dependsOnTransitively <http://x/platform> }} }}"

    def ask(q: str) -> bool:
        r = requests.get(
            url, params={"query": PREFIX + q}, headers={"Accept": "application/sparql-results+json"}, timeout=60
        )
        assert r.ok, r.text
        return r.json()["boolean"]

    def count_derived() -> int:
        q = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{DERIVED_GRAPH}> {{ ?s ?p ?o }} }}"
        r = requests.get(url, params={"query": q}, headers={"Accept": "application/sparql-results+json"}, timeout=60)
        return int(r.json()["results"]["bindings"][0]["n"]["value"])

    assert not ask(reach)
    data = "<http://x/app> dx:dependsOn <http://x/lgsp> . <http://x/lgsp> dx:dependsOn <http://x/platform> ."
    r = requests.post(
        url, data={"update": PREFIX + f"INSERT DATA {{ GRAPH <http://x/g> {{ {data} }} }}"}, headers=auth, timeout=60
    )
    assert r.status_code == 200, r.text
    assert ask(reach)
    before = count_derived()

    r = requests.post(
        url, data={"update": 'INSERT DATA { <http://x/app> <http://x/note> "ghi chú" }'}, headers=auth, timeout=60
    )
    assert r.status_code == 200 and count_derived() == before

    r = requests.post(url, data={"update": "DROP GRAPH <http://x/g>"}, headers=auth, timeout=60)
    assert r.status_code == 200 and not ask(reach)
