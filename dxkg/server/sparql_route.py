"""SPARQL queries at ``/sparql`` answered by a plain WSGI function in front of Flask.

A light query costs the engine a tenth of a millisecond; Flask's request and application
contexts, routing, form parser, header objects and after-request hooks cost the HTTP
process several times that per request (profiled: most of the 0.9 ms of CPU a light query
took in the HTTP process). So the common case — a query by GET, by POST form or as an
``application/sparql-query`` body — is read here straight from the WSGI environment and
answered with the same checks, the same task to a worker (or the same kept answer,
``result_cache``), the same headers (security, CORS, ``Vary``, ``Cache-Control``, ``ETag``,
``X-DXKG-Truncated``), the same errors and the same metrics and access-log
line as ``protocol.sparql``. Everything else (updates, the service description, HEAD,
``?lang=``, a request the protocol refuses before reading its query: several queries, a
query with an update, a charset other than UTF-8) goes to Flask untouched, so there is
one implementation of each rule that is not on the hot path.
"""

from __future__ import annotations

import functools
import io
import logging
import time
from collections.abc import Callable, Iterable
from urllib.parse import unquote

from werkzeug.http import HTTP_STATUS_CODES, parse_options_header
from werkzeug.wsgi import get_current_url

from dxkg.server import observability, protocol, result_cache, security
from dxkg.server.errors import ServiceError, noted

log = logging.getLogger("dxkg.server")
PATHS = ("/sparql", "/sparql/")
ROUTE = "/sparql"  # the Flask rule's name in metrics and the access log


class _NotHere(Exception):
    """The request is not a plain query: Flask answers it."""


def install(app, svc) -> None:
    """Put the query route in front of ``app``'s WSGI callable (tests' clients included)."""
    app.wsgi_app = SparqlRoute(app.wsgi_app, svc)


class SparqlRoute:
    def __init__(self, flask_app: Callable, svc):
        self.flask_app = flask_app
        self.svc = svc

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        if environ.get("PATH_INFO") not in PATHS or environ.get("REQUEST_METHOD") not in ("GET", "POST"):
            return self.flask_app(environ, start_response)
        t0 = time.perf_counter()
        try:
            params = _read(environ, self.svc.options.max_body)
        except _NotHere:
            return self.flask_app(environ, start_response)
        status, headers, body, truncated = self._answer(environ, params)
        origin = environ.get("HTTP_ORIGIN")
        cors = self.svc.options.cors_origins
        if origin and cors:  # werkzeug's ``vary.add``: one header, in the order added
            vary = [v for k, v in headers if k == "Vary"]
            headers = [(k, v) for k, v in headers if k != "Vary"] + [("Vary", ", ".join([*vary, "Origin"]))]
        headers += security.read_headers(origin, cors)
        if status != 304:  # a 304 has no body, and its length is not the 200's
            headers.append(("Content-Length", str(len(body))))
        start_response(f"{status} {HTTP_STATUS_CODES.get(status, '').upper()}", headers)
        observability.record(
            self.svc.metrics,
            ROUTE,
            environ["REQUEST_METHOD"],
            environ["PATH_INFO"],
            environ.get("REMOTE_ADDR"),
            status,
            time.perf_counter() - t0,
            len(body),
            truncated,
        )
        return [body]

    def _answer(self, environ: dict, params: dict) -> tuple[int, list[tuple[str, str]], bytes, bool]:
        svc = self.svc
        method = environ["REQUEST_METHOD"]
        try:
            task, found = protocol.query_task(
                svc.options,
                params["query"],
                protocol.check_graphs("default-graph-uri", params["default-graph-uri"]),
                protocol.check_graphs("named-graph-uri", params["named-graph-uri"]),
                protocol.formats_named(params["format"]),
                environ.get("HTTP_ACCEPT", ""),
                _base_url(
                    environ["wsgi.url_scheme"],
                    environ.get("HTTP_HOST"),
                    environ.get("SERVER_NAME"),
                    environ.get("SERVER_PORT"),
                    environ.get("SCRIPT_NAME", ""),
                    environ["PATH_INFO"],
                ),
            )
            fresh, keep = result_cache.wanted(environ.get("HTTP_CACHE_CONTROL"), environ.get("HTTP_PRAGMA"))
            given = svc.results.read(
                task,
                volatile=found.volatile is not None,
                fresh=fresh,
                keep=keep,
                if_none_match=environ.get("HTTP_IF_NONE_MATCH") if method == "GET" else None,
            )
        except ServiceError as e:
            return _error(svc, e)
        except Exception:
            log.exception("unhandled error")
            return _error(svc, ServiceError(500, "internal error; the details are in the server log"))
        return given.status, protocol.answer_headers(svc, given, method), given.body, given.truncated


@functools.lru_cache(maxsize=256)
def _base_url(scheme: str, host, server: str, port: str, script: str, path: str) -> str:
    """Flask's ``request.base_url`` (the query's base IRI) from the parts of the environment
    it is made of; the same few hosts ask again and again."""
    environ = {"wsgi.url_scheme": scheme, "SERVER_NAME": server, "SERVER_PORT": port, "SCRIPT_NAME": script}
    if host is not None:
        environ["HTTP_HOST"] = host
    return get_current_url({**environ, "PATH_INFO": path}, strip_querystring=True)


def _error(svc, e: ServiceError) -> tuple[int, list[tuple[str, str]], bytes, bool]:
    """As the Flask app's error handler answers: a short text, the detail to the log only."""
    noted(e, svc.metrics)
    headers = [("Content-Type", "text/plain; charset=utf-8"), *e.headers.items()]
    return e.status, headers, (e.message.rstrip() + "\n").encode(), False


def _read(environ: dict, max_body: int) -> dict:
    """The query and its parameters, or ``_NotHere`` when Flask must answer the request.

    Parameters are read as werkzeug reads them (``parse_qsl`` keeping blank values, invalid
    UTF-8 left percent-encoded); a POST body read here is put back for Flask.
    """
    try:
        args = _pairs(environ.get("QUERY_STRING", "").encode("latin-1").decode())
    except UnicodeError:
        raise _NotHere from None
    form: list[tuple[str, str]] = []
    body_query = None
    if environ["REQUEST_METHOD"] == "POST":
        mimetype, options = parse_options_header(environ.get("CONTENT_TYPE", ""))
        charset = options.get("charset", "utf-8").lower().replace("_", "-")
        if charset not in ("utf-8", "utf8") or mimetype not in (protocol.FORM, protocol.QUERY_TYPE):
            raise _NotHere
        try:
            length = int(environ.get("CONTENT_LENGTH") or "")
        except ValueError:
            raise _NotHere from None
        if length > max_body:  # Flask's 413 (waitress refuses such a body before any of this)
            raise _NotHere
        data = environ["wsgi.input"].read(length) if length > 0 else b""
        environ["wsgi.input"] = io.BytesIO(data)  # for Flask, should it answer after all
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            raise _NotHere from None
        if mimetype == protocol.FORM:
            form = _pairs(text)
        else:
            body_query = text
    queries = [v for k, v in args if k == "query"] if environ["REQUEST_METHOD"] == "GET" else []
    queries += [v for k, v in form if k == "query"] + ([body_query] if body_query is not None else [])
    if len(queries) != 1 or any(k in ("update", "lang") for k, _ in args) or any(k == "update" for k, _ in form):
        raise _NotHere
    values = args + form  # ``request.values``: the URL's parameters, then a form's

    def first(name: str) -> str | None:
        return next((v for k, v in values if k == name), None)

    return {
        "query": queries[0],
        "default-graph-uri": [v for k, v in values if k == "default-graph-uri"],
        "named-graph-uri": [v for k, v in values if k == "named-graph-uri"],
        "format": first("format") or first("output"),
    }


def _pairs(text: str) -> list[tuple[str, str]]:
    """``parse_qsl(text, keep_blank_values=True, errors="werkzeug.url_quote")``, as werkzeug
    reads a query string or form: ``&``-separated, ``+`` a space, ``%XX`` escapes of UTF-8.

    ``parse_qsl`` decodes escapes in a Python loop, one per ``%``: a SPARQL query is mostly
    escapes (``{``, ``?``, ``<``, ``:``, ``/``…), and reading a 650-character form took about
    60 µs of the HTTP process, a tenth of what a light query costs it. Each part is decoded
    here by C codecs instead; a part they cannot take whole (an escape that is not two hex
    digits, bytes that are not UTF-8, a character outside ASCII) is left to ``unquote``.
    """
    pairs = []
    for piece in text.split("&"):
        if piece:
            name, _, value = piece.partition("=")
            pairs.append((_unquote(name.replace("+", " ")), _unquote(value.replace("+", " "))))
    return pairs


def _unquote(text: str) -> str:
    if "%" not in text:
        return text
    try:  # every backslash escaped first: the only escapes ``unicode_escape`` then meets are ``\xXX``
        escaped = text.replace("\\", "%5C").replace("%", "\\x").encode("ascii")
        return escaped.decode("unicode_escape").encode("latin-1").decode("utf-8")
    except UnicodeError:
        return unquote(text, errors="werkzeug.url_quote")
