"""Linked data: every IRI under ``kg.namespaces.ID`` dereferences at ``/id/<path>``.

Browsers get an HTML page (label, types, properties, incoming links, provenance with the
source text); other clients get the resource's DESCRIBE as Turtle, JSON-LD or N-Triples.
All values come from data, so the page is a Jinja template with autoescaping, and only
http(s) IRIs become links (an IRI may legally be ``javascript:…``).
"""

from __future__ import annotations

import json
from urllib.parse import quote

from flask import Blueprint, Response, current_app, render_template

from dxkg.kg.namespaces import DX, ID, prefixed
from dxkg.server import conneg, sparql_text
from dxkg.server.errors import ServiceError

bp = Blueprint("linked_data", __name__)

LABELS = (
    "<http://www.w3.org/2000/01/rdf-schema#label>|<http://www.w3.org/2004/02/skos/core#prefLabel>"
    "|<http://purl.org/dc/terms/title>|<https://schema.org/name>"
)
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
MAX_ROWS = 2000

OUTGOING = f"""SELECT ?p ?o (SAMPLE(?l) AS ?label) WHERE {{
  <{{iri}}> ?p ?o OPTIONAL {{ ?o {LABELS} ?l }}
}} GROUP BY ?p ?o ORDER BY ?p ?o"""
INCOMING = f"""SELECT ?s ?p (SAMPLE(?l) AS ?label) WHERE {{
  ?s ?p <{{iri}}> OPTIONAL {{ ?s {LABELS} ?l }}
}} GROUP BY ?s ?p ORDER BY ?p ?s"""
PROV_NS = "http://www.w3.org/ns/prov#"
PROVENANCE = f"""SELECT DISTINCT ?node ?p ?o WHERE {{
  {{ BIND(<{{iri}}> AS ?node) }}
  UNION {{ <{{iri}}> ?link ?node FILTER(STRSTARTS(STR(?link), "{PROV_NS}") && !isLiteral(?node)) }}
  FILTER EXISTS {{ ?node <{DX}sourceFile>|<{DX}lineStart> ?any }}
  ?node ?p ?o
  FILTER(?p IN (<{DX}lineStart>, <{DX}lineEnd>) || STRSTARTS(STR(?p), "{DX}source"))
}} ORDER BY ?node ?p"""


@bp.get("/id/<path:sub>")
def resource(sub: str):
    iri = ID + sub
    if not sparql_text.IRI.fullmatch(iri):
        raise ServiceError(404, "not a resource IRI of this service")
    fmt = conneg.best(conneg.RDF_TYPES, extra=("text/html",))
    if fmt is None:
        raise ServiceError(406, "resources are available as text/html, " + conneg.acceptable_list(conneg.RDF_TYPES))
    if not _known(iri):
        raise ServiceError(404, f"nothing is known about <{iri}>")
    if fmt != "text/html":
        reply = _backend().read(
            "query", query=f"DESCRIBE <{iri}>", union=True, results_format=None, rdf_format=fmt, max_rows=MAX_ROWS
        )
        resp = Response(reply["body"], content_type=conneg.CONTENT_TYPES[fmt])
        resp.vary.add("Accept")
        return resp
    out = _select(OUTGOING, iri)
    incoming = _select(INCOMING, iri)
    props = [{"p": _term({"type": "uri", "value": r["p"]["value"]}), "o": _term(r["o"], r.get("label"))} for r in out]
    types = [p["o"] for p in props if p["p"]["value"] == RDF_TYPE]
    labels = [p["o"]["value"] for p in props if p["o"]["kind"] == "literal" and p["p"]["value"] in _LABEL_IRIS]
    resp = Response(
        render_template(
            "resource.html",
            iri=iri,
            label=labels[0] if labels else _compact(iri),
            types=types,
            props=[p for p in props if p["p"]["value"] != RDF_TYPE and not _is_provenance(p["p"]["value"])],
            incoming=[
                {"s": _term(r["s"], r.get("label")), "p": _term({"type": "uri", "value": r["p"]["value"]})}
                for r in incoming
            ],
            provenance=_provenance(iri),
            truncated=len(out) >= MAX_ROWS,
        )
    )
    resp.vary.add("Accept")
    return resp


_LABEL_IRIS = {
    "http://www.w3.org/2000/01/rdf-schema#label",
    "http://www.w3.org/2004/02/skos/core#prefLabel",
    "http://purl.org/dc/terms/title",
    "https://schema.org/name",
}


def _backend():
    return current_app.extensions["dxkg"].backend


def _known(iri: str) -> bool:
    reply = _backend().read(
        "query",
        query=f"ASK {{ {{ <{iri}> ?p ?o }} UNION {{ ?s ?p <{iri}> }} }}",
        union=True,
        results_format="json",
        rdf_format=None,
        max_rows=1,
    )
    return json.loads(reply["body"])["boolean"]


def _select(template: str, iri: str) -> list[dict]:
    reply = _backend().read(
        "query",
        query=template.replace("{iri}", iri),
        union=True,
        results_format="json",
        rdf_format=None,
        max_rows=MAX_ROWS,
    )
    return json.loads(reply["body"])["results"]["bindings"]


def _is_provenance(predicate: str) -> bool:
    """Where-it-came-from properties: line numbers and ``dx:source…`` (file, text, …)."""
    return predicate in (DX + "lineStart", DX + "lineEnd") or predicate.startswith(DX + "source")


def _provenance(iri: str) -> list[dict]:
    """Source excerpts of the resource and of what it is ``prov:``-derived from.

    The builder records ``dx:sourceFile``/``dx:lineStart``/``dx:lineEnd`` and the line's text
    ``dx:sourceText``; any other ``dx:source…`` value is shown too.
    """
    nodes: dict[str, dict] = {}
    for r in _select(PROVENANCE, iri):
        node = nodes.setdefault(r["node"]["value"], {"node": _term(r["node"]), "values": []})
        node["values"].append({"p": _term({"type": "uri", "value": r["p"]["value"]}), "o": _term(r["o"])})
    return sorted(nodes.values(), key=lambda n: n["node"]["value"] != iri)  # its own first


def _term(t: dict, label: dict | None = None) -> dict:
    """A SPARQL JSON term as the template shows it; ``href`` only for http(s) IRIs."""
    kind = {"uri": "iri", "bnode": "bnode"}.get(t["type"], "literal")
    value = t["value"]
    term = {
        "kind": kind,
        "value": value,
        "text": value,
        "href": None,
        "lang": t.get("xml:lang"),
        "datatype": _compact(t["datatype"]) if "datatype" in t else None,
    }
    if kind == "iri":
        term["text"] = label["value"] if label else _compact(value)
        if value.startswith(ID):
            term["href"] = "/id/" + quote(value[len(ID) :], safe="/:@!$&'()*+,;=-._~")
        elif value.startswith(("http://", "https://")):
            term["href"] = value
    elif kind == "bnode":
        term["text"] = "_:" + value
    return term


def _compact(iri: str) -> str:
    return prefixed(iri) or iri
