"""``dxkg build``: documents → records → graphs → store, reporting as it goes.

A document that cannot be read is reported (file, line, reason) and skipped; the others
still load. A reader that raises on a document (structure, tables, references…) is reported
as an error naming the file and the reader; the other readers' facts still load, and the
exit code is 3 (something was skipped), like a skipped document. A table a document announces but that yielded no row, or a stated total its
rows do not reproduce, is reported as lost (``dxkg.loaders.guard``): exit code 3, and with
``--strict`` the build is refused like one with violations. The new graph is built aside and swapped in only when complete (embedded
store), or loaded one source graph at a time (remote store), so a failed build never
damages what is being served.

Documents are parsed in parallel (one process per core); each worker keeps its document on
disk and sends back what name resolution needs (the legal documents it mentions, each way
of writing one once). Then each document's graph is written as N-Quads text and goes into
the store in pieces while the next is written (bulk loads in threads, on the other core):
memory holds one document's records and a few pieces of text. The derived graph is computed
from the links seen as they were written, loaded last, and the store compacted once. Progress — document, size,
rows, throughput — is reported as it goes.
"""

from __future__ import annotations

import contextlib
import gc
import os
import pickle
import queue
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from dxkg.kg.build import Builder
from dxkg.kg.derived import Inputs
from dxkg.kg.namespaces import DERIVED_GRAPH, REPORT_GRAPH, SHARED_GRAPH
from dxkg.loaders.document import DocumentError, expand_paths, parse_document

EXIT_OK, EXIT_FAIL, EXIT_SKIPPED, EXIT_VIOLATIONS = 0, 1, 3, 4
# quads per bulk load: the loader buffers what it is given (a 1 MB table's 250,000 quads at
# once took 220 MB more) and each call has a fixed cost and leaves files (1M quads: 8.8 CPU-s
# in pieces of 20,000, 7.2 of 50,000)
LOAD_CHUNK = 50_000
# the build's pieces are half that: two are loaded at once (_Loading; two loads of 50,000
# quads held 170 MB, of 25,000 100 MB)
BUILD_PIECE = LOAD_CHUNK // 2


@dataclass
class _Read:
    """What the report, the checks and name resolution need of one parsed document, small
    enough to send back from a worker: the file, counts of its records, its issues, the
    legal documents it mentions (``Builder.mentions``) and its own reference, and the
    document itself unless the worker kept it on disk."""

    file: str
    counts: str
    issues: list
    mentions: list
    own: object = None
    doc: object = None


@contextlib.contextmanager
def few_collections(every: int = 100_000) -> Iterator[None]:
    """Python's cycle collector runs its young pass every 700 new containers by default, and
    reading a 1 MB plan makes millions (rows, spans, references), as does reading a spilled
    one back: those passes took a sixth of the parse time and half of the unpickling. The
    records hold no cycles that need collecting sooner, so the pass runs every ``every``."""
    old = gc.get_threshold()
    gc.set_threshold(every, *old[1:])
    try:
        yield
    finally:
        gc.set_threshold(*old)


def _parse(path: str, spill_to: str | None = None):
    """One document in a worker process: what was read, or the reason it cannot be read.
    The document goes without its text lines (the graph does not need them), pickled to
    ``spill_to`` when given: the main process then never holds or copies it while the
    other documents are parsed."""
    try:
        with few_collections():
            doc = parse_document(path)
    except DocumentError as e:
        return None, (e.line, e.message)
    parts = [doc, *doc.attached]  # a decision and the plan it issues: one file, counted together
    for d in parts:
        d.lines = []
    counts = (
        f"{sum(len(d.tasks) for d in parts)} tasks, {sum(len(d.indicators) for d in parts)} indicators, "
        f"{sum(len(d.services) for d in parts)} services, {sum(len(d.refs) for d in parts)} references, "
        f"{sum(len(d.system_links) for d in parts)} system links"
        + (f" ({len(doc.attached)} attached document)" if doc.attached else "")
    )
    read = _Read(doc.file, counts, [i for d in parts for i in d.issues], Builder.mentions(doc), doc.own)
    if spill_to:
        with open(spill_to, "wb") as f:
            pickle.dump(doc, f, protocol=pickle.HIGHEST_PROTOCOL)
    else:
        read.doc = doc
    return read, None


class Spilled(Sequence):
    """Parsed documents kept on disk (pickled) and read back one at a time: the build reads
    them once, one graph per document, and memory holds one document's records instead of
    every document's. ``issues`` holds each document's issues (``incomplete`` reads them
    without reading the documents), ``mentions`` what name resolution needs of each
    (``Builder.resolve``: its mentions, then every document's own reference)."""

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)
        self.paths: list[Path] = []
        self.issues: list[list] = []
        self._mentions: list = []
        self._owns: list = []

    def path(self, k: int) -> Path:
        """Where the ``k``-th document read goes (a worker writes it there)."""
        return self.folder / f"{k:06d}.pickle"

    def add(self, path: Path, read: _Read) -> None:
        """A document a worker has already written to ``path``."""
        self.paths.append(path)
        self.issues.append(read.issues)
        self._mentions += read.mentions
        if read.own:
            self._owns.append(read.own)

    @property
    def mentions(self) -> list:
        return self._mentions + self._owns

    def __len__(self) -> int:
        return len(self.paths)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self)))]
        with open(self.paths[i], "rb") as f:
            return pickle.load(f)


def _parsed(files: list[str], jobs: int, spill: Spilled | None) -> Iterator[tuple]:
    """(file, what was read or None, error or None) in file order, parsed by ``jobs``
    processes; with ``spill``, the k-th file's document is written to ``spill.path(k)``."""
    targets = [str(spill.path(k)) if spill is not None else None for k in range(len(files))]
    if jobs <= 1 or len(files) <= 1:
        yield from ((f, *_parse(f, t)) for f, t in zip(files, targets, strict=True))
        return
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        yield from ((f, *r) for f, r in zip(files, pool.map(_parse, files, targets), strict=True))


def parse_all(paths, report: Callable[[str], None], jobs: int | None = None, spill=None) -> tuple[list | Spilled, list]:
    """Parse every document; returns (parsed documents, skipped [(file, line, reason)]).
    With ``spill`` (a folder), the documents are kept there (``Spilled``), not in memory."""
    files, missing = expand_paths(paths)
    skipped = [(m.file, m.line, m.message) for m in missing]
    unique, stems = [], set()
    for f in files:
        stem = Path(f).stem
        if stem in stems:
            skipped.append((str(f), 0, f"another document named '{stem}' was already read; names must be unique"))
            continue
        stems.add(stem)
        unique.append(str(f))
    spilled = Spilled(spill) if spill else None
    docs: list = []
    t0, done = time.perf_counter(), 0
    for i, (f, read, error) in enumerate(_parsed(unique, jobs or os.cpu_count() or 1, spilled), 1):
        size = Path(f).stat().st_size
        done += size
        rate = f"{done / 1e6 / max(time.perf_counter() - t0, 1e-9):.2f} MB/s"
        if error:
            skipped.append((f, *error))
            report(f"[{i}/{len(unique)}] {f}: SKIPPED: line {error[0]}: {error[1]}")
            continue
        report(f"[{i}/{len(unique)}] {read.file} ({size / 1e3:.0f} kB): {read.counts} ({rate})")
        for issue in read.issues:
            kind = "error" if issue.reader else "warning"
            report(f"    {kind}: {issue.file}:{issue.line}: {issue.message}")
        if spilled is not None:
            spilled.add(spilled.path(i - 1), read)
        else:
            docs.append(read.doc)
    return (spilled if spilled is not None else docs), skipped


def incomplete(docs, report) -> list[str]:
    """What the documents' readers could not deliver, reported: tables or totals lost
    (``lost FILE:LINE``) and readers that raised (``failed FILE: the NAME reader…``). Any of
    them makes the exit code 3, and ``--strict`` refuse the swap."""
    problems = []
    issues = (
        docs.issues
        if isinstance(docs, Spilled)
        else [[i for d in (doc, *doc.attached) for i in d.issues] for doc in docs]
    )
    for issue in (i for found in issues for i in found):
        if issue.lost:
            problems.append(f"lost {issue.file}:{issue.line}: {issue.message}")
        elif issue.reader:
            problems.append(
                f"failed {issue.file}: the {issue.reader} reader raised, its facts are missing: {issue.message}"
            )
    for line in problems:
        report(line)
    return problems


def build_store(
    paths,
    store_dir,
    *,
    endpoint=None,
    flavour="generic",
    strict=False,
    validate=True,
    report=print,
    jobs: int | None = None,
) -> int:
    with tempfile.TemporaryDirectory(prefix="dxkg-parsed-") as spill, few_collections():
        return _build(paths, store_dir, endpoint, flavour, strict, validate, report, jobs, spill)


def _build(paths, store_dir, endpoint, flavour, strict, validate, report, jobs, spill) -> int:
    t0 = time.perf_counter()
    docs, skipped = parse_all(paths, report, jobs, spill)
    for f, line, why in skipped:
        report(f"skipped {f}:{line}: {why}")
    lost = incomplete(docs, report)
    if not docs:
        report("nothing to build: no document could be read")
        return EXIT_FAIL
    report(f"parsed {len(docs)} documents in {time.perf_counter() - t0:.2f}s; writing graphs")
    if endpoint:
        status = _load_remote(docs, endpoint, flavour, strict, validate, report, len(lost))
        if status != EXIT_OK:
            return status
    else:
        from dxkg.kg.store import build_aside

        try:
            with build_aside(store_dir, report) as store:
                _load(store, docs, report, t0)
                violations = _validate(store, store, validate, report)
                if strict and (violations or lost):
                    raise _Refused()  # the report stays with the discarded store
        except _Refused:
            report(
                f"--strict: {violations} violations, {len(lost)} lost tables or totals (or failed readers), "
                f"the store at {store_dir} was left unchanged"
            )
            return EXIT_VIOLATIONS
        report(f"store {store_dir}: ready ({time.perf_counter() - t0:.2f}s)")
    return EXIT_SKIPPED if skipped or lost else EXIT_OK


def _load(store, docs: Sequence, report, t0: float) -> list[str]:
    """Each graph into ``store`` as it is written, in bulk loads of ``BUILD_PIECE`` quads
    across graphs (a call per small document would leave files per document), then the
    derived graph (from the links seen as the graphs were written, ``derived.Inputs``);
    returns the graphs written (the derived one last). The quads go as N-Quads text, loaded
    by threads of their own (``_Loading``) while the next piece is written."""
    n_quads, pending = 0, []
    graphs, t1 = [], time.perf_counter()
    inputs = Inputs()  # the derived graph's, as they are written
    builder = Builder(watch=inputs)
    if isinstance(docs, Spilled):  # the workers sent what resolution needs: no document read twice
        builder.resolve(docs.mentions)
    with _Loading(store) as loading:

        def put(_graph: str, lines: list[str]) -> None:  # the lines carry their graph
            nonlocal n_quads
            pending.extend(lines)
            n_quads += len(lines)
            if len(pending) >= BUILD_PIECE:  # across documents: one call per piece, not per graph
                loading.put("".join(pending).encode())
                pending.clear()

        for g, lines in builder.lines(docs, flush=put, resolved=isinstance(docs, Spilled)):
            put(g, lines)
            graphs.append(g)
            if len(graphs) > 1 and g != SHARED_GRAPH:  # after the ontology: one graph per document
                rate = n_quads / max(time.perf_counter() - t1, 1e-9)
                report(
                    f"  writing [{len(graphs) - 1}/{len(docs)}] {g.rsplit('/', 1)[-1]}: {n_quads} quads so far ({rate:,.0f}/s)"
                )
        derived = [f"{q} .\n" for q in inputs.quads()]  # pyoxigraph writes a quad as N-Quads
        loading.put("".join(pending + derived).encode())
    report(f"built {len(graphs)} graphs, {n_quads} quads from {len(docs)} documents in {time.perf_counter() - t0:.2f}s")
    report(f"derived graph: {len(derived)} triples (dependency and legal-basis closures)")
    store.optimize()  # the bulk loader's files compacted (see EmbeddedStore.bulk_load)
    return graphs + [DERIVED_GRAPH]


class _Loading:
    """Pieces of N-Quads text handed to the store's bulk loader by ``threads`` threads: a
    call loads its piece on one core and lets go of the interpreter meanwhile, so two calls
    at once and Python writing the next piece keep both cores busy (one loading thread left
    a core idle half the time). One piece waits at most (memory); an error in a loader is
    raised in the caller at its next piece or at the end."""

    def __init__(self, store, threads: int = 2):
        self.store = store
        self._pieces: queue.Queue = queue.Queue(maxsize=1)
        self._error: BaseException | None = None
        self._threads = [threading.Thread(target=self._run, name="dxkg-bulk-load", daemon=True) for _ in range(threads)]

    def __enter__(self) -> _Loading:
        for t in self._threads:
            t.start()
        return self

    def _run(self) -> None:
        while (piece := self._pieces.get()) is not None:
            if self._error is None:  # after an error the rest is only drained
                try:
                    self.store.bulk_load(piece)
                except BaseException as e:  # noqa: BLE001 - raised again in the caller
                    self._error = e

    def put(self, piece: bytes) -> None:
        if self._error is not None:
            raise self._error
        if piece:
            self._pieces.put(piece)

    def __exit__(self, *exc) -> None:
        for _ in self._threads:
            self._pieces.put(None)
        for t in self._threads:
            t.join()
        if self._error is not None and exc[0] is None:
            raise self._error


class _Refused(Exception):
    """--strict refused the swap."""


def _load_remote(docs, endpoint, flavour, strict, validate, report, lost=0) -> int:
    """Stage and validate the new graphs in memory first, then replace the remote store's
    graphs one source document at a time (a failure halfway leaves every other document intact)."""
    import pyoxigraph as ox

    from dxkg.kg.remote import RemoteStore
    from dxkg.kg.store import EmbeddedStore

    staged = EmbeddedStore()
    graphs = _load(staged, docs, report, time.perf_counter())
    violations = _validate(staged, staged, validate, report)
    if strict and (violations or lost):
        report(
            f"--strict: {violations} violations, {lost} lost tables or totals (or failed readers), {endpoint} was left unchanged"
        )
        return EXIT_VIOLATIONS
    remote = RemoteStore.from_env(endpoint, flavour=flavour)
    for g in graphs:
        remote.replace_graph(g, list(staged.raw.quads_for_pattern(None, None, None, ox.NamedNode(g))))
    if validate:
        remote.replace_graph(REPORT_GRAPH, staged.dump("ntriples", graph=REPORT_GRAPH))
    report(f"loaded into {endpoint}")
    return EXIT_OK


def _validate(store, report_store, validate, report) -> int:
    """Validate ``store``, keep the report in ``report_store``; returns the violation count."""
    if not validate:
        return 0
    from dxkg.kg.validate import store_report, validate_store

    rep = validate_store(store)
    store_report(report_store, rep)
    report(
        f"validation: {len(rep.violations)} violations, {len(rep.warnings)} warnings "
        f"(dxkg validate --store … for the report)"
    )
    return len(rep.violations)
