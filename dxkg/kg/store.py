"""The store interface used by build, query, validate and serve.

``EmbeddedStore`` wraps pyoxigraph on disk (the default, no server). A remote SPARQL 1.1
store implements the same methods (see ``dxkg/kg/remote.py``). Every method speaks plain
SPARQL / N-Quads so that the callers do not care which one they hold.

Building is "aside, then swap": ``build_aside(dir)`` yields a fresh store in a sibling
folder; only when the caller's block finishes without error is it swapped in at ``dir``
(``kg.generations``), so a failed build leaves the store that was being served intact.
"""

from __future__ import annotations

import contextlib
import glob
import itertools
import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox

from dxkg.kg import generations
from dxkg.kg.formats import RDF_FORMATS, RESULT_FORMATS, TRIPLE_FORMATS, serialised
from dxkg.kg.namespaces import PREFIXES

TRANSACTION_QUADS = 20_000  # quads per transaction when loading: bounds its memory


def solutions(res: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples) -> ox.QuerySolutions:
    """The rows of a SELECT's results (pyoxigraph's ``query`` returns one of three kinds)."""
    if not isinstance(res, ox.QuerySolutions):
        raise TypeError(f"expected SELECT results, got {type(res).__name__}")
    return res


def triples(res: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples) -> ox.QueryTriples:
    """The triples of a CONSTRUCT's or DESCRIBE's results."""
    if not isinstance(res, ox.QueryTriples):
        raise TypeError(f"expected CONSTRUCT results, got {type(res).__name__}")
    return res


class StoreError(Exception):
    """A store could not be opened, read or written; the message says which and why."""


class EmbeddedStore:
    """pyoxigraph store on disk (``path``) or in memory (``path=None``)."""

    def __init__(
        self, path: str | os.PathLike | None = None, *, read_only: bool = False, store: ox.Store | None = None
    ):
        self.path = Path(path) if path else None
        if store is not None:
            self._store = store
            return
        try:
            if path and read_only:
                if not Path(path).is_dir():
                    raise StoreError(f"no store at {path}: run 'dxkg build … --store {path}' first")
                self._store = ox.Store.read_only(str(path))
            else:
                self._store = ox.Store(str(path)) if path else ox.Store()
        except OSError as e:
            raise StoreError(f"cannot open store at {path}: {e}") from e

    @property
    def raw(self) -> ox.Store:
        """The pyoxigraph store, for callers that need native speed (server, bench)."""
        return self._store

    # --- reading -------------------------------------------------------------
    def query(self, sparql: str, *, union: bool = True):
        """Run a query; returns pyoxigraph results (solutions, boolean, or triples)."""
        return self._store.query(sparql, use_default_graph_as_union=union)

    def select(self, sparql: str, *, union: bool = True) -> dict:
        """SELECT/ASK as a SPARQL 1.1 Query Results JSON document (a dict)."""
        res = self.query(sparql, union=union)
        return json.loads(res.serialize(format=ox.QueryResultsFormat.JSON))

    def select_bytes(self, sparql: str, fmt: str = "json", *, union: bool = True) -> bytes:
        res = self.query(sparql, union=union)
        if isinstance(res, ox.QueryTriples):
            return serialised(res.serialize(format=RDF_FORMATS[fmt] if fmt in RDF_FORMATS else ox.RdfFormat.TURTLE))
        return serialised(res.serialize(format=RESULT_FORMATS[fmt]))

    def named_graphs(self) -> list[str]:
        return sorted(g.value for g in self._store.named_graphs())

    def __len__(self) -> int:
        return len(self._store)

    def dump(self, fmt: str, graph: str | None = None) -> bytes:
        if graph:
            prefixes = PREFIXES if fmt == "trig" else None
            return serialised(
                self._store.dump(format=RDF_FORMATS[fmt], from_graph=ox.NamedNode(graph), prefixes=prefixes)
            )
        if fmt in TRIPLE_FORMATS:  # triple formats hold one graph: export the union of all graphs
            return self._union_dump(fmt)
        return serialised(self._store.dump(format=RDF_FORMATS[fmt], prefixes=PREFIXES if fmt == "trig" else None))

    def _union_dump(self, fmt: str) -> bytes:
        res = self.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
        mem = ox.Store()
        mem.extend(ox.Quad(t.subject, t.predicate, t.object) for t in res)
        return serialised(mem.dump(format=RDF_FORMATS[fmt], from_graph=ox.DefaultGraph(), prefixes=PREFIXES))

    # --- writing -------------------------------------------------------------
    def replace_graph(self, graph: str, nquads_or_quads) -> None:
        """Replace one named graph with the given quads (their graph is overridden)."""
        self.drop_graph(graph)
        self.load(nquads_or_quads, graph=graph)

    def load(self, data, *, graph: str | None = None, fmt: str = "nquads") -> None:
        """Add data: bytes/str in ``fmt`` or an iterable of pyoxigraph quads.

        Quads go in as ordinary transactions of ``TRANSACTION_QUADS``: right for additions to
        a store (a document's graph, a replaced graph), which are flushed and compacted into
        the store's few large table files. The bulk loader instead writes files of its own
        per call that compaction does not merge, and every process opening the store reads
        every file — each query worker reopens the writer's checkpoint after each write — so
        a store loaded graph by graph that way made writes slower with every graph (2,550
        files at size L). A build filling a fresh store uses ``bulk_load`` in large pieces
        and ``optimize`` once at the end. Text is bulk-loaded: it comes in large single calls.
        """
        to = ox.NamedNode(graph) if graph else None
        if isinstance(data, (bytes, str)):
            self._store.bulk_load(data, format=RDF_FORMATS[fmt], to_graph=to)
            return
        quads = iter(data if to is None else (ox.Quad(q.subject, q.predicate, q.object, to) for q in data))
        while chunk := list(itertools.islice(quads, TRANSACTION_QUADS)):
            self._store.extend(chunk)

    def bulk_extend(self, quads) -> None:
        """Add pyoxigraph quads through the bulk loader, in pieces (see ``bulk_load``)."""
        self._store.bulk_extend(quads)

    def bulk_load(self, nquads: bytes) -> None:
        """Add N-Quads text through the bulk loader, for a build filling a fresh store in
        pieces: transactions (``load``) kept the store's write buffers until the end (2 GB for
        10 MB of plan text) and took half again the CPU time. Each call writes table files of
        its own below the levels compaction merges; ``optimize`` once everything is in merges
        what it can (about two files per call remain, against one per index per call). Pieces
        of a few MB: each call also has a fixed cost (2 MB pieces took twice the CPU time of
        10 MB ones)."""
        self._store.bulk_load(nquads, format=ox.RdfFormat.N_QUADS)

    def optimize(self) -> None:
        """Compact the store's table files, after a bulk load."""
        self._store.optimize()

    def drop_graph(self, graph: str) -> None:
        g = ox.NamedNode(graph)
        if self._store.contains_named_graph(g):
            self._store.remove_graph(g)

    def update(self, sparql_update: str) -> None:
        self._store.update(sparql_update)

    def flush(self) -> None:
        self._store.flush()

    def close(self) -> None:
        """Release the on-disk lock (pyoxigraph closes when the object is dropped)."""
        with contextlib.suppress(Exception):
            self._store.flush()
        self.__dict__.pop("_store", None)  # dropping the object closes it


@contextlib.contextmanager
def build_aside(
    target: str | os.PathLike, report=None, wait: float = 60.0, *, written: frozenset[str] = frozenset()
) -> Iterator[EmbeddedStore]:
    """Yield a fresh store beside ``target``; only if the block succeeds is it served there.

    The finished store becomes a generation of ``target`` (``kg.generations``): handed to the
    service that owns the store, if one runs (it carries the graphs written through it into
    the new store and re-points the path), or adopted here. ``report`` is told if the service
    has not taken it within ``wait`` seconds. Every graph of the new store counts as built
    except ``written``: graphs the block copied from the old store that no build produced
    (``dxkg add`` copies them), which a later full build must carry, not drop.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_folders(target.parent, f".{target.name}.building")
    remove_stale_folders(target.parent, f".{target.name}.old")
    tmp = target.with_name(f".{target.name}.building-{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    store = EmbeddedStore(tmp)
    try:
        yield store
        built = generations.graphs_of(store.raw) - written
        store.close()
        generations.settle(tmp)
    except BaseException:
        store.close()
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    generations.remove_stale_generations(target)
    if not generations.publish(target, tmp, built, wait=generations.hand_over_wait(wait)) and report:
        report(f"the service serving {target} has not taken the new store yet; it will when it can")


def remove_stale_folders(parent: Path, prefix: str) -> list[Path]:
    """Remove the ``PREFIX-PID`` folders in ``parent`` whose process is gone (killed builds,
    services): returns what was removed."""
    removed = []
    for folder in parent.glob(f"{glob.escape(prefix)}-*"):
        pid = folder.name.rpartition("-")[2]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    return True
