"""The dxkg command as users and tooling call it: build, query, export.

Runs against the five seed documents in ../shared/seeds (skipped when absent) and the
sample plan shipped in examples/.
"""

import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from dxkg import cli
from dxkg.kg.pipeline import EXIT_FAIL, EXIT_OK, EXIT_SKIPPED, EXIT_VIOLATIONS, build_store

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "seeds"
EXAMPLES = ROOT / "examples"
needs_seeds = pytest.mark.skipif(not SEEDS.is_dir(), reason=f"seed documents not found at {SEEDS}")


def dxkg(*args) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "dxkg.cli", *map(str, args)], capture_output=True, text=True, cwd=ROOT, timeout=300
    )


def query_json(store, name, *params) -> list[dict]:
    extra = [x for p in params for x in ("--param", p)]
    out = dxkg("query", name, "--store", store, "--format", "json", *extra)
    assert out.returncode == 0, out.stderr
    return [{k: v["value"] for k, v in b.items()} for b in json.loads(out.stdout)["results"]["bindings"]]


@pytest.fixture(scope="module")
def seeds_store(tmp_path_factory):
    if not SEEDS.is_dir():
        pytest.skip(f"seed documents not found at {SEEDS}")
    store = tmp_path_factory.mktemp("seeds") / "store"
    out = dxkg("build", SEEDS, "--store", store, "--no-validate")
    assert out.returncode == 0, out.stderr
    return store


@needs_seeds
def test_task_and_indicator_rows_per_file_are_exact(seeds_store):
    tasks = query_json(seeds_store, "tasks")
    per = {}
    for r in tasks:
        per.setdefault((r["sourceFile"][:3], r.get("appendix", "")), set()).add(r["task"])
    counts = {k: len(v) for k, v in per.items()}
    assert counts[("000", "Phụ lục I")] == 9 and counts[("000", "Phụ lục II")] == 38
    totals = {}
    for (f, _), n in counts.items():
        totals[f] = totals.get(f, 0) + n
    assert (totals["001"], totals["002"], totals["003"]) == (45, 25, 78)
    assert "004" not in totals
    inds = {}
    for r in query_json(seeds_store, "indicators"):
        inds.setdefault(r["sourceFile"][:3], set()).add(r["indicator"])
    assert {k: len(v) for k, v in inds.items()} == {"001": 27, "002": 17}
    services = query_json(seeds_store, "service-usage")
    assert len({r["service"] for r in services}) == 38 and {r["sourceFile"][:3] for r in services} == {"003"}


@needs_seeds
def test_budgets_reproduce_the_stated_totals(seeds_store):
    sums = {}
    for r in query_json(seeds_store, "budgets"):
        if r["sourceFile"].startswith("000"):
            sums[r["category"]] = sums.get(r["category"], 0) + Decimal(r["amount"])
    million = {k: v / 1_000_000 for k, v in sums.items()}
    assert million == {
        "Đầu tư công": 74960,
        "Thường xuyên: Đầu tư, mua sắm": 54576,
        "Thường xuyên: Thuê dịch vụ": 54950,
    }
    assert sum(million.values()) == 184486


@needs_seeds
def test_service_usage_reproduces_the_stated_grand_total(seeds_store):
    rows = query_json(seeds_store, "service-usage")
    assert sum(int(r["total"]) for r in rows) == 266_054_603
    assert sum(int(r["success"]) for r in rows) == 265_659_149
    assert sum(int(r["failed"]) for r in rows) == 395_454


@needs_seeds
def test_a_task_traces_to_quyet_dinh_749(seeds_store):
    task = next(
        r["task"]
        for r in query_json(seeds_store, "tasks")
        if r["sourceFile"].startswith("000") and "trí tuệ nhân tạo" in r["title"]
    )
    trace = query_json(seeds_store, "legal-basis-trace", f"task={task}")
    assert trace[0]["relation"].endswith("partOfPlan") and trace[0]["minDepth"] == "1"
    assert any(r.get("symbol") == "749/QĐ-TTg" and r.get("date") == "2020-06-03" for r in trace)


@needs_seeds
def test_rebuilding_the_same_documents_gives_an_identical_graph(seeds_store, tmp_path):
    again = tmp_path / "again"
    assert dxkg("build", SEEDS, "--store", again, "--no-validate").returncode == 0
    one = dxkg("export", "--store", seeds_store, "--format", "nquads").stdout.splitlines()
    two = dxkg("export", "--store", again, "--format", "nquads").stdout.splitlines()
    assert len(one) > 10_000 and sorted(one) == sorted(two)


def test_bad_documents_are_reported_and_skipped_and_the_rest_loads(tmp_path):
    bad = tmp_path / "docs"
    bad.mkdir()
    (bad / "binary.txt").write_bytes(b"\x00\x01\x02")
    (bad / "latin1.txt").write_bytes("Kế hoạch".encode("utf-16"))
    store = tmp_path / "store"
    out = dxkg("build", bad, EXAMPLES, "--store", store, "--no-validate")
    assert out.returncode == EXIT_SKIPPED
    assert "binary.txt" in out.stderr and "latin1.txt" in out.stderr and "line 1" in out.stderr
    rows = query_json(store, "tasks")
    assert {r["sourceFile"] for r in rows} == {"ke-hoach-mau-chuyen-doi-so.md"} and len(rows) == 3


def test_a_failed_build_leaves_the_served_store_intact(tmp_path, monkeypatch):
    store = tmp_path / "store"
    assert build_store([EXAMPLES], store, validate=False, report=lambda m: None) == EXIT_OK
    before = sorted(p.name for p in store.iterdir())

    def explode(self, *args, **kwargs):
        raise OSError("disk full")

    for write in ("load", "bulk_load"):  # transactions, and the bulk loads a build makes (in threads)
        monkeypatch.setattr(f"dxkg.kg.store.EmbeddedStore.{write}", explode)
    with pytest.raises(OSError):
        build_store([EXAMPLES], store, validate=False, report=lambda m: None)
    monkeypatch.undo()
    assert sorted(p.name for p in store.iterdir()) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [".store.d", "store"]  # nothing left aside
    assert [p.name for p in (tmp_path / ".store.d").iterdir() if p.name.startswith("gen-")] == [store.resolve().name]
    assert len(query_json(store, "tasks")) == 3
    assert build_store([tmp_path / "missing"], store, validate=False, report=lambda m: None) == EXIT_FAIL
    assert len(query_json(store, "tasks")) == 3


def test_query_formats_and_the_table_view(tmp_path, capsys):
    store = tmp_path / "store"
    build_store([EXAMPLES], store, validate=False, report=lambda m: None)
    csv = dxkg("query", "tasks", "--store", store, "--format", "csv").stdout
    assert csv.splitlines()[0].startswith(
        "task,sourceFile,appendix,number,title,lead,coop,deadline,deadlineEnd,basis,result"
    )
    tsv = dxkg("query", "tasks", "--store", store, "--format", "tsv").stdout
    assert tsv.splitlines()[0].split("\t")[:3] == ["?task", "?sourceFile", "?appendix"]
    assert cli.main(["query", "tasks", "--store", str(store), "--param", "agency=văn phòng"]) == 0
    table = capsys.readouterr().out
    assert "(1 rows)" in table and "Kết nối Hệ thống thông tin" in table


def test_unknown_query_and_missing_store_are_clear_errors(tmp_path):
    out = dxkg("query", "nope", "--store", tmp_path)
    assert out.returncode == 1 and "no named query 'nope'" in out.stderr
    out = dxkg("query", "tasks", "--store", tmp_path / "absent")
    assert out.returncode == 1 and "no store at" in out.stderr and "Traceback" not in out.stderr


@pytest.mark.parametrize(
    "fmt,marker",
    [
        ("trig", b"@prefix dxid: <https://w3id.org/dxkg/id/> ."),
        ("nquads", b"> ."),
        ("turtle", b"@prefix"),
        ("jsonld", b"@id"),
    ],
)
def test_export_formats(tmp_path, fmt, marker):
    store = tmp_path / "store"
    build_store([EXAMPLES], store, validate=False, report=lambda m: None)
    out = subprocess.run(
        [sys.executable, "-m", "dxkg.cli", "export", "--store", str(store), "--format", fmt],
        capture_output=True,
        cwd=ROOT,
        timeout=120,
    )
    assert out.returncode == 0 and marker in out.stdout


def test_agencies_named_in_running_text_are_mentions_with_their_line(tmp_path):
    from dxkg.kg.store import EmbeddedStore

    store = tmp_path / "store"
    build_store([EXAMPLES], store, validate=False, report=lambda m: None)
    res = EmbeddedStore(store, read_only=True).select("""
        PREFIX dx: <https://w3id.org/dxkg/ontology#> PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT ?label ?line ?text WHERE { ?m a dx:AgencyMentionStatement ; dx:mentionsAgency/skos:prefLabel ?label ;
                                          dx:lineStart ?line ; dx:sourceText ?text }""")
    rows = {(b["label"]["value"], b["text"]["value"][:40]) for b in res["results"]["bindings"]}
    assert ("Sở Thông tin và Truyền thông", "Sở Thông tin và Truyền thông chủ trì the") in rows
    assert all("|" not in text for _, text in rows)  # table rows are read as task agencies instead


def test_a_reader_that_fails_is_reported_and_the_other_readers_still_contribute(monkeypatch):
    from dxkg.loaders import document

    def broken(lines, file):
        raise ValueError("unexpected layout")

    monkeypatch.setattr(document.tables, "find_tables", broken)
    doc = document.parse_document(EXAMPLES / "ke-hoach-mau-chuyen-doi-so.md")
    assert doc.tasks == [] and [i.message.split(" (in ")[0] for i in doc.issues if not i.lost] == [
        "tables failed: ValueError: unexpected layout"
    ]
    assert (
        len([i for i in doc.issues if i.lost]) == 2
    )  # and both tables it announces (tasks, indicators) are reported lost
    assert doc.header.province == "Ninh Bình" and {r.symbol for r in doc.refs} >= {"749/QĐ-TTg", "47/2020/NĐ-CP"}
    assert doc.system_links


def test_a_reader_that_raises_fails_the_build_with_exit_3_naming_file_and_reader(monkeypatch, tmp_path):
    from dxkg.loaders import document

    def broken(*args, **kwargs):
        raise ValueError("unexpected layout")

    monkeypatch.setattr(document.references, "find_references", broken)
    lines = []
    store = tmp_path / "store"
    status = build_store([EXAMPLES / "ke-hoach-mau-chuyen-doi-so.md"], store, validate=False, report=lines.append)
    assert status == EXIT_SKIPPED
    failed = [m for m in lines if m.startswith("failed ")]
    assert failed and "ke-hoach-mau-chuyen-doi-so.md" in failed[0] and "references reader" in failed[0]
    assert "ValueError: unexpected layout" in failed[0]
    assert len(query_json(store, "tasks")) == 3  # the other readers' facts are loaded
    status = build_store(
        [EXAMPLES / "ke-hoach-mau-chuyen-doi-so.md"], tmp_path / "strict", strict=True, report=lines.append
    )
    assert status == EXIT_VIOLATIONS and not (tmp_path / "strict").exists()
