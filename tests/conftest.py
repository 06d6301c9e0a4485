"""Shared fixtures: a live dxkg service on an ephemeral 127.0.0.1 port over a scratch store."""
from __future__ import annotations

import threading
from pathlib import Path

import pytest

from kg.namespaces import DX, ID
from kg.store import EmbeddedStore
from server.wsgi import make_server, shutdown

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
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()

    def close(self) -> None:
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
    server = LiveServer(make_store(tmp_path_factory.mktemp("store") / "store"), workers=2,
                        update_token=TOKEN)
    yield server
    server.close()
