"""The service's child processes die with it, whatever ends it; killed builds leave nothing behind."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests
from conftest import TOKEN, make_store

from dxkg.kg.store import build_aside
from dxkg.server import frames
from dxkg.server.backend import _Process

# a cartesian product of the sample store with itself: runs for hours
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { " + " ".join(f"?s{i} ?p{i} ?o{i} ." for i in range(10)) + " }"


def wait_until(condition, seconds: float = 60, what: str = "the condition") -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"{what} did not happen in {seconds} s"
        time.sleep(0.05)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _stat(pid: int) -> list[str] | None:
    """Fields of /proc/PID/stat after the command name; None if gone or a zombie."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text.rpartition(")")[2].split()
    return None if fields[0] in ("Z", "X") else fields


def children(pid: int) -> set[int]:
    """Living processes whose parent is ``pid``."""
    found = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            fields = _stat(int(entry))
            if fields and int(fields[1]) == pid:
                found.add(int(entry))
    return found


def cpu_ticks(pid: int) -> int:
    fields = _stat(pid)
    return int(fields[11]) + int(fields[12]) if fields else 0  # utime + stime


class Served:
    """``dxkg serve`` in its own process, as users run it."""

    def __init__(self, store: Path, *args: str):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        argv = ["serve", "--store", str(store), "--port", str(self.port), *args]
        code = f"import sys; from dxkg.cli import main; sys.exit(main({argv!r}))"
        env = {**os.environ, "DXKG_UPDATE_TOKEN": TOKEN}
        self.proc = subprocess.Popen([sys.executable, "-c", code], stderr=subprocess.DEVNULL, env=env)
        wait_until(self.up, 120, "the service starting")

    def up(self) -> bool:
        assert self.proc.poll() is None, "dxkg serve exited"
        try:
            return requests.get(self.url + "/healthz", timeout=30).ok
        except requests.ConnectionError:
            return False

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(30)


def query_in_flight(served: Served) -> set[int]:
    """Send the runaway query; return once a worker is busy on it. Returns the server's children."""
    kids = children(served.proc.pid)
    before = {pid: cpu_ticks(pid) for pid in kids}

    def send() -> None:
        try:
            requests.get(served.url + "/sparql", params={"query": RUNAWAY}, timeout=600)
        except requests.RequestException:
            pass  # the server is killed under it

    threading.Thread(target=send, daemon=True).start()
    ticks = os.sysconf("SC_CLK_TCK")
    wait_until(lambda: any(cpu_ticks(p) - before[p] > ticks for p in kids), 120, "a worker running the query")
    return kids


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL])
def test_workers_die_with_the_server_with_a_query_in_flight(tmp_path, sig):
    store = make_store(tmp_path / "store")
    served = Served(store, "--workers", "2", "--timeout", "600")
    try:
        kids = query_in_flight(served)
        assert len(kids) >= 2
        served.proc.send_signal(sig)
        served.proc.wait(60)
        wait_until(lambda: not any(_stat(p) for p in kids), 60, "every worker ending")
    finally:
        served.stop()


def test_a_worker_ends_a_runaway_query_itself_at_its_limit(tmp_path):
    """Nobody kills it here (as when the server is gone or frozen): the worker's own alarm does."""
    replica = str(make_store(tmp_path / "replica"))
    p = _Process()
    try:
        assert p.call({"op": "load", "generation": 1, "replica": replica}, None) == {"loaded": True}
        task = {"op": "query", "generation": 1, "replica": replica, "limit": 1, "query": RUNAWAY}
        task |= {"union": True, "results_format": "json", "rdf_format": None, "max_rows": 10}
        frames.write(p.fd, task)  # sent, and not waited for
        p.proc.join(120)
        assert p.proc.exitcode == -signal.SIGALRM
    finally:
        p.kill()


def test_stale_build_folders_are_removed(tmp_path):
    target = tmp_path / "store"
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    stale = [tmp_path / f".store.building-{dead.pid}", tmp_path / f".store.old-{dead.pid}"]
    alive = tmp_path / f".store.building-{os.getppid()}"  # a build still running elsewhere
    for folder in [*stale, alive]:
        folder.mkdir()
        (folder / "000001.sst").write_bytes(b"half written")
    with build_aside(target) as store:
        store.load(b"<http://x/s> <http://x/p> <http://x/o> .\n")
    assert not any(f.exists() for f in stale)
    assert alive.exists()
    assert target.is_dir()
