"""W3C SPARQL 1.1 Service Description tests (../shared/w3c-sparql11/service-description).

The manifest only names the three checks; their meaning (from the SD test suite) is coded
here: a GET on the endpoint returns RDF, that RDF has an ``sd:endpoint`` triple naming the
endpoint, and it conforms to the SD vocabulary's schema (domains/ranges of the terms used).
"""

from __future__ import annotations

import pytest
import requests
from conftest import SAMPLE, W3C, manifest_tests, need_w3c, parse_rdf, w3c_server
from rdflib import RDF, BNode, Literal, Namespace, URIRef

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
MANIFEST = W3C / "service-description" / "manifest.ttl"
TESTS = manifest_tests(MANIFEST) if MANIFEST.exists() else []
LANGUAGES = {SD.SPARQL10Query, SD.SPARQL11Query, SD.SPARQL11Update}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    live = w3c_server(tmp_path_factory, "service-description", SAMPLE, workers=1)
    yield live
    live.close()


def description(url: str, accept: str = "text/turtle"):
    resp = requests.get(url, headers={"Accept": accept}, timeout=30)
    assert resp.status_code == 200
    return parse_rdf(resp.content, resp.headers["Content-Type"])


def check_returns_rdf(url: str) -> None:
    for accept in ("text/turtle", "application/rdf+xml", "*/*"):
        assert len(description(url, accept)) > 0


def check_has_endpoint_triple(url: str) -> None:
    g = description(url)
    assert (None, SD.endpoint, URIRef(url)) in g


def check_conforms_to_schema(url: str) -> None:
    g = description(url)
    services = set(g.subjects(RDF.type, SD.Service))
    assert services
    for s in services:
        langs = set(g.objects(s, SD.supportedLanguage))
        assert langs and langs <= LANGUAGES
        assert all(isinstance(o, URIRef) for o in g.objects(s, SD.endpoint))
        assert all(isinstance(o, URIRef) for p in (SD.feature, SD.resultFormat) for o in g.objects(s, p))
        for ds in g.objects(s, SD.defaultDataset):
            assert (ds, RDF.type, SD.Dataset) in g
            for dg in g.objects(ds, SD.defaultGraph):
                assert isinstance(dg, (URIRef, BNode)) and not isinstance(dg, Literal)


CHECKS = {
    "returns-rdf": check_returns_rdf,
    "has-endpoint-triple": check_has_endpoint_triple,
    "conforms-to-schema": check_conforms_to_schema,
}


@pytest.mark.parametrize("name", [t[0] for t in TESTS])
@pytest.mark.parametrize("path", ["/sparql", "/sparql/"])
def test_service_description(server, name, path):
    CHECKS[name](server.url + path)


def test_all_service_description_tests_found():
    need_w3c("service-description", "manifest.ttl")
    assert sorted(t[0] for t in TESTS) == sorted(CHECKS)
