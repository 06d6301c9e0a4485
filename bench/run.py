"""Benchmark dxkg against its peers on a synthetic national corpus, side by side in one run.

    python -m bench.run [--size S|M|L] [--out bench/results.md] [--install]
    python -m bench.run --size M --only light,load --skip rdflib,virtuoso,pyoxigraph  # quick A/B
    python -m bench.run --size L --cache /var/tmp/dxkg-bench   # the corpus generated once, reused

Peers, each over the same synthetic corpus (``bench/synth.py``):
  dxkg        ``dxkg serve`` (/sparql over HTTP), started as a subprocess, asked with
              ``Cache-Control: no-cache``: every query evaluated (its result cache bypassed)
  dxkg (repeat)  the same server asked as clients ask: a repeated query may be answered from
              its result cache (``dxkg/server/result_cache.py``); reported beside, never
              instead of, the evaluation path
  oxigraph    Oxigraph server (same engine as dxkg, Rust HTTP layer), loaded through kg.remote
  virtuoso    Virtuoso Open Source, when ``virtuoso-t`` is installed, loaded through kg.remote
  rdflib      rdflib-endpoint (FastAPI + rdflib) over an in-memory Dataset
  pyoxigraph  pyoxigraph on an in-memory store in a child process: the floor, no HTTP at all
              (a child, so that a query over the time limit can be stopped)

Measured: median and p95 latency of the user queries (``USER_QUERIES``), row counts (the
peers must agree), throughput and p95 under 8 concurrent clients for a bounded time, peak
memory of each server process tree, time to load, build throughput of the seeds through
``kg.pipeline``, SHACL validation time, and dxkg's own named queries (queries/*.rq) on the
embedded store under a time limit. Every loop is bounded; everything listens on 127.0.0.1.
Ratios to the peers are the headline; absolute times depend on the machine (noted).

``--install`` installs the peers' Python packages (pinned in ``PEER_PACKAGES``) into the
current environment; without it, a missing peer is reported and left out.
"""

from __future__ import annotations

import argparse
import http.client
import importlib.util
import json
import multiprocessing
import os
import platform
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
import requests

from bench import corpus as synth_corpus
from bench import servers, synth
from dxkg.kg import queries
from dxkg.kg.namespaces import PREFIXES
from dxkg.kg.remote import RemoteStore, endpoints_for
from dxkg.kg.store import EmbeddedStore

PEER_PACKAGES = ["rdflib-endpoint==0.6.3", "uvicorn==0.54.0"]
SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
REQUEST_TIMEOUT = 60.0  # seconds for one query (--query-limit); slower answers are reported as "> N s"
SLOW_RUN = 5.0  # a query whose first run takes longer is measured by that one run (shown "1 run")
QUERY_BUDGET = 60.0  # seconds of measuring per query and peer, at most
NAMED_QUERY_LIMIT = 30.0  # seconds for one of dxkg's named queries on the embedded store
CLIENTS = 8
REPEAT = "dxkg (repeat)"  # dxkg asked without Cache-Control: no-cache (its result cache allowed)
PARTS = ("light", "heavy", "load", "named", "seeds", "build")  # what --only can choose

PROLOGUE = "".join(f"PREFIX {p}: <{PREFIXES[p]}>\n" for p in ("dx", "eli", "skos", "rdfs", "schema"))
ACCENTS = {
    "a": "aàáảãạăằắẳẵặâầấẩẫậ",
    "e": "eèéẻẽẹêềếểễệ",
    "i": "iìíỉĩị",
    "o": "oòóỏõọôồốổỗộơờớởỡợ",
    "u": "uùúủũụưừứửữự",
    "y": "yỳýỷỹỵ",
    "d": "dđ",
}


def accent_insensitive(folded: str) -> str:
    """A regex matching ``folded`` (no accents) against Vietnamese text with any accents."""
    return "".join(f"[{ACCENTS[c]}{ACCENTS[c].upper()}]" if c in ACCENTS else c for c in folded)


@dataclass(frozen=True)
class UserQuery:
    name: str
    what: str
    heavy: bool
    sparql: str
    derived: bool = False  # answered from dxkg's derived graph (plain triple patterns, no path)


def user_queries(lm: synth.Landmarks) -> list[UserQuery]:
    """What people ask of a national graph. DISTINCT keeps them right on stores whose union
    default graph repeats a triple held by several graphs (a link stated by two plans)."""
    plan_path = "(dx:partOfPlan|dx:legalBasis|eli:based_on|dx:implements)+"
    return [
        UserQuery(
            "deps-up",
            "what a provincial app depends on, transitively",
            False,
            f"""
SELECT DISTINCT ?other ?label WHERE {{ <{lm.app}> dx:dependsOn+ ?other . ?other skos:prefLabel ?label }}""",
        ),
        UserQuery(
            "deps-down",
            "what depends on a province's LGSP, transitively",
            False,
            f"""
SELECT DISTINCT ?other ?label WHERE {{ ?other dx:dependsOn+ <{lm.lgsp}> . ?other skos:prefLabel ?label }}""",
        ),
        UserQuery(
            "impact-ndxp",
            "impact of the national platform NDXP going down",
            True,
            f"""
SELECT DISTINCT ?other ?label ?scope WHERE {{
  ?other dx:dependsOn+ <{lm.ndxp}> . ?other skos:prefLabel ?label ; dx:scope/skos:prefLabel ?scope }}""",
        ),
        UserQuery(
            "legal-chain",
            "task → every document it rests on",
            False,
            f"""
SELECT DISTINCT ?doc ?symbol WHERE {{ <{lm.task}> {plan_path} ?doc . OPTIONAL {{ ?doc dx:symbol ?symbol }} }}""",
        ),
        UserQuery(
            "deps-up/derived",
            "deps-up from the derived graph",
            False,
            f"""
SELECT DISTINCT ?other ?label WHERE {{ ?p dx:pathFrom <{lm.app}> ; dx:pathTo ?other . ?other skos:prefLabel ?label }}""",
            True,
        ),
        UserQuery(
            "deps-down/derived",
            "deps-down from the derived graph",
            False,
            f"""
SELECT DISTINCT ?other ?label WHERE {{ ?p dx:pathTo <{lm.lgsp}> ; dx:pathFrom ?other . ?other skos:prefLabel ?label }}""",
            True,
        ),
        UserQuery(
            "impact-ndxp/derived",
            "impact-ndxp from the derived graph",
            True,
            f"""
SELECT DISTINCT ?other ?label ?scope WHERE {{
  ?p dx:pathTo <{lm.ndxp}> ; dx:pathFrom ?other . ?other skos:prefLabel ?label ; dx:scope/skos:prefLabel ?scope }}""",
            True,
        ),
        UserQuery(
            "legal-chain/derived",
            "legal-chain from the derived graph",
            False,
            f"""
SELECT DISTINCT ?doc ?symbol WHERE {{
  {{ <{lm.task}> dx:partOfPlan|dx:legalBasis ?doc }} UNION {{ <{lm.task}> dx:partOfPlan|dx:legalBasis ?d . ?d dx:restsOn ?doc }}
  OPTIONAL {{ ?doc dx:symbol ?symbol }} }}""",
            True,
        ),
        UserQuery(
            "budget-agency",
            "budget per lead agency per province",
            True,
            """
SELECT ?province ?agency (SUM(?value) AS ?total) (COUNT(?b) AS ?amounts) WHERE {
  { SELECT DISTINCT ?b ?value ?a WHERE { ?t a dx:Task ; dx:leadAgency ?a ; dx:budget ?b . ?b schema:value ?value } }
  { SELECT DISTINCT ?a ?agency ?province WHERE { ?a a dx:Agency ; skos:prefLabel ?agency ; dx:scope/skos:prefLabel ?province } }
} GROUP BY ?province ?agency ORDER BY ?province DESC(?total)""",
        ),
        UserQuery(
            "text-search",
            "accent-insensitive search: 'du lieu'",
            True,
            f"""
SELECT DISTINCT ?s ?label WHERE {{ ?s rdfs:label ?label . FILTER(REGEX(?label, "{accent_insensitive("du lieu")}", "i")) }}""",
        ),
        UserQuery(
            "symbol",
            f"lookup by document symbol {lm.symbol}",
            False,
            f"""
SELECT DISTINCT ?doc ?label ?date WHERE {{ ?doc dx:symbol "{lm.symbol}" ; rdfs:label ?label . OPTIONAL {{ ?doc eli:date_document ?date }} }}""",
        ),
    ]


# ---------------------------------------------------------------- peers
class PeerError(RuntimeError):
    """A peer refused or failed a query (its answer's status and first words)."""


def _floor_worker(nq: str, conn) -> None:
    """Child process: load the corpus into pyoxigraph, then answer queries with row counts."""
    store = ox.Store()
    store.bulk_load(path=nq, format=ox.RdfFormat.N_QUADS)
    conn.send("ready")
    for sparql in iter(conn.recv, None):
        res = store.query(sparql, use_default_graph_as_union=True)
        conn.send(len(json.loads(res.serialize(format=ox.QueryResultsFormat.JSON))["results"]["bindings"]))


class Floor:
    """pyoxigraph without HTTP, in a child process that is killed (and restarted) when a
    query runs over ``REQUEST_TIMEOUT``: pyoxigraph cannot stop a query itself."""

    def __init__(self, nq: Path):
        self.nq = nq
        self._start()

    def _start(self) -> None:
        ctx = multiprocessing.get_context("spawn")
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_floor_worker, args=(str(self.nq), child), daemon=True)
        self.proc.start()
        if not self.conn.poll(servers.START_TIMEOUT * 5):
            self.stop()
            raise PeerError("pyoxigraph child did not load the corpus in time")
        self.conn.recv()

    def ask(self, sparql: str, timeout: float = REQUEST_TIMEOUT) -> int:
        self.conn.send(sparql)
        if not self.conn.poll(timeout):
            self.stop()
            self._start()
            raise requests.Timeout()
        return self.conn.recv()

    def stop(self) -> None:
        self.proc.kill()
        self.proc.join(15)


@dataclass
class Peer:
    """Something that answers SPARQL: an HTTP endpoint (with its server) or pyoxigraph."""

    name: str
    url: str | None = None
    server: servers.Server | None = None
    floor: Floor | None = None
    load_seconds: float | None = None
    limit: float = REQUEST_TIMEOUT  # seconds for one query
    start: Callable[[], Peer] | None = None  # starts it again (a server still busy with a query over the limit)
    headers: dict = field(default_factory=dict)  # sent with every query
    twin: Peer | None = None  # the peer whose server this one asks another way: it starts and stops it

    @property
    def served(self) -> servers.Server | None:
        """The server answering, this peer's or its twin's."""
        return self.twin.server if self.twin else self.server

    def stop(self) -> None:
        for part in (self.server, self.floor):
            if part:
                part.stop()

    def recover(self) -> None:
        """After a query over the limit: an HTTP server cannot be told to stop it and would
        make the next queries wait, so it is started again (the floor restarts itself)."""
        if self.twin:
            return self.twin.recover()
        if self.server is None or self.start is None:
            return None
        self.server.stop()
        fresh = self.start()
        self.url, self.server = fresh.url, fresh.server
        return None

    def ask(self, sparql: str, client: Client) -> int:
        """Run a query, read the whole answer; returns the number of rows."""
        if self.floor is not None:
            return self.floor.ask(sparql, self.limit)
        url = self.twin.url if self.twin else self.url
        status, body = client.post_form(
            url or "", {"query": sparql}, {"Accept": "application/sparql-results+json", **self.headers}, self.limit
        )
        if status >= 400:
            raise PeerError(f"HTTP {status}: {' '.join(body.decode(errors='replace').split())[:90]}")
        return len(json.loads(body)["results"]["bindings"])


class Client:
    """One keep-alive HTTP connection (``http.client``), the same kind for every peer.

    ``requests`` spends about half a millisecond of CPU per request: with eight client threads
    in one process that made the client the bottleneck of the load test (Oxigraph server
    answered about 850 requests/s through it and about 2,900/s through this client, same
    machine and minutes), and it added the same half millisecond to every latency, which hid
    the servers' own cost in the ratios.
    """

    def __init__(self):
        self.conn: http.client.HTTPConnection | None = None
        self.at: tuple[str, int | None] | None = None

    def post_form(self, url: str, fields: dict, headers: dict, timeout: float) -> tuple[int, bytes]:
        """POST ``fields`` to ``url`` as a form; (status, body). A kept-alive connection the
        server closed meanwhile is opened again once; over ``timeout`` is ``requests.Timeout``."""
        parts = urllib.parse.urlsplit(url)
        if self.at != (parts.hostname, parts.port):  # a peer started again listens elsewhere
            self.close()
        body = urllib.parse.urlencode(fields)
        headers = {"Content-Type": "application/x-www-form-urlencoded", **headers}
        for attempt in (1, 2):
            fresh = self.conn is None
            if self.conn is None:
                self.conn = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=timeout)
                self.at = (parts.hostname or "", parts.port)
            try:
                self.conn.request("POST", parts.path or "/", body, headers)
                r = self.conn.getresponse()
                data = r.read()
            except TimeoutError:
                self.close()
                raise requests.Timeout() from None
            except (http.client.HTTPException, ConnectionError) as e:
                self.close()
                if fresh or attempt == 2:
                    raise requests.ConnectionError(str(e)) from None
                continue
            if r.will_close:
                self.close()
            return r.status, data
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
        self.conn, self.at = None, None


@dataclass
class Timing:
    rows: int | None = None
    times: list = field(default_factory=list)
    error: str = ""
    asked: int = 0  # timed runs wanted; fewer were made when the query is slow

    def cell(self) -> str:
        if self.error:
            return self.error
        runs = f", {len(self.times)} run{'s' if len(self.times) > 1 else ''}" if len(self.times) < self.asked else ""
        return f"{ms(self.median)} / {ms(self.p95)} ({self.rows}{runs})"

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    @property
    def p95(self) -> float:
        return percentile(self.times, 95)


def percentile(xs: list, p: float) -> float:
    s = sorted(xs)
    return s[min(len(s) - 1, max(0, round(p / 100 * len(s) + 0.5) - 1))]


def measure(peer: Peer, q: UserQuery, runs: int) -> Timing:
    """One warm-up, then up to ``runs`` timed runs within ``QUERY_BUDGET`` seconds. A query
    whose warm-up takes over ``SLOW_RUN`` is measured by that one run (a warm cache saves
    little at that length), one over the peer's limit is reported as "> N s": the budget
    that keeps a very slow peer from taking the run's time at size L."""
    t = Timing(asked=runs)
    client = Client()
    try:
        t0 = time.perf_counter()
        t.rows = peer.ask(PROLOGUE + q.sparql, client)
        first = time.perf_counter() - t0
        if first > SLOW_RUN:
            t.times.append(first)
        spent = 0.0
        while len(t.times) < runs and spent < QUERY_BUDGET and first <= SLOW_RUN:
            t0 = time.perf_counter()
            peer.ask(PROLOGUE + q.sparql, client)
            t.times.append(time.perf_counter() - t0)
            spent += t.times[-1]
    except requests.Timeout:
        t.error, t.times = f"> {peer.limit:.0f} s", []
        peer.recover()
    except (requests.RequestException, PeerError, OSError, ValueError) as e:
        t.error = f"error: {str(e)[:110]}"
    finally:
        client.close()
    return t


def concurrent_load(peer: Peer, light: list[UserQuery], seconds: float) -> dict:
    """``CLIENTS`` threads asking light queries in turn for ``seconds``: requests/s and p95."""
    deadline = time.monotonic() + seconds
    times: list[float] = []
    errors = [0]
    lock = threading.Lock()

    def client(k: int) -> None:
        client = Client()
        i = k
        while time.monotonic() < deadline:
            q = light[i % len(light)]
            i += 1
            t0 = time.perf_counter()
            try:
                peer.ask(PROLOGUE + q.sparql, client)
            except (requests.RequestException, PeerError, ValueError):
                with lock:
                    errors[0] += 1
                continue
            with lock:
                times.append(time.perf_counter() - t0)
        client.close()

    start = time.monotonic()
    threads = [threading.Thread(target=client, args=(k,)) for k in range(CLIENTS)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    elapsed = time.monotonic() - start
    return {
        "rps": len(times) / elapsed,
        "p95": percentile(times, 95) if times else None,
        "median": statistics.median(times) if times else None,
        "errors": errors[0],
        "loadavg": os.getloadavg()[0],  # 1-minute, at the end: the machine is shared
    }


# ---------------------------------------------------------------- setting up
def ensure_peer_packages(install: bool) -> str | None:
    """None if rdflib-endpoint can run; else why not (after installing it if asked)."""
    if importlib.util.find_spec("rdflib_endpoint") and importlib.util.find_spec("uvicorn"):
        return None
    if not install:
        return (
            f"rdflib-endpoint not installed (python -m bench.run --install, or pip install {' '.join(PEER_PACKAGES)})"
        )
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", *PEER_PACKAGES], check=True)
    return None


def load_remote(server: servers.Server, nq: Path) -> float:
    """Load the corpus graph by graph through kg.remote (Graph Store Protocol), read from
    the N-Quads file (generating it again would cost more than loading at size L)."""
    auth = requests.auth.HTTPDigestAuth(*server.credentials) if server.credentials else None
    store = RemoteStore(
        endpoints_for(server.url, server.flavour, authenticated=auth is not None), flavour=server.flavour, auth=auth
    )
    t0 = time.perf_counter()
    for g, qs in synth_corpus.graphs_of(nq):
        store.replace_graph(g, qs)
    store.close()
    return time.perf_counter() - t0


def start_peers(
    peers: list[Peer], dxkg_store: tuple[Path, float], nq: Path, install: bool, skip: set, limit: float, log
) -> list[str]:
    """Start every peer not skipped, appending to ``peers`` as they come up (so that the
    caller stops those already running if a later one fails); returns notes on the others.
    Each peer answers a query within ``limit`` seconds or is started again (``Peer.recover``)."""
    notes = [f"{name} skipped (--skip)" for name in sorted(skip)]
    starters: list[tuple[str, Callable[[], Peer]]] = [
        ("dxkg", lambda: dxkg_peer(*dxkg_store)),
        ("oxigraph", lambda: oxigraph_peer(nq)),
        ("virtuoso", lambda: virtuoso_peer(nq)),
        ("rdflib", lambda: rdflib_peer(nq, install)),
        ("pyoxigraph", lambda: pyoxigraph_peer(nq)),
    ]
    for name, start in starters:
        if name in skip:
            continue
        try:
            peer = start()
            peer.limit, peer.start = limit, start
            peers.append(peer)
            if name == "dxkg":
                peers.append(Peer(REPEAT, load_seconds=peer.load_seconds, limit=limit, twin=peer))
            log(f"{name} ready")
        except (servers.ServerError, PeerError) as e:
            notes.append(f"{name} not measured: {str(e).splitlines()[0]}")
    return notes


def dxkg_peer(store_dir: Path, t_build: float) -> Peer:
    if not importlib.util.find_spec("dxkg.server.wsgi"):
        raise PeerError("dxkg serve is not available yet (server/wsgi.py missing)")
    srv = servers.start_dxkg(store_dir)
    return Peer("dxkg", f"{srv.url}/sparql", srv, load_seconds=t_build, headers={"Cache-Control": "no-cache"})


def oxigraph_peer(nq: Path) -> Peer:
    srv = servers.start_oxigraph()
    return Peer("oxigraph", f"{srv.url}/query", srv, load_seconds=load_remote(srv, nq))


def virtuoso_peer(nq: Path) -> Peer:
    reason = servers.virtuoso_missing()
    if reason:
        raise PeerError(reason)
    srv = servers.start_virtuoso()
    return Peer("virtuoso", f"{srv.url}/sparql", srv, load_seconds=load_remote(srv, nq))


def rdflib_peer(nq: Path, install: bool) -> Peer:
    reason = ensure_peer_packages(install)
    if reason:
        raise PeerError(reason)
    t0 = time.perf_counter()
    srv = servers.start_rdflib_endpoint(nq)
    return Peer("rdflib", f"{srv.url}/", srv, load_seconds=time.perf_counter() - t0)


def pyoxigraph_peer(nq: Path) -> Peer:
    t0 = time.perf_counter()
    floor = Floor(nq)
    return Peer("pyoxigraph", floor=floor, load_seconds=time.perf_counter() - t0)


# ---------------------------------------------------------------- dxkg's own numbers
def seeds_build_and_validate(runs: int = 3) -> dict:
    """Build throughput of the seeds through kg.pipeline, and SHACL validation time."""
    from dxkg.kg.pipeline import build_store

    files = sorted(SEEDS.glob("*.txt"))
    out: dict = {"documents": len(files)}
    times = []
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(runs):
            t0 = time.perf_counter()
            build_store([str(f) for f in files], Path(tmp) / "store", validate=False, report=lambda _m: None)
            times.append(time.perf_counter() - t0)
        store = EmbeddedStore(Path(tmp) / "store", read_only=True)
        out.update(build=statistics.median(times), quads=len(store))
        try:
            from dxkg.kg.validate import validate_store
        except ImportError:
            out["validate"] = None
            return out
        vtimes = []
        for _ in range(runs):
            t0 = time.perf_counter()
            validate_store(store)
            vtimes.append(time.perf_counter() - t0)
        out["validate"] = statistics.median(vtimes)
    return out


def named_queries(nq: Path, lm: synth.Landmarks) -> list[tuple[str, str]]:
    """dxkg's named queries with their default page, on an in-memory copy of the corpus (as
    ``dxkg serve`` answers them), in a child process restarted after a query over the limit
    (pyoxigraph cannot stop a query itself). Median of three runs after a warm-up."""
    cases = [
        ("system-dependencies", {"system": lm.app}),
        ("system-dependencies", {"system": lm.ndxp, "direction": "down"}),
        ("system-dependencies", {"system": "LGSP", "direction": "down"}),
        ("legal-basis-trace", {"task": lm.task}),
        ("tasks", {"agency": "Sở Y tế"}),
    ]
    cases += [(name, {}) for name, q in queries.load_all().items() if not q.required and name != "legal-basis-trace"]
    out = []
    floor = Floor(nq)
    try:
        for name, params in cases:
            label = name + (" (" + ", ".join(f"{k}=…{str(v)[-18:]}" for k, v in params.items()) + ")" if params else "")
            sparql = queries.get(name).bind(params)
            try:
                rows = floor.ask(sparql, NAMED_QUERY_LIMIT)
                times = []
                for _ in range(3):
                    t0 = time.perf_counter()
                    floor.ask(sparql, NAMED_QUERY_LIMIT)
                    times.append(time.perf_counter() - t0)
                out.append((label, f"{rows} rows, {statistics.median(times) * 1000:.0f} ms"))
            except requests.Timeout:
                out.append((label, f"timeout (>{NAMED_QUERY_LIMIT:.0f} s)"))
    finally:
        floor.stop()
    return out


def build_throughput(mb: int) -> dict | None:
    """``dxkg build`` of ``mb`` synthetic 1 MB plans (bench/bench_build.py): MB/s, peak memory."""
    if mb <= 0:
        return None
    from bench import bench_build, synth_text

    with tempfile.TemporaryDirectory(prefix="dxkg-texts-") as tmp:
        paths = synth_text.write_corpus(tmp, mb, 1_000_000)
        size = sum(p.stat().st_size for p in paths) / 1e6
        r = bench_build.measure(Path(tmp), None, validate=False)
    return {"documents": mb, "mb": size, **{k: r[k] for k in ("seconds", "peak", "cpu", "code")}}


# ---------------------------------------------------------------- report
def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    mem = next(
        (line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")), "0"
    )
    return (
        f"{os.cpu_count()} CPUs ({cpu}), {int(mem) // 1024 // 1024} GB RAM, Python {platform.python_version()}, "
        f"pyoxigraph {ox.__version__}"
    )


def ms(x: float | None) -> str:
    return "–" if x is None else f"{x * 1000:.1f}"


def ratio(a: Timing | None, b: Timing | None) -> str:
    if not a or not b or not a.times or not b.times:
        return "–"
    return f"{a.median / b.median:.2f}×"


def report(
    size: str,
    corpus: dict,
    peers: list[Peer],
    qs: list[UserQuery],
    timings: dict,
    load: dict,
    seeds: dict | None,
    named: list,
    notes: list[str],
    build: dict | None = None,
) -> str:
    names = [p.name for p in peers]
    lines = [
        f"# dxkg benchmark — size {size}",
        "",
        f"Machine: {machine()}. Run {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}.",
        "",
        f"Corpus (bench/synth.py): {corpus['provinces']} provinces × {corpus['years']} years, "
        f"{corpus['graphs']} named graphs, {corpus['quads']:,} quads.",
        "",
    ]
    lines += [
        "## User queries: median / p95 latency (ms), rows",
        "",
        "| query | " + " | ".join(names) + " | dxkg ÷ oxigraph | dxkg (repeat) ÷ oxigraph | rdflib ÷ dxkg |",
        "|---|" + "---|" * (len(names) + 3),
    ]
    for q in qs:
        cells = []
        for p in peers:
            cells.append(timings[p.name][q.name].cell())
        row, repeat = timings.get("dxkg", {}).get(q.name), timings.get(REPEAT, {}).get(q.name)
        oxi = timings.get("oxigraph", {}).get(q.name)
        lines.append(
            f"| {q.name}{' (heavy)' if q.heavy else ''} | "
            + " | ".join(cells)
            + f" | {ratio(row, oxi)} | {ratio(repeat, oxi)} | "
            f"{ratio(timings.get('rdflib', {}).get(q.name), row)} |"
        )
    lines += ["", "Queries: " + "; ".join(f"**{q.name}**: {q.what}" for q in qs) + ".", ""]
    lines += [
        "dxkg is asked with `Cache-Control: no-cache`: every query evaluated, as a first asking is. "
        f"{REPEAT} is the same server asked plainly, so a query asked again is answered from its result "
        "cache while the data is unchanged. Ratios to the peers and the goals use the evaluation path "
        "unless they say otherwise.",
        "",
    ]
    limit = min((p.limit for p in peers), default=REQUEST_TIMEOUT)
    lines += [
        f"Runs: one warm-up, then up to the runs asked; a query whose warm-up took over {SLOW_RUN:.0f} s is "
        f'measured by that one run ("1 run"), one over {limit:.0f} s is reported as "> {limit:.0f} s" '
        "(and that server started again).",
        "",
    ]
    lines += [
        f"## {CLIENTS} concurrent clients, light queries",
        "",
        "| server | requests/s | median ms | p95 ms | errors | peak RSS (MB) | load (s) | load average |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for p in peers:
        lo = load.get(p.name)
        rss = f"{p.served.peak_rss() / 1e6:.0f}" if p.served else "–"
        if lo:
            lines.append(
                f"| {p.name} | {lo['rps']:.1f} | {ms(lo['median'])} | {ms(lo['p95'])} | {lo['errors']} | {rss} | {p.load_seconds:.1f} | {lo['loadavg']:.1f} |"
            )
        else:
            lines.append(f"| {p.name} | – | – | – | – | {rss} | {p.load_seconds:.1f} | – |")
    lines += [
        "",
        "Load: dxkg = synth quads into the embedded store; oxigraph/virtuoso = through kg.remote "
        "(Graph Store Protocol, one graph per request); rdflib = parse the N-Quads at start-up; "
        "pyoxigraph = bulk load in a child process. Peak RSS: sum over the server's process tree (/proc VmHWM).",
        "",
    ]
    if seeds:
        lines += seeds_table(seeds)
    if build:
        lines += [
            "## dxkg build of synthetic plan texts (bench/bench_build.py, without validation)",
            "",
            "| documents | MB | seconds | MB/s | CPU-seconds | MB per CPU-second | peak memory (MB) |",
            "|---|---|---|---|---|---|---|",
            f"| {build['documents']} | {build['mb']:.1f} | {build['seconds']:.1f} | {build['mb'] / build['seconds']:.2f} | "
            f"{build['cpu']:.1f} | {build['mb'] / build['cpu']:.2f} | {build['peak'] / 1e6:.0f} |",
            "",
            f"Load average during the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs (shared machine).",
            "",
        ]
    lines += (
        [
            f"## dxkg named queries (queries/*.rq), default page, in memory as `dxkg serve` answers, "
            f"limit {NAMED_QUERY_LIMIT:.0f} s (median of 3)",
            "",
            "| query | result |",
            "|---|---|",
        ]
        + [f"| {n} | {r} |" for n, r in named]
        + [""]
        if named
        else []
    )
    lines += ["## Goals (reported, not asserted)", ""] + goals(size, timings, load, peers, seeds, qs, named, build)
    lines += [""]
    if notes:
        lines += ["## Notes", ""] + [f"- {n}" for n in notes] + [""]
    return "\n".join(lines)


def seeds_table(seeds: dict) -> list[str]:
    validation = "–" if seeds["validate"] is None else f"{seeds['validate']:.2f}"
    return [
        "## dxkg build and validation (the five seeds)",
        "",
        "| documents | quads | build (s) | documents/s | triples/s | SHACL validation (s) |",
        "|---|---|---|---|---|---|",
        f"| {seeds['documents']} | {seeds['quads']:,} | {seeds['build']:.2f} | {seeds['documents'] / seeds['build']:.1f} | "
        f"{seeds['quads'] / seeds['build']:,.0f} | {validation} |",
        "",
    ]


def goals(size, timings, load, peers, seeds, qs, named, build) -> list[str]:
    """Issue 13's goals: dxkg answers impact, upstream and downstream from its derived graph;
    the peers follow the transitive path over the same data (as a client of a plain store must)."""
    out = []
    slow = [n for n, r in named if "timeout" in r or float(r.split(", ")[-1].split()[0]) >= 1000]
    if named:
        out.append(
            f"- every named query < 1 s with its default page (size {size}): {'yes' if not slow else 'no: ' + ', '.join(slow)}"
        )
    dx, ox_, rd = timings.get("dxkg"), timings.get("oxigraph"), timings.get("rdflib")
    if dx and ox_:
        for q in ("deps-up", "deps-down", "impact-ndxp", "legal-chain"):
            best = dx.get(q + "/derived")
            if best is None or q not in ox_:
                continue
            parts = [f"{ratio(best, ox_[q])} of Oxigraph server (goal ≤ 0.5×)"]
            if rd:
                parts.append(f"{ratio(rd[q], best)} faster than rdflib-endpoint (goal ≥ 10×)")
            out.append(f"- {q}: dxkg from the derived graph, evaluated (no-cache) " + ", ".join(parts))
        for name, how in (("dxkg", "evaluated (Cache-Control: no-cache)"), (REPEAT, "asked again (result cache)")):
            got = timings.get(name, {})
            slower = [
                q.name
                for q in qs
                if not q.derived
                and q.name in got
                and got[q.name].times
                and ox_[q.name].times
                and got[q.name].median > ox_[q.name].median
            ]
            out.append(
                f"- dxkg /sparql ≤ Oxigraph server on each user query (same text), {how}: "
                f"{'yes' if not slower else 'no: ' + ', '.join(slower)}"
            )
        lo_ox = load.get("oxigraph")
        for name, how in (("dxkg", "evaluated (no-cache)"), (REPEAT, "asked again (result cache)")):
            lo = load.get(name)
            if lo and lo_ox:
                out.append(f"- {CLIENTS}-client throughput ≥ Oxigraph server's, {how}: {lo['rps'] / lo_ox['rps']:.2f}×")
        rss = next(p.server.peak_rss() for p in peers if p.name == "dxkg" and p.server)
        out.append(f"- peak dxkg server memory: {rss / 1e6:.0f} MB at size {size}")
    else:
        out.append("- dxkg /sparql: not measured (server not available)")
    if build:
        out.append(
            f"- build ≥ 1 MB/s with peak < 300 MB for {build['mb']:.0f} MB: {build['mb'] / build['seconds']:.2f} MB/s "
            f"({build['mb'] / build['cpu']:.2f} MB per CPU-second), peak {build['peak'] / 1e6:.0f} MB"
        )
    if seeds:
        out.append(f"- build of the seeds < 3 s: {seeds['build']:.2f} s")
    if seeds and seeds["validate"] is not None:
        out.append(f"- validation of the seeds < 5 s: {seeds['validate']:.2f} s")
    return out


# ---------------------------------------------------------------- main
def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", default="S", choices=sorted(synth.SIZES))
    ap.add_argument("--out", help="where to write the report (default: bench/results.md for a whole run)")
    ap.add_argument("--runs", type=int, default=20, help="timed runs per light query (heavy: a quarter)")
    ap.add_argument("--load-seconds", type=float, default=10.0, help="duration of the concurrent-load test per server")
    ap.add_argument("--skip", default="", help="peers to leave out, comma-separated (virtuoso, rdflib)")
    ap.add_argument("--install", action="store_true", help=f"pip install {' '.join(PEER_PACKAGES)} if missing")
    ap.add_argument("--build-mb", type=int, default=10, help="MB of synthetic plan text to build (0: skip)")
    ap.add_argument(
        "--query-limit",
        type=float,
        default=REQUEST_TIMEOUT,
        help="seconds for one query of a peer; slower ones are reported as '> N s' (and the peer restarted)",
    )
    ap.add_argument(
        "--cache",
        help="folder for the generated corpus (SIZE/corpus.nq, SIZE/dxkg-store), reused while the code "
        "that shapes it is unchanged (bench/corpus.py)",
    )
    ap.add_argument(
        "--only",
        default="",
        help=f"measure only these parts, comma-separated ({', '.join(PARTS)}); the report is printed, "
        "and written only with --out",
    )
    args = ap.parse_args(argv)
    parts = {x for x in args.only.split(",") if x} or set(PARTS)
    if parts - set(PARTS):
        ap.error(f"--only: unknown part(s) {', '.join(sorted(parts - set(PARTS)))}; known: {', '.join(PARTS)}")
    out = args.out or (None if args.only else str(Path(__file__).with_name("results.md")))

    def log(msg: str) -> None:
        print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stop the servers on the way out
    n_p, n_y = synth.SIZES[args.size]
    lm = synth.landmarks(n_y)
    qs = [q for q in user_queries(lm) if ("heavy" if q.heavy else "light") in parts]
    with tempfile.TemporaryDirectory(prefix="dxkg-bench-") as tmp:
        data = synth_corpus.prepare(args.size, Path(tmp), Path(args.cache) if args.cache else None, log)
        nq = data.nq
        corpus = {"provinces": n_p, "years": n_y, "graphs": data.graphs, "quads": data.quads}
        log(f"corpus: {data.graphs} graphs, {data.quads} quads")
        peers: list[Peer] = []
        try:
            skip = {x for x in args.skip.split(",") if x}
            notes = []
            if parts & {"light", "heavy", "load"}:
                notes = start_peers(
                    peers, (data.store, data.load_seconds), nq, args.install, skip, args.query_limit, log
                )
            timings = {}
            for p in peers:
                timings[p.name] = {
                    q.name: measure(p, q, args.runs if not q.heavy else max(3, args.runs // 4)) for q in qs
                }
                log(f"{p.name}: queries measured")
            counts = {q.name: {p.name: timings[p.name][q.name].rows for p in peers} for q in qs}
            for qn, c in counts.items():
                if len({v for v in c.values() if v is not None}) > 1:
                    notes.append(f"row counts differ on {qn}: {c}")
            light = [q for q in user_queries(lm) if not q.heavy]
            load = {}
            if "load" in parts:
                load = {p.name: concurrent_load(p, light, args.load_seconds) for p in peers if p.served}
                log("concurrent load measured")
            named, seeds, build = [], None, None
            if "named" in parts:
                named = named_queries(nq, lm)
                log("named queries measured")
            if "seeds" in parts:
                seeds = seeds_build_and_validate()
                log("seeds build and validation measured")
            if "build" in parts:
                build = build_throughput(args.build_mb)
                log("build throughput measured")
            text = report(args.size, corpus, peers, qs, timings, load, seeds, named, notes, build)
        finally:
            for p in peers:
                p.stop()
    if out:
        Path(out).write_text(text + "\n", encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
