"""The synthetic corpus of one size as N-Quads and as a dxkg store, generated once and cached.

Generating size L (63 provinces × 10 years) takes minutes on a small machine and the bench
needs it three ways (N-Quads for the in-memory peers, a dxkg store, graphs for the remote
stores), so it is generated in one pass into a folder (``--cache DIR``: ``DIR/L/corpus.nq``,
``DIR/L/dxkg-store``, ``DIR/L/corpus.json``) and reused while the code that shapes it is
unchanged: ``corpus.json`` records a fingerprint of ``bench/synth.py`` and the modules that
write quads, and a folder with another fingerprint is generated again. The store in the cache
is never served: ``dxkg serve`` opens its store read-write, so each run serves a copy.

    python -m bench.corpus --size L --cache /work/bench-data
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from bench import synth
from dxkg.kg.store import EmbeddedStore

ROOT = Path(__file__).resolve().parents[1]
# what decides the corpus: the generator, the dxkg modules it writes quads with, and the store
SHAPING = [
    "dxkg/kg/store.py",
    "bench/synth.py",
    "dxkg/kg/derived.py",
    "dxkg/kg/build.py",
    "dxkg/kg/build_systems.py",
    "dxkg/kg/iris.py",
    "dxkg/kg/rdf.py",
    "dxkg/kg/namespaces.py",
]


@dataclass(frozen=True)
class Corpus:
    nq: Path
    store: Path  # a dxkg store folder (derived graph included), as ``dxkg serve --store`` opens it
    graphs: int
    quads: int
    load_seconds: float  # generating and loading the store (the first time, when cached)


def fingerprint() -> str:
    h = hashlib.sha256(ox.__version__.encode())
    for rel in SHAPING:
        h.update(rel.encode() + b"\0" + (ROOT / rel).read_bytes())
    return h.hexdigest()[:16]


def generate(folder: Path, n_p: int, n_y: int) -> Corpus:
    """One pass over ``synth.generate``: each graph is written to the N-Quads file and
    loaded into the store (as ``synth.load_into`` does, graph by graph)."""
    folder.mkdir(parents=True, exist_ok=True)
    nq, store_dir = folder / "corpus.nq", folder / "dxkg-store"
    graphs = quads = 0
    spent = 0.0
    store = EmbeddedStore(store_dir)
    with open(nq, "wb") as out:
        for g, qs in synth.generate(n_p, n_y):
            ox.serialize(qs, out, format=ox.RdfFormat.N_QUADS)
            t0 = time.perf_counter()
            store.replace_graph(g, qs)
            spent += time.perf_counter() - t0
            graphs += 1
            quads += len(qs)
    store.close()
    return Corpus(nq, store_dir, graphs, quads, spent)


def cached(size: str, cache: Path, log=lambda _m: None) -> dict:
    """The description (``corpus.json``) of the corpus of ``size`` in ``cache/size``,
    generated there first when missing or made by other code."""
    folder = cache / size
    stamp = folder / "corpus.json"
    meta = json.loads(stamp.read_text()) if stamp.is_file() else {}
    if meta.get("fingerprint") == fingerprint():
        log(f"size {size} from the cache {folder} ({meta['made']})")
        return meta
    log(f"generating size {size} into {folder}")
    shutil.rmtree(folder, ignore_errors=True)
    t0 = time.perf_counter()
    c = generate(folder, *synth.SIZES[size])
    meta = {
        "size": size,
        "fingerprint": fingerprint(),
        "graphs": c.graphs,
        "quads": c.quads,
        "load_seconds": c.load_seconds,
        "generate_seconds": time.perf_counter() - t0,
        "made": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
    }
    stamp.write_text(json.dumps(meta, indent=1) + "\n")
    return meta


def prepare(size: str, work: Path, cache: Path | None = None, log=lambda _m: None) -> Corpus:
    """The corpus of ``size`` with a store in ``work`` that may be served (and written to):
    generated in ``work``, or with ``cache``, taken from there and the store copied."""
    if cache is None:
        return generate(work, *synth.SIZES[size])
    meta = cached(size, cache, log)
    folder = cache / size
    shutil.copytree(folder / "dxkg-store", work / "dxkg-store")
    return Corpus(folder / "corpus.nq", work / "dxkg-store", meta["graphs"], meta["quads"], meta["load_seconds"])


def graphs_of(nq: Path) -> Iterator[tuple[str, list[ox.Quad]]]:
    """(graph IRI, quads) from an N-Quads file written graph by graph (``generate``): what
    ``synth.generate`` yields, without generating again (for loading the remote stores)."""
    current, batch = "", []  # type: str, list[ox.Quad]
    for q in ox.parse(path=str(nq), format=ox.RdfFormat.N_QUADS):
        g = str(q.graph_name.value)
        if g != current and batch:
            yield current, batch
            batch = []
        current = g
        batch.append(q)
    if batch:
        yield current, batch


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", default="L", choices=sorted(synth.SIZES))
    ap.add_argument("--cache", required=True, help="folder to hold SIZE/corpus.nq, SIZE/dxkg-store")
    args = ap.parse_args(argv)
    meta = cached(args.size, Path(args.cache), log=print)
    print(f"{Path(args.cache) / args.size}: {meta['graphs']} graphs, {meta['quads']:,} quads")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
