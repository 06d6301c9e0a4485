"""The store behind the service: a pool of killable query workers and one writer.

At start the on-disk store is opened read-only and dumped to an N-Quads snapshot; each
query worker loads the snapshot into an in-memory store. A query that outlives the time
limit has its worker killed (the only way to stop pyoxigraph) and a fresh worker loads in
the background, while the other workers keep answering. Writes go, one at a time, to a
writer process that opens the on-disk store read-write for that write only and leaves a
new snapshot; the generation number then moves on and every worker reloads before its next
task, so a read sent after a write sees it.

A store rebuilt on disk (``dxkg build`` renames a new folder over the store path) is taken
in the same way by ``reload``: the writer snapshots it read-only and only a complete snapshot
is published. The folder being served is held open, so "another folder is at the path" can
be checked with two ``stat`` calls (``store_replaced``).

Every worker and the writer start by cutting themselves off from the network
(``sandbox.enter``) and report whether the cut holds; a process that does not hold it is never
used, and the service does not start when its first workers cannot hold it.
"""

from __future__ import annotations

import atexit
import logging
import multiprocessing
import os
import queue
import shutil
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from dxkg.kg.store import StoreError
from dxkg.server import sandbox, worker
from dxkg.server.errors import ServiceError

log = logging.getLogger("dxkg.server")
_CTX = multiprocessing.get_context("spawn")  # fork is unsafe in a threaded server
T = TypeVar("T")
LIMIT_GRACE = 2.0  # a worker ends itself this long after the limit, should nobody kill it


class QueryTimeout(ServiceError):
    def __init__(self, seconds: float):
        super().__init__(
            504,
            f"the query ran longer than this service's limit of {seconds:g} s "
            "and was stopped; add LIMIT or narrow the pattern",
        )


class ReloadFailed(StoreError):
    """The store at the path could not be loaded; the one being served stays.

    ``str()`` is safe to show to clients; ``detail`` (for the log) may name files.
    """

    def __init__(self, message: str, detail: str):
        super().__init__(message)
        self.detail = detail


class StoreFolder:
    """The store folder whose data is being served, held open while it is.

    Holding it open keeps its inode number from being given to a new folder, so "the folder
    at the store path has another inode" reliably means "the store was replaced".
    """

    def __init__(self, path: Path):
        self.fd = os.open(path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        self.inode = os.fstat(self.fd).st_ino
        self.loaded_at = time.time()

    def is_at(self, path: Path) -> bool:
        try:
            return os.path.samestat(os.fstat(self.fd), os.stat(path))
        except OSError:  # gone, or unreadable: not the folder being served
            return False

    def close(self) -> None:
        os.close(self.fd)


class _Spawner:
    """Starts every child process from one thread that lives as long as the server.

    The parent-death signal (``lifeline``) fires when the *thread* that started a child ends,
    so children must not be started from request or helper threads that come and go.
    """

    def __init__(self):
        self._requests: queue.Queue = queue.Queue()
        threading.Thread(target=self._run, daemon=True, name="dxkg-spawner").start()

    def _run(self) -> None:
        while True:
            start, done = self._requests.get()
            try:
                done["value"] = start()
            except BaseException as e:  # handed back to the caller
                done["error"] = e
            done["event"].set()

    def start(self, process) -> None:
        done: dict = {"event": threading.Event()}
        self._requests.put((process.start, done))
        done["event"].wait()
        if "error" in done:
            raise done["error"]


_SPAWNER: _Spawner | None = None
_SPAWNER_LOCK = threading.Lock()


def _spawner() -> _Spawner:
    global _SPAWNER
    with _SPAWNER_LOCK:
        if _SPAWNER is None:
            _SPAWNER = _Spawner()
        return _SPAWNER


class _Process:
    """One worker process and the pipe to it; it dies with this process (``lifeline``).
    Raises ``SandboxUnavailable`` (and is gone) when the process could not apply the network
    ``policy``."""

    def __init__(self, policy: str = sandbox.DENY):
        self.conn, child = _CTX.Pipe()
        self.proc = _CTX.Process(target=worker.main, args=(child, os.getpid(), policy), daemon=True, name="dxkg-worker")
        _spawner().start(self.proc)
        child.close()
        try:
            if not self.conn.poll(60):
                raise sandbox.SandboxUnavailable("the process did not report its network sandbox within 60 s")
            self.sandbox = self.conn.recv()
            sandbox.check(self.sandbox, policy)
        except (EOFError, OSError, sandbox.SandboxUnavailable) as e:
            self.kill()
            if isinstance(e, sandbox.SandboxUnavailable):
                raise
            raise sandbox.SandboxUnavailable("the process stopped before reporting its network sandbox") from None

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
    def __init__(
        self, store_dir: str | Path, *, workers: int, timeout: float, network: str = sandbox.DENY, on_restart=None
    ):
        self.store_dir = Path(store_dir)
        self.timeout = timeout
        self.network = network  # sandbox policy of every evaluating process
        self.sandbox: dict = {}  # what the first worker reported
        self._sandbox_errors: list[sandbox.SandboxUnavailable] = []
        self.on_restart = on_restart or (lambda: None)
        self._tmp = Path(tempfile.mkdtemp(prefix="dxkg-snapshot-"))
        self._lock = threading.Lock()  # guards generation/snapshot/folder
        self._write_lock = threading.Lock()  # one write or reload at a time
        self.generation = 0
        self.snapshot = self._tmp / "0.nq"
        self.folder = self._initial_snapshot()
        self._idle: queue.Queue[_Process] = queue.Queue()
        self._all: set[_Process] = set()
        self._writer: _Process | None = None
        self._closed = False
        starters = [threading.Thread(target=self._spawn) for _ in range(workers)]
        for t in starters:
            t.start()
        for t in starters:
            t.join()
        if self._sandbox_errors:
            self.close()
            raise self._sandbox_errors[0]
        atexit.register(self.close)

    def _initial_snapshot(self) -> StoreFolder:
        """Snapshot the store in this process (nothing is served yet); its folder is held
        first, so the data dumped is that folder's or a newer one's, never older."""
        try:
            folder = StoreFolder(self.store_dir)
        except OSError:
            raise StoreError(
                f"no store at {self.store_dir}: run 'dxkg build … --store {self.store_dir}' first"
            ) from None
        try:
            worker.dump_store(str(self.store_dir), str(self.snapshot))
        except (OSError, RuntimeError, ValueError) as e:
            folder.close()
            raise StoreError(f"cannot read the store at {self.store_dir}: {e}") from e
        return folder

    def _task(self, op: str, **kw) -> dict:
        with self._lock:
            return {
                "op": op,
                "generation": self.generation,
                "snapshot": str(self.snapshot),
                "limit": self.timeout + LIMIT_GRACE,
                **kw,
            }

    def _spawn(self) -> None:
        """Start a worker and make it available once it has loaded the snapshot."""
        if self._closed:
            return
        try:
            p = _Process(self.network)
        except sandbox.SandboxUnavailable as e:
            log.error("query worker not started: network sandbox unavailable: %s", e)
            self._sandbox_errors.append(e)
            return
        self.sandbox = self.sandbox or p.sandbox
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
            raise ServiceError(
                503, "the query worker stopped unexpectedly (out of memory?); try a smaller query"
            ) from None
        self._idle.put(p)
        return _checked(reply)

    # --- writes and reloads ------------------------------------------------------------
    def write(self, op: str, **kw) -> dict:
        """Apply a write in the writer process; on success publish the new snapshot.

        Writes go only to the folder being served: once a rebuilt store is at the path but
        not loaded yet, they are refused until it is (a write into it would publish it
        unchecked, or create a store in a folder that is not one).
        """
        with self._write_lock:
            if self.store_replaced():
                raise ServiceError(
                    503, "the store was replaced on disk and is being loaded; try again in a few seconds"
                )
            nxt = self._next_snapshot()
            task = {"op": op, "store_dir": str(self.store_dir), "snapshot": str(nxt), **kw}
            try:
                reply = self._call_writer(task)
            except TimeoutError:
                raise ServiceError(
                    504, f"the write ran longer than {self.timeout:g} s and was stopped; nothing was changed"
                ) from None
            except (EOFError, OSError):
                raise ServiceError(503, "the writer stopped unexpectedly; nothing was changed") from None
            reply = _checked(reply)
            self._publish(nxt)
            return reply

    def reload(self) -> None:
        """Serve the store now at the path: snapshot it, and publish only a complete snapshot.

        Raises ``ReloadFailed`` and keeps serving the current data if the folder is missing,
        is not a readable store, or cannot be read within the time limit. Writes wait while
        it runs: a write lands wholly before the reload (and is replaced by the new store) or
        after it (and goes into the new store).
        """
        with self._write_lock:
            self._reload()

    def change(self, swap: Callable[[], T]) -> T:
        """Run ``swap`` — which builds a new store aside from the one at the path and swaps it
        in (``kg.incremental``) — and serve its result before any other write runs.

        Writes wait the whole time, so none lands in the old folder after ``swap`` copied it
        (it would be lost with the old folder): every acknowledged write is in the new store.
        Refused with 503, like a write, while a store replaced by someone else is not loaded yet.
        """
        with self._write_lock:
            if self.store_replaced():
                raise ServiceError(
                    503, "the store was replaced on disk and is being loaded; try again in a few seconds"
                )
            result = swap()
            if self.store_replaced():
                self._reload()
            return result

    def _reload(self) -> None:
        """``reload`` with the write lock held."""
        try:
            folder = StoreFolder(self.store_dir)  # held first: the data is this or newer
        except OSError as e:
            raise ReloadFailed("there is no store folder at the store path", f"{type(e).__name__}: {e}") from None
        nxt = self._next_snapshot()
        try:
            self._snapshot_in_writer(nxt)
        except ReloadFailed:
            folder.close()
            raise
        with self._lock:
            old, self.folder = self.folder, folder
        self._publish(nxt)
        old.close()

    def _snapshot_in_writer(self, nxt: Path) -> None:
        task = {"op": "snapshot", "store_dir": str(self.store_dir), "snapshot": str(nxt)}
        try:
            reply = self._call_writer(task)
        except TimeoutError:
            raise ReloadFailed(f"reading the store took longer than {self.timeout:g} s", "timeout") from None
        except (EOFError, OSError):
            raise ReloadFailed(
                "the process reading the store stopped unexpectedly", "the writer process died"
            ) from None
        if "error" in reply:
            raise ReloadFailed("the folder at the store path is not a readable store", reply.get("detail", ""))

    def store_replaced(self) -> bool:
        """Whether another folder (or none) is now at the store path: two ``stat`` calls."""
        with self._lock:
            return not self.folder.is_at(self.store_dir)

    def _next_snapshot(self) -> Path:
        return self._tmp / f"{self.generation + 1}.nq"

    def _call_writer(self, task: dict) -> dict:
        """Run a task in the writer process, started on first use; a writer that runs past
        the time limit or dies is dropped (and the error raised) so the next call starts one."""
        if self._writer is None:
            try:
                self._writer = _Process(self.network)
            except sandbox.SandboxUnavailable as e:
                log.error("writer not started: network sandbox unavailable: %s", e)
                raise EOFError from None
        try:
            return self._writer.call(task, self.timeout)
        except TimeoutError:
            self._drop_writer()
            self.on_restart()
            raise
        except (EOFError, OSError):
            self._drop_writer()
            raise

    def _drop_writer(self) -> None:
        if self._writer is not None:
            self._writer.kill()
        self._writer = None

    def _publish(self, snapshot: Path) -> None:
        """Make ``snapshot`` the data every worker loads before its next task."""
        with self._lock:
            old = self._tmp / f"{self.generation - 1}.nq"
            self.generation += 1
            self.snapshot = snapshot
        old.unlink(missing_ok=True)  # keep the previous one for workers loading it now

    def close(self) -> None:
        if self._closed:  # called by shutdown and again at exit
            return
        self._closed = True
        for p in list(self._all) + ([self._writer] if self._writer else []):
            p.kill()
        self._all.clear()
        self.folder.close()
        shutil.rmtree(self._tmp, ignore_errors=True)


def _checked(reply: dict) -> dict:
    if "error" in reply:
        raise ServiceError(reply["error"], reply["message"], detail=reply.get("detail", ""))
    return reply
