"""Word and PDF readers: the sample plan read from its .docx (python-docx) and from its PDF
(printed by Chromium) gives exactly the records of its text version."""

from __future__ import annotations

from pathlib import Path

import pytest

from dxkg.kg.build import Builder
from dxkg.kg.namespaces import DX
from dxkg.kg.pipeline import EXIT_OK, build_store
from dxkg.loaders.document import DocumentError, parse_document
from dxkg.loaders.readers.source import Cell, Paragraph, TableBlock, render


def records(doc) -> dict:
    """Everything extraction produced, without line numbers (the layouts differ)."""
    h = doc.header
    return {
        "header": (h.issuer, h.symbol, h.kind, h.place, h.date, h.title, h.province, h.year),
        "appendices": [(a.label, a.title) for a in doc.appendices],
        "tasks": [
            (
                t.appendix,
                t.number,
                t.title,
                tuple(t.group),
                tuple(a.name for a in t.leads),
                tuple(a.name for a in t.coops),
                t.deadline,
                tuple((b.category, b.label, b.million_vnd) for b in t.budgets),
                tuple(sorted(r.symbol or r.written for r in t.refs)),
                tuple(sorted(s.key for s in t.systems)),
                t.result,
                t.note,
            )
            for t in doc.tasks
        ],
        "totals": [(t.appendix, t.kind, t.category, t.value) for t in doc.totals],
        "refs": sorted(
            (r.symbol or r.written, r.relation, r.context, str(r.date), r.issuer_name or "", r.subject or "")
            for r in doc.refs
        ),
        "links": sorted((x.a.key, x.relation, x.b.key, x.directed) for x in doc.system_links),
        "issues": [i.message for i in doc.issues],
    }


@pytest.fixture(scope="module")
def text_version(plan_documents):
    doc = parse_document(plan_documents["text"])
    assert len(doc.tasks) == 10 and doc.totals and len(doc.refs) >= 8 and doc.system_links  # the sample is rich enough
    return records(doc)


def test_docx_gives_exactly_the_records_of_the_text_version(plan_documents, text_version):
    doc = parse_document(plan_documents["docx"])
    assert doc.reader == "docx"
    assert records(doc) == text_version


def test_pdf_gives_exactly_the_records_of_the_text_version(plan_documents, text_version):
    if "pdf" not in plan_documents:
        pytest.skip("needs /usr/bin/chromium to print the sample plan")
    doc = parse_document(plan_documents["pdf"])
    assert doc.reader == "pdf"
    assert records(doc) == text_version


def test_docx_merged_cells_are_read_once_with_their_spans(plan_documents):
    """python-docx's row.cells repeats a merged cell per grid column; the reader gives it once."""
    doc = parse_document(plan_documents["docx"])
    rows = [line for line in doc.lines if line.startswith("<tr>")]
    assert any('rowspan="3"' in r and "Sở Thông tin và Truyền thông" in r for r in rows)  # vMerge
    group = next(r for r in rows if r.startswith("<tr><td>I</td>"))
    assert group.count("<td") == 2 and 'colspan="5"' in group  # gridSpan
    assert sum(r.startswith("<tr><th>") for r in rows) == 1  # the tblHeader row
    assert (
        sum("<td>STT</td>" in r for r in rows) == 1
    )  # the header repeated as a plain row, dropped by the table reader
    assert not any(t.title == "Nhiệm vụ" for t in doc.tasks)


def test_provenance_names_page_and_table_row(plan_documents):
    if "pdf" not in plan_documents:
        pytest.skip("needs /usr/bin/chromium to print the sample plan")
    doc = parse_document(plan_documents["pdf"])
    task = next(t for t in doc.tasks if t.title.startswith("Triển khai thanh toán"))
    place = doc.places[task.span.line]
    assert place.page == 3 and place.where.startswith("bảng 2, hàng ")
    graph = Builder().build([doc]).graphs
    quads = [q for qs in graph.values() for q in qs]
    pages = {(q.subject.value, q.object.value) for q in quads if q.predicate.value == DX + "sourcePage"}
    prov = {
        q.subject.value
        for q in quads
        if q.predicate.value == DX + "sourceText" and "Triển khai thanh toán" in q.object.value
    }
    assert {(s, "3") for s in prov} <= pages and prov
    texts = {q.object.value for q in quads if q.predicate.value == DX + "sourceText" and q.subject.value in prov}
    assert texts == {  # the row as read in the original, not the HTML it was laid out as
        "3 | Triển khai thanh toán không dùng tiền mặt tại các cơ sở y tế công lập | Sở Y tế"
        " | Ngân hàng Nhà nước chi nhánh tỉnh | Năm 2025 | 500"
    }


def test_word_page_breaks_give_pages(plan_documents):
    doc = parse_document(plan_documents["docx"])
    appendix = doc.appendices[0]
    assert doc.places[1].page == 1 and doc.places[appendix.span.line].page == 2


def test_render_lays_out_paragraphs_and_tables_with_places():
    source = render(
        [
            Paragraph("Căn cứ  Quyết định <b>", 1),
            TableBlock([[Cell("STT", header=True)], [Cell("1 & 2", rowspan=2)]], [1, 2]),
        ],
        "test",
    )
    assert source.lines == [
        "Căn cứ Quyết định <b>",
        "",
        "<table>",
        "<tr><th>STT</th></tr>",
        '<tr><td rowspan="2">1 &amp; 2</td></tr>',
        "</table>",
        "",
    ]
    assert source.places[5].page == 2 and source.places[5].where == "bảng 1, hàng 2"


@pytest.mark.parametrize("suffix", [".docx", ".pdf"])
def test_unreadable_binary_documents_name_the_file(tmp_path: Path, suffix):
    bad = tmp_path / f"hong{suffix}"
    bad.write_bytes(b"PK\x03\x04 not really" if suffix == ".docx" else b"%PDF-1.7 truncated")
    with pytest.raises(DocumentError) as e:
        parse_document(bad)
    assert e.value.file == bad.name and e.value.message


def test_build_reads_a_folder_of_mixed_formats(plan_documents, tmp_path):
    out = []
    folder = plan_documents["text"].parent
    status = build_store([folder], tmp_path / "store", validate=False, report=out.append)
    assert status == EXIT_OK
    read = [line for line in out if line.startswith("[")]
    assert len(read) == len(plan_documents) and all(": 10 tasks," in line for line in read)


def test_the_linked_data_page_of_a_task_names_its_page_and_table_row(plan_documents, live_server_factory):
    """A task read from the PDF: its page shows the page and the table row it was read from."""
    import pyoxigraph as ox
    import requests

    from dxkg.kg.namespaces import ID

    if "pdf" not in plan_documents:
        pytest.skip("needs /usr/bin/chromium to print the sample plan")
    doc = parse_document(plan_documents["pdf"])
    quads = [q for qs in Builder().build([doc]).graphs.values() for q in qs]
    server = live_server_factory(ox.serialize(quads, format=ox.RdfFormat.N_QUADS))
    task = next(
        q.subject.value
        for q in quads
        if q.predicate.value == DX + "sourceText"
        and "Triển khai thanh toán" in q.object.value
        and "/task/" in q.subject.value
    )
    page = requests.get(server.url + "/id/" + task[len(ID) :], headers={"Accept": "text/html"}, timeout=30).text
    assert "sourcePage" in page and "sourcePlace" in page
    assert ">3<" in page.replace(" ", "") and "bảng 2, hàng" in page
