"""Content negotiation: which serialization a client gets, by its Accept header.

The first entry of each table is the default (used for ``*/*`` and a missing header).
The tables are in ``dxkg.kg.formats``; format keys travel to worker processes as plain strings.
"""

from __future__ import annotations

import functools

from flask import request
from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

from dxkg.kg import formats

RESULT_TYPES = formats.RESULT_ACCEPT  # SELECT / ASK
RDF_TYPES = formats.RDF_ACCEPT  # CONSTRUCT / DESCRIBE, graphs, resource descriptions
CONTENT_TYPES = formats.CONTENT_TYPES


def best(table: dict[str, str], extra: tuple[str, ...] = ()) -> str | None:
    """The key of the best media type of ``table`` (or one of ``extra``) for this request.

    ``extra`` types (e.g. ``text/html``) are offered after the table, so they are chosen only
    when asked for by name: a browser gets HTML, ``*/*`` gets the table's default.
    """
    return best_for(request.headers.get("Accept", ""), table, extra)


def best_for(accept: str, table: dict[str, str], extra: tuple[str, ...] = ()) -> str | None:
    """``best`` for an ``Accept`` header's text (``""``: none sent)."""
    mt = _best_match(accept, tuple(table), extra)
    if mt is None:
        return None
    return mt if mt in extra else table[mt]


@functools.lru_cache(maxsize=512)
def _best_match(accept: str, offered: tuple[str, ...], extra: tuple[str, ...]) -> str | None:
    """The media type to answer with; cached, as clients send the same few headers again and
    again and parsing one costs more than the rest of a light query's handling."""
    parsed = parse_accept_header(accept, MIMEAccept)
    if not parsed:
        return offered[0]
    # media type parameters (``text/turtle; charset=utf-8``) would make werkzeug miss a match
    return MIMEAccept([(v.split(";")[0].strip(), q) for v, q in parsed]).best_match(offered + extra)


def acceptable_list(table: dict[str, str]) -> str:
    return ", ".join(table)


# ``format=`` / ``output=`` as Fuseki and Virtuoso clients send them: a short name or a media
# type; the name → (SELECT/ASK format, CONSTRUCT/DESCRIBE format), None where it has no meaning.
FORMAT_NAMES = {
    "json": ("json", "jsonld"),
    "srj": ("json", None),
    "xml": ("xml", "rdfxml"),
    "srx": ("xml", None),
    "csv": ("csv", None),
    "tsv": ("tsv", None),
    "turtle": (None, "turtle"),
    "ttl": (None, "turtle"),
    "text/turtle": (None, "turtle"),
    "nt": (None, "ntriples"),
    "ntriples": (None, "ntriples"),
    "n-triples": (None, "ntriples"),
    "rdfxml": (None, "rdfxml"),
    "rdf": (None, "rdfxml"),
    "jsonld": (None, "jsonld"),
    "json-ld": (None, "jsonld"),
    "nquads": (None, "nquads"),
    "nq": (None, "nquads"),
    "trig": (None, "trig"),
}


def requested(value: str) -> tuple[str | None, str | None] | None:
    """The formats a ``format=``/``output=`` value asks for, or None when it names none known."""
    v = value.strip().lower()
    if v in FORMAT_NAMES:
        return FORMAT_NAMES[v]
    if v in RESULT_TYPES or v in RDF_TYPES:
        return RESULT_TYPES.get(v), RDF_TYPES.get(v)
    return None
