"""``dxkg add`` / ``dxkg remove``: one document's graph changes, the others are copied as they
were, and the named queries answer as after a full build of the same documents."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from sample_documents import PLAN

from dxkg.kg import iris
from dxkg.kg.pipeline import EXIT_FAIL, EXIT_OK, EXIT_VIOLATIONS, build_store
from dxkg.kg.store import EmbeddedStore

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "ke-hoach-mau-chuyen-doi-so.md"
QUERIES = ("tasks", "document-relations", "system-links", "budgets")


def dxkg(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "dxkg.cli", *args], capture_output=True, text=True, timeout=300)


def rows(store: Path, name: str) -> list[tuple]:
    out = dxkg("query", name, "--store", str(store), "--format", "json")
    assert out.returncode == 0, out.stderr
    return sorted(
        tuple(sorted((k, v["value"]) for k, v in b.items())) for b in json.loads(out.stdout)["results"]["bindings"]
    )


def graph_quads(store: Path, stem: str) -> set:
    s = EmbeddedStore(store, read_only=True)
    quads = {str(q) for q in s.raw.quads_for_pattern(None, None, None, ox.NamedNode(iris.graph(stem)))}
    s.close()
    return quads


@pytest.fixture
def example_store(tmp_path) -> Path:
    store = tmp_path / "store"
    assert build_store([EXAMPLE], store, report=lambda m: None) == EXIT_OK
    return store


def test_add_puts_one_document_in_and_answers_as_a_full_build(example_store, tmp_path):
    before = graph_quads(example_store, EXAMPLE.stem)
    out = dxkg("add", str(PLAN), "--store", str(example_store))
    assert out.returncode == EXIT_OK, out.stderr
    assert "1 other document graphs kept" in out.stderr
    assert graph_quads(example_store, EXAMPLE.stem) == before  # the other document is copied, not rebuilt
    full = tmp_path / "full"
    assert build_store([EXAMPLE, PLAN], full, report=lambda m: None) == EXIT_OK
    for name in QUERIES:
        assert rows(example_store, name) == rows(full, name), name


def test_remove_drops_the_document_and_what_only_it_named(example_store):
    alone = {name: rows(example_store, name) for name in QUERIES}
    assert dxkg("add", str(PLAN), "--store", str(example_store)).returncode == EXIT_OK
    assert any("06/QĐ-TTg" in str(r) for r in rows(example_store, "document-relations"))  # cited by the plan only
    out = dxkg("remove", PLAN.name, "--store", str(example_store))
    assert out.returncode == EXIT_OK, out.stderr
    for name in QUERIES:
        assert rows(example_store, name) == alone[name], name
    s = EmbeddedStore(example_store, read_only=True)
    assert not s.query("ASK { ?d <https://w3id.org/dxkg/ontology#symbol> '06/QĐ-TTg' }")
    assert s.query("ASK { ?d <https://w3id.org/dxkg/ontology#symbol> '749/QĐ-TTg' }")  # still cited by the example
    s.close()


def test_add_again_replaces_the_documents_graph(example_store, tmp_path):
    changed = tmp_path / PLAN.name
    shutil.copy(PLAN, changed)
    assert dxkg("add", str(changed), "--store", str(example_store)).returncode == EXIT_OK
    lines = PLAN.read_text(encoding="utf-8").splitlines()
    edited = [
        x.replace(
            "| Sở Y tế | Ngân hàng Nhà nước chi nhánh tỉnh | Năm 2025 |",
            "| Sở Y tế | Ngân hàng Nhà nước chi nhánh tỉnh | Quý IV/2025 |",
        )
        for x in lines
        if not x.startswith("Căn cứ Quyết định số 06/QĐ-TTg")
    ]
    assert edited != lines
    changed.write_text("\n".join(edited) + "\n", encoding="utf-8")
    assert dxkg("add", str(changed), "--store", str(example_store)).returncode == EXIT_OK
    full = tmp_path / "full"
    assert build_store([EXAMPLE, changed], full, report=lambda m: None) == EXIT_OK
    for name in QUERIES:
        assert rows(example_store, name) == rows(full, name), name
    assert any("Quý IV/2025" in str(r) and "thanh toán" in str(r) for r in rows(example_store, "tasks"))


def test_remove_of_an_unknown_document_changes_nothing(example_store):
    out = dxkg("remove", "khong-co.pdf", "--store", str(example_store))
    assert out.returncode == EXIT_FAIL and "no document of that name" in out.stderr


def test_strict_add_of_a_document_that_lost_its_table_is_refused(example_store, tmp_path):
    table = [line for line in PLAN.read_text(encoding="utf-8").splitlines() if line.startswith("|")]
    lossy = tmp_path / "mat-bang.md"
    lossy.write_text(PLAN.read_text(encoding="utf-8").replace("\n".join(table), "\n".join(table[:2])), encoding="utf-8")
    before = rows(example_store, "tasks")
    out = dxkg("add", str(lossy), "--store", str(example_store), "--strict")
    assert out.returncode == EXIT_VIOLATIONS and "lost mat-bang.md:" in out.stderr
    assert rows(example_store, "tasks") == before
