"""The writer process: the one owner of the on-disk store (never runs in the HTTP server process).

It holds the store open read-write for its whole life, and the owner lock of the store path
(``kg.generations``), so a ``dxkg build`` of the same path hands its result here to be adopted
instead of swapping it in underneath. After every change it leaves a *replica*: a RocksDB
checkpoint (``Store.backup``: hard links to the immutable table files plus the small live log)
that the query workers open read-only — their pages are shared through the OS page cache.

**Honest outcomes.** Each write runs as one SPARQL Update request, so as one transaction, with
a commit marker (a quad naming the write's id) added by the same request: after the writer is
killed (time limit) or dies, the next writer looks for the marker. Present: the write committed
and is answered 200; absent: it left no trace (pyoxigraph commits a transaction as one atomic
RocksDB batch, so a write cut short leaves nothing). Before the marker is removed (right after
the commit), the write's id is recorded in ``.NAME.d/last-commit``, so a writer lost after that
still counts as committed; markers left by a crash are removed at start.

Tasks and replies are plain picklable dicts; errors are ``{"error": status, "message": text}``.
"""

from __future__ import annotations

import gc
import os
from pathlib import Path

import pyoxigraph as ox

from dxkg.kg import generations
from dxkg.kg.derived import INPUT_NAMES, refresh_derived
from dxkg.kg.store import EmbeddedStore
from dxkg.server import frames, lifeline, sandbox, sparql_text
from dxkg.server.worker import error, failed

COMMITS = "urn:dxkg:write-commits"  # the graph commit markers live in, for an instant
OWNER_WAIT = 60.0  # seconds to wait for a build adopting its own output to finish


def _marker(tx: str) -> str:
    return f'GRAPH <{COMMITS}> {{ <{COMMITS}> <{COMMITS}#write> "{tx}" }}'


class Owner:
    """The store opened read-write, the owner lock, and the replicas left for the workers."""

    def __init__(self, target: Path):
        self.target = target
        self.lock = generations.Lock.take(target, "owner.lock", wait=OWNER_WAIT)
        if self.lock is None:
            raise OSError("another process owns this store (another dxkg serve?)")
        generations.adopt(target)  # a build that was waiting for a service that died
        self.folder = generations.own(target)
        self.store = ox.Store(str(self.folder))
        if generations.built_graphs(self.folder) is None:  # from before generations: all is built
            generations.record_built(self.folder, generations.graphs_of(self.store))

    def committed(self, tx: str) -> bool:
        """Whether write ``tx`` committed: its marker is in the store (the process stopped before
        removing it) or was recorded as the last commit (it stopped after)."""
        if bool(self.store.query(f"ASK {{ {_marker(tx)} }}")):
            return True
        try:
            return (generations.meta_dir(self.target) / "last-commit").read_text() == tx
        except OSError:
            return False

    def record_commit(self, tx: str) -> None:
        """Remember ``tx`` as the last write committed, before its marker is removed."""
        path = generations.meta_dir(self.target) / "last-commit"
        tmp = path.with_name("last-commit.tmp")
        tmp.write_text(tx)
        os.replace(tmp, path)

    def clear_markers(self) -> None:
        self.store.update(f"DROP SILENT GRAPH <{COMMITS}>")

    def checkpoint(self, replica: str) -> None:
        self.store.backup(replica)

    def refresh(self) -> None:
        """Serve what is at the store path now: a pending build (adopted), or another folder."""
        prepared = generations.prepare(self.target, self.store)
        if prepared is not None:
            new, folder = prepared
            self._close()  # before the path moves (see generations.prepare)
            retired = generations.finish(self.target, folder)
            self.store, self.folder = new, folder
            if retired is not None:
                generations.remove_generation(retired)
            return
        if generations.current(self.target) != self.folder:  # a folder put there by hand
            folder = generations.own(self.target)  # OSError if it is not a store: the old one stays
            new = ox.Store(str(folder))
            if generations.built_graphs(folder) is None:
                generations.record_built(folder, generations.graphs_of(new))
            self._close()
            self.store, self.folder = new, folder

    def _close(self) -> None:
        del self.store  # the caller sets the next one
        gc.collect()


# --- tasks ----------------------------------------------------------------------------------
def run_open(owner: Owner | None, task: dict) -> tuple[Owner | None, dict]:
    """Open the store (adopting a pending build), settle a write cut short, leave a replica."""
    try:
        owner = owner or Owner(Path(task["target"]))
        reply = {}
        if task.get("settle"):
            reply["committed"] = owner.committed(task["settle"])
        owner.clear_markers()
        owner.checkpoint(task["replica"])
    except (OSError, RuntimeError, ValueError) as e:  # missing, corrupt, not a store, locked
        return None, error(503, "the store could not be opened", f"{type(e).__name__}: {e}")
    return owner, {**reply, "inode": owner.folder.stat().st_ino}


def run_refresh(owner: Owner, task: dict) -> dict:
    try:
        owner.refresh()
        owner.checkpoint(task["replica"])
    except (OSError, RuntimeError, ValueError) as e:
        return error(503, "the folder is not a readable store", f"{type(e).__name__}: {e}")
    return {"inode": owner.folder.stat().st_ino}


def run_write(owner: Owner, task: dict) -> dict:
    """Apply one write (with its commit marker) as one transaction, then leave a replica."""
    request = _request(owner.store, task)
    if isinstance(request, dict):
        return request
    text, reply = request
    marker = f"INSERT DATA {{ {_marker(task['tx'])} }}"
    base = task.get("base_iri")
    try:
        try:
            owner.store.update(f"{text}\n;\n{marker}", base_iri=base)
        except SyntaxError:  # the text may end with ';' already
            owner.store.update(f"{text}\n{marker}", base_iri=base)
    except SyntaxError:
        return error(400, f"SPARQL Update syntax error: {_syntax_error(text, base)}")
    except (OSError, ValueError, RuntimeError) as e:
        return failed("update", e)
    owner.record_commit(task["tx"])
    if _may_touch_derived_inputs(text):
        refresh_derived(EmbeddedStore(store=owner.store))
    owner.store.update(f"DELETE DATA {{ {_marker(task['tx'])} }}")
    owner.checkpoint(task["replica"])
    return reply


# operations that can add or remove triples without naming their predicate
_WHOLESALE = ("WHERE", "DROP", "CLEAR", "LOAD", "ADD", "MOVE", "COPY")


def _may_touch_derived_inputs(text: str) -> bool:
    """Whether a write may change what the derived graph is computed from, so that the
    closures answering impact and legal-basis questions never lag behind a 200.

    Only a data block (INSERT DATA / DELETE DATA) that names none of the input relations is
    known not to; escapes (``\\u``) could spell a relation's name, so they count as naming it.
    Refreshing is whole-graph, so skipping it for the common small annotation matters.
    """
    if "\\u" in text or "\\U" in text or any(name in text for name in INPUT_NAMES):
        return True
    try:
        return any(sparql_text.has_keyword(text, word) for word in _WHOLESALE)
    except sparql_text.SparqlTextError:
        return True


def _syntax_error(text: str, base: str | None) -> str:
    """The error of the request as the client sent it (positions without the marker)."""
    try:
        ox.Store().update(text, base_iri=base)
    except SyntaxError as e:
        return str(e)
    except (OSError, ValueError, RuntimeError):
        pass
    return "the request is not a SPARQL Update"


def _request(store: ox.Store, task: dict) -> tuple[str, dict] | dict:
    """The SPARQL Update text of a write, and its reply; or an error reply."""
    if task["op"] == "update":
        return task["update"], {}
    g = task["graph"]
    target = f"GRAPH <{g}>" if g else "DEFAULT"
    existed = g is None or store.contains_named_graph(ox.NamedNode(g))
    if task["op"] == "delete":
        if not existed:
            return error(404, f"no graph <{g}> in this store")
        return f"DROP {target}", {}
    quads = _parse(task)
    if isinstance(quads, dict):
        return quads
    body = " ".join(f"{q.subject} {q.predicate} {q.object} ." for q in quads)
    ops = [f"DROP SILENT {target}"] if task["op"] == "put" else []
    if g:
        ops.append(f"CREATE SILENT GRAPH <{g}>")
    ops.append(f"INSERT DATA {{ GRAPH <{g}> {{ {body} }} }}" if g else f"INSERT DATA {{ {body} }}")
    return " ;\n".join(ops), {"created": not existed}


def _parse(task: dict) -> list[ox.Quad] | dict:
    """All triples of the request's RDF parts (``(media type, bytes)``)."""
    quads: list[ox.Quad] = []
    for media_type, body in task["parts"]:
        fmt = ox.RdfFormat.from_media_type(media_type or "")
        if fmt is None:
            return error(
                415,
                f"cannot read RDF sent as {media_type or 'no Content-Type'!r}; "
                "send Turtle, N-Triples, RDF/XML, JSON-LD, N-Quads or TriG",
            )
        try:
            quads.extend(ox.parse(body, fmt, base_iri=task["base_iri"]))
        except (SyntaxError, ValueError) as e:
            return error(400, f"the request body is not valid {fmt.name}: {e}")
    return quads


def main(conn, parent_pid: int, network: str) -> None:
    """Serve tasks from ``conn`` until the pipe closes or the server ends; ``network`` is a
    ``sandbox`` policy. The sandbox comes first: it needs a process with one thread."""
    sandbox.enter(network, conn.send)  # before any task: no network unless allowed
    lifeline.bind_to_parent(parent_pid)
    owner = None
    while True:
        try:
            task = frames.read(conn.fileno())
        except (EOFError, OSError):
            return
        with lifeline.time_limit(task.get("limit")):
            if task["op"] == "open":
                owner, reply = run_open(owner, task)
            elif owner is None:
                reply = error(503, "the store is not open")
            elif task["op"] == "refresh":
                reply = run_refresh(owner, task)
            else:
                reply = run_write(owner, task)
        frames.write(conn.fileno(), reply)
