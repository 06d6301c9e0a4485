"""Run the service under waitress (``dxkg serve`` calls ``serve``)."""
from __future__ import annotations

import logging

import waitress
from flask import Flask

from server.app import create_app


def make_server(store_dir: str, host: str, port: int, **options):
    """The app and a bound (not yet running) waitress server; port 0 picks a free port."""
    app = create_app(store_dir, **options)
    opts = app.extensions["dxkg"].options
    # waitress buffers whole bodies before the app sees them: let it take somewhat more than
    # max_body so that the app, not a reset connection, answers "413 too large"
    server = waitress.create_server(app, host=host, port=port, threads=opts.threads,
                                    max_request_body_size=max(16 * opts.max_body, 16 << 20),
                                    ident="dxkg", clear_untrusted_proxy_headers=True)
    return app, server


def serve(store_dir: str, host: str = "127.0.0.1", port: int = 8000, **options) -> None:
    """Serve ``store_dir`` on ``host:port`` until interrupted.

    ``options``: update_token, query_timeout, max_rows, max_body, max_query_len,
    allow_service, cors_origins, threads, workers (see ``server.options.Options``).
    """
    app, server = make_server(store_dir, host, port, **options)
    opts = app.extensions["dxkg"].options
    logging.getLogger("dxkg.server").warning(
        "dxkg serving %s on http://%s:%s/ (%d query workers, updates %s)", store_dir, host,
        server.effective_port, opts.workers, "enabled" if opts.update_token else "disabled")
    try:
        server.run()
    finally:
        shutdown(app, server)


def shutdown(app: Flask, server) -> None:
    server.close()
    app.extensions["dxkg"].backend.close()
