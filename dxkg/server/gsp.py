"""SPARQL 1.1 Graph Store HTTP Protocol at ``/rdf-graphs``.

Graphs are named indirectly (``/rdf-graphs?graph=IRI``, ``/rdf-graphs?default``) or directly
(``/rdf-graphs/<path>`` names the graph whose IRI is that URL). GET/HEAD are open to all;
PUT/POST/DELETE need the update token. ``?default`` is the store's own default graph (the
SPARQL endpoint's default graph is the union of all graphs). POST to ``/rdf-graphs`` with
neither parameter creates a graph with a fresh IRI and answers ``201`` + ``Location``.
"""

from __future__ import annotations

import uuid

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, request

from dxkg.server import conneg, security
from dxkg.server.errors import ServiceError

bp = Blueprint("gsp", __name__)
METHODS = ["GET", "PUT", "POST", "DELETE"]


@bp.route("/rdf-graphs", methods=METHODS)
def indirect():
    has_graph, has_default = "graph" in request.args, "default" in request.args
    if has_graph and has_default:
        raise ServiceError(400, "give either ?default or ?graph=IRI, not both")
    if has_graph:
        graph = request.args["graph"]
        try:
            ox.NamedNode(graph)
        except ValueError:
            raise ServiceError(400, f"?graph= is not an absolute IRI: {graph!r}") from None
        return _handle(graph)
    if has_default:
        return _handle(None)
    if request.method == "POST":
        return _handle(f"{request.base_url}/{uuid.uuid4()}", new=True)
    raise ServiceError(400, "name the graph: /rdf-graphs?default or /rdf-graphs?graph=IRI")


@bp.route("/rdf-graphs/<path:_sub>", methods=METHODS)
def direct(_sub: str):
    return _handle(request.base_url)


def _handle(graph: str | None, new: bool = False) -> Response:
    svc = current_app.extensions["dxkg"]
    if request.method in ("GET", "HEAD"):
        fmt = conneg.best(conneg.RDF_TYPES)
        if fmt is None:
            raise ServiceError(406, "graphs are available as " + conneg.acceptable_list(conneg.RDF_TYPES))
        reply = svc.backend.read("dump", graph=graph, format=fmt, max_triples=svc.options.max_triples)
        resp = Response(reply["body"], content_type=conneg.CONTENT_TYPES[fmt])
        resp.vary.add("Accept")
        if reply.get("truncated"):
            svc.metrics.count("truncations")
            resp.headers["X-DXKG-Truncated"] = "true"
        return resp
    security.require_token(svc.options.update_token)
    if request.method == "DELETE":
        svc.backend.write("delete", graph=graph)
        return Response(status=204)
    reply = svc.backend.write(request.method.lower(), graph=graph, parts=_parts(), base_iri=graph or request.base_url)
    if new:
        return Response(status=201, headers={"Location": graph or request.base_url})
    return Response(status=201 if reply["created"] else 204)


def _parts() -> list[tuple[str, bytes]]:
    """The RDF documents in the body: the body itself, or each file of a multipart form."""
    if request.mimetype == "multipart/form-data":
        parts = [(f.content_type or "", f.read()) for _, f in request.files.items(multi=True)]
    else:
        parts = [(request.content_type or "", request.get_data())]
    for media_type, body in parts:
        _refuse_dtd(media_type, body)
    return parts


def _refuse_dtd(media_type: str, body: bytes) -> None:
    """Refuse RDF/XML that declares a DTD: pyoxigraph expands its entities (0.7 KB of nested
    entities become a 20-million-character literal). pyoxigraph reads RDF/XML only as UTF-8,
    so a DTD is always the bytes ``<!DOCTYPE``; RDF/XML never needs one."""
    if ox.RdfFormat.from_media_type(media_type) == ox.RdfFormat.RDF_XML and b"<!DOCTYPE" in body:
        raise ServiceError(400, "RDF/XML with a DOCTYPE (entity declarations) is refused: send the document without it")
