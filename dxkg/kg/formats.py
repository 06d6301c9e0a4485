"""Serialisation formats and their media types: one table for the stores, the remote client,
content negotiation and the service description.

A format is named by a short key ("json", "turtle"…) that travels as a plain string (to
worker processes, on the command line); the tables below give its pyoxigraph format, its
media type, the media types a client may ask for it by, and its W3C format IRI.
"""

from __future__ import annotations

import pyoxigraph as ox


def serialised(data: bytes | None) -> bytes:
    """pyoxigraph's ``dump``/``serialize`` return the bytes when given no output file."""
    if data is None:
        raise ValueError("serialised to an output file, not to bytes")
    return data


# SELECT / ASK results
RESULT_FORMATS = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}
# graphs: CONSTRUCT / DESCRIBE results, exports, Graph Store bodies
RDF_FORMATS = {
    "trig": ox.RdfFormat.TRIG,
    "nquads": ox.RdfFormat.N_QUADS,
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "rdfxml": ox.RdfFormat.RDF_XML,
    "jsonld": ox.RdfFormat.JSON_LD,
}
# triple formats: a dump of several graphs in one of these is their union
TRIPLE_FORMATS = {"turtle", "ntriples", "rdfxml"}

MEDIA_TYPES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "turtle": "text/turtle",
    "ntriples": "application/n-triples",
    "rdfxml": "application/rdf+xml",
    "jsonld": "application/ld+json",
    "nquads": "application/n-quads",
    "trig": "application/trig",
}
# what a response declares: text types say their charset
CONTENT_TYPES = {k: f"{t}; charset=utf-8" if t.startswith("text/") else t for k, t in MEDIA_TYPES.items()}

# Accept header media type → format key. The first entry of each table is the default (for
# ``*/*`` and a missing header); the order decides between media types of equal quality.
RESULT_ACCEPT = {
    "application/sparql-results+json": "json",
    "application/json": "json",
    "application/sparql-results+xml": "xml",
    "application/xml": "xml",
    "text/xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
}
RDF_ACCEPT = {
    "text/turtle": "turtle",
    "application/n-triples": "ntriples",
    "application/rdf+xml": "rdfxml",
    "application/ld+json": "jsonld",
    "application/n-quads": "nquads",
    "application/trig": "trig",
    "text/plain": "ntriples",
}
# Media types other stores answer a graph query with, and how to read them.
RDF_READ = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/x-turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "text/plain": ox.RdfFormat.N_TRIPLES,
    "text/ntriples": ox.RdfFormat.N_TRIPLES,
    "text/rdf+n3": ox.RdfFormat.TURTLE,
}
# http://www.w3.org/ns/formats/ names, for the service description
W3C_FORMATS = "http://www.w3.org/ns/formats/"
W3C_NAMES = {
    "json": "SPARQL_Results_JSON",
    "xml": "SPARQL_Results_XML",
    "csv": "SPARQL_Results_CSV",
    "tsv": "SPARQL_Results_TSV",
    "turtle": "Turtle",
    "ntriples": "N-Triples",
    "rdfxml": "RDF_XML",
    "jsonld": "JSON-LD",
    "nquads": "N-Quads",
    "trig": "TriG",
}
