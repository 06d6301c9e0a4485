"""Shared fixtures: a live dxkg service on an ephemeral 127.0.0.1 port over a scratch store."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from hypothesis import settings

from bench import browser as chromium
from dxkg.kg.namespaces import DX, ID
from dxkg.kg.store import EmbeddedStore
from dxkg.server.wsgi import make_server, shutdown

# CI replays the same examples every run (a landing must not hinge on a random draw); a
# developer's run draws new ones each time, which is how new counterexamples are found.
settings.register_profile("ci", derandomize=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium (``bench/browser.py``), one per module: a module's pages share it, and
    none stays running while another module prints its sample PDF with Playwright."""
    pytest.importorskip("playwright.sync_api")
    if not chromium.available():
        pytest.skip(f"no Chromium at {chromium.CHROMIUM} (apt-get install -y chromium)")
    with chromium.chromium() as b:
        yield b


SHARED = Path(__file__).resolve().parents[2] / "shared"
TOKEN = "test-token-0123456789"
DOC_GRAPH = ID + "graph/doc-000"
TASK = ID + "task/000-1"
AGENCY = ID + "agency/so-tttt-ha-nam"
PROV = ID + "prov/000-L42"
XSS = ID + "task/xss"

SAMPLE = f"""
<{TASK}> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{DX}Task> <{DOC_GRAPH}> .
<{TASK}> <http://www.w3.org/2000/01/rdf-schema#label> "Xây dựng nền tảng tích hợp, chia sẻ dữ liệu"@vi <{DOC_GRAPH}> .
<{TASK}> <{DX}leadAgency> <{AGENCY}> <{DOC_GRAPH}> .
<{TASK}> <http://www.w3.org/ns/prov#wasDerivedFrom> <{PROV}> <{DOC_GRAPH}> .
<{TASK}> <{DX}budget> "1500"^^<http://www.w3.org/2001/XMLSchema#decimal> <{DOC_GRAPH}> .
<{PROV}> <{DX}sourceFile> "000_b71886f16e479bdf.txt" <{DOC_GRAPH}> .
<{PROV}> <{DX}lineStart> "42"^^<http://www.w3.org/2001/XMLSchema#integer> <{DOC_GRAPH}> .
<{PROV}> <{DX}sourceText> "1 | Xây dựng nền tảng tích hợp, chia sẻ dữ liệu (LGSP) | Sở TT&TT | 2024" <{DOC_GRAPH}> .
<{AGENCY}> <http://www.w3.org/2000/01/rdf-schema#label> "Sở Thông tin và Truyền thông tỉnh Hà Nam"@vi <{DOC_GRAPH}> .
<{AGENCY}> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://www.w3.org/ns/org#Organization> <{DOC_GRAPH}> .
<{XSS}> <http://www.w3.org/2000/01/rdf-schema#label> "<script>alert('x')</script>" <{DOC_GRAPH}> .
<{XSS}> <http://www.w3.org/2000/01/rdf-schema#seeAlso> <javascript:alert(1)> <{DOC_GRAPH}> .
<{XSS}> <{DX}note> "\\"><img src=x onerror=alert(2)>" <{DOC_GRAPH}> .
"""


def make_store(folder: Path, nquads: str | bytes = SAMPLE) -> Path:
    store = EmbeddedStore(folder)
    store.load(nquads.encode() if isinstance(nquads, str) else nquads)
    store.close()
    return folder


class LiveServer:
    def __init__(self, store_dir: Path, **options):
        self.store_dir = store_dir
        self.app, self.server = make_server(str(store_dir), "127.0.0.1", 0, **options)
        self.url = f"http://127.0.0.1:{self.server.effective_port}"
        self.closing = False
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        try:
            self.server.run()
        except (OSError, ValueError):
            if not self.closing:  # closing the socket under the loop ends it this way
                raise

    def close(self) -> None:
        self.closing = True
        shutdown(self.app, self.server)


@pytest.fixture
def live_server_factory(tmp_path_factory):
    """Start services on demand: ``live_server_factory(nquads=…, **options)``."""
    started = []

    def start(nquads: str | bytes = SAMPLE, **options) -> LiveServer:
        folder = make_store(tmp_path_factory.mktemp("store") / "store", nquads)
        options.setdefault("workers", 2)
        server = LiveServer(folder, **options)
        started.append(server)
        return server

    yield start
    for server in started:
        server.close()


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    """A service over the sample data, read-only (no token), default limits."""
    server = LiveServer(make_store(tmp_path_factory.mktemp("store") / "store"), workers=2)
    yield server
    server.close()


@pytest.fixture(scope="module")
def writable_server(tmp_path_factory):
    """A service over the sample data that accepts updates with ``TOKEN``."""
    server = LiveServer(make_store(tmp_path_factory.mktemp("store") / "store"), workers=2, update_token=TOKEN)
    yield server
    server.close()


# --- W3C manifests (SPARQL 1.1 Protocol, Graph Store Protocol, Service Description) --------
W3C = SHARED / "w3c-sparql11"
MF = "http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#"
HT = "http://www.w3.org/2011/http#"
CNT = "http://www.w3.org/2011/content#"
HTS = "http://www.w3.org/2011/http-statusCodes#"
STATUS = {
    "OK": (200,),
    "Created": (201,),
    "NoContent": (204,),
    "NotFound": (404,),
    "StatusCode2xx": range(200, 300),
    "StatusCode3xx": range(300, 400),
    "StatusCode4xx": range(400, 500),
    "StatusCode5xx": range(500, 600),
}


def need_w3c(*parts: str) -> Path:
    path = W3C.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"W3C test material not found at {path} (expected ../shared next to the repo)")
    return path


def w3c_server(tmp_path_factory, part: str, nquads: str | bytes = "", workers: int = 2) -> LiveServer:
    """A live server with updates enabled, over a scratch store, for one W3C manifest."""
    need_w3c(part, "manifest.ttl")
    return LiveServer(make_store(tmp_path_factory.mktemp(part) / "store", nquads), workers=workers, update_token=TOKEN)


def manifest_tests(path: Path) -> list[tuple[str, object, object]]:
    """``(local name, test node, graph)`` for every entry of a manifest and its includes."""
    import rdflib

    g = rdflib.Graph()
    g.parse(path, format="turtle")
    out = []
    for manifest in g.subjects(rdflib.RDF.type, rdflib.URIRef(MF + "Manifest")):
        for lst in g.objects(manifest, rdflib.URIRef(MF + "entries")):
            for test in rdflib.collection.Collection(g, lst):
                out.append((str(test).rsplit("#", 1)[-1], test, g))
        for lst in g.objects(manifest, rdflib.URIRef(MF + "include")):
            for inc in rdflib.collection.Collection(g, lst):
                out += manifest_tests(Path(str(inc).removeprefix("file://")))
    return out


def manifest_requests(g, test) -> list[dict]:
    """The HTTP requests of a protocol-style test, in order, with their expectations."""
    import rdflib
    from rdflib.collection import Collection

    def one(s, p, ns=HT):
        return g.value(s, rdflib.URIRef(ns + p))

    action = one(test, "action", MF)
    out = []
    for req in Collection(g, one(action, "requests")):
        headers = {}
        hl = one(req, "headers")
        for h in Collection(g, hl) if hl else []:
            headers[str(one(h, "fieldName"))] = str(one(h, "fieldValue"))
        body = one(req, "body")
        resp = one(req, "resp")
        expect_headers = {}
        rl = one(resp, "headers")
        for h in Collection(g, rl) if rl else []:
            expect_headers[str(one(h, "fieldName")).lower()] = str(one(h, "fieldValue"))
        rbody = one(resp, "body")
        out.append(
            {
                "method": str(one(req, "methodName")),
                "path": str(one(req, "absolutePath")),
                "headers": headers,
                "body": None
                if body is None
                else str(one(body, "chars", CNT)).encode(str(one(body, "characterEncoding", CNT) or "UTF-8")),
                "status": {
                    c
                    for s in g.objects(resp, rdflib.URIRef(MF + "expectedStatus"))
                    for c in STATUS[str(s).removeprefix(HTS)]
                },
                "format": one(resp, "expectedFormat", MF),
                "boolean": one(resp, "expectedBoolean", MF),
                "location": one(resp, "expectedLocation", MF),
                "expect_headers": expect_headers,
                "expect_body": None if rbody is None else str(one(rbody, "chars", CNT)),
            }
        )
    return out


def parse_rdf(body: bytes, content_type: str, base: str = "http://example.org/"):
    import rdflib

    fmt = {
        "text/turtle": "turtle",
        "application/n-triples": "nt",
        "application/rdf+xml": "xml",
        "application/ld+json": "json-ld",
        "application/n-quads": "nquads",
        "application/trig": "trig",
    }[content_type.split(";")[0].strip()]
    g = rdflib.Dataset() if fmt in ("nquads", "trig") else rdflib.Graph()
    g.parse(data=body, format=fmt, publicID=base)
    return g


# --- the sample plan as Word, PDF and scans, made with real tools at test time ----------
@pytest.fixture(scope="session")
def plan_documents(tmp_path_factory) -> dict:
    """The authored sample plan (``fixtures/plans``) as text, .docx and — with Chromium — .pdf."""
    import shutil

    from sample_documents import PLAN, plan_html, print_pdf, write_docx

    folder = tmp_path_factory.mktemp("plans")
    out = {
        "text": Path(shutil.copy(PLAN, folder / "plan-text.md")),
        "docx": write_docx(PLAN, folder / "plan-word.docx"),
    }
    if chromium.available():
        out["pdf"] = print_pdf(plan_html(PLAN), folder / "plan-print.pdf")
    return out


@pytest.fixture(scope="session")
def plan_scans(plan_documents, tmp_path_factory) -> dict:
    """The printed sample plan scanned: PNG pages and an image-only PDF (200 dpi, askew, noisy)."""
    import shutil

    from sample_documents import scan_pdf

    if "pdf" not in plan_documents:
        pytest.skip("needs /usr/bin/chromium to print the sample plan")
    if not shutil.which("tesseract"):
        pytest.skip("needs tesseract (Debian tesseract-ocr, tesseract-ocr-vie: scripts/setup.sh --system)")
    folder = tmp_path_factory.mktemp("scans")
    pages = scan_pdf(plan_documents["pdf"], folder)
    return {"pages": pages, "pdf": folder / "scan.pdf"}


@pytest.fixture(scope="session")
def seeds_url(tmp_path_factory):
    """The seed plans built by the real pipeline and served once for every test that only reads
    them through pages and APIs (building and serving them per module tripled the work)."""
    from test_graphs_fixture import seeds_nquads, serving

    tmp = tmp_path_factory.mktemp("seeds-served")
    with serving(seeds_nquads(tmp), tmp / "store") as url:
        yield url
