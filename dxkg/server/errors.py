"""The one exception type handlers raise to answer with a status and a plain message."""


class ServiceError(Exception):
    """An HTTP error whose ``message`` is safe to show: no paths, no stack traces."""

    def __init__(self, status: int, message: str, headers: dict | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}
