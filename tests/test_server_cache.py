"""The result cache (``server/result_cache.py``) against a live service: a repeated query is
answered without a worker, and never with an answer older than a worker would read.

Whether a request was evaluated is read from ``dxkg_worker_tasks_total`` (read tasks given to
query workers), never from timing.
"""

from __future__ import annotations

import http.client
import json
import threading
import time
import urllib.parse

import pytest
import requests
from conftest import DOC_GRAPH, TASK, TOKEN, LiveServer, make_store

from dxkg.kg.store import build_aside

AUTH = {"Authorization": f"Bearer {TOKEN}"}
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH <http://x/c> { ?s ?p ?o } }"
JSON = {"Accept": "application/sparql-results+json"}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A writable service with the default result cache."""
    s = LiveServer(make_store(tmp_path_factory.mktemp("store") / "store"), workers=2, update_token=TOKEN)
    yield s
    s.close()


def metrics(server) -> dict[str, float]:
    text = requests.get(server.url + "/metrics", timeout=30).text
    return {
        line.split()[0]: float(line.split()[1])
        for line in text.splitlines()
        if line.startswith("dxkg_") and "{" not in line
    }


def evaluations(server) -> int:
    return int(metrics(server)["dxkg_worker_tasks_total"])


def get(server, query: str, headers: dict | None = None, **params) -> requests.Response:
    r = requests.get(server.url + "/sparql", params={"query": query, **params}, headers=headers or JSON, timeout=60)
    return r


def count(r: requests.Response) -> int:
    assert r.status_code == 200, r.text
    return int(r.json()["results"]["bindings"][0]["n"]["value"])


def update(server, text: str) -> None:
    r = requests.post(server.url + "/sparql", data={"update": text}, headers=AUTH, timeout=60)
    assert r.status_code == 200, r.text


def test_a_repeated_query_is_answered_without_a_worker(server):
    query = f"SELECT ?p ?o WHERE {{ <{TASK}> ?p ?o }} ORDER BY ?p ?o"
    first = get(server, query)
    before, hits = evaluations(server), metrics(server)["dxkg_result_cache_hits_total"]
    again = [get(server, query) for _ in range(3)]
    assert evaluations(server) == before
    assert metrics(server)["dxkg_result_cache_hits_total"] == hits + 3
    for r in again:
        assert r.status_code == 200 and r.content == first.content
        assert r.headers["ETag"] == first.headers["ETag"] and r.headers["ETag"].startswith('W/"')
        assert r.headers["Cache-Control"] == "no-cache" and r.headers["Vary"] == "Accept"
        assert r.headers["Content-Type"] == first.headers["Content-Type"]
    # the same query by POST (form and body) is the same question: answered from memory too
    posted = requests.post(server.url + "/sparql", data={"query": query}, headers=JSON, timeout=60)
    body = requests.post(
        server.url + "/sparql", data=query, headers={**JSON, "Content-Type": "application/sparql-query"}, timeout=60
    )
    assert posted.content == body.content == first.content and evaluations(server) == before
    assert "ETag" not in posted.headers  # a POST's answer is no representation of the URL


def test_no_cache_on_the_request_evaluates_afresh(server):
    query = f"ASK {{ <{TASK}> ?p ?o }}"
    get(server, query)
    for headers in ({"Cache-Control": "no-cache"}, {"Cache-Control": "max-age=0, no-store"}, {"Pragma": "no-cache"}):
        before = evaluations(server)
        r = get(server, query, {**JSON, **headers})
        assert r.status_code == 200 and r.json()["boolean"] is True
        assert evaluations(server) == before + 1, headers
    assert metrics(server)["dxkg_result_cache_bypasses_total"] >= 3
    before = evaluations(server)
    get(server, query)
    assert evaluations(server) == before  # what no-cache evaluated was kept
    # a browser's reload (max-age=0) may have the kept answer: it is never older than the data
    get(server, query, {**JSON, "Cache-Control": "max-age=0"})
    assert evaluations(server) == before


def test_no_store_keeps_nothing(server):
    query = "SELECT ?s WHERE { ?s a ?t } ORDER BY ?s LIMIT 1"
    get(server, query, {**JSON, "Cache-Control": "no-store"})
    before = evaluations(server)
    get(server, query)
    assert evaluations(server) == before + 1


def test_a_read_after_a_write_sees_it_while_others_keep_the_cache_warm(server):
    """Readers ask the counting query without pause (keeping its answer cached, and storing
    answers evaluated at the generation before each write) while writes land; a read sent
    after each write's 200 always counts that write."""
    base = count(get(server, COUNT))
    assert count(get(server, COUNT)) == base  # warm
    stop = threading.Event()
    seen: list[int] = []

    def reader() -> None:
        while not stop.is_set():
            seen.append(count(get(server, COUNT)))

    readers = [threading.Thread(target=reader) for _ in range(4)]
    for t in readers:
        t.start()
    try:
        for i in range(30):
            update(server, f"INSERT DATA {{ GRAPH <http://x/c> {{ <http://x/w/{i}> <http://x/n> {i} }} }}")
            assert count(get(server, COUNT)) == base + i + 1
            assert count(get(server, COUNT)) == base + i + 1  # and from memory, the same
    finally:
        stop.set()
        for t in readers:
            t.join(60)
    assert seen and seen == sorted(seen)  # each reader's answers never went back
    assert metrics(server)["dxkg_result_cache_hits_total"] > 0


def test_an_answer_evaluated_across_a_write_is_not_kept_as_current(server):
    """A query given to a worker before a write and answered after its 200 holds the data
    from before: it must not be given to a read sent after the 200. (A slow join keeps the
    first query busy while the write lands; if it ends first, nothing is tested, and the
    test passes without proving anything — never the other way round.)"""
    for part in range(3):
        big = " ".join(f"<http://x/b/{i}> <http://x/p> {i} ." for i in range(part * 1000, part * 1000 + 1000))
        update(server, f"INSERT DATA {{ GRAPH <http://x/big> {{ {big} }} }}")
    slow = (
        "SELECT ?n ?m WHERE { { SELECT (COUNT(*) AS ?n) WHERE { GRAPH <http://x/across> { ?s ?p ?o } } } "
        "{ SELECT (COUNT(*) AS ?m) WHERE { GRAPH <http://x/big> { ?a ?b ?c . ?d ?e ?f } } } }"
    )
    before = evaluations(server)
    early: list[requests.Response] = []
    first = threading.Thread(target=lambda: early.append(get(server, slow)))
    first.start()
    deadline = time.monotonic() + 60
    while evaluations(server) == before and time.monotonic() < deadline:
        time.sleep(0.005)  # until the first query is in a worker's hands
    update(server, "INSERT DATA { GRAPH <http://x/across> { <http://x/a> <http://x/p> 1 } }")
    first.join(120)
    assert early[0].status_code == 200
    after = get(server, slow).json()["results"]["bindings"][0]
    assert after["n"]["value"] == "1" and after["m"]["value"] == str(3000 * 3000)


def test_a_served_rebuild_gives_fresh_answers(live_server_factory):
    server = live_server_factory(update_token=TOKEN, reload_interval=0)  # adopts a build when told
    query = "SELECT ?o WHERE { <http://x/rebuilt> <http://x/round> ?o }"
    assert get(server, query).json()["results"]["bindings"] == []
    assert get(server, query).json()["results"]["bindings"] == []  # kept
    with build_aside(server.store_dir, wait=0) as store:  # pending until the service is told
        store.load(b'<http://x/rebuilt> <http://x/round> "1" <http://x/built-graph> .\n')
    assert get(server, query).json()["results"]["bindings"] == []  # not served yet
    r = requests.post(server.url + "/admin/reload", headers=AUTH, timeout=60)
    assert r.status_code == 200, r.text
    rows = get(server, query).json()["results"]["bindings"]
    assert [b["o"]["value"] for b in rows] == ["1"]
    assert get(server, f"ASK {{ <{TASK}> ?p ?o }}").json()["boolean"] is False  # the old data is gone


@pytest.mark.parametrize("word", ["NOW()", "RAND()", "STRUUID()", "UUID()", "BNODE()"])
def test_answers_that_differ_per_evaluation_are_not_kept(server, word):
    query = f"SELECT ?x WHERE {{ BIND({word} AS ?x) }}"
    before, uncacheable = evaluations(server), metrics(server)["dxkg_result_cache_uncacheable_total"]
    answers = [get(server, query) for _ in range(3)]
    assert evaluations(server) == before + 3
    assert metrics(server)["dxkg_result_cache_uncacheable_total"] == uncacheable + 3
    for r in answers:
        assert r.status_code == 200 and r.headers["Cache-Control"] == "no-store" and "ETag" not in r.headers
    if word != "NOW()":  # fresh each time (NOW() may repeat within a clock tick)
        assert len({r.content for r in answers}) == 3


def test_if_none_match_gets_304_until_the_data_changes(server):
    query = f"SELECT ?o WHERE {{ <{TASK}> <http://www.w3.org/2000/01/rdf-schema#label> ?o }}"
    first = get(server, query)
    etag = first.headers["ETag"]
    before = evaluations(server)
    for inm in (etag, f'"other", {etag}', etag.removeprefix("W/"), "*"):
        r = get(server, query, {**JSON, "If-None-Match": inm})
        assert r.status_code == 304 and r.content == b"", inm
        assert r.headers["ETag"] == etag and r.headers["Vary"] == "Accept" and r.headers["Cache-Control"] == "no-cache"
        assert "Content-Type" not in r.headers
    assert evaluations(server) == before
    assert get(server, query, {**JSON, "If-None-Match": '"other"'}).status_code == 200
    csv = get(server, query, {"Accept": "text/csv", "If-None-Match": etag})  # another representation
    assert csv.status_code == 200 and csv.headers["ETag"] != etag and csv.headers["Content-Type"].startswith("text/csv")
    # a POST is not a conditional request for the URL's representation: answered in full
    posted = requests.post(server.url + "/sparql", data={"query": query}, headers={**JSON, "If-None-Match": etag})
    assert posted.status_code == 200 and posted.content == first.content

    update(server, "INSERT DATA { GRAPH <http://x/e> { <http://x/e> <http://x/p> 1 } }")
    r = get(server, query, {**JSON, "If-None-Match": etag})
    assert r.status_code == 200 and r.content == first.content and r.headers["ETag"] != etag


def test_a_304_keeps_the_connection_open(server):
    query = "ASK { ?s ?p ?o }"
    path = "/sparql?" + urllib.parse.urlencode({"query": query})
    conn = http.client.HTTPConnection("127.0.0.1", int(server.url.rsplit(":", 1)[1]), timeout=60)
    try:
        conn.request("GET", path, headers=JSON)
        r = conn.getresponse()
        r.read()
        etag, sock = r.getheader("ETag"), conn.sock
        for _ in range(2):
            conn.request("GET", path, headers={**JSON, "If-None-Match": etag})
            r = conn.getresponse()
            assert r.status == 304 and r.read() == b"" and not r.will_close
            assert conn.sock is sock
        conn.request("GET", path, headers=JSON)
        r = conn.getresponse()
        assert r.status == 200 and json.loads(r.read())["boolean"] is True and conn.sock is sock
    finally:
        conn.close()


def test_errors_are_not_kept(server):
    broken = "SELECT ?s WHERE { ?s ?p }"  # past the lexer, refused by the engine in the worker
    before = evaluations(server)
    for _ in range(2):
        r = get(server, broken)
        assert r.status_code == 400 and "ETag" not in r.headers
    assert evaluations(server) == before + 2


def test_a_query_over_the_time_limit_is_not_kept(live_server_factory):
    from test_server_lifecycle import RUNAWAY

    s = live_server_factory(query_timeout=1)
    before = evaluations(s)
    for _ in range(2):
        assert get(s, RUNAWAY).status_code == 504
    assert evaluations(s) == before + 2


def test_token_holder_and_anonymous_get_the_same_answer(server):
    query = f"SELECT ?p ?o WHERE {{ GRAPH <{DOC_GRAPH}> {{ ?s ?p ?o }} }} ORDER BY ?p ?o LIMIT 5"
    anonymous = get(server, query, headers=JSON)
    holder = get(server, query, headers={**JSON, **AUTH})
    fresh_holder = get(server, query, headers={**JSON, **AUTH, "Cache-Control": "no-cache"})
    assert anonymous.content == holder.content == fresh_holder.content
    assert anonymous.headers["ETag"] == holder.headers["ETag"] == fresh_holder.headers["ETag"]


def test_the_key_holds_what_shapes_the_answer(server):
    """Format, dataset and the base IRI (from the Host) change the answer: never confused."""
    update(server, "INSERT DATA { GRAPH <http://x/k1> { <http://x/k> <http://x/p> 1 } }")
    rows = "SELECT ?o WHERE { ?s <http://x/p> ?o } ORDER BY ?o"
    union = get(server, rows).json()["results"]["bindings"]
    one = get(server, rows, **{"default-graph-uri": "http://x/k1"}).json()["results"]["bindings"]
    assert [b["o"]["value"] for b in one] == ["1"] and len(union) > len(one)
    csv = get(server, rows, {"Accept": "text/csv"})
    tsv = get(server, rows, format="tsv")
    assert csv.content.startswith(b"o\r\n") and tsv.content.startswith(b"?o\n")
    relative = "SELECT (<here> AS ?x) {}"
    a = get(server, relative, {**JSON, "Host": "a.example"}).json()["results"]["bindings"][0]["x"]["value"]
    b = get(server, relative, {**JSON, "Host": "b.example"}).json()["results"]["bindings"][0]["x"]["value"]
    assert a == "http://a.example/here" and b == "http://b.example/here"


def test_named_queries_and_pages_reuse_answers(server):
    names = requests.get(server.url + "/api/queries", timeout=60).json()
    plain = next(q for q in names if not any(p["required"] for p in q["params"].values()))
    url = server.url + plain["url"]
    first = requests.get(url, headers=JSON, timeout=60)
    assert first.status_code == 200 and first.headers["ETag"]
    before = evaluations(server)
    again = requests.get(url, headers=JSON, timeout=60)
    assert again.content == first.content and again.headers["ETag"] == first.headers["ETag"]
    revalidated = requests.get(url, headers={**JSON, "If-None-Match": first.headers["ETag"]}, timeout=60)
    assert revalidated.status_code == 304 and evaluations(server) == before
    page = server.url + "/id/" + TASK.rsplit("/id/", 1)[1]
    first_page = requests.get(page, timeout=60)
    assert first_page.status_code == 200
    before = evaluations(server)
    again_page = requests.get(page, timeout=60)
    assert again_page.text == first_page.text and evaluations(server) == before  # its queries were kept


def test_the_size_bound_is_kept(live_server_factory):
    """A cache of 16 KB (entries up to 2 KB): answers past the bound push the least recently
    used out; an answer over 2 KB is never kept."""
    s = live_server_factory(result_cache_mb=16 / 1024)
    small = [f"SELECT ?x WHERE {{ VALUES ?x {{ {i} }} }}" for i in range(40)]
    for q in small:
        get(s, q)
    m = metrics(s)
    assert m["dxkg_result_cache_limit_bytes"] == 16 * 1024
    assert 0 < m["dxkg_result_cache_bytes"] <= 16 * 1024 and m["dxkg_result_cache_evictions_total"] > 0
    before = evaluations(s)
    get(s, small[0])  # long since pushed out
    assert evaluations(s) == before + 1
    get(s, small[-1])  # among the last used: kept
    assert evaluations(s) == before + 1
    # the least recently *used* goes first: small[-1], just asked, outlives everything after it
    for q in small[:20]:
        get(s, q)
    before = evaluations(s)
    get(s, small[-1])
    assert evaluations(s) == before

    large = "SELECT ?x WHERE { VALUES ?x { " + " ".join(f'"{"v" * 50}{i}"' for i in range(60)) + " } }"
    too_large = metrics(s)["dxkg_result_cache_too_large_total"]
    before = evaluations(s)
    assert len(get(s, large).content) > 2048
    get(s, large)
    assert evaluations(s) == before + 2
    assert metrics(s)["dxkg_result_cache_too_large_total"] == too_large + 2
    assert metrics(s)["dxkg_result_cache_bytes"] <= 16 * 1024


def test_a_cache_of_zero_keeps_nothing_but_still_validates(live_server_factory):
    s = live_server_factory(result_cache_mb=0)
    query = f"ASK {{ <{TASK}> ?p ?o }}"
    etag = get(s, query).headers["ETag"]
    before = evaluations(s)
    get(s, query)
    assert evaluations(s) == before + 1 and metrics(s)["dxkg_result_cache_entries"] == 0
    assert get(s, query, {**JSON, "If-None-Match": etag}).status_code == 304
    assert evaluations(s) == before + 1
