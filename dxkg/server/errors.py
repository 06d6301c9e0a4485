"""The one exception type handlers raise to answer with a status and a plain message."""


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
