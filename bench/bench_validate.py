"""How long SHACL validation takes on the graph built from the seeds (the build runs it
every time, so it must stay well under the build time).

    python bench/bench_validate.py [--seeds ../shared/seeds] [--runs 3]

Builds the seeds into a temporary store (without validating), then times
``kg.validate.validate_store`` ``--runs`` times and prints one Markdown table row:
graph size, median and best time, and the result counts.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from dxkg.kg.pipeline import build_store
from dxkg.kg.store import EmbeddedStore
from dxkg.kg.validate import data_store, validate_store

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
HEADER = (
    "| graph | quads | distinct triples | validate median (s) | best (s) | violations | warnings |\n"
    "|---|---|---|---|---|---|---|"
)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=Path, default=SEEDS)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        build_store([str(args.seeds)], Path(tmp) / "store", validate=False, report=lambda msg: None)
        store = EmbeddedStore(Path(tmp) / "store", read_only=True)
        times, report = [], None
        for _ in range(args.runs):
            t0 = time.perf_counter()
            report = validate_store(store)
            times.append(time.perf_counter() - t0)
        triples = len(data_store(store))
        print(HEADER)
        print(
            f"| seeds ({len(list(args.seeds.iterdir()))} documents) | {len(store)} | {triples} | "
            f"{statistics.median(times):.2f} | {min(times):.2f} | {len(report.violations)} | "
            f"{len(report.warnings)} |"
        )


if __name__ == "__main__":
    main()
