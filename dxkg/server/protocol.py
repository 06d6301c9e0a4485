"""SPARQL 1.1 Protocol at ``/sparql``: queries for everyone, updates with the token.

Request rules follow https://www.w3.org/TR/sparql11-protocol/ (§2.1 query, §2.2 update):
GET ``query=``; POST form (``query=``/``update=``); POST ``application/sparql-query`` or
``application/sparql-update`` with the text as the UTF-8 body. A protocol dataset
(``default-graph-uri``/``named-graph-uri``) replaces the query's FROM/FROM NAMED; with none
at all, the default graph is the union of all graphs.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, render_template, request

from dxkg.server import conneg, result_cache, security, service_description, sparql_text
from dxkg.server.errors import ServiceError

bp = Blueprint("protocol", __name__)

FORM = "application/x-www-form-urlencoded"
QUERY_TYPE = "application/sparql-query"
UPDATE_TYPE = "application/sparql-update"
SURVEY_MEMO_TEXT = 8192  # characters: longer texts are lexed each time they come


@bp.route("/sparql", methods=["GET", "POST"], strict_slashes=False)
def sparql():
    if request.method in ("GET", "HEAD"):
        if request.args.getlist("update"):
            raise ServiceError(
                400, f"updates must be sent with POST (form field 'update' or an {UPDATE_TYPE} body), never with GET"
            )
        queries, updates = request.args.getlist("query"), list[str]()
        if not queries:
            return _description()
    else:
        queries, updates = _post_operations()
    if queries and updates:
        raise ServiceError(400, "send either a query or an update, not both")
    if len(queries) > 1 or len(updates) > 1:
        raise ServiceError(400, "send exactly one 'query' (or 'update') parameter")
    if updates:
        return _update(updates[0])
    if not queries:
        raise ServiceError(400, f"no query: send 'query=…' (GET or form POST) or an {QUERY_TYPE} body")
    return answer(queries[0], _graph_params("default-graph-uri"), _graph_params("named-graph-uri"), format_param())


def format_param() -> tuple[str | None, str | None] | None:
    """``format=`` or ``output=`` (Fuseki, Virtuoso): wins over Accept; the other kind of
    result keeps its negotiated format."""
    return formats_named(request.values.get("format") or request.values.get("output"))


def formats_named(value: str | None) -> tuple[str | None, str | None] | None:
    """The (results, rdf) formats a ``format=``/``output=`` value names; None without one."""
    if not value:
        return None
    formats = conneg.requested(value)
    if formats is None:
        raise ServiceError(400, f"unknown format {value!r}; known: {', '.join(conneg.FORMAT_NAMES)} or a media type")
    return formats


def _post_operations() -> tuple[list[str], list[str]]:
    charset = request.mimetype_params.get("charset", "utf-8").lower().replace("_", "-")
    if charset not in ("utf-8", "utf8"):
        raise ServiceError(415, f"requests must be UTF-8 (got charset {charset})")
    if request.mimetype == FORM:
        return request.form.getlist("query"), request.form.getlist("update")
    if request.mimetype in (QUERY_TYPE, UPDATE_TYPE):
        try:
            text = request.get_data(cache=True).decode("utf-8")
        except UnicodeDecodeError:
            raise ServiceError(400, "the request body is not valid UTF-8") from None
        return ([text], []) if request.mimetype == QUERY_TYPE else ([], [text])
    raise ServiceError(
        415,
        f"POST a query or update as {FORM}, {QUERY_TYPE} or {UPDATE_TYPE} "
        f"(got {request.mimetype or 'no Content-Type'})",
    )


def _graph_params(name: str) -> list[str]:
    values = request.args.getlist(name)
    if request.method == "POST" and request.mimetype == FORM:
        values += request.form.getlist(name)
    return check_graphs(name, values)


def check_text(text: str, what: str, words: tuple[str, ...], opts) -> sparql_text.Survey:
    """Refuse, before any worker sees it, text that is too long, nests too deeply, is not made
    of SPARQL terminals, or names ``words`` (SERVICE/LOAD) when federation is off; else what
    the one pass over its tokens found.

    The check is a friendly early error; it is not what keeps workers off the network.
    """
    if len(text) > opts.max_query_len:
        raise ServiceError(
            400, f"the {what} is {len(text)} characters long; this service accepts at most {opts.max_query_len}"
        )
    refused = () if opts.allow_service else words
    try:
        if len(text) <= SURVEY_MEMO_TEXT:
            found = _survey(text, opts.max_depth, refused)
        else:
            found = sparql_text.survey(text, opts.max_depth, refused)
    except sparql_text.SparqlTextError as e:
        raise ServiceError(400, f"SPARQL syntax error: {e}") from None
    if found.federated:
        raise ServiceError(
            403,
            f"{found.federated} is disabled on this service: it would make the server fetch data from other addresses",
        )
    return found


@functools.lru_cache(maxsize=256)
def _survey(text: str, max_depth: int, words: tuple[str, ...]) -> sparql_text.Survey:
    """``sparql_text.survey``, remembered for texts up to ``SURVEY_MEMO_TEXT`` (so at most
    about 2 MB are held): dashboards and named queries send the same texts again and again,
    and lexing a light query (~35 µs) costs half of answering it from the result cache.
    Refused texts raise each time, never remembered."""
    return sparql_text.survey(text, max_depth, words)


def query_task(
    opts,
    query: str,
    default_graphs: Sequence[str],
    named_graphs: Sequence[str],
    formats: tuple[str | None, str | None] | None,
    accept: str,
    base_iri: str,
) -> tuple[dict, sparql_text.Survey]:
    """The worker task for a query request, after its checks: the text, the dataset, the
    limits and the result formats (``formats`` from ``format=``, else negotiated by ``accept``);
    and what the one pass over the text found."""
    found = check_text(query, "query", ("SERVICE",), opts)
    results_format = (formats and formats[0]) or conneg.best_for(accept, conneg.RESULT_TYPES)
    rdf_format = (formats and formats[1]) or conneg.best_for(accept, conneg.RDF_TYPES)
    if results_format is None and rdf_format is None:
        raise ServiceError(
            406,
            "no acceptable media type; this service answers "
            + conneg.acceptable_list(conneg.RESULT_TYPES)
            + " (SELECT/ASK) and "
            + conneg.acceptable_list(conneg.RDF_TYPES)
            + " (CONSTRUCT/DESCRIBE)",
        )
    task = {
        "query": query,
        "base_iri": base_iri,
        "max_rows": opts.max_rows,
        "max_triples": opts.max_triples,
        "results_format": results_format,
        "rdf_format": rdf_format,
    }
    if default_graphs or named_graphs:
        task.update(union=False, default_graphs=list(default_graphs), named_graphs=list(named_graphs))
    else:  # the query's own FROM/FROM NAMED, if any, must not be overridden by the union
        task.update(union=not found.has_from)
    return task, found


def check_graphs(name: str, values: list[str]) -> list[str]:
    """``values`` of the dataset parameter ``name``, each an absolute IRI, else 400."""
    for iri in values:
        try:
            ox.NamedNode(iri)
        except ValueError:
            raise ServiceError(400, f"{name} is not an absolute IRI: {iri!r}") from None
    return values


def answer(query: str, default_graphs: Sequence[str] = (), named_graphs: Sequence[str] = (), formats=None) -> Response:
    """Answer a query with the negotiated serialization (or ``formats``, (results, rdf), where
    given): kept from an earlier request (``result_cache``), 304, or run in a worker."""
    svc = current_app.extensions["dxkg"]
    task, found = query_task(
        svc.options, query, default_graphs, named_graphs, formats, request.headers.get("Accept", ""), request.base_url
    )
    fresh, keep = result_cache.wanted(request.headers.get("Cache-Control"), request.headers.get("Pragma"))
    given = svc.results.read(
        task,
        volatile=found.volatile is not None,
        fresh=fresh,
        keep=keep,
        if_none_match=request.headers.get("If-None-Match") if request.method in ("GET", "HEAD") else None,
    )
    return Response(given.body, status=given.status, headers=answer_headers(svc, given, request.method))


def answer_headers(svc, given: result_cache.Answer, method: str) -> list[tuple[str, str]]:
    """The headers of a query's answer (both ways of answering: Flask and ``sparql_route``);
    a truncated answer is counted here, each time it is given."""
    headers = [("Vary", "Accept"), *result_cache.validation_headers(given, method)]
    if given.status == 304:
        return headers
    headers.append(("Content-Type", conneg.CONTENT_TYPES[given.format]))
    if given.truncated:
        svc.metrics.count("truncations")
        headers.append(("X-DXKG-Truncated", "true"))
    return headers


def _update(update: str) -> Response:
    svc = current_app.extensions["dxkg"]
    security.require_token(svc.options.update_token)
    check_text(update, "update", sparql_text.FEDERATED, svc.options)
    try:
        update = sparql_text.add_using(update, _graph_params("using-graph-uri"), _graph_params("using-named-graph-uri"))
    except ValueError as e:
        raise ServiceError(400, str(e)) from None
    svc.backend.write("update", update=update, base_iri=request.base_url)
    return Response("update applied\n", content_type="text/plain; charset=utf-8")


def _description() -> Response:
    svc = current_app.extensions["dxkg"]
    fmt = conneg.best(conneg.RDF_TYPES, extra=("text/html",))
    if fmt == "text/html":  # a browser: what this endpoint is and how to use it
        resp = Response(render_template("sparql.html", updates=bool(svc.options.update_token)))
        resp.vary.add("Accept")
        return resp
    if fmt is None:
        raise ServiceError(406, "the service description is available as " + conneg.acceptable_list(conneg.RDF_TYPES))
    body = service_description.describe(
        request.base_url, updates=bool(svc.options.update_token), federated=svc.options.allow_service, fmt=fmt
    )
    resp = Response(body, content_type=conneg.CONTENT_TYPES[fmt])
    resp.vary.add("Accept")
    return resp
