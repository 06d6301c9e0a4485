"""Service options: one place for the defaults the CLI flags and environment override."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from pathlib import Path

HOST = "127.0.0.1"  # loopback unless told otherwise
PORT = 5000


@dataclass(frozen=True)
class Options:
    """Limits and switches of one running service.

    The defaults are "safe by default": read-only (no ``update_token``), no federated
    ``SERVICE``/``LOAD`` (they would make the server fetch arbitrary URLs), query and update
    evaluation cut off from the network (``sandbox``; off only if asked, or with
    ``allow_service``), no CORS.
    """

    update_token: str | None = None
    query_timeout: float = 30.0  # seconds before a query's worker is killed
    upload_timeout: float = (
        300.0  # seconds to read an uploaded document (OCR of a scan is slow) before its process is killed
    )
    max_rows: int = 100_000  # SELECT rows returned before truncating
    max_body: int = 1024 * 1024  # bytes accepted in a request body
    max_query_len: int = 64 * 1024  # characters in a query or update string
    max_depth: int = 100  # brackets nested in a query or update ({, (, [); pyoxigraph recurses on them
    max_triples: int = 100_000  # CONSTRUCT/DESCRIBE/Graph Store GET triples returned before truncating
    request_timeout: float = 30.0  # seconds to receive a request's headers and body, else 408
    connection_limit: int = 1000  # open connections before waitress stops accepting
    allow_service: bool = False
    sandbox: bool = True  # False: evaluate without the network sandbox (see server.sandbox)
    cors_origins: tuple[str, ...] = ()
    threads: int = 8  # waitress threads answering HTTP
    workers: int = field(default_factory=lambda: max(2, min(4, os.cpu_count() or 2)))
    queries_dir: Path | None = None  # named queries; None = the project's queries/
    reload_interval: float = 2.0  # seconds between checks for a rebuilt store; 0 = off
    result_cache_mb: float = 64.0  # answers kept for repeated queries (server.result_cache); 0 = off

    @classmethod
    def from_kwargs(cls, **kw) -> Options:
        """Build from keyword options, ignoring ``None`` (= "not given on the command line")."""
        known = {f.name for f in fields(cls)}
        unknown = set(kw) - known
        if unknown:
            raise TypeError(f"unknown server option(s): {', '.join(sorted(unknown))}")
        kw = {k: v for k, v in kw.items() if v is not None}
        if isinstance(kw.get("cors_origins"), str):
            kw["cors_origins"] = tuple(o.strip() for o in kw["cors_origins"].split(",") if o.strip())
        elif "cors_origins" in kw:
            kw["cors_origins"] = tuple(kw["cors_origins"])
        if kw.get("update_token") == "":
            kw["update_token"] = None
        opts = cls(**kw)
        if opts.workers < 1 or opts.threads < 1:
            raise ValueError("workers and threads must be at least 1")
        if opts.reload_interval < 0:
            raise ValueError("reload_interval must be 0 (off) or a number of seconds")
        if opts.result_cache_mb < 0:
            raise ValueError("result_cache_mb must be 0 (off) or a number of megabytes")
        return opts
