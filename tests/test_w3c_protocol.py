"""W3C SPARQL 1.1 Protocol test suite (../shared/w3c-sparql11/protocol), run over real HTTP.

Every test of the manifest runs against a live service whose store is reset before each
test to the three test graphs ``http://kasei.us/2009/09/sparql/data/dataN.rdf`` (from
``dataN.nt``); update tests send the service's token, as an authorised client would.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest
import requests
from conftest import TOKEN, W3C, manifest_requests, manifest_tests, need_w3c, parse_rdf, w3c_server

KASEI = "http://kasei.us/2009/09/sparql/data/"
MANIFEST = W3C / "protocol" / "manifest.ttl"
TESTS = manifest_tests(MANIFEST) if MANIFEST.exists() else []


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    live = w3c_server(tmp_path_factory, "protocol")
    yield live
    live.close()


def reset(url: str) -> None:
    """Back to the three kasei.us graphs, through the service's own update endpoint."""
    graphs = " ".join(
        f"GRAPH <{KASEI}data{n}.rdf> {{ {(W3C / 'protocol' / f'data{n}.nt').read_text()} }}" for n in (1, 2, 3)
    )
    r = requests.post(
        url + "/sparql",
        data=f"DROP ALL ; INSERT DATA {{ {graphs} }}".encode(),
        headers={"Content-Type": "application/sparql-update", "Authorization": f"Bearer {TOKEN}"},
        timeout=30,
    )
    assert r.status_code == 200, r.text


def check_format(resp: requests.Response, req: dict) -> None:
    ctype = resp.headers.get("Content-Type", "").split(";")[0].strip()
    fmt = str(req["format"])
    if fmt in ("boolean", "tabular"):
        assert ctype in (
            "application/sparql-results+json",
            "application/sparql-results+xml",
            "text/csv",
            "text/tab-separated-values",
        ), ctype
        if fmt == "boolean":
            assert ctype in ("application/sparql-results+json", "application/sparql-results+xml")
            if ctype.endswith("json"):
                value = json.loads(resp.content)["boolean"]
            else:
                ns = "{http://www.w3.org/2005/sparql-results#}"
                value = ET.fromstring(resp.content).find(ns + "boolean").text == "true"
            if req["boolean"] is not None:
                assert value == req["boolean"].toPython()
        elif ctype.endswith("json"):
            assert "results" in json.loads(resp.content)
    elif fmt == "RDF":
        parse_rdf(resp.content, ctype)


@pytest.mark.parametrize("name", [t[0] for t in TESTS])
def test_protocol(server, name):
    _, test, g = next(t for t in TESTS if t[0] == name)
    reset(server.url)
    for req in manifest_requests(g, test):
        assert req["path"].startswith("/sparql/")
        headers = dict(req["headers"])
        if "update" in name:
            headers["Authorization"] = f"Bearer {TOKEN}"
        resp = requests.request(req["method"], server.url + req["path"], data=req["body"], headers=headers, timeout=30)
        assert resp.status_code in req["status"], (resp.status_code, resp.text)
        if req["format"] is not None:
            check_format(resp, req)


def test_all_protocol_tests_found():
    need_w3c("protocol", "manifest.ttl")
    assert len(TESTS) == 34
