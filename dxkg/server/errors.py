"""The one exception type handlers raise to answer with a status and a plain message."""

import json
import logging
import time

log = logging.getLogger("dxkg.server")


class ServiceError(Exception):
    """An HTTP error whose ``message`` is safe to show: no paths, no stack traces, no remote
    bodies. ``detail`` (what went wrong inside, e.g. pyoxigraph's own message) goes only to
    the server log."""

    def __init__(self, status: int, message: str, headers: dict | None = None, detail: str = ""):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}
        self.detail = detail


def log_failure(status: int, detail: str) -> None:
    """Log what went wrong inside (it may hold a remote body or a path: never shown to clients)."""
    event = {"ts": round(time.time(), 3), "event": "request_failed", "status": status, "detail": detail}
    log.warning(json.dumps(event, ensure_ascii=False))
