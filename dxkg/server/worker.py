"""Code that runs inside a query worker process (never in the HTTP server process).

pyoxigraph cannot interrupt a running query, so every query runs in a process the server
can kill. A worker opens, read-only, the latest *replica* the writer left (a checkpoint of the
on-disk store: ``server/writer.py``); every worker reads the same files, so their pages are
held once, in the OS page cache. When the generation in a task is newer than the replica it
has open, the worker opens the newer one first (a few milliseconds), so a query sent after a
write always sees it.

Every such process first cuts itself off from the network (``sandbox.enter``), so a
``SERVICE`` or ``LOAD`` that got past the text check cannot fetch anything.

Tasks and replies are plain dicts of str/bytes/lists (picklable; a reply's ``body`` — the
answer's bytes as the client gets them, serialized here — crosses the pipe unpickled:
``frames``); errors are replies ``{"error": status, "message": text, "detail": text}``: the
message is safe to show to a client (never a remote body, a local path or a stack); the
detail is for the server log.
"""

from __future__ import annotations

import pyoxigraph as ox

from dxkg.kg.formats import RDF_FORMATS, RESULT_FORMATS, serialised
from dxkg.server import frames, lifeline, rowcap, sandbox


def error(status: int, message, detail: str = "") -> dict:
    return {"error": status, "message": str(message).strip() or "error", "detail": detail}


REMOTE_DISABLED = "SERVICE/LOAD: remote access is disabled on this server"


def failed(what: str, e: Exception) -> dict:
    """The reply for an error raised while evaluating: generic for the client, whole for the log.

    pyoxigraph's messages can hold what a remote server answered (``… returned by http://…
    with payload: …``) or local paths, so they never reach the client.
    """
    detail = f"{what}: {type(e).__name__}: {e}"
    if sandbox.denied(e):
        return error(403, REMOTE_DISABLED, detail)
    if isinstance(e, OSError):
        return error(
            502, f"{what} failed: a remote source could not be read; the details are in the server log", detail
        )
    return error(400, f"{what} failed; the details are in the server log", detail)


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
        return error(400, f"SPARQL syntax error: {e}")
    try:
        if isinstance(results, ox.QueryTriples):
            if task["rdf_format"] is None:
                return error(406, "a CONSTRUCT/DESCRIBE result cannot be given in the requested media type")
            fmt = task["rdf_format"]
            body, truncated = _capped(results, RDF_FORMATS[fmt], task.get("max_triples"))
            return {"kind": "graph", "format": fmt, "body": body, "truncated": truncated}
        fmt = task["results_format"]
        if fmt is None:
            return error(406, "a SELECT/ASK result cannot be given in the requested media type")
        if isinstance(results, ox.QueryBoolean):
            return {"kind": "boolean", "format": fmt, "body": results.serialize(format=RESULT_FORMATS[fmt])}
        rows, more = rowcap.serialize(results, fmt, task["max_rows"])
        return {"kind": "solutions", "format": fmt, "body": rows, "truncated": more}
    except (OSError, ValueError, RuntimeError) as e:
        return failed("query evaluation", e)


def run_dump(store: ox.Store, task: dict) -> dict:
    graph = _graph(task["graph"])
    if task["graph"] and not store.contains_named_graph(graph):
        return error(404, f"no graph <{task['graph']}> in this store")
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


_READS = {"query": run_query, "dump": run_dump, "stats": run_stats}


def main(conn, parent_pid: int, network: str) -> None:
    """Serve tasks from ``conn`` until the pipe closes or the server ends; ``network`` is a
    ``sandbox`` policy. The sandbox comes first: it needs a process with one thread."""
    sandbox.enter(network, conn.send)  # before any task: no network unless allowed
    lifeline.bind_to_parent(parent_pid)
    store, generation = ox.Store(), None  # replaced by the replica of the first task
    fd = conn.fileno()
    while True:
        try:
            task = frames.read(fd)
        except (EOFError, OSError):
            return
        if task["generation"] != generation:
            try:
                store = ox.Store.read_only(task["replica"])
            except OSError:
                frames.write(fd, error(503, "the worker could not load the current data; try again"))
                continue
            generation = task["generation"]
        if task["op"] not in _READS:
            frames.write(fd, {"loaded": True})
            continue
        with lifeline.time_limit(task.get("limit")):
            reply = _READS[task["op"]](store, task)
        frames.write(fd, reply)
