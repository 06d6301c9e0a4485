"""The lean /sparql query route answers exactly as the Flask view it stands in front of.

Each request is sent twice to the same service: through the application (where
``sparql_route`` takes queries) and straight to the Flask app behind it. Status, headers and
body must be the same; and the route must really have answered the queries itself (Flask is
counted), while what it leaves to Flask (updates, the description, refused shapes) gets there.
"""

from __future__ import annotations

import re

import pytest
from conftest import AGENCY, DOC_GRAPH, TASK
from werkzeug.test import Client

SELECT = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o"
ORIGIN = "https://dashboard.example"
BNODE = re.compile(rb"_:[0-9A-Za-z]+")


@pytest.fixture(scope="module")
def service(tmp_path_factory):
    from conftest import LiveServer, make_store

    server = LiveServer(
        make_store(tmp_path_factory.mktemp("store") / "store"),
        workers=2,
        cors_origins=ORIGIN,
        max_rows=3,
        max_query_len=2000,
        max_depth=20,
    )
    yield server
    server.close()


class Counting:
    def __init__(self, app):
        self.app, self.calls = app, 0

    def __call__(self, environ, start_response):
        self.calls += 1
        return self.app(environ, start_response)


def both(service, method: str, path: str, **kw):
    """(through the route, straight to Flask, whether Flask was called through the route)."""
    route = service.app.wsgi_app
    flask_app = route.flask_app
    counting = route.flask_app = Counting(flask_app)
    try:
        via_route = getattr(Client(route), method)(path, **kw)
    finally:
        route.flask_app = flask_app
    direct = getattr(Client(flask_app), method)(path, **kw)
    return via_route, direct, counting.calls > 0


def same(a, b) -> None:
    assert a.status == b.status
    # the service description's blank nodes are named afresh each time (and so its length varies)
    assert BNODE.sub(b"_:b", a.get_data()) == BNODE.sub(b"_:b", b.get_data())
    varies = {"Content-Length"} if BNODE.search(a.get_data()) else set()
    assert sorted(h for h in a.headers.items() if h[0] not in varies) == sorted(
        h for h in b.headers.items() if h[0] not in varies
    )


JSON = {"Accept": "application/sparql-results+json"}
FORM = "application/x-www-form-urlencoded"
QUERIES = [
    ("get", "/sparql", {"query_string": {"query": SELECT}, "headers": JSON}),
    ("get", "/sparql/", {"query_string": {"query": SELECT}, "headers": {"Accept": "text/csv"}}),
    ("get", "/sparql", {"query_string": {"query": SELECT, "format": "tsv"}}),
    ("get", "/sparql", {"query_string": {"query": SELECT, "output": "xml"}, "headers": JSON}),
    ("get", "/sparql", {"query_string": {"query": "ASK { ?s ?p ?o }"}}),
    (
        "get",
        "/sparql/",
        {"query_string": {"query": "SELECT (<rel> AS ?iri) {}"}, "base_url": "http://host.example:8080"},
    ),
    ("get", "/sparql", {"query_string": {"query": f"DESCRIBE <{TASK}>"}, "headers": {"Accept": "text/turtle"}}),
    ("get", "/sparql", {"query_string": {"query": "CONSTRUCT WHERE { ?s ?p ?o }"}, "headers": {"Accept": "*/*"}}),
    (
        "get",
        "/sparql",
        {"query_string": {"query": SELECT, "default-graph-uri": DOC_GRAPH}, "headers": {"Accept": "text/csv;q=0.5"}},
    ),
    ("post", "/sparql", {"data": {"query": SELECT, "named-graph-uri": DOC_GRAPH}, "headers": JSON}),
    ("post", "/sparql", {"data": {"query": f"SELECT * FROM <{DOC_GRAPH}> WHERE {{ <{AGENCY}> ?p ?o }}"}}),
    (
        "post",
        "/sparql?default-graph-uri=" + DOC_GRAPH,
        {"data": SELECT, "content_type": "application/sparql-query; charset=UTF-8", "headers": JSON},
    ),
    ("post", "/sparql", {"data": SELECT.encode(), "content_type": "application/sparql-query"}),
    # CORS: an allowed origin, another one
    ("get", "/sparql", {"query_string": {"query": SELECT}, "headers": {"Origin": ORIGIN}}),
    ("post", "/sparql", {"data": {"query": SELECT}, "headers": {"Origin": "https://other.example"}}),
    # refused: each with the Flask view's status and words
    ("get", "/sparql", {"query_string": {"query": SELECT}, "headers": {"Accept": "image/png"}}),
    ("get", "/sparql", {"query_string": {"query": "SELECT * { SERVICE <http://x/> { ?s ?p ?o } }"}}),
    ("get", "/sparql", {"query_string": {"query": "SELECT * WHERE { ?s ?p }"}}),
    ("get", "/sparql", {"query_string": {"query": "SELECT * WHERE { ?s ?p 'unterminated }"}}),
    ("get", "/sparql", {"query_string": {"query": "SELECT * WHERE " + "{" * 30 + "}" * 30}}),
    ("get", "/sparql", {"query_string": {"query": "#" * 2100 + "\nASK {}"}}),
    ("get", "/sparql", {"query_string": {"query": SELECT, "default-graph-uri": "not an iri"}}),
    ("get", "/sparql", {"query_string": {"query": SELECT, "format": "png"}, "headers": {"Origin": ORIGIN}}),
    ("get", "/sparql", {"query_string": {"query": ""}}),
]


@pytest.mark.parametrize("method,path,kw", QUERIES)
def test_queries_answered_by_the_route_as_by_flask(service, method, path, kw):
    via_route, direct, flask_called = both(service, method, path, **kw)
    same(via_route, direct)
    assert not flask_called


def test_the_row_cap_header(service):
    via_route, direct, flask_called = both(service, "get", "/sparql", query_string={"query": SELECT})
    same(via_route, direct)
    assert via_route.headers["X-DXKG-Truncated"] == "true" and not flask_called


LEFT_TO_FLASK = [
    ("get", "/sparql", {"headers": {"Accept": "text/turtle"}}),
    ("get", "/sparql", {"headers": {"Accept": "text/html"}}),
    ("head", "/sparql", {"query_string": {"query": SELECT}}),
    ("get", "/sparql", {"query_string": [("query", SELECT), ("query", SELECT)]}),
    ("get", "/sparql", {"query_string": {"query": SELECT, "update": "CLEAR ALL"}}),
    ("get", "/sparql", {"query_string": {"query": SELECT, "lang": "en"}}),
    ("post", "/sparql", {"data": {"update": "CLEAR ALL"}}),
    ("post", "/sparql", {"data": {"query": SELECT, "update": "CLEAR ALL"}}),
    ("post", "/sparql", {"data": "CLEAR ALL", "content_type": "application/sparql-update"}),
    ("post", "/sparql", {"data": SELECT, "content_type": "application/sparql-query; charset=latin-1"}),
    ("post", "/sparql", {"data": b"\xff\xfe", "content_type": "application/sparql-query"}),
    ("post", "/sparql", {"data": SELECT, "content_type": "text/plain"}),
    ("post", "/sparql", {"data": {"named-graph-uri": DOC_GRAPH}, "content_type": FORM}),
]


@pytest.mark.parametrize("method,path,kw", LEFT_TO_FLASK)
def test_other_requests_are_left_to_flask(service, method, path, kw):
    via_route, direct, flask_called = both(service, method, path, **kw)
    same(via_route, direct)
    assert flask_called


def test_metrics_and_access_log_count_the_route(service, capsys):
    Client(service.app.wsgi_app).get("/sparql", query_string={"query": "ASK {}"})
    line = [x for x in capsys.readouterr().err.splitlines() if '"route": "/sparql"' in x][-1]
    assert '"status": 200' in line and '"method": "GET"' in line
    metrics = Client(service.app).get("/metrics").get_data(as_text=True)
    assert 'dxkg_http_requests_total{route="/sparql",method="GET",status="200"}' in metrics
