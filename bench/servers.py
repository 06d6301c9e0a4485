"""Real SPARQL servers for the tests and the benchmark.

Each server is started as a child process on a free 127.0.0.1 port with its data in a
fresh temporary folder, waited for until it answers, and stopped through the process
group of the PID we started (so worker processes go too), never by name.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import requests

VIRTUOSO_BIN = "virtuoso-t"
VIRTUOSO_USER, VIRTUOSO_PASSWORD = "dba", "dba"  # a fresh database's administrator
START_TIMEOUT = 120.0


class ServerError(RuntimeError):
    """A server could not be started; the message carries the end of its log."""


@dataclass
class Server:
    """A running server: its base URL, the store flavour it speaks, and its process."""

    name: str
    url: str
    flavour: str
    proc: subprocess.Popen
    workdir: Path
    log: Path
    credentials: tuple[str, str] | None = None
    owns_workdir: bool = True

    def peak_rss(self) -> int:
        """Sum of the peak resident memory (bytes) of the server process and its children."""
        return sum(_vm_hwm(pid) for pid in _process_tree(self.proc.pid))

    def stop(self) -> None:
        """Stop the process group we started (TERM, then KILL), then remove its folder."""
        if self.proc.poll() is None:
            _signal_group(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                _signal_group(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=15)
        if self.owns_workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)

    def kill(self) -> None:
        """Kill the server at once (to test what a crash leaves behind); the folder stays."""
        _signal_group(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=15)


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now (the OS picks it)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _signal_group(pid: int, sig: int) -> None:
    try:
        os.killpg(pid, sig)  # the group led by the PID we started (start_new_session)
    except ProcessLookupError:
        pass


def _process_tree(pid: int) -> list[int]:
    """``pid`` and its descendants, from /proc/<pid>/task/*/children."""
    pids, todo = [], [pid]
    while todo:
        p = todo.pop()
        pids.append(p)
        for task in Path(f"/proc/{p}/task").glob("*"):
            try:
                todo += [int(c) for c in (task / "children").read_text().split()]
            except OSError:
                continue
    return pids


def _vm_hwm(pid: int) -> int:
    """Peak resident set size of a process in bytes (0 if it is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _spawn(name: str, cmd: list[str], workdir: Path, *, env: dict | None = None) -> tuple[subprocess.Popen, Path]:
    log = workdir / f"{name}.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            cmd,
            cwd=workdir,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
            env={**os.environ, **(env or {})},
        )
    return proc, log


def _wait_ready(server: Server, probe: str, timeout: float = START_TIMEOUT) -> Server:
    """Poll ``probe`` until the server answers; stop it and raise if it dies or times out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.proc.poll() is not None:
            break
        try:
            if requests.get(probe, timeout=5).status_code < 500:
                return server
        except requests.RequestException:
            pass
        time.sleep(0.2)
    tail = server.log.read_text(errors="replace")[-2000:] if server.log.exists() else ""
    server.stop()
    raise ServerError(f"{server.name} did not start (exit {server.proc.returncode}):\n{tail}")


def _workdir(name: str, workdir: str | os.PathLike | None) -> tuple[Path, bool]:
    if workdir:
        Path(workdir).mkdir(parents=True, exist_ok=True)
        return Path(workdir), False
    return Path(tempfile.mkdtemp(prefix=f"dxkg-{name}-")), True


# ---------------------------------------------------------------- Oxigraph server
def oxigraph_bin() -> str | None:
    """The ``oxigraph`` CLI of this environment (PyPI package ``oxigraph``), if installed."""
    here = Path(sys.executable).parent / "oxigraph"
    return str(here) if here.exists() else shutil.which("oxigraph")


def start_oxigraph(workdir=None, *, union: bool = True) -> Server:
    """Oxigraph server on disk; ``union``: default graph = union of the named graphs."""
    exe = oxigraph_bin()
    if not exe:
        raise ServerError("the oxigraph server is not installed (pip install oxigraph==0.5.13)")
    wd, owns = _workdir("oxigraph", workdir)
    port = free_port()
    cmd = [exe, "serve", "--location", str(wd / "data"), "--bind", f"127.0.0.1:{port}"]
    if union:
        cmd.append("--union-default-graph")
    proc, log = _spawn("oxigraph", cmd, wd)
    url = f"http://127.0.0.1:{port}"
    return _wait_ready(
        Server("oxigraph", url, "oxigraph", proc, wd, log, owns_workdir=owns), f"{url}/query?query=ASK%7B%7D"
    )


# ---------------------------------------------------------------- Virtuoso
VIRTUOSO_INI = """\
[Database]
DatabaseFile = {wd}/virtuoso.db
ErrorLogFile = {wd}/virtuoso.log
LockFile = {wd}/virtuoso.lck
TransactionFile = {wd}/virtuoso.trx
xa_persistent_file = {wd}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {wd}/virtuoso-temp.db
TransactionFile = {wd}/virtuoso-temp.trx
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
MaxClientConnections = 20
CheckpointInterval = 60
CaseMode = 2
DirsAllowed = ., {wd}
NumberOfBuffers = {buffers}
MaxDirtyBuffers = {dirty}
ThreadsPerQuery = 4
MaxQueryMem = 1G

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {wd}
MaxClientConnections = 20
ServerThreads = 20
Charset = UTF-8
EnabledGzipContent = 0

[SPARQL]
; the default (10 000) silently truncates results, CONSTRUCTs and graph dumps
ResultSetMaxRows = {max_rows}
MaxQueryCostEstimationTime = 0
MaxQueryExecutionTime = 0
DefaultGraph =
"""


def virtuoso_missing() -> str | None:
    """Why Virtuoso cannot be run here, or None when it can."""
    if not shutil.which(VIRTUOSO_BIN):
        return f"Virtuoso is not installed (Debian: apt-get install virtuoso-opensource, binary {VIRTUOSO_BIN})"
    return None


def start_virtuoso(workdir=None, *, max_rows: int = 10_000_000, memory_mb: int = 1024) -> Server:
    """Virtuoso Open Source with a fresh database (user dba/dba) in a temp folder."""
    reason = virtuoso_missing()
    if reason:
        raise ServerError(reason)
    wd, owns = _workdir("virtuoso", workdir)
    http_port, sql_port = free_port(), free_port()
    buffers = memory_mb * 1024 * 1024 // 8700  # Virtuoso sizes its cache in 8 kB pages
    (wd / "virtuoso.ini").write_text(
        VIRTUOSO_INI.format(
            wd=wd, http_port=http_port, sql_port=sql_port, max_rows=max_rows, buffers=buffers, dirty=buffers * 3 // 4
        )
    )
    proc, log = _spawn(
        "virtuoso", [shutil.which(VIRTUOSO_BIN), "+foreground", "+configfile", str(wd / "virtuoso.ini")], wd
    )
    url = f"http://127.0.0.1:{http_port}"
    server = Server(
        "virtuoso", url, "virtuoso", proc, wd, log, credentials=(VIRTUOSO_USER, VIRTUOSO_PASSWORD), owns_workdir=owns
    )
    return _wait_ready(server, f"{url}/sparql?query=ASK%7B%7D", timeout=START_TIMEOUT)


# ---------------------------------------------------------------- dxkg serve
def start_dxkg(store_dir, *, workers: int = 2, threads: int = 8, env: dict | None = None) -> Server:
    """``dxkg serve`` over an embedded store folder (built beforehand)."""
    wd, owns = _workdir("dxkg", None)
    port = free_port()
    exe = Path(sys.executable).parent / "dxkg"
    cmd = [
        str(exe),
        "serve",
        "--store",
        str(store_dir),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--threads",
        str(threads),
    ]
    proc, log = _spawn("dxkg", cmd, wd, env=env)
    url = f"http://127.0.0.1:{port}"
    return _wait_ready(Server("dxkg", url, "dxkg", proc, wd, log, owns_workdir=owns), f"{url}/sparql?query=ASK%7B%7D")


# ---------------------------------------------------------------- rdflib-endpoint
def start_rdflib_endpoint(nquads_file, *, timeout: float = 900.0) -> Server:
    """rdflib-endpoint (uvicorn) over an in-memory rdflib Dataset read from N-Quads."""
    wd, owns = _workdir("rdflib", None)
    port = free_port()
    cmd = [sys.executable, "-m", "bench.rdflib_server", str(nquads_file), str(port)]
    root = Path(__file__).resolve().parent.parent
    proc, log = _spawn("rdflib", cmd, wd, env={"PYTHONPATH": str(root)})
    url = f"http://127.0.0.1:{port}"
    return _wait_ready(
        Server("rdflib-endpoint", url, "generic", proc, wd, log, owns_workdir=owns),
        f"{url}/?query=ASK%7B%7D",
        timeout=timeout,
    )
