"""What operators see: ``/healthz``, ``/metrics`` (Prometheus text) and a JSON-lines access log.

Metrics are kept in-process (a lock and a few dicts), enough for one service instance
without adding a client library.
"""

from __future__ import annotations

import json
import logging
import sys
import threading
import time
from collections import defaultdict
from collections.abc import Callable

from flask import Blueprint, Flask, Response, current_app, g, jsonify, request

from dxkg.server import sandbox

BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60)

bp = Blueprint("observability", __name__)
access_log = logging.getLogger("dxkg.access")


class Metrics:
    def __init__(self):
        self._lock = threading.Lock()
        self.requests: dict[tuple, int] = defaultdict(int)  # (route, method, status)
        self.latency: dict[str, list[int]] = {}  # route -> bucket counts
        self.latency_sum: dict[str, float] = defaultdict(float)
        self.counters = {
            "query_timeouts": 0,
            "truncations": 0,
            "worker_restarts": 0,
            "store_reloads": 0,
            "store_reload_failures": 0,
        }
        self.watched: list[tuple[str, str, str, Callable[[], float]]] = []

    def watch(self, name: str, kind: str, help_text: str, read: Callable[[], float]) -> None:
        """Render ``dxkg_NAME`` (a ``counter`` or ``gauge``) from a value kept elsewhere — the
        result cache's counts and size, the tasks given to workers — read at each scrape."""
        self.watched.append((name, kind, help_text, read))

    def count(self, name: str) -> None:
        with self._lock:
            self.counters[name] += 1

    def observe(self, route: str, method: str, status: int, seconds: float) -> None:
        with self._lock:
            self.requests[(route, method, status)] += 1
            counts = self.latency.setdefault(route, [0] * (len(BUCKETS) + 1))
            i = next((i for i, b in enumerate(BUCKETS) if seconds <= b), len(BUCKETS))
            counts[i] += 1
            self.latency_sum[route] += seconds

    def render(self) -> str:
        out = [
            "# HELP dxkg_http_requests_total HTTP requests by route, method and status.",
            "# TYPE dxkg_http_requests_total counter",
        ]
        with self._lock:
            for (route, method, status), n in sorted(self.requests.items()):
                out.append(f'dxkg_http_requests_total{{route="{route}",method="{method}",status="{status}"}} {n}')
            out += [
                "# HELP dxkg_http_request_seconds Time to answer, by route.",
                "# TYPE dxkg_http_request_seconds histogram",
            ]
            for route, counts in sorted(self.latency.items()):
                acc = 0
                for b, n in zip(BUCKETS + ("+Inf",), counts, strict=False):
                    acc += n
                    out.append(f'dxkg_http_request_seconds_bucket{{route="{route}",le="{b}"}} {acc}')
                out.append(f'dxkg_http_request_seconds_sum{{route="{route}"}} {self.latency_sum[route]:.6f}')
                out.append(f'dxkg_http_request_seconds_count{{route="{route}"}} {acc}')
            for name, n in self.counters.items():
                out += [f"# TYPE dxkg_{name}_total counter", f"dxkg_{name}_total {n}"]
        for name, kind, help_text, read in self.watched:  # their owners' locks, not this one
            out += [f"# HELP dxkg_{name} {help_text}", f"# TYPE dxkg_{name} {kind}", f"dxkg_{name} {read()}"]
        return "\n".join(out) + "\n"


class _StderrHandler(logging.Handler):
    """Writes each record as one line to the *current* ``sys.stderr`` (it may be redirected)."""

    def emit(self, record: logging.LogRecord) -> None:
        sys.stderr.write(record.getMessage() + "\n")
        sys.stderr.flush()


def install(app: Flask, metrics: Metrics) -> None:
    if not access_log.handlers:
        access_log.addHandler(_StderrHandler())
        access_log.setLevel(logging.INFO)
        access_log.propagate = False

    @app.before_request
    def _start():
        g.t0 = time.perf_counter()

    @app.after_request
    def _log(resp):
        seconds = time.perf_counter() - g.get("t0", time.perf_counter())
        route = request.url_rule.rule if request.url_rule else "(unmatched)"
        record(
            metrics,
            route,
            request.method,
            request.path,
            request.remote_addr,
            resp.status_code,
            seconds,
            resp.calculate_content_length(),
            resp.headers.get("X-DXKG-Truncated") == "true",
        )
        return resp


def record(metrics: Metrics, route, method, path, remote, status: int, seconds: float, size, truncated: bool) -> None:
    """Count a request in the metrics and write its access-log line (one JSON object)."""
    metrics.observe(route, method, status, seconds)
    if access_log.isEnabledFor(logging.INFO):  # a record made here: Logger.info would walk the stack for its caller
        line = json.dumps(
            {
                "ts": round(time.time(), 3),
                "remote": remote,
                "method": method,
                "path": path,
                "route": route,
                "status": status,
                "ms": round(seconds * 1000, 1),
                "bytes": size,
                "truncated": truncated,
            },
            ensure_ascii=False,
        )
        access_log.handle(logging.LogRecord(access_log.name, logging.INFO, __file__, 0, line, None, None))


@bp.get("/healthz")
def healthz():
    """200 with counts when a worker can read the store, 503 otherwise; also which store
    folder is served since when, why the last reload failed (null once one succeeds), and
    whether query evaluation is cut off from the network."""
    svc = current_app.extensions["dxkg"]
    stats = svc.backend.read("stats")
    return jsonify(
        status="ok",
        triples=stats["triples"],
        graphs=stats["graphs"],
        generation=svc.backend.generation,
        evaluation=sandbox.describe(svc.backend.sandbox),
        **svc.reloader.status(),
    )


@bp.get("/metrics")
def metrics():
    text = current_app.extensions["dxkg"].metrics.render()
    return Response(text, content_type="text/plain; version=0.0.4; charset=utf-8")
