"""The one exception type handlers raise to answer with a status and a plain message."""

import json
import logging
import time

log = logging.getLogger("dxkg.server")


class ServiceError(Exception):
    """An HTTP error whose ``message`` is safe to show: no paths, no stack traces, no remote
    bodies. ``detail`` (what went wrong inside, e.g. pyoxigraph's own message) goes only to
    the server log. ``counter`` names the metric that counts this kind of failure, if any."""

    counter: str | None = None

    def __init__(self, status: int, message: str, headers: dict | None = None, detail: str = ""):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}
        self.detail = detail


def noted(e: ServiceError, metrics) -> None:
    """What both ways of answering (the Flask app and the lean ``/sparql`` route) do with a
    failure before answering it: count it if its kind is counted, and log what went wrong
    inside (it may hold a remote body or a path: never shown to clients)."""
    if e.counter:
        metrics.count(e.counter)
    if e.detail:
        event = {"ts": round(time.time(), 3), "event": "request_failed", "status": e.status, "detail": e.detail}
        log.warning(json.dumps(event, ensure_ascii=False))
