"""The SPARQL service over HTTP: protocol details, limits, security, pages and operations."""

from __future__ import annotations

import base64
import json
import socket
import threading
import time

import pytest
import requests
from conftest import AGENCY, DOC_GRAPH, TASK, TOKEN, XSS

from dxkg.kg.namespaces import ID

SELECT_ALL = "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"


def get(server, query, accept=None, headers=None):
    headers = {**({"Accept": accept} if accept else {}), **(headers or {})}
    return requests.get(server.url + "/sparql", params={"query": query}, headers=headers, timeout=30)


# --- protocol and content negotiation ---------------------------------------------------
@pytest.mark.parametrize(
    "accept, ctype",
    [
        (None, "application/sparql-results+json"),
        ("application/sparql-results+json", "application/sparql-results+json"),
        ("application/sparql-results+xml", "application/sparql-results+xml"),
        ("text/csv", "text/csv"),
        ("text/tab-separated-values", "text/tab-separated-values"),
    ],
)
def test_select_formats(live_server, accept, ctype):
    r = get(live_server, SELECT_ALL, accept)
    assert r.status_code == 200
    assert r.headers["Content-Type"].startswith(ctype)
    assert "Xây dựng nền tảng" in r.content.decode("utf-8")


@pytest.mark.parametrize(
    "accept, ctype",
    [
        (None, "text/turtle"),
        ("text/turtle", "text/turtle"),
        ("application/n-triples", "application/n-triples"),
        ("application/rdf+xml", "application/rdf+xml"),
        ("application/ld+json", "application/ld+json"),
        ("application/n-quads", "application/n-quads"),
        ("application/trig", "application/trig"),
    ],
)
def test_construct_formats(live_server, accept, ctype):
    r = get(live_server, "CONSTRUCT WHERE { ?s ?p ?o }", accept)
    assert r.status_code == 200 and r.headers["Content-Type"].startswith(ctype)
    assert "000-1" in r.text


def test_union_default_graph_and_protocol_dataset(live_server):
    q = f"ASK {{ <{TASK}> ?p ?o }}"
    assert json.loads(get(live_server, q).content)["boolean"] is True
    r = requests.get(
        live_server.url + "/sparql", timeout=30, params={"query": q, "default-graph-uri": "http://example.org/empty"}
    )
    assert json.loads(r.content)["boolean"] is False
    r = get(live_server, f"ASK FROM <http://example.org/empty> {{ <{TASK}> ?p ?o }}")
    assert json.loads(r.content)["boolean"] is False  # FROM is honoured, not the union


def test_post_form_and_direct(live_server):
    r = requests.post(live_server.url + "/sparql", data={"query": "ASK {}"}, timeout=30)
    assert r.status_code == 200 and json.loads(r.content)["boolean"] is True
    r = requests.post(
        live_server.url + "/sparql/", data=b"ASK {}", timeout=30, headers={"Content-Type": "application/sparql-query"}
    )
    assert r.status_code == 200


@pytest.mark.parametrize(
    "method, kw, status",
    [
        ("GET", {"params": {"query": "ASK {"}}, 400),
        ("GET", {"params": [("query", "ASK {}"), ("query", "ASK {}")]}, 400),
        ("POST", {"data": {"query": "ASK {}", "update": "CLEAR ALL"}}, 400),
        ("POST", {"data": b"ASK {}", "headers": {"Content-Type": "text/plain"}}, 415),
        ("POST", {"data": b"ASK {}"}, 415),
        ("PUT", {"params": {"query": "ASK {}"}}, 405),
        ("GET", {"params": {"update": "CLEAR ALL"}}, 400),
        ("GET", {"params": {"query": "ASK {}"}, "headers": {"Accept": "image/png"}}, 406),
        ("GET", {"params": {"query": "ASK {}", "default-graph-uri": "not an iri"}}, 400),
    ],
)
def test_bad_requests_get_clear_messages(live_server, method, kw, status):
    r = requests.request(method, live_server.url + "/sparql", timeout=30, **kw)
    assert r.status_code == status
    assert r.headers["Content-Type"].startswith("text/plain")
    assert "Traceback" not in r.text and "/work" not in r.text and "site-packages" not in r.text
    assert r.text.strip()


def test_syntax_error_message(live_server):
    r = get(live_server, "SELECT * WHERE { ?s ?p }")
    assert r.status_code == 400 and "syntax error" in r.text.lower()


def test_service_description(live_server):
    r = requests.get(live_server.url + "/sparql", timeout=30)
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/turtle")
    assert "sd:endpoint" in r.text and "SPARQL11Update" not in r.text  # read-only service


# --- updates and the token ----------------------------------------------------------------
def test_update_without_token_is_refused(live_server, writable_server):
    for server in (live_server, writable_server):
        r = requests.post(
            server.url + "/sparql", timeout=30, data={"update": "INSERT DATA { <http://x/s> <http://x/p> 1 }"}
        )
        assert r.status_code == 403 and "token" in r.text
    r = requests.post(
        writable_server.url + "/sparql",
        timeout=30,
        data={"update": "CLEAR ALL"},
        headers={"Authorization": "Bearer wrong"},
    )
    assert r.status_code == 403
    assert json.loads(get(writable_server, f"ASK {{ <{TASK}> ?p ?o }}").content)["boolean"]


def test_update_with_bearer_and_basic(writable_server):
    for i, auth in enumerate([f"Bearer {TOKEN}", "Basic " + base64.b64encode(f"anyone:{TOKEN}".encode()).decode()]):
        r = requests.post(
            writable_server.url + "/sparql",
            timeout=30,
            headers={"Authorization": auth, "Content-Type": "application/sparql-update"},
            data=f"INSERT DATA {{ GRAPH <http://x/g> {{ <http://x/s> <http://x/p> {i} }} }}",
        )
        assert r.status_code == 200, r.text
        r = get(writable_server, f"ASK {{ <http://x/s> <http://x/p> {i} }}")
        assert json.loads(r.content)["boolean"] is True  # visible at once to readers
    health = requests.get(writable_server.url + "/healthz", timeout=30).json()
    assert "http://x/g" in health["graphs"]


def test_graph_store_reads_open_writes_need_token(writable_server):
    url = writable_server.url + "/rdf-graphs"
    r = requests.get(url, params={"graph": DOC_GRAPH}, headers={"Accept": "text/turtle"}, timeout=30)
    assert r.status_code == 200 and "000-1" in r.text
    r = requests.put(
        url,
        params={"graph": "http://x/new"},
        data=b"<http://x/a> <http://x/b> 1 .",
        headers={"Content-Type": "text/turtle"},
        timeout=30,
    )
    assert r.status_code == 403
    r = requests.delete(url, params={"graph": DOC_GRAPH}, timeout=30)
    assert r.status_code == 403
    r = requests.put(
        url,
        params={"graph": "http://x/new"},
        data=b"<http://x/a> <http://x/b> (",
        headers={"Content-Type": "text/turtle", "Authorization": f"Bearer {TOKEN}"},
        timeout=30,
    )
    assert r.status_code == 400 and "Turtle" in r.text


# --- safety limits --------------------------------------------------------------------------
def test_service_is_refused_without_network(live_server):
    """SERVICE is refused before evaluation: a listener standing in for the remote never hears."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    listener.settimeout(0.5)
    port = listener.getsockname()[1]
    for target in (f"http://127.0.0.1:{port}/sparql", "http://dbpedia.org/sparql"):
        t0 = time.monotonic()
        r = get(live_server, f"SELECT * WHERE {{ SERVICE <{target}> {{ ?s ?p ?o }} }}")
        assert r.status_code == 403 and "SERVICE" in r.text
        assert time.monotonic() - t0 < 1
    with pytest.raises(socket.timeout):
        listener.accept()
    listener.close()
    r = get(live_server, 'SELECT * WHERE { ?s ?p "SERVICE <http://x/> {}" }')
    assert r.status_code == 200  # the word inside a string is harmless


def test_load_is_refused(writable_server):
    r = requests.post(
        writable_server.url + "/sparql",
        timeout=30,
        data={"update": "LOAD <http://example.org/data.ttl>"},
        headers={"Authorization": f"Bearer {TOKEN}"},
    )
    assert r.status_code == 403 and "LOAD" in r.text


def test_ten_megabyte_body_is_413(live_server):
    body = b"ASK {}" + b" " * (10 * 1024 * 1024)
    r = requests.post(
        live_server.url + "/sparql", data=body, timeout=60, headers={"Content-Type": "application/sparql-query"}
    )
    assert r.status_code == 413
    assert r.headers["X-Content-Type-Options"] == "nosniff"


def test_long_query_is_refused(live_server_factory):
    server = live_server_factory(max_query_len=100)
    r = get(server, "ASK {}" + " " * 200)
    assert r.status_code == 400 and "at most 100" in r.text


def test_rows_are_capped_with_a_header(live_server_factory):
    data = "".join(f'<http://x/s{i}> <http://x/p> "{i}" <http://x/g> .\n' for i in range(50))
    server = live_server_factory(nquads=data, max_rows=10)
    for accept in ("application/sparql-results+json", "text/csv"):
        r = get(server, SELECT_ALL, accept)
        assert r.headers["X-DXKG-Truncated"] == "true"
        if accept.endswith("json"):
            assert len(json.loads(r.content)["results"]["bindings"]) == 10
        else:
            assert len(r.text.strip().splitlines()) == 11
    r = get(server, SELECT_ALL + " LIMIT 10")
    assert "X-DXKG-Truncated" not in r.headers
    assert "dxkg_truncations_total 2" in requests.get(server.url + "/metrics", timeout=30).text


def test_runaway_query_is_stopped_and_others_answer(live_server_factory):
    data = "".join(f'<http://x/s{i}> <http://x/p> "{i}" <http://x/g> .\n' for i in range(3000))
    limit = 2.0
    server = live_server_factory(nquads=data, query_timeout=limit, workers=2)
    runaway = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    result = {}

    def run():
        t0 = time.monotonic()
        result["resp"] = get(server, runaway)
        result["seconds"] = time.monotonic() - t0

    t = threading.Thread(target=run)
    t.start()
    time.sleep(0.3)
    t0 = time.monotonic()
    r = get(server, "SELECT * WHERE { <http://x/s1> ?p ?o }")
    assert r.status_code == 200 and time.monotonic() - t0 < 1.0
    t.join(limit + 5)
    assert result["resp"].status_code in (503, 504)
    assert "limit" in result["resp"].text
    assert result["seconds"] < limit + 1
    metrics = requests.get(server.url + "/metrics", timeout=30).text
    assert "dxkg_query_timeouts_total 1" in metrics
    time.sleep(1.5)  # the replacement worker loads
    for _ in range(4):
        assert get(server, "ASK { ?s ?p ?o }").status_code == 200


# --- headers and CORS -----------------------------------------------------------------------
@pytest.mark.parametrize("path", ["/", "/sparql?query=ASK%20%7B%7D", "/healthz", "/nope", f"/id/{TASK[len(ID) :]}"])
def test_security_headers_everywhere(live_server, path):
    r = requests.get(live_server.url + path, timeout=30)
    csp = r.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert r.headers["Referrer-Policy"] == "no-referrer"
    assert "Access-Control-Allow-Origin" not in r.headers


def test_cors_only_for_reads_of_listed_origins(live_server_factory):
    server = live_server_factory(cors_origins="https://ok.example", update_token=TOKEN)
    ok = {"Origin": "https://ok.example"}
    r = get(server, "ASK {}", headers=ok)
    assert r.headers["Access-Control-Allow-Origin"] == "https://ok.example"
    r = get(server, "ASK {}", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in r.headers
    r = requests.options(server.url + "/sparql", timeout=30, headers={**ok, "Access-Control-Request-Method": "POST"})
    assert "POST" in r.headers["Access-Control-Allow-Methods"]
    assert "Authorization" not in r.headers.get("Access-Control-Allow-Headers", "")
    r = requests.options(server.url + "/rdf-graphs", timeout=30, headers={**ok, "Access-Control-Request-Method": "PUT"})
    assert "Access-Control-Allow-Origin" not in r.headers
    r = requests.post(server.url + "/sparql", data={"update": "CLEAR ALL"}, headers=ok, timeout=30)
    assert "Access-Control-Allow-Origin" not in r.headers


# --- linked data ------------------------------------------------------------------------------
def test_resource_page(live_server):
    r = requests.get(
        live_server.url + f"/id/{TASK[len(ID) :]}",
        timeout=30,
        headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"},
    )
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/html")
    page = r.text
    assert "<h1>Xây dựng nền tảng tích hợp, chia sẻ dữ liệu</h1>" in page
    assert f'href="/id/{AGENCY[len(ID) :]}"' in page  # local link
    assert "Sở Thông tin và Truyền thông tỉnh Hà Nam" in page  # object label
    assert "000_b71886f16e479bdf.txt" in page and "Sở TT&amp;TT | 2024" in page  # provenance
    assert "Trích từ" in page  # Vietnamese first
    en = requests.get(live_server.url + f"/id/{TASK[len(ID) :]}?lang=en", timeout=30, headers={"Accept": "text/html"})
    assert "Derived from" in en.text
    r = requests.get(live_server.url + f"/id/{AGENCY[len(ID) :]}", timeout=30, headers={"Accept": "text/html"})
    assert f'href="/id/{TASK[len(ID) :]}"' in r.text  # incoming link


def test_resource_page_escapes_data(live_server):
    page = requests.get(live_server.url + f"/id/{XSS[len(ID) :]}", timeout=30, headers={"Accept": "text/html"}).text
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "<img" not in page
    assert 'href="javascript:' not in page


@pytest.mark.parametrize(
    "accept, ctype",
    [
        ("text/turtle", "text/turtle"),
        ("application/ld+json", "application/ld+json"),
        ("application/n-triples", "application/n-triples"),
        ("*/*", "text/turtle"),
    ],
)
def test_resource_conneg(live_server, accept, ctype):
    r = requests.get(live_server.url + f"/id/{TASK[len(ID) :]}", headers={"Accept": accept}, timeout=30)
    assert r.status_code == 200 and r.headers["Content-Type"].startswith(ctype)
    assert "leadAgency" in r.text


def test_unknown_resource_is_404(live_server):
    for accept in ("text/html", "text/turtle"):
        r = requests.get(live_server.url + "/id/task/none", headers={"Accept": accept}, timeout=30)
        assert r.status_code == 404


# --- named queries ----------------------------------------------------------------------------
@pytest.fixture
def named_server(live_server_factory, tmp_path):
    (tmp_path / "labels.rq").write_text(
        "# title: Labels\n# description: every label, optionally of one thing\n"
        "# param: thing iri — the resource\n"
        "SELECT ?label WHERE { $thing <http://www.w3.org/2000/01/rdf-schema#label> ?label }\n",
        encoding="utf-8",
    )
    return live_server_factory(queries_dir=tmp_path)


def test_named_queries_api(named_server):
    listing = requests.get(named_server.url + "/api/queries", timeout=30).json()
    assert listing[0]["name"] == "labels" and listing[0]["params"]["thing"]["kind"] == "iri"
    r = requests.get(named_server.url + "/api/queries/labels", timeout=30)
    assert len(json.loads(r.content)["results"]["bindings"]) == 3
    r = requests.get(
        named_server.url + "/api/queries/labels", params={"thing": TASK}, headers={"Accept": "text/csv"}, timeout=30
    )
    assert r.headers["Content-Type"].startswith("text/csv") and len(r.text.splitlines()) == 2
    assert (
        requests.get(named_server.url + "/api/queries/labels", params={"thing": "a b>"}, timeout=30).status_code == 400
    )
    assert requests.get(named_server.url + "/api/queries/labels", params={"nope": "1"}, timeout=30).status_code == 400
    assert requests.get(named_server.url + "/api/queries/none", timeout=30).status_code == 404


# --- operations ---------------------------------------------------------------------------------
def test_healthz_and_metrics(live_server):
    health = requests.get(live_server.url + "/healthz", timeout=30).json()
    assert health["status"] == "ok" and health["triples"] == 13 and DOC_GRAPH in health["graphs"]
    get(live_server, "ASK {}")
    text = requests.get(live_server.url + "/metrics", timeout=30).text
    assert 'dxkg_http_requests_total{route="/sparql",method="GET",status="200"}' in text
    assert 'dxkg_http_request_seconds_bucket{route="/sparql",le="+Inf"}' in text
    assert "dxkg_query_timeouts_total 0" in text


def test_access_log_is_json_lines(live_server, capfd):
    get(live_server, "ASK {}")
    lines = [json.loads(line) for line in capfd.readouterr().err.splitlines() if line.startswith("{")]
    entry = next(e for e in lines if e["route"] == "/sparql")
    assert entry["status"] == 200 and entry["method"] == "GET" and "ms" in entry
