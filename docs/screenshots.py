"""README screenshots of the pages and graph views, from the seed documents, into ``docs/img/``.

    python -m docs.screenshots [--seeds ../shared/seeds]   (from the repository root)

Builds the seeds into a scratch store, serves them, and photographs (headless Chromium,
nothing fetched from outside 127.0.0.1): the home page; what breaks if NDXP goes down; the page
of Quyết định 749/QĐ-TTg with what rests on it; the tasks Sở TT&TT Hà Nam leads; the budgets
chart; the national landscape; the LGSP of Hà Nam with what it depends on and what depends on
it; and the legal-basis trace of a Phụ lục task up to Quyết định 749/QĐ-TTg.
"""

from __future__ import annotations

import argparse
import tempfile
import threading
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import requests

from bench.browser import chromium
from dxkg.kg.namespaces import ID
from dxkg.kg.pipeline import build_store
from dxkg.server.wsgi import make_server, shutdown

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "img"
QD_749 = "https://w3id.org/dxkg/id/eli/ttg/qd/2020/749"
TASK_TO_749 = f"""PREFIX dx: <https://w3id.org/dxkg/ontology#>
PREFIX eli: <http://data.europa.eu/eli/ontology#>
SELECT ?task WHERE {{
  ?task a dx:Task ; dx:inAppendix ?appendix ; dx:partOfPlan ?plan ; dx:legalBasis ?basis .
  ?plan (eli:based_on|dx:implements)/(eli:based_on|dx:implements)* <{QD_749}>
}} ORDER BY ?task LIMIT 1"""


def task_reaching_749(base: str) -> str:
    """A task of a Phụ lục whose plan rests, directly or not, on QĐ 749/QĐ-TTg."""
    reply = requests.get(
        f"{base}/sparql",
        params={"query": TASK_TO_749},
        headers={"Accept": "application/sparql-results+json"},
        timeout=60,
    )
    reply.raise_for_status()
    rows = reply.json()["results"]["bindings"]
    if not rows:
        raise SystemExit("no Phụ lục task in the seeds leads to 749/QĐ-TTg")
    return rows[0]["task"]["value"]


def shoot(base: str) -> list[Path]:
    lgsp = "dxid:system/ha-nam/lgsp"
    agency = "dxid:agency/ha-nam/so-thong-tin-va-truyen-thong"
    pages = {  # pages (ready when loaded) → full-page shots
        "home.png": "/",
        "document-749.png": "/id/eli/ttg/qd/2020/749",
        "tasks-so-tttt-ha-nam.png": "/tasks?" + urlencode({"province": "Hà Nam", "lead": agency}),
        "budgets.png": "/budgets",
    }
    shots = {  # graph views; the Hà Nam landscape with its LGSP expanded (a permalink's state)
        "graph-impact-ndxp.png": "/graph/impact?" + urlencode({"system": "dxid:system/viet-nam/ndxp"}),
        "graph-landscape.png": "/graph/systems",
        "graph-lgsp-ha-nam.png": "/graph/systems?" + urlencode({"scope": "Hà Nam", "expand": lgsp}),
        "graph-trace-749.png": "/graph/trace?" + urlencode({"task": task_reaching_749(base).replace(ID, "dxid:")}),
    }
    OUT.mkdir(parents=True, exist_ok=True)
    written = []
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1500, "height": 1100})
        page.route(
            "**/*",
            lambda route: route.continue_() if urlsplit(route.request.url).hostname == "127.0.0.1" else route.abort(),
        )
        for name, path in pages.items():
            page.goto(base + path)
            page.wait_for_load_state("load")
            page.wait_for_timeout(500)  # the chart draws after load
            page.screenshot(path=str(OUT / name), full_page=name != "document-749.png")
            written.append(OUT / name)
        for name, path in shots.items():
            page.goto(base + path)
            page.wait_for_selector("body[data-restored='1']", state="attached", timeout=60_000)
            page.screenshot(path=str(OUT / name), full_page=True)
            written.append(OUT / name)
    return written


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", default=str(ROOT.parent / "shared" / "seeds"))
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        store = Path(tmp) / "store"
        if build_store([args.seeds], store, validate=False, report=lambda m: None) not in (0, 3):
            raise SystemExit(f"the seeds at {args.seeds} did not build")
        app, server = make_server(str(store), "127.0.0.1", 0, workers=2)
        threading.Thread(target=server.run, daemon=True).start()
        try:
            for path in shoot(f"http://127.0.0.1:{server.effective_port}"):
                print(path.relative_to(ROOT))
        finally:
            shutdown(app, server)


if __name__ == "__main__":  # the service's workers are spawned: they re-import this file
    main()
