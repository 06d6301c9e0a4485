"""Run the service under waitress (``dxkg serve`` calls ``serve``)."""

from __future__ import annotations

import logging
import signal
import threading

import waitress
from flask import Flask

from dxkg.server.app import create_app
from dxkg.server.options import HOST, PORT


def make_server(store_dir: str, host: str, port: int, **options):
    """The app and a bound (not yet running) waitress server; port 0 picks a free port."""
    app = create_app(store_dir, **options)
    opts = app.extensions["dxkg"].options
    # waitress buffers whole bodies before the app sees them: let it take somewhat more than
    # max_body so that the app, not a reset connection, answers "413 too large"
    server = waitress.create_server(
        app,
        host=host,
        port=port,
        threads=opts.threads,
        max_request_body_size=max(16 * opts.max_body, 16 << 20),
        ident="dxkg",
        clear_untrusted_proxy_headers=True,
    )
    return app, server


def serve(store_dir: str, host: str = HOST, port: int = PORT, **options) -> None:
    """Serve ``store_dir`` on ``host:port`` until interrupted; SIGHUP reloads the store.

    ``options``: update_token, query_timeout, max_rows, max_body, max_query_len,
    allow_service, sandbox, cors_origins, threads, workers, reload_interval (see
    ``dxkg.server.options.Options``).
    """
    app, server = make_server(store_dir, host, port, **options)
    svc = app.extensions["dxkg"]
    logging.getLogger("dxkg.server").warning(
        "dxkg serving %s on http://%s:%s/ (%d query workers, updates %s, evaluation %s)",
        store_dir,
        host,
        server.effective_port,
        svc.options.workers,
        "enabled" if svc.options.update_token else "disabled",
        network_status(svc.backend.sandbox),
    )
    restore = _on_sighup(svc.reloader.request)
    try:
        server.run()
    finally:
        restore()
        shutdown(app, server)


def network_status(report: dict) -> str:
    """How the service's evaluating processes stand with the network, in a few words."""
    if report.get("held"):
        return f"cut off from the network ({report['mechanism']}, checked)"
    if report.get("policy") == "allow":
        return "WITH network access (--allow-service)"
    return "WITHOUT the network sandbox (--no-sandbox)"


def _on_sighup(handler):
    """Call ``handler()`` on SIGHUP (the usual "reload" signal); returns the undo.

    Only possible in the main thread of a platform that has SIGHUP; elsewhere a no-op.
    """
    if not hasattr(signal, "SIGHUP") or threading.current_thread() is not threading.main_thread():
        return lambda: None
    previous = signal.signal(signal.SIGHUP, lambda signum, frame: handler())
    return lambda: signal.signal(signal.SIGHUP, previous)


def shutdown(app: Flask, server) -> None:
    server.close()
    app.extensions["dxkg"].reloader.stop()
    app.extensions["dxkg"].backend.close()
