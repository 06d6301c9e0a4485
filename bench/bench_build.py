"""Build throughput and peak memory of ``dxkg build`` on synthetic plan texts.

    python -m bench.bench_build [--documents 10] [--kb 1000] [--jobs N] [--validate]   (from the repository root)

Writes ``documents`` synthetic plans of ``kb`` kB each (``bench/synth_text.py``: mostly
appendix table rows), runs ``dxkg build`` on them in a child process and samples the resident
memory of its whole process tree (the parsing workers included) every 50 ms. Prints MB of
text per second, documents per second, peak memory, and what that means for a national
corpus of 2,000 plans at the size of the seeds' average plan.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import servers, synth_text

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"


def _rss(pid: int) -> int:
    """Resident memory of ``pid`` and its descendants now (bytes)."""
    total = 0
    for p in servers._process_tree(pid):
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
        except OSError:
            continue
    return total


def measure(folder: Path, jobs: int | None, validate: bool) -> dict:
    """Build every document of ``folder`` into a scratch store; seconds, peak bytes, exit code."""
    with tempfile.TemporaryDirectory(prefix="dxkg-build-") as tmp:
        cmd = [sys.executable, "-m", "dxkg.cli", "build", str(folder), "--store", str(Path(tmp) / "store")]
        cmd += [] if validate else ["--no-validate"]
        cmd += ["--jobs", str(jobs)] if jobs else []
        t0, before = time.perf_counter(), resource.getrusage(resource.RUSAGE_CHILDREN)
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        peak = 0
        while proc.poll() is None:
            peak = max(peak, _rss(proc.pid))
            time.sleep(0.05)
        seconds = time.perf_counter() - t0
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
        output = proc.stdout.read()
    return {"seconds": seconds, "cpu": cpu, "peak": peak, "code": proc.returncode, "output": output}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--documents", type=int, default=10)
    ap.add_argument("--kb", type=int, default=1000)
    ap.add_argument("--jobs", type=int)
    ap.add_argument("--validate", action="store_true", help="include SHACL validation")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="dxkg-texts-") as tmp:
        paths = synth_text.write_corpus(tmp, args.documents, args.kb * 1000)
        mb = sum(p.stat().st_size for p in paths) / 1e6
        r = measure(Path(tmp), args.jobs, args.validate)
    if r["code"] != 0:
        print(r["output"][-2000:])
        return 1
    rate = mb / r["seconds"]
    seeds = sorted(SEEDS.glob("*.txt"))
    avg = sum(p.stat().st_size for p in seeds) / len(seeds) / 1e6 if seeds else 0.05
    cpus = os.cpu_count() or 1
    print(
        f"{args.documents} documents, {mb:.1f} MB: {r['seconds']:.1f} s, {rate:.2f} MB/s, "
        f"{args.documents / r['seconds']:.2f} documents/s, peak memory {r['peak'] / 1e6:.0f} MB "
        f"({'with' if args.validate else 'without'} validation); {r['cpu']:.1f} CPU-seconds, "
        f"load average {os.getloadavg()[0]:.1f} on {cpus} CPUs"
    )
    print(
        f"2,000 plans of {avg * 1e3:.0f} kB (the seeds' average): {2000 * avg:.0f} MB, "
        f"about {2000 * avg / rate / 60:.0f} min at this rate"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
