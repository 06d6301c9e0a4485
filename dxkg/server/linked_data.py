"""Linked data: every IRI under ``dxkg.kg.namespaces.ID`` dereferences at ``/id/<path>``.

Browsers get an HTML page (label, types and properties by the ontology's Vietnamese labels,
incoming links grouped, provenance with the source text, and ``dxkg.server.entity``'s sections); other clients get the resource's DESCRIBE as Turtle, JSON-LD or N-Triples.
All values come from data, so the page is a Jinja template with autoescaping, and only
http(s) IRIs become links (an IRI may legally be ``javascript:…``).
"""

from __future__ import annotations

import json
from urllib.parse import quote

from flask import Blueprint, Response, current_app, render_template

from dxkg.kg.namespaces import DX, ID, PREFIXES, prefixed
from dxkg.server import conneg, entity, records, sparql_text
from dxkg.server.errors import ServiceError
from dxkg.server.graph.source import current_source, vocabulary
from dxkg.server.i18n import lang

bp = Blueprint("linked_data", __name__)

LABELS = (
    "<http://www.w3.org/2000/01/rdf-schema#label>|<http://www.w3.org/2004/02/skos/core#prefLabel>"
    "|<http://purl.org/dc/terms/title>|<https://schema.org/name>"
)
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
MAX_ROWS = 2000
INCOMING_CAP = 25  # links of one kind listed before "… and N more" (a plan has hundreds of tasks)
AGENCY_TYPES = {DX + "Agency", DX + "AgencyGroup", DX + "Enterprise", PREFIXES["org"] + "Organization"}

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
        reply = _results().read(
            {
                "query": f"DESCRIBE <{iri}>",
                "union": True,
                "results_format": None,
                "rdf_format": fmt,
                "max_rows": MAX_ROWS,
            }
        )
        resp = Response(reply.body, content_type=conneg.CONTENT_TYPES[fmt])
        resp.vary.add("Accept")
        return resp
    resp = Response(_page(iri))
    resp.vary.add("Accept")
    return resp


def _page(iri: str) -> str:
    """The HTML page: Vietnamese (or English) labels of the ontology for types and properties,
    facts and links grouped by property, incoming links grouped and capped, provenance, and
    what the browsers know about it (what rests on a document, a plan's appendices…)."""
    out = _select(OUTGOING, iri)
    incoming = _select(INCOMING, iri)
    vocab = vocabulary(current_source(), lang())
    props = [
        {"p": _term({"type": "uri", "value": r["p"]["value"]}, vocab=vocab), "o": _term(r["o"], r.get("label"))}
        for r in out
    ]
    by_text: dict[str, dict] = {}
    for p in props:
        if p["p"]["value"] == RDF_TYPE:
            text = vocab.get(p["o"]["value"], p["o"]["text"])
            by_text.setdefault(text, p["o"] | {"text": text, "href": None})
    types = list(by_text.values())
    labels = [p["o"]["value"] for p in props if p["o"]["kind"] == "literal" and p["p"]["value"] in _LABEL_IRIS]
    scope = next((p["o"]["text"] for p in props if p["p"]["value"] == DX + "scope"), "")
    label = labels[0] if labels else _compact(iri)
    is_agency = any(t["value"] in AGENCY_TYPES for t in types)
    if is_agency:
        label = records.with_province(label, scope)
    shown = [p for p in props if p["p"]["value"] != RDF_TYPE and not _is_provenance(p["p"]["value"])]
    corpus = records.load(current_source())
    is_document = iri in corpus.documents or iri in corpus.plans
    return render_template(
        "resource.html",
        iri=iri,
        label=label,
        types=types,
        facts=_grouped([p for p in shown if p["o"]["kind"] == "literal"], "p", "o"),
        links=_grouped([p for p in shown if p["o"]["kind"] != "literal"], "p", "o"),
        incoming=_grouped(
            [
                {"s": _term(r["s"], r.get("label")), "p": _term({"type": "uri", "value": r["p"]["value"]}, vocab=vocab)}
                for r in incoming
                if not (is_document and r["p"]["value"] == DX + "citedDocument")
            ],
            "p",
            "s",
        ),
        provenance=_provenance(iri, vocab),
        truncated=len(out) >= MAX_ROWS,
        rests_on=entity.rests_on(corpus, iri) if is_document else None,
        citations=_select(entity.CITATIONS, iri) if is_document else [],
        appendices=entity.appendices(corpus, iri) if iri in corpus.plans else [],
        holdings=entity.holdings(corpus, iri),
        today=entity.responsible_today(current_source(), iri) if is_agency else [],
        cap=INCOMING_CAP,
    )


def _grouped(rows: list[dict], key: str, value: str) -> list[dict]:
    """Rows grouped by property, in first-seen order: {"p", "items", "count"}."""
    groups: dict[str, dict] = {}
    for r in rows:
        g = groups.setdefault(r[key]["value"], {"p": r[key], "items": [], "count": 0})
        g["count"] += 1
        g["items"].append(r[value])
    return list(groups.values())


_LABEL_IRIS = {
    "http://www.w3.org/2000/01/rdf-schema#label",
    "http://www.w3.org/2004/02/skos/core#prefLabel",
    "http://purl.org/dc/terms/title",
    "https://schema.org/name",
}


def _results():
    """The service's queries, answered again from memory while the data is unchanged."""
    return current_app.extensions["dxkg"].results


def _known(iri: str) -> bool:
    query = f"ASK {{ {{ <{iri}> ?p ?o }} UNION {{ ?s ?p <{iri}> }} }}"
    reply = _results().read(
        {"query": query, "union": True, "results_format": "json", "rdf_format": None, "max_rows": 1}
    )
    return json.loads(reply.body)["boolean"]


def _select(template: str, iri: str) -> list[dict]:
    query = template.replace("{iri}", iri)
    reply = _results().read(
        {"query": query, "union": True, "results_format": "json", "rdf_format": None, "max_rows": MAX_ROWS}
    )
    return json.loads(reply.body)["results"]["bindings"]


def _is_provenance(predicate: str) -> bool:
    """Where-it-came-from properties: line numbers and ``dx:source…`` (file, text, …)."""
    return predicate in (DX + "lineStart", DX + "lineEnd") or predicate.startswith(DX + "source")


def _provenance(iri: str, vocab: dict) -> list[dict]:
    """Source excerpts of the resource and of what it is ``prov:``-derived from.

    The builder records ``dx:sourceFile``/``dx:lineStart``/``dx:lineEnd`` and the line's text
    ``dx:sourceText``; any other ``dx:source…`` value is shown too.
    """
    nodes: dict[str, dict] = {}
    for r in _select(PROVENANCE, iri):
        node = nodes.setdefault(r["node"]["value"], {"node": _term(r["node"]), "values": []})
        node["values"].append({"p": _term({"type": "uri", "value": r["p"]["value"]}, vocab=vocab), "o": _term(r["o"])})
    return sorted(nodes.values(), key=lambda n: n["node"]["value"] != iri)  # its own first


def _term(t: dict, label: dict | None = None, vocab: dict | None = None) -> dict:
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
        term["text"] = label["value"] if label else (vocab or {}).get(value) or _compact(value)
        if vocab is not None:  # a class or property of the ontology: a name, not a page here
            return term
        if value.startswith(ID):
            term["href"] = "/id/" + quote(value[len(ID) :], safe="/:@!$&'()*+,;=-._~")
        elif value.startswith(("http://", "https://")):
            term["href"] = value
    elif kind == "bnode":
        term["text"] = "_:" + value
    return term


def _compact(iri: str) -> str:
    return prefixed(iri) or iri
