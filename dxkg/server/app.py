"""The Flask application: wires the store backend, the protocol endpoints and the pages.

``create_app(store_dir, **options)`` is all a WSGI server needs; ``dxkg.server.wsgi.serve`` runs
it under waitress. Options are those of ``dxkg.server.options.Options``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import partial

from flask import Flask, Response
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from dxkg.server import (
    browse,
    console,
    graphs,
    gsp,
    i18n,
    linked_data,
    observability,
    protocol,
    query_forms,
    reload,
    sandbox,
    security,
    site,
    sparql_route,
    upload,
)
from dxkg.server.backend import Backend
from dxkg.server.errors import ServiceError, noted
from dxkg.server.graph import source as graph_source
from dxkg.server.options import Options
from dxkg.server.result_cache import ResultCache

log = logging.getLogger("dxkg.server")


@dataclass
class Service:
    """What request handlers reach through ``current_app.extensions['dxkg']``."""

    options: Options
    backend: Backend
    metrics: observability.Metrics
    reloader: reload.Reloader
    results: ResultCache


def create_app(store_dir, **options) -> Flask:
    opts = Options.from_kwargs(**options)
    metrics = observability.Metrics()
    backend = Backend(
        store_dir,
        workers=opts.workers,
        timeout=opts.query_timeout,
        network=sandbox.policy(allow_service=opts.allow_service, sandbox=opts.sandbox),
        on_restart=lambda: metrics.count("worker_restarts"),
    )
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = opts.max_body
    app.config["MAX_FORM_MEMORY_SIZE"] = opts.max_body
    reloader = reload.Reloader(backend, metrics, opts.reload_interval)
    results = ResultCache(backend, int(opts.result_cache_mb * 1024 * 1024))
    _watch(metrics, backend, results)
    app.extensions["dxkg"] = Service(opts, backend, metrics, reloader, results)
    graph_source.install(app)
    i18n.install(app)
    for bp in (
        protocol.bp,
        gsp.bp,
        site.bp,
        console.bp,
        query_forms.bp,
        browse.bp,
        linked_data.bp,
        observability.bp,
        reload.bp,
        upload.bp,
    ):
        app.register_blueprint(bp)
    observability.install(app, metrics)
    security.install(app, opts.cors_origins)
    _error_handlers(app, metrics, opts)
    graphs.register(app)
    sparql_route.install(app, app.extensions["dxkg"])
    return app


def _watch(metrics: observability.Metrics, backend: Backend, results: ResultCache) -> None:
    """Metrics whose values the backend and the result cache keep."""
    metrics.watch("worker_tasks_total", "counter", "Read tasks given to query workers.", lambda: backend.tasks)
    for name, what in (
        ("hits", "Queries answered from the result cache."),
        ("misses", "Cacheable queries evaluated because no current answer was kept."),
        ("bypasses", "Queries evaluated afresh because the request said Cache-Control: no-cache or no-store."),
        ("uncacheable", "Queries evaluated because their answer may differ per evaluation (NOW, RAND, ...)."),
        ("not_modified", "Queries answered 304 Not Modified (If-None-Match)."),
        ("evictions", "Answers dropped from the result cache to stay within its size."),
        ("too_large", "Answers not kept because they are larger than an eighth of the result cache."),
    ):
        metrics.watch(f"result_cache_{name}_total", "counter", what, partial(results.counts.__getitem__, name))
    metrics.watch("result_cache_bytes", "gauge", "Bytes held by the result cache.", lambda: results.bytes)
    metrics.watch("result_cache_entries", "gauge", "Answers held by the result cache.", lambda: len(results))
    metrics.watch("result_cache_limit_bytes", "gauge", "Size limit of the result cache.", lambda: results.max_bytes)


def _error_handlers(app: Flask, metrics: observability.Metrics, opts: Options) -> None:
    """Errors answer as short text/plain messages: never a stack trace or a file path."""

    def text(status: int, message: str, headers=None) -> Response:
        return Response(
            message.rstrip() + "\n", status=status, headers=headers or {}, content_type="text/plain; charset=utf-8"
        )

    @app.errorhandler(ServiceError)
    def _service(e: ServiceError):
        noted(e, metrics)
        return text(e.status, e.message, e.headers)

    @app.errorhandler(RequestEntityTooLarge)
    def _too_large(e):
        return text(413, f"the request body is larger than this service accepts ({opts.max_body} bytes)")

    @app.errorhandler(HTTPException)
    def _http(e: HTTPException):
        headers = {k: v for k, v in e.get_response().headers.items() if k == "Allow"}
        return text(e.code or 500, f"{e.code} {e.name}: {e.description}", headers)

    @app.errorhandler(Exception)
    def _unexpected(e: Exception):
        log.exception("unhandled error")
        return text(500, "internal error; the details are in the server log")
