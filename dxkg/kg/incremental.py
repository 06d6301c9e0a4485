"""``dxkg add`` / ``dxkg remove``: change one document's graph without reading the others again.

Reading is the slow part of a build (seconds per scanned page), and every document's facts
live in its own named graph, so adding or replacing a document only reads that document:
its graph is built and replaces the graph of the same file name, and the descriptions of
the shared things it names (legal documents, agencies, systems) are added to the shared
graph, where IRIs are the same as in a full build (they are made from symbols, names and
provinces, not from the set of documents). Removing a document drops its graph, and from the
shared graph the things no remaining document names any more. As for ``build``, the new
store is prepared beside the old one, validated, and swapped in whole (``dxkg serve`` picks it
up like a rebuild); the other documents' graphs are copied, not rebuilt.
"""

from __future__ import annotations

import itertools
import os
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from dxkg.kg import generations, iris
from dxkg.kg.build import Builder
from dxkg.kg.derived import refresh_derived
from dxkg.kg.namespaces import DERIVED_GRAPH, DX, ONTOLOGY_GRAPH, REPORT_GRAPH, SHARED_GRAPH
from dxkg.kg.pipeline import (
    EXIT_FAIL,
    EXIT_OK,
    EXIT_SKIPPED,
    EXIT_VIOLATIONS,
    LOAD_CHUNK,
    _validate,
    incomplete,
    parse_all,
)
from dxkg.kg.store import EmbeddedStore, build_aside, solutions
from dxkg.loaders.document import DOCUMENT_SUFFIXES

# the file name endings a document can be added with (the readers'), for callers above kg
ADDABLE_SUFFIXES = frozenset(DOCUMENT_SUFFIXES)

# shared nodes that stay whatever the documents: the nation, provinces and their mergers
_KEPT_TYPES = (DX + "Nation", DX + "Province", DX + "AdministrativeChange")


@dataclass
class Reading:
    """What reading documents gave, ready to go into a store (picklable: ``/upload`` reads in
    a sandboxed process of its own and hands this back)."""

    graphs: dict  # graph IRI → list of quads
    replaced: set  # the graphs of the files read (replaced whole)
    documents: int
    skipped: bool  # some part could not be read
    lost: int  # tables or totals lost, readers failed


def read_documents(paths, *, report=print) -> Reading | None:
    """Read ``paths`` and build their graphs (the slow, untrusted part: no store is touched);
    None if no document could be read."""
    docs, skipped = parse_all(paths, report)
    for f, line, why in skipped:
        report(f"skipped {f}:{line}: {why}")
    lost = incomplete(docs, report)
    if not docs:
        report("nothing to add: no document could be read")
        return None
    return Reading(
        graphs=Builder().build(docs).graphs,
        replaced={iris.graph(Path(d.file).stem) for d in docs},
        documents=len(docs),
        skipped=bool(skipped),
        lost=len(lost),
    )


def add_documents(paths, store_dir, *, strict=False, validate=True, report=print) -> int:
    """Read ``paths`` and put their graphs into the store at ``store_dir`` (replacing the
    graphs of files with the same name), leaving every other document's graph as it is."""
    if not Path(store_dir).exists():
        report(f"no store at {store_dir}: build one first (dxkg build)")
        return EXIT_FAIL
    reading = read_documents(paths, report=report)
    if reading is None:
        return EXIT_FAIL
    return add_read(reading, store_dir, strict=strict, validate=validate, report=report)


def add_read(reading: Reading, store_dir, *, strict=False, validate=True, report=print) -> int:
    """Put what ``read_documents`` gave into the store at ``store_dir`` (built aside, swapped in)."""
    if not Path(store_dir).exists():
        report(f"no store at {store_dir}: build one first (dxkg build)")
        return EXIT_FAIL
    touched = _named_in(store_dir, reading.replaced)
    written = _written(store_dir) - reading.replaced
    try:
        with build_aside(store_dir, written=frozenset(written)) as store:
            kept = _copy(store_dir, store, skip=reading.replaced)
            for graph, quads in reading.graphs.items():
                if graph == SHARED_GRAPH:
                    store.load(quads, graph=graph)  # a set: descriptions already there are not doubled
                else:
                    store.replace_graph(graph, quads)
            _prune_shared(store, touched)
            refresh_derived(store)  # closures follow the documents now in the store
            store.optimize()  # the copy's bulk files compacted (see _copy)
            violations = _validate(store, store, validate, report)
            if strict and (violations or reading.lost):
                report(
                    f"--strict: {violations} violations, {reading.lost} lost tables or totals (or failed readers), "
                    "the store was left unchanged"
                )
                raise _Refused()
    except _Refused:
        return EXIT_VIOLATIONS
    report(f"added {reading.documents} documents to {store_dir} ({kept} other document graphs kept as they were)")
    return EXIT_SKIPPED if reading.skipped or reading.lost else EXIT_OK


def remove_documents(names, store_dir, *, validate=True, report=print) -> int:
    """Drop the graphs of the documents named (file names or paths) from the store."""
    if not Path(store_dir).exists():
        report(f"no store at {store_dir}")
        return EXIT_FAIL
    graphs = {iris.graph(Path(n).stem): n for n in names}
    current = EmbeddedStore(store_dir, read_only=True)
    present = set(current.named_graphs())
    current.close()
    missing = [name for graph, name in graphs.items() if graph not in present]
    for name in missing:
        report(f"skipped {name}: no document of that name in {store_dir}")
    if len(missing) == len(graphs):
        return EXIT_FAIL
    touched = _named_in(store_dir, set(graphs))
    written = _written(store_dir) - set(graphs)
    with build_aside(store_dir, written=frozenset(written)) as store:
        kept = _copy(store_dir, store, skip=set(graphs))
        dropped = _prune_shared(store, touched)
        refresh_derived(store)
        store.optimize()
        _validate(store, store, validate, report)
    report(
        f"removed {len(graphs) - len(missing)} documents from {store_dir} "
        f"({kept} document graphs kept, {dropped} shared descriptions no document names any more dropped)"
    )
    return EXIT_SKIPPED if missing else EXIT_OK


class _Refused(Exception):
    """--strict refused the swap (build_aside discards the new store)."""


def _copy(source_dir, store: EmbeddedStore, skip: set) -> int:
    """Every graph of the store at ``source_dir`` except ``skip``, the old validation report
    and the derived graph (recomputed after the change); returns how many document graphs
    were copied.

    Copied as a build loads (``pipeline._load``): bulk loads of ``LOAD_CHUNK`` quads across
    graphs, compacted by the caller's ``optimize``. Transactions kept the write buffers (1 GB
    to copy size L, in the server's process for ``/upload``); a bulk load per graph left one
    small file per index per graph, which every reader of the store opens."""
    old = EmbeddedStore(source_dir, read_only=True)
    graphs = [g for g in old.named_graphs() if g not in skip and g not in (REPORT_GRAPH, DERIVED_GRAPH)]
    quads = itertools.chain.from_iterable(old.raw.quads_for_pattern(None, None, None, ox.NamedNode(g)) for g in graphs)
    while piece := list(itertools.islice(quads, LOAD_CHUNK)):
        store.bulk_extend(piece)
    old.close()
    return sum(g not in (SHARED_GRAPH, ONTOLOGY_GRAPH) for g in graphs)


def _prune_shared(store: EmbeddedStore, touched: set) -> int:
    """Drop from the shared graph the descriptions of things the dropped graphs named
    (``touched``) that no document graph and no other shared description names any more —
    the nation, the provinces and their mergers always stay. Repeated with what the dropped
    descriptions named (an issuer named only by a dropped legal document goes with it)."""
    shared = ox.NamedNode(SHARED_GRAPH)
    kept = " ".join(f"<{t}>" for t in _KEPT_TYPES)
    dropped = 0
    candidates = touched
    while candidates:
        values = " ".join(f"<{iri}>" for iri in sorted(candidates))
        query = f"""
            SELECT DISTINCT ?s WHERE {{
              VALUES ?s {{ {values} }}
              GRAPH <{SHARED_GRAPH}> {{ ?s ?p ?o }}
              FILTER NOT EXISTS {{ GRAPH <{SHARED_GRAPH}> {{ ?s a ?type }} VALUES ?type {{ {kept} }} }}
              FILTER NOT EXISTS {{ GRAPH ?g {{ ?x ?y ?s }} FILTER(?g != <{SHARED_GRAPH}>) }}
              FILTER NOT EXISTS {{ GRAPH ?g {{ ?s ?y ?x }} FILTER(?g != <{SHARED_GRAPH}>) }}
              FILTER NOT EXISTS {{ GRAPH <{SHARED_GRAPH}> {{ ?x ?y ?s }} FILTER(?x != ?s) }}
            }}"""
        orphans = [b["s"] for b in solutions(store.raw.query(query, use_default_graph_as_union=False))]
        candidates = set()
        for s in orphans:
            for q in list(store.raw.quads_for_pattern(s, None, None, shared)):
                store.raw.remove(q)
                if isinstance(q.object, ox.NamedNode):
                    candidates.add(q.object.value)
        dropped += len(orphans)
    return dropped


def _written(store_dir) -> set:
    """The graphs of the store at ``store_dir`` written through the service (no build made
    them): copied into the new store, they stay not built there, so a later full build carries
    them instead of dropping them."""
    old = EmbeddedStore(store_dir, read_only=True)
    written = generations.written_graphs(Path(os.path.realpath(store_dir)), old.raw)
    old.close()
    return written


def _named_in(store_dir, graphs: set) -> set:
    """The IRIs (subjects and objects) the given graphs of the store name."""
    old = EmbeddedStore(store_dir, read_only=True)
    out = set()
    for graph in graphs & set(old.named_graphs()):
        for q in old.raw.quads_for_pattern(None, None, None, ox.NamedNode(graph)):
            if not isinstance(q.subject, ox.Triple):
                out.add(q.subject.value)
            if isinstance(q.object, ox.NamedNode):
                out.add(q.object.value)
    old.close()
    return out
