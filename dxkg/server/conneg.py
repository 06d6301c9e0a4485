"""Content negotiation: which serialization a client gets, by its Accept header.

The first entry of each table is the default (used for ``*/*`` and a missing header).
Format keys are those of ``kg.store.RESULT_FORMATS`` / ``RDF_FORMATS``, so they can be
sent to worker processes as plain strings.
"""

from __future__ import annotations

from flask import request
from werkzeug.datastructures import MIMEAccept

RESULT_TYPES = {  # SELECT / ASK
    "application/sparql-results+json": "json",
    "application/json": "json",
    "application/sparql-results+xml": "xml",
    "application/xml": "xml",
    "text/xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
}
RDF_TYPES = {  # CONSTRUCT / DESCRIBE, graphs, resource descriptions
    "text/turtle": "turtle",
    "application/n-triples": "ntriples",
    "application/rdf+xml": "rdfxml",
    "application/ld+json": "jsonld",
    "application/n-quads": "nquads",
    "application/trig": "trig",
    "text/plain": "ntriples",
}
CONTENT_TYPES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv; charset=utf-8",
    "tsv": "text/tab-separated-values; charset=utf-8",
    "turtle": "text/turtle; charset=utf-8",
    "ntriples": "application/n-triples",
    "rdfxml": "application/rdf+xml",
    "jsonld": "application/ld+json",
    "nquads": "application/n-quads",
    "trig": "application/trig",
}


def best(table: dict[str, str], extra: tuple[str, ...] = ()) -> str | None:
    """The key of the best media type of ``table`` (or one of ``extra``) for this request.

    ``extra`` types (e.g. ``text/html``) are offered after the table, so they are chosen only
    when asked for by name: a browser gets HTML, ``*/*`` gets the table's default.
    """
    offered = list(table) + list(extra)
    if not request.accept_mimetypes:
        return next(iter(table.values()))
    # media type parameters (``text/turtle; charset=utf-8``) would make werkzeug miss a match
    accept = MIMEAccept([(v.split(";")[0].strip(), q) for v, q in request.accept_mimetypes])
    mt = accept.best_match(offered)
    if mt is None:
        return None
    return mt if mt in extra else table[mt]


def acceptable_list(table: dict[str, str]) -> str:
    return ", ".join(table)
