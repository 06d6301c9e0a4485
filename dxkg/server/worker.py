"""Code that runs inside a worker process (never in the HTTP server process).

pyoxigraph cannot interrupt a running query, so every query runs in a process the server
can kill. Query workers hold an in-memory copy of the store, loaded from an N-Quads
snapshot (in-memory pyoxigraph is several times faster than on-disk on heavy queries);
when the snapshot generation in a task is newer than the loaded one, the worker reloads
first, so a query sent after an update always sees it. The writer process opens the
on-disk store read-write only for the duration of one write, then writes a new snapshot; it
also snapshots a store rebuilt on disk (read-only), so that a store that crashes or hangs
pyoxigraph cannot take the HTTP server down with it.

Every such process first cuts itself off from the network (``sandbox.enter``), so a
``SERVICE`` or ``LOAD`` that got past the text check cannot fetch anything.

Tasks and replies are plain dicts of str/bytes/lists (picklable); errors are replies
``{"error": status, "message": text, "detail": text}``: the message is safe to show to a
client (never a remote body, a local path or a stack); the detail is for the server log.
"""

from __future__ import annotations

import gc

import pyoxigraph as ox

from dxkg.kg.formats import RDF_FORMATS, RESULT_FORMATS, serialised
from dxkg.server import lifeline, sandbox


class _Enough(Exception):
    """Raised by ``_RowCap`` to stop pyoxigraph serializing once enough rows are written."""


class _RowCap:
    """A binary sink that keeps the first ``rows`` TSV lines (header + rows) and then stops.

    TSV writes exactly one line per solution (newlines in literals are escaped), so counting
    newlines counts rows without Python work per row.
    """

    def __init__(self, rows: int):
        self.left = rows + 1  # + the header line
        self.parts: list[bytes] = []
        self.truncated = False

    def write(self, chunk) -> int:
        chunk = bytes(chunk)
        if self.left == 0:
            self.truncated = bool(chunk)
            raise _Enough
        n = chunk.count(b"\n")
        if n < self.left:
            self.left -= n
            self.parts.append(chunk)
            return len(chunk)
        cut = -1
        for _ in range(self.left):
            cut = chunk.index(b"\n", cut + 1)
        self.parts.append(chunk[: cut + 1])
        self.left = 0
        if len(chunk) > cut + 1:  # another row had begun: there are more than max_rows
            self.truncated = True
            raise _Enough
        return len(chunk)

    def flush(self) -> None:
        pass


def _error(status: int, message, detail: str = "") -> dict:
    return {"error": status, "message": str(message).strip() or "error", "detail": detail}


REMOTE_DISABLED = "SERVICE/LOAD: remote access is disabled on this server"


def _failed(what: str, e: Exception) -> dict:
    """The reply for an error raised while evaluating: generic for the client, whole for the log.

    pyoxigraph's messages can hold what a remote server answered (``… returned by http://…
    with payload: …``) or local paths, so they never reach the client.
    """
    detail = f"{what}: {type(e).__name__}: {e}"
    if sandbox.denied(e):
        return _error(403, REMOTE_DISABLED, detail)
    if isinstance(e, OSError):
        return _error(
            502, f"{what} failed: a remote source could not be read; the details are in the server log", detail
        )
    return _error(400, f"{what} failed; the details are in the server log", detail)


def _graph(iri: str | None):
    return ox.NamedNode(iri) if iri else ox.DefaultGraph()


# --- query workers ---------------------------------------------------------------------
def run_query(store: ox.Store, task: dict) -> dict:
    kw = {"use_default_graph_as_union": task["union"], "base_iri": task.get("base_iri")}
    if task.get("default_graphs") is not None:
        kw["default_graph"] = [ox.NamedNode(g) for g in task["default_graphs"]]
    if task.get("named_graphs") is not None:
        kw["named_graphs"] = [ox.NamedNode(g) for g in task["named_graphs"]]
    try:
        results = store.query(task["query"], **kw)
    except SyntaxError as e:
        return _error(400, f"SPARQL syntax error: {e}")
    try:
        if isinstance(results, ox.QueryTriples):
            if task["rdf_format"] is None:
                return _error(406, "a CONSTRUCT/DESCRIBE result cannot be given in the requested media type")
            fmt = task["rdf_format"]
            body, truncated = _capped(results, RDF_FORMATS[fmt], task.get("max_triples"))
            return {"kind": "graph", "format": fmt, "body": body, "truncated": truncated}
        fmt = task["results_format"]
        if fmt is None:
            return _error(406, "a SELECT/ASK result cannot be given in the requested media type")
        if isinstance(results, ox.QueryBoolean):
            return {"kind": "boolean", "format": fmt, "body": results.serialize(format=RESULT_FORMATS[fmt])}
        return _solutions(results, fmt, task["max_rows"])
    except (OSError, ValueError, RuntimeError) as e:
        return _failed("query evaluation", e)


def _solutions(results: ox.QuerySolutions, fmt: str, max_rows: int) -> dict:
    """Serialize at most ``max_rows`` solutions natively: TSV with a row cap, then re-encode."""
    sink = _RowCap(max_rows)
    try:
        results.serialize(sink, format=ox.QueryResultsFormat.TSV)  # type: ignore[arg-type]  # a binary sink
    except _Enough:
        pass
    tsv = b"".join(sink.parts)
    if fmt == "tsv":
        body = tsv
    else:
        body = serialised(ox.parse_query_results(tsv, ox.QueryResultsFormat.TSV).serialize(format=RESULT_FORMATS[fmt]))
    return {"kind": "solutions", "format": fmt, "body": body, "truncated": sink.truncated}


def run_dump(store: ox.Store, task: dict) -> dict:
    graph = _graph(task["graph"])
    if task["graph"] and not store.contains_named_graph(graph):
        return _error(404, f"no graph <{task['graph']}> in this store")
    triples = (q.triple for q in store.quads_for_pattern(None, None, None, graph))
    body, truncated = _capped(triples, RDF_FORMATS[task["format"]], task.get("max_triples"))
    return {"body": body, "truncated": truncated}


def _capped(triples, fmt: ox.RdfFormat, cap: int | None) -> tuple[bytes, bool]:
    """Serialize at most ``cap`` of ``triples`` (all when ``None``); and whether there were more."""
    more = []

    def first():
        for i, triple in enumerate(triples):
            if i == cap:
                more.append(True)
                return
            yield triple

    return serialised(ox.serialize(first(), format=fmt)), bool(more)


def run_stats(store: ox.Store, task: dict) -> dict:
    return {
        "triples": len(store),
        "graphs": sorted(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode)),
    }


# --- the writer -------------------------------------------------------------------------
def dump_store(store_dir: str, snapshot: str) -> None:
    """Open the on-disk store read-only and write all of it to ``snapshot`` as N-Quads."""
    store = ox.Store.read_only(store_dir)
    store.dump(snapshot, format=ox.RdfFormat.N_QUADS)


def run_snapshot(task: dict) -> dict:
    """Snapshot the store now at ``task['store_dir']``; the error says why it is unreadable."""
    try:
        dump_store(task["store_dir"], task["snapshot"])
    except (OSError, RuntimeError, ValueError) as e:  # missing, corrupt, not a store
        return _error(503, "the folder is not a readable store", f"{type(e).__name__}: {e}")
    return {}


def run_write(task: dict) -> dict:
    """Apply one write to the on-disk store, then dump it to ``task['snapshot']``."""
    try:
        store = ox.Store(task["store_dir"])
    except OSError as e:
        return _error(
            503,
            f"the store cannot be opened for writing ({type(e).__name__}); is another process writing it?",
            f"{type(e).__name__}: {e}",
        )
    try:
        reply = _WRITES[task["op"]](store, task)
        if "error" not in reply:
            store.flush()
            store.dump(task["snapshot"], format=ox.RdfFormat.N_QUADS)
        return reply
    finally:
        del store
        gc.collect()


def _update(store: ox.Store, task: dict) -> dict:
    try:
        store.update(task["update"], base_iri=task.get("base_iri"))
    except SyntaxError as e:
        return _error(400, f"SPARQL Update syntax error: {e}")
    except (OSError, ValueError, RuntimeError) as e:
        return _failed("update", e)
    return {}


def _parse(task: dict) -> list[ox.Quad] | dict:
    """All quads of the request's RDF parts (``(media type, bytes)``), put in the target graph."""
    graph = _graph(task["graph"])
    quads = []
    for media_type, body in task["parts"]:
        fmt = ox.RdfFormat.from_media_type(media_type or "")
        if fmt is None:
            return _error(
                415,
                f"cannot read RDF sent as {media_type or 'no Content-Type'!r}; "
                "send Turtle, N-Triples, RDF/XML, JSON-LD, N-Quads or TriG",
            )
        try:
            for q in ox.parse(body, fmt, base_iri=task["base_iri"]):
                quads.append(ox.Quad(q.subject, q.predicate, q.object, graph))
        except (SyntaxError, ValueError) as e:
            return _error(400, f"the request body is not valid {fmt.name}: {e}")
    return quads


def _put(store: ox.Store, task: dict) -> dict:
    quads = _parse(task)
    if isinstance(quads, dict):
        return quads
    graph = _graph(task["graph"])
    existed = task["graph"] is None or store.contains_named_graph(graph)
    if existed:
        store.remove_graph(graph)
    store.extend(quads)
    if task["graph"]:
        store.add_graph(graph)
    return {"created": not existed}


def _post(store: ox.Store, task: dict) -> dict:
    quads = _parse(task)
    if isinstance(quads, dict):
        return quads
    graph = _graph(task["graph"])
    existed = task["graph"] is None or store.contains_named_graph(graph)
    store.extend(quads)
    if task["graph"]:
        store.add_graph(graph)
    return {"created": not existed}


def _delete(store: ox.Store, task: dict) -> dict:
    graph = _graph(task["graph"])
    if task["graph"] and not store.contains_named_graph(graph):
        return _error(404, f"no graph <{task['graph']}> in this store")
    store.remove_graph(graph)
    return {}


_WRITES = {"update": _update, "put": _put, "post": _post, "delete": _delete}
_READS = {"query": run_query, "dump": run_dump, "stats": run_stats}
_WRITER_TASKS = {"snapshot": run_snapshot, **dict.fromkeys(_WRITES, run_write)}


def main(conn, parent_pid: int, network: str) -> None:
    """Serve tasks from ``conn`` until the pipe closes or the server ends; ``network`` is a
    ``sandbox`` policy. The sandbox comes first: it needs a process with one thread."""
    sandbox.enter(network, conn.send)  # before any task: no network unless allowed
    lifeline.bind_to_parent(parent_pid)
    store, generation = ox.Store(), None  # replaced by the snapshot of the first task
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        if task["op"] in _WRITER_TASKS:
            conn.send(_WRITER_TASKS[task["op"]](task))
            continue
        if task["generation"] != generation:
            try:
                store = ox.Store()
                store.bulk_load(path=task["snapshot"], format=ox.RdfFormat.N_QUADS)
            except (OSError, SyntaxError):
                conn.send(_error(503, "the worker could not load the current data; try again"))
                continue
            generation = task["generation"]
        if task["op"] not in _READS:
            conn.send({"loaded": True})
            continue
        with lifeline.time_limit(task.get("limit")):
            reply = _READS[task["op"]](store, task)
        conn.send(reply)
