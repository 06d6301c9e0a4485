"""SPARQL 1.1 Service Description of this endpoint (returned for ``GET /sparql`` with no query)."""

from __future__ import annotations

import pyoxigraph as ox

from dxkg.kg.formats import RDF_FORMATS, RESULT_FORMATS, W3C_FORMATS, W3C_NAMES, serialised

SD = "http://www.w3.org/ns/sparql-service-description#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


def describe(endpoint: str, *, updates: bool, federated: bool, fmt: str) -> bytes:
    """The description as ``fmt`` (a ``dxkg.kg.formats.RDF_FORMATS`` key)."""
    svc = ox.BlankNode()
    dataset = ox.BlankNode()
    default_graph = ox.BlankNode()

    def sd(name: str) -> ox.NamedNode:
        return ox.NamedNode(SD + name)

    triples = [
        ox.Triple(svc, RDF_TYPE, sd("Service")),
        ox.Triple(svc, sd("endpoint"), ox.NamedNode(endpoint)),
        ox.Triple(svc, sd("supportedLanguage"), sd("SPARQL11Query")),
        ox.Triple(svc, sd("feature"), sd("UnionDefaultGraph")),
        ox.Triple(svc, sd("defaultDataset"), dataset),
        ox.Triple(dataset, RDF_TYPE, sd("Dataset")),
        ox.Triple(dataset, sd("defaultGraph"), default_graph),
        ox.Triple(default_graph, RDF_TYPE, sd("Graph")),
    ]
    if federated:
        triples.append(ox.Triple(svc, sd("feature"), sd("BasicFederatedQuery")))
    if updates:
        triples.append(ox.Triple(svc, sd("supportedLanguage"), sd("SPARQL11Update")))
    triples += [
        ox.Triple(svc, sd("resultFormat"), ox.NamedNode(W3C_FORMATS + W3C_NAMES[k]))
        for k in [*RESULT_FORMATS, *RDF_FORMATS]
    ]
    return serialised(ox.serialize(triples, format=RDF_FORMATS[fmt], prefixes={"sd": SD, "formats": W3C_FORMATS}))
