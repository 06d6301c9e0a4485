"""Install dxkg as a user would and use it: the check CI runs after the tests.

Builds the wheel from this checkout, installs it (not editable) into a new virtual
environment in a temporary folder outside the repository, then, from that folder, runs
``dxkg build``, ``query``, ``validate`` and ``serve``, and fetches the pages of ``PAGES``,
every script and stylesheet they load, and a ``/sparql`` query. Anything missing from the
wheel (package data, the console's front-end files, a module) fails here.

    python scripts/smoke_install.py [--docs ../shared/seeds]

Dependencies are installed by pip from its usual index and cache (nothing is copied from the
development environment). Exit status 0 when every step works; otherwise the failing step
and its output.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import venv
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode, urljoin

ROOT = Path(__file__).resolve().parents[1]
# pages fetched with every script and stylesheet they load: home, console (YASGUI from npm),
# a graph view (vis-network from pyvis), a browser with a chart (Chart.js from npm)
PAGES = ("/", "/console", "/graph/systems", "/budgets")


class Failed(Exception):
    pass


def run(cmd: list, cwd: Path, ok=(0,), timeout: float = 600) -> str:
    out = subprocess.run([str(c) for c in cmd], cwd=cwd, capture_output=True, text=True, timeout=timeout)
    if out.returncode not in ok:
        raise Failed(f"{' '.join(map(str, cmd))} exited {out.returncode}\n{out.stdout[-3000:]}\n{out.stderr[-3000:]}")
    return out.stdout


class Assets(HTMLParser):
    """The scripts and stylesheets a page loads."""

    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "script" and a.get("src"):
            self.urls.append(a["src"])
        if tag == "link" and a.get("rel") == "stylesheet" and a.get("href"):
            self.urls.append(a["href"])


def fetch(url: str, accept: str = "*/*") -> tuple[int, str, bytes]:
    req = urllib.request.Request(url, headers={"Accept": accept})
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return r.status, r.headers.get("Content-Type", ""), r.read()
    except urllib.error.HTTPError as e:
        raise Failed(f"GET {url}: {e.code} {e.read()[:300]!r}") from e


def page_with_assets(base: str, path: str) -> list[str]:
    """Fetch an HTML page and everything it loads; returns the asset URLs."""
    status, ctype, body = fetch(base + path, "text/html")
    if status != 200 or "text/html" not in ctype:
        raise Failed(f"GET {path}: {status} {ctype}")
    parser = Assets()
    parser.feed(body.decode("utf-8"))
    if not parser.urls:
        raise Failed(f"GET {path}: the page loads no script")
    for url in parser.urls:
        status, _, data = fetch(urljoin(base + path, url))
        if status != 200 or len(data) < 100:
            raise Failed(f"GET {url} (from {path}): {status}, {len(data)} bytes")
    return parser.urls


def serve_and_fetch(dxkg: Path, tmp: Path) -> None:
    proc = subprocess.Popen(
        [str(dxkg), "serve", "--store", "store", "--port", "0", "--workers", "1"],
        cwd=tmp,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        base, seen, deadline = None, [], time.monotonic() + 60
        while base is None and time.monotonic() < deadline:
            line = proc.stderr.readline()
            if not line:
                break
            seen.append(line)
            m = re.search(r"on (http://127\.0\.0\.1:\d+)/", line)
            base = m and m.group(1)
        if base is None:
            raise Failed("dxkg serve did not start:\n" + "".join(seen[-30:]))
        loaded = {path: page_with_assets(base, path) for path in PAGES}
        query = urlencode({"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s a <https://w3id.org/dxkg/ontology#Task> }"})
        status, ctype, body = fetch(f"{base}/sparql?{query}", "application/sparql-results+json")
        n = int(json.loads(body)["results"]["bindings"][0]["n"]["value"])
        if status != 200 or n == 0:
            raise Failed(f"/sparql: {status} {ctype}, {n} tasks")
        assets = ", ".join(f"{path} {len(urls)}" for path, urls in loaded.items())
        print(f"serve: scripts and stylesheets loaded by {assets}; /sparql counts {n} tasks")
    finally:
        os.killpg(proc.pid, signal.SIGTERM)  # the server and its workers: the group this script started
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default_docs = ROOT.parent / "shared" / "seeds"
    ap.add_argument("--docs", type=Path, default=default_docs if default_docs.is_dir() else ROOT / "examples")
    args = ap.parse_args()
    t0 = time.monotonic()
    tmp = Path(tempfile.mkdtemp(prefix="dxkg-smoke-"))
    try:
        shutil.rmtree(ROOT / "build", ignore_errors=True)  # no module left over from an earlier build
        run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", tmp / "dist", ROOT], cwd=tmp)
        [wheel] = (tmp / "dist").glob("dxkg-*.whl")
        venv.create(tmp / "venv", with_pip=True)
        py = tmp / "venv" / "bin" / "python"
        run([py, "-m", "pip", "install", "-q", wheel], cwd=tmp)
        dxkg = tmp / "venv" / "bin" / "dxkg"
        where = run([py, "-c", "import dxkg; print(dxkg.__file__)"], cwd=tmp).strip()
        if str(ROOT) in where:
            raise Failed(f"dxkg imported from the checkout ({where}), not from the installed wheel")
        print(run([dxkg, "--version"], cwd=tmp).strip(), "installed in", where)
        run([dxkg, "build", args.docs.resolve(), "--store", "store"], cwd=tmp, ok=(0, 3))
        rows = run([dxkg, "query", "tasks", "--store", "store", "--format", "csv"], cwd=tmp).splitlines()
        if len(rows) < 2:
            raise Failed("dxkg query tasks: no rows")
        run([dxkg, "validate", "--store", "store"], cwd=tmp)
        print(f"build, query ({len(rows) - 1} tasks), validate: ok")
        serve_and_fetch(dxkg, tmp)
    except Failed as e:
        print(f"smoke test of the installed package FAILED: {e}", file=sys.stderr)
        return 1
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        shutil.rmtree(ROOT / "build", ignore_errors=True)
    print(f"installed package works ({time.monotonic() - t0:.0f}s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
