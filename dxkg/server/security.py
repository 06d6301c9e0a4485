"""Response hardening, CORS and the update token.

Every response gets headers that stop it being framed, sniffed or mixed with other origins'
scripts. CORS is off unless origins are configured, and even then only lets other sites
*read* (GET/POST queries); writes never get CORS headers, so a browser page elsewhere cannot
use a visitor's credentials to change the store.
"""

from __future__ import annotations

import base64
import hmac

from flask import Flask, Response, request

from dxkg.server.errors import ServiceError

SECURITY_HEADERS = {
    # YASGUI sets inline style attributes and uses data: icons; scripts stay 'self' only
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; "
    "style-src 'self' 'unsafe-inline'; font-src 'self' data:; "
    "frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}
CORS_READ_PATHS = ("/sparql", "/api/queries")


def install(app: Flask, cors_origins: tuple[str, ...]) -> None:
    @app.after_request
    def _headers(resp: Response) -> Response:
        for k, v in SECURITY_HEADERS.items():
            resp.headers.setdefault(k, v)
        origin = request.headers.get("Origin")
        if origin and cors_origins and _cors_read(request):
            for k, v in cors_headers(origin, cors_origins):
                resp.headers[k] = v
            resp.vary.add("Origin")
        return resp


def cors_headers(origin: str, cors_origins: tuple[str, ...]) -> list[tuple[str, str]]:
    """What lets a page from ``origin`` read an answer to a read request, if it may."""
    if "*" not in cors_origins and origin not in cors_origins:
        return []
    return [
        ("Access-Control-Allow-Origin", origin),
        ("Access-Control-Allow-Methods", "GET, POST"),
        ("Access-Control-Allow-Headers", "Accept, Content-Type"),
        ("Access-Control-Expose-Headers", "X-DXKG-Truncated"),
        ("Access-Control-Max-Age", "600"),
    ]


def read_headers(origin: str | None, cors_origins: tuple[str, ...]) -> list[tuple[str, str]]:
    """The security headers, and CORS for ``origin``, of an answer to a query (a read)."""
    headers = list(SECURITY_HEADERS.items())
    if origin and cors_origins:
        headers += cors_headers(origin, cors_origins)
    return headers


def _cors_read(req) -> bool:
    """A read on a query path: GET, a preflight for one, or a POST that carries a query."""
    if not req.path.rstrip("/").startswith(CORS_READ_PATHS):
        return False
    if req.method in ("GET", "HEAD"):
        return True
    if req.method == "OPTIONS":
        return req.headers.get("Access-Control-Request-Method", "").upper() in ("GET", "POST")
    return req.method == "POST" and not _is_update_request(req)


def _is_update_request(req) -> bool:
    ctype = req.mimetype
    return (
        ctype == "application/sparql-update"
        or "update" in req.args
        or (ctype == "application/x-www-form-urlencoded" and "update" in req.form)
    )


def require_token(token: str | None, typed: str | None = None) -> None:
    """Refuse (403) unless a token is configured and the request carries it.

    Accepted as ``Authorization: Bearer <token>`` or HTTP Basic with the token as the
    password (any user name), which is what rdflib's SPARQLUpdateStore can send; pages'
    forms pass the token ``typed`` in their password field instead.
    """
    if token is None:
        raise ServiceError(
            403, "this service is read-only: updates are disabled (start it with an update token to allow them)"
        )
    given = typed or _credential(request.headers.get("Authorization", ""))
    if given is None or not hmac.compare_digest(given.encode(), token.encode()):
        raise ServiceError(
            403,
            "updates need the service's token: send 'Authorization: Bearer "
            "<token>' (or HTTP Basic with the token as password)",
        )


def _credential(header: str) -> str | None:
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer":
        return value.strip()
    if scheme.lower() == "basic":
        try:
            return base64.b64decode(value.strip(), validate=True).decode().partition(":")[2]
        except (ValueError, UnicodeDecodeError):
            return None
    return None
