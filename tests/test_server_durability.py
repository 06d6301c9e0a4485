"""Writes are never lost: every write answered 200 is in the store, nothing else is.

Writes race rebuilds of the served store while the server, a query worker or the writer is
killed (SIGKILL) at random points; afterwards the store opens and holds exactly the writes
that were acknowledged (plus, possibly, those in flight when the server itself was killed:
their clients got no answer). A write answered 504 left no trace.
"""

from __future__ import annotations

import json
import os
import random
import signal
import threading
from pathlib import Path

import pyoxigraph as ox
import requests
from conftest import TOKEN, make_store
from test_server_lifecycle import RUNAWAY, Served, _stat, children, wait_until

from dxkg.kg.generations import meta_dir
from dxkg.kg.store import build_aside

AUTH = {"Authorization": f"Bearer {TOKEN}"}
WRITTEN = "http://x/written"  # a graph no build produces: carried through every rebuild


def write(url: str, i: int) -> int | None:
    """Send write ``i``; its status, or None if the connection broke (no whole answer: a server
    killed after sending the status line but before the body has not answered either)."""
    text = f"INSERT DATA {{ GRAPH <{WRITTEN}> {{ <http://x/w/{i}> <http://x/n> {i} }} }}"
    try:
        r = requests.post(url + "/sparql", data={"update": text}, headers=AUTH, timeout=120)
    except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError):
        return None
    return -1 if "may or may not" in r.text else r.status_code  # -1: the service could not tell


def present(store: Path) -> set[int]:
    s = ox.Store.read_only(str(store))
    rows = s.query(f"SELECT ?n WHERE {{ GRAPH <{WRITTEN}> {{ ?w <http://x/n> ?n }} }}")
    return {int(r["n"].value) for r in rows}


def holds_owner_lock(pid: int) -> bool:
    """Whether ``pid`` is the writer: the process holding the store's owner lock open."""
    try:
        fds = os.listdir(f"/proc/{pid}/fd")
    except OSError:
        return False
    for fd in fds:
        try:
            if os.readlink(f"/proc/{pid}/fd/{fd}").endswith("owner.lock"):
                return True
        except OSError:
            pass
    return False


def rebuild(store: Path, k: int) -> None:
    with build_aside(store, wait=0) as s:  # taken by the service when it polls (or at its start)
        s.load(f'<http://x/built> <http://x/round> "{k}" <http://x/built-graph> .\n'.encode())


def test_acknowledged_writes_survive_rebuilds_and_kills(tmp_path):
    rng = random.Random(12)
    store = make_store(tmp_path / "store")
    args = ("--workers", "2", "--reload-interval", "0.1", "--timeout", "60")
    served = Served(store, *args)
    acked, refused, unknown = set(), set(), set()
    lock = threading.Lock()
    url = [served.url]
    done = threading.Event()

    undetermined = set()

    def _answered() -> int:
        with lock:
            return len(acked) + len(refused) + len(unknown) + len(undetermined)

    def writer_loop() -> None:
        try:
            for i in range(60):
                status = write(url[0], i)
                with lock:
                    kind = {200: acked, None: unknown, -1: undetermined}.get(status, refused)
                    kind.add(i)
                if status is None:  # the server was killed: wait for the next one
                    wait_until(lambda: _up(url[0]), 120, "the service restarting")
        finally:
            done.set()

    t = threading.Thread(target=writer_loop)
    t.start()
    try:
        for k in range(12):
            # act between writes: after every fourth answer
            wait_until(lambda k=k: done.is_set() or _answered() >= 4 * (k + 1), 300, "writes being answered")
            if done.is_set():
                break
            action = rng.choice(["rebuild", "rebuild", "writer", "worker", "server"])
            kids = children(served.proc.pid)
            if action == "rebuild":
                rebuild(store, k)
            elif action in ("writer", "worker"):
                victims = [p for p in kids if holds_owner_lock(p) == (action == "writer")]
                if victims:
                    os.kill(rng.choice(victims), signal.SIGKILL)
            else:
                served.proc.kill()
                served.proc.wait(30)
                wait_until(lambda kids=kids: not any(_stat(p) for p in kids), 60, "the children ending")
                served = Served(store, *args)
                url[0] = served.url
            wait_until(lambda: done.is_set() or _up(url[0]), 60, "healthz")
        t.join(600)
        assert not t.is_alive()
        rebuild(store, 99)
        try:
            wait_until(lambda: _served_round(url[0]) == "99", 60, "the last rebuild being served")
        except AssertionError as e:  # say what is served instead (this has failed once in CI, not reproduced)
            health = requests.get(url[0] + "/healthz", timeout=60).text
            raise AssertionError(f"{e}; served round {_served_round(url[0])!r}; /healthz: {health}") from None
    finally:
        kids = children(served.proc.pid)
        served.stop()
        t.join(600)
        wait_until(lambda: not any(_stat(p) for p in kids), 60, "the children ending")
    found = present(store)  # the store opens
    assert acked <= found, f"acknowledged writes lost: {sorted(acked - found)}"
    assert not (found & refused), f"writes answered with an error are present: {sorted(found & refused)}"
    assert found <= acked | unknown
    assert len(acked) > 0 and not undetermined


def _up(url: str) -> bool:
    try:
        return requests.get(url + "/healthz", timeout=60).ok
    except requests.ConnectionError:
        return False


def _served_round(url: str) -> str | None:
    r = requests.get(url + "/sparql", params={"query": "SELECT ?k WHERE { <http://x/built> <http://x/round> ?k }"})
    rows = json.loads(r.content)["results"]["bindings"] if r.ok else []
    return rows[0]["k"]["value"] if rows else None


def test_a_write_answered_504_left_no_trace(tmp_path):
    store = make_store(tmp_path / "store")
    served = Served(store, "--workers", "1", "--timeout", "1")
    try:
        # updates match the store's own default graph (empty here): name the graphs
        slow = RUNAWAY.replace("?s", "GRAPH ?g { ?s").replace(" .", " }")
        text = f"INSERT {{ GRAPH <http://x/slow> {{ <http://x/s> <http://x/n> ?n }} }} WHERE {{ {slow} }}"
        r = requests.post(served.url + "/sparql", data={"update": text}, headers=AUTH, timeout=120)
        assert r.status_code == 504, r.text
        assert write(served.url, 1) == 200  # the store still takes writes
        ask = requests.get(served.url + "/sparql", params={"query": "ASK { GRAPH <http://x/slow> { ?s ?p ?o } }"})
        assert json.loads(ask.content)["boolean"] is False
    finally:
        served.stop()
    assert present(store) == {1}
    assert not ox.Store.read_only(str(store)).contains_named_graph(ox.NamedNode("http://x/slow"))


def test_a_writer_lost_while_leaving_its_replica_is_replaced_and_the_next_write_lands(tmp_path):
    # a writer killed between a write's commit and its answer may leave part of the next
    # generation's replica behind; the writer started after it checkpoints into that same
    # folder, which must not make it fail (the cut write would be answered "may or may not
    # have been applied" although committed, and every later write refused)
    store = make_store(tmp_path / "store")
    served = Served(store, "--workers", "1")
    try:
        assert write(served.url, 1) == 200
        generation = requests.get(served.url + "/healthz", timeout=60).json()["generation"]
        partial = meta_dir(store) / f"replicas-{served.proc.pid}" / str(generation + 1)
        partial.mkdir()
        (partial / "CURRENT").write_text("MANIFEST-000001\n")  # as a checkpoint cut short leaves it
        [owner] = [p for p in children(served.proc.pid) if holds_owner_lock(p)]
        os.kill(owner, signal.SIGKILL)
        wait_until(lambda: not _stat(owner), 60, "the writer ending")
        second = write(served.url, 2)  # may reach the dead writer first: 503, nothing changed
        assert second in (200, 503)
        assert write(served.url, 3) == 200
        ask = requests.get(served.url + "/sparql", params={"query": "ASK { <http://x/w/3> ?p ?o }"}, timeout=60)
        assert json.loads(ask.content)["boolean"] is True
    finally:
        served.stop()
    assert present(store) == ({1, 2, 3} if second == 200 else {1, 3})
