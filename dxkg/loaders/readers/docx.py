"""Word (.docx) documents through python-docx: paragraphs and real table cells, in order.

python-docx's ``row.cells`` returns a merged cell once per grid column it spans (the same
text repeated), which would count an amount twice; so the grid is read from the cell
properties instead: ``w:gridSpan`` (a cell spanning columns) becomes ``colspan``, a
``w:vMerge`` run (restart, then continue) becomes one cell with ``rowspan``, and rows
marked ``w:tblHeader`` (repeated by Word on every page) become header cells. Word lays
pages out when it displays a document, so pages are known only where the file records
them (explicit page breaks, or the breaks Word saved as ``w:lastRenderedPageBreak``).
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from docx import Document
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import qn
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph as DocxParagraph

from .source import Cell, DocumentError, Paragraph, Source, TableBlock, render

_BREAKS = ".//w:br[@w:type='page'] | .//w:lastRenderedPageBreak"


def read(path: Path) -> Source:
    try:
        document = Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as e:
        raise DocumentError(path.name, 0, f"not a readable Word (.docx) file: {e}") from e
    body = document.element.body
    paged = bool(body.xpath(_BREAKS))
    page = 1
    blocks: list[Paragraph | TableBlock] = []
    for child in body.iterchildren():
        if child.tag == qn("w:p"):
            paragraph = DocxParagraph(child, document)
            blocks.append(Paragraph(paragraph.text, page if paged else None))
            page += len(child.xpath(_BREAKS))
        elif child.tag == qn("w:tbl"):
            blocks.append(table_block(Table(child, document), page if paged else None))
    source = render(blocks, "docx")
    if not any(line.strip() for line in source.lines):
        raise DocumentError(path.name, 0, "empty document: no paragraph or table text")
    return source


def table_block(table: Table, page: int | None) -> TableBlock:
    """The table's rows with each merged cell once: gridSpan → colspan, vMerge → rowspan."""
    rows: list[list[Cell]] = []
    origin: dict[int, Cell] = {}  # grid column → the cell a vertical merge started in
    for tr in table._tbl.tr_lst:
        header = tr.trPr is not None and tr.trPr.find(qn("w:tblHeader")) is not None
        row: list[Cell] = [Cell("", header=header) for _ in range(tr.grid_before)]
        col = tr.grid_before
        for tc in tr.tc_lst:
            span = tc.grid_span
            if tc.vMerge == "continue" and col in origin:
                origin[col].rowspan += 1
            else:
                cell = Cell(_cell_text(_Cell(tc, table)), colspan=span, header=header)
                row.append(cell)
                if tc.vMerge == "restart":
                    origin[col] = cell
                else:
                    origin.pop(col, None)
            col += span
        rows.append(row)
    return TableBlock(rows, [page] * len(rows))


def _cell_text(cell: _Cell) -> str:
    """A cell's paragraphs joined by spaces (a cell is one value wrapped by Word)."""
    return " ".join(p.text.strip() for p in cell.paragraphs if p.text.strip())
