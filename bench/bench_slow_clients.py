"""How a normal query fares while slow clients hold connections: dxkg's waitress settings
against waitress's defaults as the peer (``connection_limit`` 100, no request deadline — the
deadline is emulated by one longer than the run). Measured, not asserted.

    python bench/bench_slow_clients.py [--slow 100] [--requests 20]

Each slow client sends its headers (half of them never finish the headers, half announce a
body) and then one byte every 0.2 s from a separate process, so the measuring process only
sends the normal queries. Prints one Markdown table row per configuration: slow clients,
median and worst latency of a normal ``ASK`` (5 s client timeout; "timeout" when it waited
that long), and how many normal requests failed.
"""

from __future__ import annotations

import argparse
import multiprocessing
import socket
import statistics
import tempfile
import threading
import time
from pathlib import Path

import requests

from dxkg.kg.store import EmbeddedStore
from dxkg.server.wsgi import make_server, shutdown

SLOW_BODY = (
    b"POST /sparql HTTP/1.1\r\nHost: dxkg\r\nContent-Type: application/sparql-query\r\nContent-Length: 100000\r\n\r\n"
)
SLOW_HEADERS = b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: dxkg\r\nX-Slow: "
CONFIGS = {
    "dxkg (connection_limit 1000, request_timeout 30 s)": {},
    "waitress defaults (connection_limit 100, no deadline)": {"connection_limit": 100, "request_timeout": 3600},
}


def _slow_clients(port: int, n: int, seconds: float) -> None:
    socks = []
    for i in range(n):
        s = socket.create_connection(("127.0.0.1", port))
        s.sendall(SLOW_BODY if i % 2 else SLOW_HEADERS)
        socks.append(s)
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        for s in socks:
            try:
                s.send(b"a")
            except OSError:
                pass
        time.sleep(0.2)
    for s in socks:
        s.close()


def measure(options: dict, slow: int, count: int) -> list[float]:
    folder = Path(tempfile.mkdtemp()) / "store"
    store = EmbeddedStore(folder)
    store.load(b"<http://example.org/s> <http://example.org/p> <http://example.org/o> <http://example.org/g> .\n")
    store.close()
    app, server = make_server(str(folder), "127.0.0.1", 0, workers=2, **options)
    threading.Thread(target=server.run, daemon=True).start()
    url = f"http://127.0.0.1:{server.effective_port}"
    clients = multiprocessing.Process(target=_slow_clients, args=(server.effective_port, slow, 5 * count + 10))
    clients.start()
    try:
        time.sleep(1)
        times = []
        for _ in range(count):
            t0 = time.perf_counter()
            try:
                requests.get(url + "/sparql", params={"query": "ASK { ?s ?p ?o }"}, timeout=5).raise_for_status()
                times.append(1000 * (time.perf_counter() - t0))
            except requests.RequestException:
                times.append(float("inf"))
        return times
    finally:
        clients.kill()
        clients.join()
        shutdown(app, server)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--slow", type=int, default=100)
    ap.add_argument("--requests", type=int, default=20)
    args = ap.parse_args()
    print("| server | slow clients | median ms | worst ms | failed |")
    print("|---|---|---|---|---|")
    for name, options in CONFIGS.items():
        for slow in (0, args.slow):
            times = measure(options, slow, args.requests)
            shown = [f"{t:.1f}" if t != float("inf") else "timeout" for t in (statistics.median(times), max(times))]
            failed = sum(t == float("inf") for t in times)
            print(f"| {name} | {slow} | {shown[0]} | {shown[1]} | {failed}/{len(times)} |")


if __name__ == "__main__":
    main()
