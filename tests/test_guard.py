"""No silent loss: a task table a plan announces but that yields no row, or a stated total the
rows do not reproduce, is reported with file and line, sets exit code 3, is a warning in the
graph's validation, and makes ``--strict`` refuse the build."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from sample_documents import PLAN

from dxkg.kg.namespaces import DX
from dxkg.kg.pipeline import EXIT_OK, EXIT_SKIPPED, EXIT_VIOLATIONS, build_store
from dxkg.kg.store import EmbeddedStore
from dxkg.loaders.document import parse_document

TEXT = PLAN.read_text(encoding="utf-8")
TABLE = [line for line in TEXT.splitlines() if line.startswith("|")]


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def lost(doc) -> list:
    return [(i.line, i.message) for i in doc.issues if i.lost]


def test_the_sample_plan_loses_nothing():
    assert lost(parse_document(PLAN)) == []


def test_an_appendix_whose_table_is_unreadable_is_reported_at_its_heading(tmp_path):
    """The task table printed as loose lines: the appendix announces tasks, none is read."""
    loose = "\n".join(" ".join(c.strip() for c in row.strip("|").split("|")) for row in TABLE)
    doc = parse_document(write(tmp_path, "mat-bang.md", TEXT.replace("\n".join(TABLE), loose)))
    assert doc.tasks == []
    heading = next(n for n, line in enumerate(doc.lines, 1) if line == "Phụ lục I")
    [(line, message)] = lost(doc)
    assert line in (heading, heading + 6) and "no row was read" in message


def test_a_header_row_without_rows_is_reported_at_the_header(tmp_path):
    text = TEXT.replace("\n".join(TABLE), "\n".join(TABLE[:2]))  # header and separator only
    doc = parse_document(write(tmp_path, "chi-tieu-de.md", text))
    header = next(n for n, line in enumerate(doc.lines, 1) if line.startswith("| STT"))
    assert [line for line, _ in lost(doc)] == [header]


def test_a_total_the_rows_do_not_reproduce_is_lost(tmp_path):
    doc = parse_document(write(tmp_path, "sai-tong.md", TEXT.replace("| 15.000 |", "| 16.000 |")))
    total = next(n for n, line in enumerate(doc.lines, 1) if "16.000" in line)
    [(line, message)] = lost(doc)
    assert line == total and "16000" in message and "15000" in message


@pytest.fixture
def lossy_folder(tmp_path) -> Path:
    folder = tmp_path / "docs"
    folder.mkdir()
    loose = "\n".join(" ".join(c.strip() for c in row.strip("|").split("|")) for row in TABLE)
    write(folder, "mat-bang.md", TEXT.replace("\n".join(TABLE), loose).replace("Số: 118/", "Số: 119/"))
    shutil.copy(PLAN, folder / "day-du.md")
    return folder


def test_build_reports_the_loss_exits_3_and_keeps_a_warning_in_the_graph(lossy_folder, tmp_path):
    out: list[str] = []
    status = build_store([lossy_folder], tmp_path / "store", report=out.append)
    assert status == EXIT_SKIPPED
    assert any(m.startswith("lost mat-bang.md:") and "no row was read" in m for m in out)
    store = EmbeddedStore(tmp_path / "store", read_only=True)
    issues = rows(store, f"SELECT ?doc ?line WHERE {{ ?doc <{DX}extractionIssue> ?i . ?i <{DX}lineStart> ?line }}")
    assert len(issues) == 1 and issues[0]["doc"].endswith("/kh/2025/119")
    warnings = rows(
        store,
        "PREFIX sh: <http://www.w3.org/ns/shacl#> SELECT ?focus WHERE { ?r sh:sourceShape ?s ; sh:focusNode ?focus ;"
        " sh:resultSeverity sh:Warning FILTER(CONTAINS(STR(?s), 'NothingLost')) }",
    )
    assert [w["focus"] for w in warnings] == [issues[0]["doc"]]


def rows(store, sparql: str) -> list[dict]:
    return [{k: v["value"] for k, v in b.items()} for b in store.select(sparql)["results"]["bindings"]]


def test_strict_refuses_a_build_that_lost_a_table(lossy_folder, tmp_path):
    store = tmp_path / "store"
    assert build_store([PLAN], store, report=lambda m: None) == EXIT_OK
    out: list[str] = []
    assert build_store([lossy_folder], store, strict=True, report=out.append) == EXIT_VIOLATIONS
    assert any("1 lost tables or totals" in m for m in out)
    kept = rows(EmbeddedStore(store, read_only=True), f"SELECT ?d WHERE {{ ?d <{DX}sourceFile> 'mat-bang.md' }}")
    assert kept == []  # the old store is still served


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="needs pdftotext (Debian poppler-utils)")
def test_text_exported_with_layout_is_read_as_a_table(plan_documents, tmp_path):
    """``pdftotext -layout`` of the printed plan: columns, wrapped cells, a header repeated on
    the next page, page breaks — read as the same table (the export places a few words off
    their column, so two cells of ten rows may differ; numbers, totals and references match)."""
    if "pdf" not in plan_documents:
        pytest.skip("needs /usr/bin/chromium to print the sample plan")
    text = tmp_path / "plan-layout.txt"
    subprocess.run(["pdftotext", "-layout", str(plan_documents["pdf"]), str(text)], check=True)
    doc, reference = parse_document(text), parse_document(PLAN)
    assert doc.reader == "layout" and lost(doc) == []
    assert [(t.number, t.group, [b.million_vnd for b in t.budgets]) for t in doc.tasks] == [
        (t.number, t.group, [b.million_vnd for b in t.budgets]) for t in reference.tasks
    ]
    same = sum(
        (a.title, [x.name for x in a.leads], [x.name for x in a.coops], a.deadline, a.group)
        == (b.title, [x.name for x in b.leads], [x.name for x in b.coops], b.deadline, b.group)
        for a, b in zip(doc.tasks, reference.tasks, strict=True)
    )
    assert same >= 8
    assert [t.value for t in doc.totals] == [t.value for t in reference.totals]
    assert sorted(r.symbol for r in doc.refs) == sorted(r.symbol for r in reference.refs)
    task = doc.tasks[-1]
    place = doc.places[task.span.line]
    assert place.page == 3 and place.where.startswith("bảng ")
    assert (
        place.text.startswith("3 ") and "Triển khai thanh toán" in place.text and "\n" in place.text
    )  # lines as exported
