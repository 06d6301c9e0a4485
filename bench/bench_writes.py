"""Write latency and server memory by store size, dxkg against Oxigraph server.

For the seeds store and the synthetic sizes asked for: one-triple ``INSERT DATA`` followed by
an ``ASK`` reading it back (median of ``--runs``), through dxkg's ``/sparql`` (update token
set) and through Oxigraph server's ``/update`` + ``/query`` on the same data; then peak
resident memory of each server's process tree (``VmHWM`` summed) after the writes and heavy
queries run two at a time. The goals (issue 12): write + read-back at L within 2× of the seeds
store; dxkg under 1 GB at L with two query workers. Results go into ``bench/results.md``
between the ``writes`` markers (``--out`` elsewhere).

    python -m bench.bench_writes --sizes S,M,L      # L: about 1.25M quads, minutes to generate
    python -m bench.bench_writes --sizes S,M,L --cache /var/tmp/dxkg-bench   # generated once, reused
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

from bench import corpus, servers, synth
from dxkg.kg.pipeline import build_store
from dxkg.kg.store import EmbeddedStore

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
TOKEN = "bench-token"
SCAN = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
# heavy queries run two at a time (one per query worker) while memory is measured: a whole-store
# scan and a grouping that holds every subject per predicate
HEAVY = (SCAN, "SELECT ?p (COUNT(DISTINCT ?s) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?p")
BEGIN, END = "<!-- writes:begin -->", "<!-- writes:end -->"


def build(size: str, folder: Path, cache: Path | None = None) -> int:
    """The store to serve: the seeds built, or a synthetic size generated (or copied from
    ``cache``, where ``bench.corpus`` keeps it)."""
    if size == "seeds":
        build_store([SEEDS], folder, validate=False, report=lambda m: None)
    elif cache:
        corpus.cached(size, cache)
        shutil.copytree(cache / size / "dxkg-store", folder)
    else:
        store = EmbeddedStore(folder)
        synth.load_into(store, *synth.SIZES[size])
        store.close()
    store = EmbeddedStore(folder, read_only=True)
    return len(store)


def write_and_read(update, ask, runs: int) -> float:
    """Median seconds of one INSERT DATA + ASK read-back."""
    times = []
    for i in range(runs):
        s = f"<http://bench.example/w/{time.time_ns()}-{i}>"
        t0 = time.perf_counter()
        update(f"INSERT DATA {{ GRAPH <http://bench.example/writes> {{ {s} <http://bench.example/p> {i} }} }}")
        assert ask(f"ASK {{ GRAPH <http://bench.example/writes> {{ {s} ?p ?o }} }}"), "write not visible"
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def heavy(get) -> None:
    """Run the heavy queries twice over on two threads at once, so both query workers hold one."""

    def run() -> None:
        for query in HEAVY:
            get(query).raise_for_status()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def dxkg_client(url: str):
    auth = {"Authorization": f"Bearer {TOKEN}"}

    def update(text: str) -> None:
        requests.post(f"{url}/sparql", data={"update": text}, headers=auth, timeout=300).raise_for_status()

    def ask(text: str) -> bool:
        r = requests.get(f"{url}/sparql", params={"query": text}, timeout=300)
        r.raise_for_status()
        return json.loads(r.content)["boolean"]

    return update, ask


def oxigraph_client(url: str):
    def update(text: str) -> None:
        requests.post(
            f"{url}/update", data=text.encode(), headers={"Content-Type": "application/sparql-update"}, timeout=300
        ).raise_for_status()

    def ask(text: str) -> bool:
        r = requests.get(
            f"{url}/query", params={"query": text}, headers={"Accept": "application/sparql-results+json"}, timeout=300
        )
        r.raise_for_status()
        return r.json()["boolean"]

    return update, ask


def measure(size: str, runs: int, log, cache: Path | None = None) -> dict:
    with tempfile.TemporaryDirectory(prefix=f"dxkg-writes-{size}-") as tmp:
        folder = Path(tmp) / "store"
        t0 = time.perf_counter()
        quads = build(size, folder, cache)
        log(f"{size}: {quads} quads built in {time.perf_counter() - t0:.1f}s")
        row = {"size": size, "quads": quads, "load": os.getloadavg()[0]}
        dx = servers.start_dxkg(folder, workers=2, env={"DXKG_UPDATE_TOKEN": TOKEN})
        try:
            update, ask = dxkg_client(dx.url)
            row["dxkg"] = write_and_read(update, ask, runs)
            heavy(lambda q: requests.get(f"{dx.url}/sparql", params={"query": q}, timeout=600))
            row["dxkg_rss"] = dx.peak_rss()
        finally:
            dx.stop()
        try:
            ox_srv = servers.start_oxigraph()
        except servers.ServerError as e:
            log(f"oxigraph not measured: {e}")
            return row
        try:
            nq = EmbeddedStore(folder, read_only=True).dump("nquads")
            requests.post(
                f"{ox_srv.url}/store", data=nq, headers={"Content-Type": "application/n-quads"}, timeout=3600
            ).raise_for_status()
            del nq
            update, ask = oxigraph_client(ox_srv.url)
            row["oxigraph"] = write_and_read(update, ask, runs)
            heavy(lambda q: requests.get(f"{ox_srv.url}/query", params={"query": q}, timeout=600))
            row["oxigraph_rss"] = ox_srv.peak_rss()
        finally:
            ox_srv.stop()
        log(f"{size}: {row}")
        return row


def report(rows: list[dict]) -> str:
    seeds = next((r["dxkg"] for r in rows if r["size"] == "seeds"), None)
    lines = [
        BEGIN,
        "### Writes and memory by size (`bench/bench_writes.py`)",
        "",
        "One-triple `INSERT DATA` + `ASK` read-back, median ms; peak resident memory of the server's",
        "process tree (`VmHWM` summed) after the writes and heavy queries run two at a time — a whole-store",
        "scan and a per-predicate `COUNT(DISTINCT ?s)` (dxkg: HTTP process, writer, 2 query workers);",
        "load = 1-minute load average when the size was measured.",
        "",
        "| size | quads | dxkg write+read ms | ÷ seeds | Oxigraph server ms | dxkg peak MB | Oxigraph peak MB | load |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        ratio = f"{r['dxkg'] / seeds:.2f}×" if seeds else "–"
        oxi = f"{r['oxigraph'] * 1000:.1f}" if "oxigraph" in r else "–"
        oxi_mb = f"{r['oxigraph_rss'] / 1e6:.0f}" if "oxigraph_rss" in r else "–"
        lines.append(
            f"| {r['size']} | {r['quads']} | {r['dxkg'] * 1000:.1f} | {ratio} | {oxi} | {r['dxkg_rss'] / 1e6:.0f} "
            f"| {oxi_mb} | {r['load']:.1f} |"
        )
    lines.append(END)
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="S,M", help="comma-separated synthetic sizes (S, M, L); seeds always run")
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--out", default=str(Path(__file__).with_name("results.md")))
    ap.add_argument("--cache", help="folder of generated corpora, reused (bench/corpus.py)")
    args = ap.parse_args(argv)

    def log(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    cache = Path(args.cache) if args.cache else None
    rows = [measure(size, args.runs, log, cache) for size in ["seeds", *[s for s in args.sizes.split(",") if s]]]
    section = report(rows)
    out = Path(args.out)
    text = out.read_text() if out.exists() else ""
    if BEGIN in text and END in text:
        text = text[: text.index(BEGIN)] + section + text[text.index(END) + len(END) :]
    else:
        text = text.rstrip() + "\n\n" + section + "\n"
    out.write_text(text)
    print(section)
    return 0


if __name__ == "__main__":
    sys.exit(main())
