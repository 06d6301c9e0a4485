"""The store behind the service: one writer that owns it, and a pool of killable query workers.

The writer process (``server/writer.py``) opens the on-disk store read-write for its whole
life and applies every write, one at a time, as one transaction; after each it leaves a
*replica* (a checkpoint: hard links to the store's immutable files) in ``.NAME.d/replicas-PID``.
Query workers open the latest replica read-only; the generation number moves on with each
write and a worker opens the newer replica before its next task, so a read sent after a 200
sees the write. A query that outlives the time limit has its worker killed (the only way to
stop pyoxigraph) and a fresh worker starts in the background; a write that does has its writer
killed and the next writer tells, from the write's commit marker, whether it committed (200)
or left no trace (504).

A store rebuilt by ``dxkg build`` is handed to the writer (``kg.generations``), which adopts
it: graphs written through the service are carried into it and the store path re-pointed.
A folder put at the path by hand is opened instead of the old one (``reload``). The folder
being served is held open, so "another folder is at the path" is two ``stat`` calls.

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
import select
import shutil
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from dxkg.kg import generations
from dxkg.kg.store import StoreError, remove_stale_folders
from dxkg.server import frames, sandbox, worker, writer
from dxkg.server.errors import ServiceError

_CTX = multiprocessing.get_context("spawn")  # fork is unsafe in a threaded server
T = TypeVar("T")
LIMIT_GRACE = 2.0  # a worker ends itself this long after the limit, should nobody kill it
OPEN_LIMIT = 600.0  # opening a store (recovering its log) may take longer than a query
RETRY_AFTER = {"Retry-After": "2"}
log = logging.getLogger("dxkg.server")


class QueryTimeout(ServiceError):
    counter = "query_timeouts"

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
    """One worker (or the writer) process and the pipe to it; it dies with this process
    (``lifeline``). Raises ``SandboxUnavailable`` (and is gone) when the process could not
    apply the network ``policy``."""

    def __init__(self, policy: str = sandbox.DENY, main=worker.main, name: str = "dxkg-worker"):
        self.conn, child = _CTX.Pipe()
        self.proc = _CTX.Process(target=main, args=(child, os.getpid(), policy), daemon=True, name=name)
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
        # tasks and replies are ``frames``: one write and one read each, a reply's body raw
        self.fd = self.conn.fileno()
        # ``Connection.poll`` builds a selector per call; one poll object serves every task
        self._reply = select.poll()
        self._reply.register(self.fd, select.POLLIN)

    def call(self, task: dict, timeout: float | None) -> dict:
        """Send a task, wait for its reply; raises ``TimeoutError`` or ``EOFError``."""
        frames.write(self.fd, task)
        if not self._reply.poll(None if timeout is None else max(0, int(timeout * 1000))):
            raise TimeoutError
        return frames.read(self.fd)

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
        if not self.store_dir.exists():
            raise StoreError(f"no store at {self.store_dir}: run 'dxkg build … --store {self.store_dir}' first")
        meta = generations.meta_dir(self.store_dir)
        remove_stale_folders(meta, "replicas")
        self._replicas = meta / f"replicas-{os.getpid()}"
        self._replicas.mkdir(exist_ok=True)
        self._lock = threading.Lock()  # guards generation/folder/_busy
        self._write_lock = threading.Lock()  # one write or reload at a time
        self._busy: dict[int, int] = {}  # id(worker) → generation of the task it runs
        self.generation = 0
        self.tasks = 0  # read tasks given to workers: evaluations, for the metrics
        self._writer: _Process | None = None
        self._closed = False
        try:
            self._open_writer(self._replica(0), starting=True)
        except sandbox.SandboxUnavailable:
            shutil.rmtree(self._replicas, ignore_errors=True)
            raise
        except ServiceError as e:
            shutil.rmtree(self._replicas, ignore_errors=True)
            raise StoreError(f"cannot open the store at {self.store_dir}: {e.detail or e.message}") from None
        self.folder = StoreFolder(self.store_dir)
        # last in, first out: under light load one worker takes task after task with its caches
        # and pages warm (taking them in turn cost each query about twice the worker CPU)
        self._idle: queue.LifoQueue[_Process] = queue.LifoQueue()
        self._all: set[_Process] = set()
        starters = [threading.Thread(target=self._spawn) for _ in range(workers)]
        for t in starters:
            t.start()
        for t in starters:
            t.join()
        if self._sandbox_errors:
            self.close()
            raise self._sandbox_errors[0]
        atexit.register(self.close)

    def _replica(self, generation: int) -> Path:
        return self._replicas / str(generation)

    def _task(self, op: str, **kw) -> dict:
        with self._lock:
            return {
                "op": op,
                "generation": self.generation,
                "replica": f"{self._replicas}{os.sep}{self.generation}",  # _replica(), without Path's cost
                "limit": self.timeout + LIMIT_GRACE,
                **kw,
            }

    def _spawn(self) -> None:
        """Start a worker and make it available once it has opened the current replica."""
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
            raise ServiceError(503, "all query workers are busy; try again shortly", RETRY_AFTER) from None
        task = self._task(op, **kw)
        with self._lock:
            self._busy[id(p)] = task["generation"]
            self.tasks += 1
        try:
            reply = p.call(task, self.timeout)
        except TimeoutError:
            self._replace(p)
            raise QueryTimeout(self.timeout) from None
        except (EOFError, OSError):
            self._replace(p)
            raise ServiceError(
                503, "the query worker stopped unexpectedly (out of memory?); try a smaller query"
            ) from None
        finally:
            with self._lock:
                self._busy.pop(id(p), None)
        self._idle.put(p)
        return _checked(reply)

    # --- work of its own ------------------------------------------------------------------
    def isolated(self, main: Callable, task: dict, timeout: float, what: str) -> dict:
        """Run one task in a fresh process (``main``, sandboxed like the workers, dying with
        the server), killed if it runs past ``timeout``: for work too slow or too risky for
        the HTTP process, such as reading an uploaded document (``server/reader.py``).
        ``what`` names the work in the errors the client gets."""
        try:
            p = _Process(self.network, main, "dxkg-reader")
        except sandbox.SandboxUnavailable as e:
            log.error("%s: process not started: network sandbox unavailable: %s", what, e)
            raise ServiceError(503, f"{what} could not be started; try again", RETRY_AFTER) from None
        try:
            return p.call({**task, "limit": timeout + LIMIT_GRACE}, timeout)
        except TimeoutError:
            raise ServiceError(
                504,
                f"{what} took longer than this service's limit of {timeout:g} s and was stopped; nothing was changed",
            ) from None
        except (EOFError, OSError):
            raise ServiceError(
                503, f"{what} stopped unexpectedly (out of memory?); nothing was changed", RETRY_AFTER
            ) from None
        finally:
            p.kill()

    # --- writes and reloads ------------------------------------------------------------
    def write(self, op: str, **kw) -> dict:
        """Apply a write in the writer; answer only what happened.

        The reply is the writer's once the write committed and its replica is published. If
        the writer runs past the time limit it is killed, or it may die: the next writer
        reads the write's commit marker, and the write is answered 200 if it committed, 504
        (time limit) or 503 if it left no trace.
        """
        if not self._write_lock.acquire(timeout=self.timeout):
            raise ServiceError(503, "the store is busy with other writes or a reload; try again", RETRY_AFTER)
        try:
            if self.store_replaced():
                raise ServiceError(
                    503, "the store was replaced on disk and is being loaded; try again in a few seconds", RETRY_AFTER
                )
            if self._writer is None or not self._writer.proc.is_alive():  # lost between writes
                self._open_writer(self._replica(self.generation + 1))
                self._publish(self.generation + 1)
            tx, nxt = uuid.uuid4().hex, self.generation + 1
            task = {"op": op, "tx": tx, "replica": str(self._replica(nxt)), "limit": self.timeout + LIMIT_GRACE, **kw}
            try:
                reply = _checked(self._call_writer(task, self.timeout))
            except (TimeoutError, EOFError, OSError) as e:
                if isinstance(e, TimeoutError):
                    self.on_restart()
                committed = self._settle(tx, nxt)
                self._publish(nxt)  # the true state, committed or not
                if committed:
                    return {}
                if isinstance(e, TimeoutError):
                    raise ServiceError(
                        504, f"the write ran longer than {self.timeout:g} s and was stopped; nothing was changed"
                    ) from None
                raise ServiceError(503, "the writer stopped unexpectedly; nothing was changed", RETRY_AFTER) from None
            self._publish(nxt)
            return reply
        finally:
            self._write_lock.release()

    def _settle(self, tx: str, nxt: int) -> bool:
        """After the writer was lost mid-write: whether that write committed (a new writer
        opens the store and looks for its marker). Raises 503 if no writer can be started:
        the outcome is then unknown, and the client is told so."""
        try:
            reply = self._open_writer(self._replica(nxt), settle=tx)
        except ServiceError:
            raise ServiceError(
                503, "the writer could not be restarted; the write may or may not have been applied", RETRY_AFTER
            ) from None
        return bool(reply.get("committed"))

    def _open_writer(self, replica: Path, *, starting: bool = False, **kw) -> dict:
        """Start a writer (dropping the old one), open the store, leave ``replica``.

        ``replica`` is the next generation's, not yet published: a writer lost while leaving
        it (killed between a write's commit and its answer) may have left part of it, and a
        checkpoint refuses a folder that exists, so it is removed first. Else the write cut
        short could not be settled: answered "may or may not have been applied" although it
        had committed, and every later write refused."""
        if self._writer is not None:
            self._drop_writer()
        shutil.rmtree(replica, ignore_errors=True)
        try:
            self._writer = _Process(self.network, writer.main, "dxkg-writer")
        except sandbox.SandboxUnavailable as e:
            log.error("writer not started: network sandbox unavailable: %s", e)
            if starting:  # the service must not start
                raise
            raise ServiceError(503, "the writer could not be started") from None
        task = {"op": "open", "target": str(self.store_dir), "replica": str(replica), "limit": OPEN_LIMIT, **kw}
        try:
            return _checked(self._call_writer(task, OPEN_LIMIT))
        except (TimeoutError, EOFError, OSError):
            raise ServiceError(503, "the store could not be opened in time") from None

    def reload(self) -> None:
        """Serve what is at the store path now: a build waiting to be adopted, or a folder put
        there by hand. Raises ``ReloadFailed`` and keeps serving the current data if it cannot.
        Writes wait while it runs, so each lands wholly before (and is carried) or after."""
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
            with generations.handing_over(wait=0):  # adopted below, while writes still wait
                result = swap()
            if self.store_replaced() or self.build_pending():
                self._reload()
            return result

    def _reload(self) -> None:
        """``reload`` with the write lock held."""
        try:
            folder = StoreFolder(self.store_dir)  # held first: the data is this or newer
        except OSError as e:
            raise ReloadFailed("there is no store folder at the store path", f"{type(e).__name__}: {e}") from None
        nxt = self.generation + 1
        task = {"op": "refresh", "replica": str(self._replica(nxt)), "limit": OPEN_LIMIT}
        try:
            reply = self._call_writer(task, OPEN_LIMIT)
        except (TimeoutError, EOFError, OSError):  # the writer was lost: a new one adopts on opening
            try:
                reply = self._open_writer(self._replica(nxt))
            except ServiceError as e:
                folder.close()
                shutil.rmtree(self._replica(nxt), ignore_errors=True)
                raise ReloadFailed(
                    "the process reading the store stopped unexpectedly", e.detail or e.message
                ) from None
        if "error" in reply:
            folder.close()
            shutil.rmtree(self._replica(nxt), ignore_errors=True)
            raise ReloadFailed("the folder at the store path is not a readable store", reply.get("detail", ""))
        if os.fstat(folder.fd).st_ino != reply["inode"]:  # the owner re-pointed the path meanwhile
            folder.close()
            folder = StoreFolder(self.store_dir)
        with self._lock:
            old, self.folder = self.folder, folder
        self._publish(nxt)
        old.close()

    def store_replaced(self) -> bool:
        """Whether another folder (or none) is now at the store path: two ``stat`` calls."""
        with self._lock:
            return not self.folder.is_at(self.store_dir)

    def build_pending(self) -> bool:
        """Whether a build is waiting to be adopted."""
        return generations.pending(self.store_dir) is not None

    def _call_writer(self, task: dict, timeout: float) -> dict:
        """Run a task in the writer; a writer that runs past ``timeout`` or dies is dropped
        (and the error raised), so that the next task starts one."""
        if self._writer is None:
            raise EOFError
        try:
            return self._writer.call(task, timeout)
        except (TimeoutError, EOFError, OSError):
            self._drop_writer()
            raise

    def _drop_writer(self) -> None:
        if self._writer is not None:
            self._writer.kill()
        self._writer = None

    def _publish(self, generation: int) -> None:
        """Make replica ``generation`` the one every worker opens before its next task, and
        remove the replicas no worker is reading."""
        with self._lock:
            self.generation = generation
            keep = {generation, *self._busy.values()}
        for folder in self._replicas.iterdir():
            if folder.name.isdigit() and int(folder.name) not in keep and int(folder.name) < generation:
                shutil.rmtree(folder, ignore_errors=True)

    def close(self) -> None:
        if self._closed:  # called by shutdown and again at exit
            return
        self._closed = True
        for p in list(self._all) + ([self._writer] if self._writer else []):
            p.kill()
        self._all.clear()
        self.folder.close()
        shutil.rmtree(self._replicas, ignore_errors=True)


def _checked(reply: dict) -> dict:
    if "error" in reply:
        raise ServiceError(reply["error"], reply["message"], detail=reply.get("detail", ""))
    return reply
