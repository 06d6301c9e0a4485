"""``/upload``: a plan sent from the browser is read like ``dxkg add`` and served seconds later.

Real requests against a live service over a store built from the example plan: the token is
required, the body is capped, only the readers' file types are taken, a file that cannot be
read changes nothing, and an added Word plan answers through ``/sparql`` and has its page.
"""

from __future__ import annotations

import re
import threading
from pathlib import Path

import pytest
import requests
from conftest import TOKEN, LiveServer, make_store
from sample_documents import PLAN, write_docx

from dxkg.kg import iris
from dxkg.kg.namespaces import DX
from dxkg.kg.pipeline import EXIT_OK, build_store
from dxkg.kg.store import EmbeddedStore
from dxkg.server.errors import ServiceError
from dxkg.server.upload import safe_name

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "ke-hoach-mau-chuyen-doi-so.md"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    store = tmp_path_factory.mktemp("upload") / "store"
    assert build_store([EXAMPLE], store, report=lambda m: None) == EXIT_OK
    return store


@pytest.fixture(scope="module")
def server(built):
    s = LiveServer(built, workers=2, update_token=TOKEN)
    yield s
    s.close()


@pytest.fixture(scope="module")
def word_plan(tmp_path_factory) -> Path:
    return write_docx(PLAN, tmp_path_factory.mktemp("word") / "ke-hoach-quang-tri.docx")


def ask(url: str, query: str) -> list[dict]:
    r = requests.post(
        url + "/sparql", data={"query": query}, headers={"Accept": "application/sparql-results+json"}, timeout=60
    )
    assert r.status_code == 200, r.text
    return [{k: v["value"] for k, v in b.items()} for b in r.json()["results"]["bindings"]]


def quad_count(url: str) -> int:
    return int(ask(url, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")[0]["n"])


def tasks_in(url: str, stem: str) -> int:
    q = f"SELECT (COUNT(DISTINCT ?t) AS ?n) WHERE {{ GRAPH <{iris.graph(stem)}> {{ ?t a <{DX}Task> }} }}"
    return int(ask(url, q)[0]["n"])


def send(url: str, name: str, body: bytes, token: str | None = TOKEN, **kw) -> requests.Response:
    data = {"token": token} if token else {}
    return requests.post(url + "/upload", data=data, files={"file": (name, body, DOCX)}, timeout=300, **kw)


def test_the_form_is_vietnamese_first_and_english_on_request(server):
    vi = requests.get(server.url + "/upload", timeout=30)
    assert vi.status_code == 200 and 'enctype="multipart/form-data"' in vi.text
    assert "Thêm văn bản" in vi.text and 'type="password" name="token"' in vi.text
    en = requests.get(server.url + "/upload?lang=en", timeout=30)
    assert "Add a document" in en.text and "Update token" in en.text


def test_without_the_token_nothing_is_added(server, word_plan):
    before = quad_count(server.url)
    assert send(server.url, "a.docx", word_plan.read_bytes(), token=None).status_code == 403
    assert send(server.url, "a.docx", word_plan.read_bytes(), token="wrong-token").status_code == 403
    assert quad_count(server.url) == before


def test_a_read_only_service_refuses_uploads(live_server, word_plan):
    page = requests.get(live_server.url + "/upload", timeout=30)
    assert "chỉ cho phép đọc" in page.text and "<form" not in page.text.split("<main", 1)[1]
    assert send(live_server.url, "a.docx", word_plan.read_bytes()).status_code == 403


def test_a_word_plan_is_served_with_its_tasks_and_page(server, word_plan, tmp_path):
    reference = tmp_path / "reference"  # the same file built on its own: what the upload must give
    assert build_store([word_plan], reference, report=lambda m: None) in (EXIT_OK, 3)
    ref = EmbeddedStore(reference, read_only=True)
    query = f"SELECT (COUNT(DISTINCT ?t) AS ?n) WHERE {{ GRAPH ?g {{ ?t a <{DX}Task> }} }}"
    expected = int(next(iter(ref.raw.query(query)))["n"].value)
    ref.close()
    assert expected > 0

    r = send(
        server.url,
        "../../tmp/Kế hoạch Quảng Trị.docx",
        word_plan.read_bytes(),
        token=None,
        headers={"Authorization": f"Bearer {TOKEN}"},
    )
    assert r.status_code == 200, r.text
    stem = "Kế-hoạch-Quảng-Trị"
    assert "Kế-hoạch-Quảng-Trị.docx" in r.text and "/tmp/" not in r.text and str(server.store_dir) not in r.text
    assert tasks_in(server.url, stem) == expected  # answered by the query workers: served already
    assert f"{expected} nhiệm vụ" in r.text
    links = re.findall(r'<a href="(/id/[^"]+)">', r.text.split('id="upload-documents"', 1)[1])
    assert links
    page = requests.get(server.url + links[0], headers={"Accept": "text/html"}, timeout=60)
    assert page.status_code == 200 and "Quảng Trị" in page.text
    # the example plan's graph is still there
    assert tasks_in(server.url, EXAMPLE.stem) > 0


def test_a_file_that_cannot_be_read_is_reported_and_changes_nothing(server):
    before, inode = quad_count(server.url), server.store_dir.resolve().stat().st_ino
    r = send(server.url, "hong.docx", b"PK\x03\x04 this is not a Word file <script>alert(1)</script>")
    assert r.status_code == 422
    assert "hong.docx" in r.text and "Chưa thêm được" in r.text and "<script>alert" not in r.text
    assert quad_count(server.url) == before and server.store_dir.resolve().stat().st_ino == inode


@pytest.mark.parametrize("name", ["plan.exe", "plan", "plan.docx.sh", ".."])
def test_only_the_readers_file_types_are_taken(server, name):
    r = send(server.url, name, b"hello")
    assert r.status_code == 400 and ".docx" in r.text


def test_a_body_over_the_limit_is_413(live_server_factory):
    s = live_server_factory(update_token=TOKEN, max_body=4096)
    r = send(s.url, "big.txt", b"x" * 20_000)
    assert r.status_code == 413


def test_an_update_sent_during_an_upload_is_kept(server, word_plan):
    """Writes wait while the upload swaps the store in: an acknowledged update is never lost."""
    inserted = "INSERT DATA { GRAPH <urn:x:notes> { <urn:x:a> <urn:x:b> 'kept' } }"
    replies = {}

    def upload():
        replies["upload"] = send(server.url, "ke-hoach-2.docx", word_plan.read_bytes())

    t = threading.Thread(target=upload)
    t.start()
    update = requests.post(
        server.url + "/sparql", data={"update": inserted}, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=300
    )
    t.join()
    assert replies["upload"].status_code == 200 and update.status_code in (200, 204)
    assert ask(server.url, "SELECT ?o WHERE { GRAPH <urn:x:notes> { <urn:x:a> <urn:x:b> ?o } }") == [{"o": "kept"}]
    assert tasks_in(server.url, "ke-hoach-2") > 0


@pytest.mark.parametrize(
    "given, kept",
    [
        ("../../etc/passwd.txt", "passwd.txt"),
        ("C:\\Users\\an\\Kế hoạch 2025.PDF", "Kế-hoạch-2025.pdf"),
        ("..docx", "document.docx"),
        ("a/b/.hidden.html", "hidden.html"),
    ],
)
def test_file_names_are_reduced_to_a_bare_name(given, kept):
    assert safe_name(given) == kept


def test_a_name_without_a_reader_is_refused():
    with pytest.raises(ServiceError) as e:
        safe_name("x.odt")
    assert e.value.status == 400


def test_dxkg_serve_max_body_caps_uploads(tmp_path):
    """``dxkg serve --max-body`` is the largest document ``/upload`` takes (1 MB by default)."""
    from test_server_lifecycle import Served

    served = Served(make_store(tmp_path / "store"), "--max-body", "8000", "--workers", "1")
    try:
        assert send(served.url, "big.pdf", b"%PDF" + b"x" * 20_000).status_code == 413
        assert send(served.url, "small.odt", b"x" * 1000).status_code == 400  # under the cap: read, then refused
    finally:
        served.stop()


def test_a_document_read_past_the_time_limit_is_refused_while_queries_answer(live_server_factory):
    """Reading runs in a process of its own, killed at ``upload_timeout``: a plan 150 times the
    example's length (seconds of parsing) sent with a 1 s limit gets 504 and changes nothing,
    and the server answers queries while it is being read."""
    s = live_server_factory(update_token=TOKEN, upload_timeout=1.0, max_body=4 * 1024 * 1024)
    before, inode = quad_count(s.url), s.store_dir.resolve().stat().st_ino
    long_plan = PLAN.read_bytes() * 150
    replies = {}

    def upload():
        replies["upload"] = send(s.url, "ke-hoach-dai.md", long_plan)

    t = threading.Thread(target=upload)
    t.start()
    answered_during = 0
    while t.is_alive():
        if quad_count(s.url) == before and t.is_alive():
            answered_during += 1
    t.join()
    r = replies["upload"]
    assert r.status_code == 504, r.text
    assert "1 s" in r.text and "nothing was changed" in r.text
    assert answered_during > 0  # the HTTP process was not busy reading
    assert quad_count(s.url) == before and s.store_dir.resolve().stat().st_ino == inode
    assert tasks_in(s.url, "ke-hoach-dai") == 0
