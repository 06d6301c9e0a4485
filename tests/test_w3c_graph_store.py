"""W3C SPARQL 1.1 Graph Store HTTP Protocol tests (../shared/w3c-sparql11/graph-store-protocol).

The manifests address the store as ``/gsp``; this service serves it at ``/rdf-graphs``, so
the prefix is swapped. With direct identification the graph IRI is the request URL itself.
Every operation in the manifests' entries is supported (indirect and direct
identification, PUT/GET/HEAD/POST incl. multipart/form-data, DELETE, POST graph creation
with ``Location``, the ``default`` graph): none is skipped. Writes send the update token.
``head_non_existing_direct`` is defined in manifest-direct.ttl but not listed in its
entries, so like every runner we do not run it; the same case is covered indirectly by
``head_non_existing_indirect``.
"""

from __future__ import annotations

import pytest
import requests
from conftest import TOKEN, W3C, manifest_requests, manifest_tests, need_w3c, parse_rdf, w3c_server
from rdflib.compare import isomorphic

MANIFEST = W3C / "graph-store-protocol" / "manifest.ttl"
TESTS = manifest_tests(MANIFEST) if MANIFEST.exists() else []


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    live = w3c_server(tmp_path_factory, "graph-store-protocol")
    yield live
    live.close()


@pytest.mark.parametrize("name", [t[0] for t in TESTS])
def test_graph_store(server, name):
    _, test, g = next(t for t in TESTS if t[0] == name)
    r = requests.post(
        server.url + "/sparql",
        data=b"DROP ALL",
        headers={"Content-Type": "application/sparql-update", "Authorization": f"Bearer {TOKEN}"},
        timeout=30,
    )
    assert r.status_code == 200
    variables: dict[str, str] = {}
    for req in manifest_requests(g, test):
        path, body = req["path"], req["body"]
        for var, value in variables.items():
            path = path.replace(var, value)
            body = body.replace(var.encode(), value.encode()) if body else body
        assert path.startswith("/gsp")
        headers = dict(req["headers"])
        if req["method"] in ("PUT", "POST", "DELETE"):
            headers["Authorization"] = f"Bearer {TOKEN}"
        resp = requests.request(
            req["method"], server.url + "/rdf-graphs" + path[4:], data=body, headers=headers, timeout=30
        )
        assert resp.status_code in req["status"], (req["method"], path, resp.status_code, resp.text)
        if req["location"] is not None:
            variables[str(req["location"])] = resp.headers["Location"]
        for field, value in req["expect_headers"].items():
            assert resp.headers.get(field, "").replace(" ", "").lower() == value.replace(" ", "").lower()
        if req["expect_body"] is not None:
            expected = parse_rdf(req["expect_body"].encode(), "text/turtle")
            got = parse_rdf(resp.content, resp.headers["Content-Type"])
            assert isomorphic(expected, got), resp.text


def test_all_graph_store_tests_found():
    need_w3c("graph-store-protocol", "manifest.ttl")
    assert len(TESTS) == 13
