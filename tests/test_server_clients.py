"""Real SPARQL clients against the live service: SPARQLWrapper, rdflib stores, raw HTTP."""

from __future__ import annotations

import csv
import io

import pytest
import requests
from conftest import AGENCY, TASK, TOKEN
from rdflib import Graph, Literal, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore, SPARQLUpdateStore
from SPARQLWrapper import CSV, JSON, POST, TURTLE, XML, SPARQLWrapper

LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
QUERY = f"SELECT ?label WHERE {{ <{TASK}> <{LABEL}> ?label }}"


def wrapper(server, fmt, query=QUERY):
    sw = SPARQLWrapper(server.url + "/sparql")
    sw.setQuery(query)
    sw.setReturnFormat(fmt)
    return sw.query().convert()


def test_sparqlwrapper_json(live_server):
    rows = wrapper(live_server, JSON)["results"]["bindings"]
    assert rows[0]["label"]["value"] == "Xây dựng nền tảng tích hợp, chia sẻ dữ liệu"
    assert rows[0]["label"]["xml:lang"] == "vi"


def test_sparqlwrapper_xml(live_server):
    doc = wrapper(live_server, XML)
    literal = doc.getElementsByTagName("literal")[0]
    assert literal.firstChild.data.startswith("Xây dựng")


def test_sparqlwrapper_csv(live_server):
    rows = list(csv.reader(io.StringIO(wrapper(live_server, CSV).decode("utf-8"))))
    assert rows[0] == ["label"] and rows[1][0].startswith("Xây dựng")


def test_sparqlwrapper_construct_turtle(live_server):
    data = wrapper(live_server, TURTLE, f"CONSTRUCT {{ <{TASK}> ?p ?o }} WHERE {{ <{TASK}> ?p ?o }}")
    g = Graph().parse(data=data, format="turtle")
    assert (URIRef(TASK), URIRef("https://w3id.org/dxkg/ontology#leadAgency"), URIRef(AGENCY)) in g


def test_sparqlwrapper_post(live_server):
    sw = SPARQLWrapper(live_server.url + "/sparql")
    sw.setQuery(QUERY)
    sw.setMethod(POST)
    sw.setReturnFormat(JSON)
    assert sw.query().convert()["results"]["bindings"]


def test_rdflib_sparqlstore_reads(live_server):
    g = Graph(store=SPARQLStore(live_server.url + "/sparql"))
    labels = {str(row.label) for row in g.query(QUERY)}
    assert "Xây dựng nền tảng tích hợp, chia sẻ dữ liệu" in labels
    assert (URIRef(TASK), URIRef(LABEL), None) in g


def test_rdflib_sparqlupdatestore_with_token(writable_server):
    store = SPARQLUpdateStore(writable_server.url + "/sparql", writable_server.url + "/sparql", auth=("dxkg", TOKEN))
    g = Graph(store=store, identifier=URIRef("http://example.org/client-test"))
    triple = (URIRef("http://example.org/s"), URIRef(LABEL), Literal("từ rdflib"))
    g.add(triple)
    assert triple in g
    g.remove(triple)
    assert triple not in g


def test_rdflib_sparqlupdatestore_without_token_fails(writable_server):
    store = SPARQLUpdateStore(writable_server.url + "/sparql", writable_server.url + "/sparql")
    g = Graph(store=store, identifier=URIRef("http://example.org/client-test"))
    with pytest.raises(Exception, match="403"):
        g.add((URIRef("http://example.org/s"), URIRef(LABEL), Literal("x")))


def test_curl_style_requests(live_server):
    """What a shell user does: curl -G --data-urlencode query=… -H 'Accept: text/csv'."""
    r = requests.get(live_server.url + "/sparql", params={"query": QUERY}, headers={"Accept": "text/csv"}, timeout=30)
    assert r.status_code == 200 and r.text.splitlines()[0] == "label"
    r = requests.post(
        live_server.url + "/sparql",
        data=QUERY.encode(),
        timeout=30,
        headers={"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"},
    )
    assert r.json()["results"]["bindings"]
