"""The store behind the service: a pool of killable query workers and one writer.

At start the on-disk store is opened read-only and dumped to an N-Quads snapshot; each
query worker loads the snapshot into an in-memory store. A query that outlives the time
limit has its worker killed (the only way to stop pyoxigraph) and a fresh worker loads in
the background, while the other workers keep answering. Writes go, one at a time, to a
writer process that opens the on-disk store read-write for that write only and leaves a
new snapshot; the generation number then moves on and every worker reloads before its next
task, so a read sent after a write sees it.
"""
from __future__ import annotations

import atexit
import multiprocessing
import queue
import shutil
import tempfile
import threading
from pathlib import Path

import pyoxigraph as ox

from kg.store import StoreError
from server import worker
from server.errors import ServiceError

_CTX = multiprocessing.get_context("spawn")   # fork is unsafe in a threaded server


class QueryTimeout(ServiceError):
    def __init__(self, seconds: float):
        super().__init__(504, f"the query ran longer than this service's limit of {seconds:g} s "
                              "and was stopped; add LIMIT or narrow the pattern")


class _Process:
    """One worker process and the pipe to it."""

    def __init__(self):
        self.conn, child = _CTX.Pipe()
        self.proc = _CTX.Process(target=worker.main, args=(child,), daemon=True,
                                 name="dxkg-worker")
        self.proc.start()
        child.close()

    def call(self, task: dict, timeout: float | None) -> dict:
        """Send a task, wait for its reply; raises ``TimeoutError`` or ``EOFError``."""
        self.conn.send(task)
        if not self.conn.poll(timeout):
            raise TimeoutError
        return self.conn.recv()

    def kill(self) -> None:
        self.proc.kill()
        self.proc.join(5)
        self.conn.close()


class Backend:
    def __init__(self, store_dir: str | Path, *, workers: int, timeout: float, on_restart=None):
        self.store_dir = Path(store_dir)
        self.timeout = timeout
        self.on_restart = on_restart or (lambda: None)
        self._tmp = Path(tempfile.mkdtemp(prefix="dxkg-snapshot-"))
        self._lock = threading.Lock()           # guards generation/snapshot
        self._write_lock = threading.Lock()     # one write at a time
        self.generation = 0
        self.snapshot = self._tmp / "0.nq"
        self._initial_snapshot()
        self._idle: queue.Queue[_Process] = queue.Queue()
        self._all: set[_Process] = set()
        self._writer: _Process | None = None
        self._closed = False
        starters = [threading.Thread(target=self._spawn) for _ in range(workers)]
        for t in starters:
            t.start()
        for t in starters:
            t.join()
        atexit.register(self.close)

    def _initial_snapshot(self) -> None:
        if not self.store_dir.is_dir():
            raise StoreError(f"no store at {self.store_dir}: run 'dxkg build … --store "
                             f"{self.store_dir}' first")
        try:
            ro = ox.Store.read_only(str(self.store_dir))
            ro.dump(str(self.snapshot), format=ox.RdfFormat.N_QUADS)
        except OSError as e:
            raise StoreError(f"cannot read the store at {self.store_dir}: {e}") from e
        del ro

    def _task(self, op: str, **kw) -> dict:
        with self._lock:
            return {"op": op, "generation": self.generation, "snapshot": str(self.snapshot), **kw}

    def _spawn(self) -> None:
        """Start a worker and make it available once it has loaded the snapshot."""
        if self._closed:
            return
        p = _Process()
        self._all.add(p)
        try:
            p.call(self._task("load"), None)
        except (EOFError, OSError):
            self._discard(p)
            return
        self._idle.put(p)

    def _discard(self, p: _Process) -> None:
        self._all.discard(p)
        p.kill()

    def _replace(self, p: _Process) -> None:
        self._discard(p)
        self.on_restart()
        threading.Thread(target=self._spawn, daemon=True).start()

    # --- reads --------------------------------------------------------------------------
    def read(self, op: str, **kw) -> dict:
        """Run a read task in an idle worker, within the time limit; returns its reply."""
        try:
            p = self._idle.get(timeout=self.timeout)
        except queue.Empty:
            raise ServiceError(503, "all query workers are busy; try again shortly") from None
        try:
            reply = p.call(self._task(op, **kw), self.timeout)
        except TimeoutError:
            self._replace(p)
            raise QueryTimeout(self.timeout) from None
        except (EOFError, OSError):
            self._replace(p)
            raise ServiceError(503, "the query worker stopped unexpectedly (out of memory?); "
                                    "try a smaller query") from None
        self._idle.put(p)
        return _checked(reply)

    # --- writes -------------------------------------------------------------------------
    def write(self, op: str, **kw) -> dict:
        """Apply a write in the writer process; on success publish the new snapshot."""
        with self._write_lock:
            if self._writer is None:
                self._writer = _Process()
            nxt = self._tmp / f"{self.generation + 1}.nq"
            task = {"op": op, "store_dir": str(self.store_dir), "snapshot": str(nxt), **kw}
            try:
                reply = self._writer.call(task, self.timeout)
            except TimeoutError:
                self._writer.kill()
                self._writer = None
                self.on_restart()
                raise ServiceError(504, f"the write ran longer than {self.timeout:g} s and was "
                                        "stopped; nothing was changed") from None
            except (EOFError, OSError):
                self._writer.kill()
                self._writer = None
                raise ServiceError(503, "the writer stopped unexpectedly; nothing was "
                                        "changed") from None
            reply = _checked(reply)
            with self._lock:
                old = self._tmp / f"{self.generation - 1}.nq"
                self.generation += 1
                self.snapshot = nxt
            old.unlink(missing_ok=True)   # keep the previous one for workers loading it now
            return reply

    def close(self) -> None:
        self._closed = True
        for p in list(self._all) + ([self._writer] if self._writer else []):
            p.kill()
        self._all.clear()
        shutil.rmtree(self._tmp, ignore_errors=True)


def _checked(reply: dict) -> dict:
    if "error" in reply:
        raise ServiceError(reply["error"], reply["message"])
    return reply
