"""PDF documents through pdfplumber: words with their positions → lines and paragraphs;
ruled tables → HTML tables with their merged cells; pages without a text layer → OCR.

Why pdfplumber: it is built on pdfminer.six and adds what reading a plan needs — words
with positions, and a table finder that uses the ruling lines of the page and reports
each cell's box, so a cell merged over rows or columns is seen as one box (→ rowspan /
colspan) instead of text repeated or lost. pypdfium2 extracts plain text faster but has
no table model; pdfminer.six alone has positions but no tables. pypdfium2 (a pdfplumber
dependency) still renders pages without a text layer for OCR.

Tables without ruling lines (a layout of aligned columns) are read like the columns of
``pdftotext -layout`` output: the page's words are placed on a fixed-width grid and
``columns`` finds the columns (see there).
"""

from __future__ import annotations

import bisect
from pathlib import Path

import pdfplumber
from pdfminer.pdfparser import PDFSyntaxError
from pdfplumber.utils.exceptions import PdfminerException

from dxkg.domain.text import nfc

from . import columns
from .source import Cell, DocumentError, Paragraph, Source, TableBlock, Word, join_wrapped, render

MIN_TEXT_CHARS = 20  # fewer characters than this: a scanned page (a stamp or a page number is not a text layer)


def read(path: Path) -> Source:
    try:
        pdf = pdfplumber.open(str(path))
    except (PDFSyntaxError, PdfminerException, ValueError) as e:
        raise DocumentError(path.name, 0, f"not a readable PDF: {e}") from e
    blocks: list = []
    scanned = []
    with pdf:
        for number, page in enumerate(pdf.pages, 1):
            if len(page.chars) < MIN_TEXT_CHARS:
                from . import ocr

                scanned.append(number)
                blocks += ocr.page_blocks(ocr.render_page(path, number - 1), number)
            else:
                blocks += page_blocks(page, number)
    reader = "ocr" if len(scanned) == len(pdf.pages) else "pdf+ocr" if scanned else "pdf"
    source = render(blocks, reader)
    if not any(line.strip() for line in source.lines):
        raise DocumentError(path.name, 0, "no text on any page (neither a text layer nor readable by OCR)")
    return source


def page_blocks(page, number: int) -> list:
    """The page's ruled tables and its other words (as paragraphs, or as a layout table
    when they line up in columns under a task/indicator header), in reading order."""
    tables = page.find_tables()
    boxes = [t.bbox for t in tables]
    words = [
        Word(nfc(w["text"]), w["x0"], w["x1"], w["top"], w["bottom"])
        for w in page.extract_words(keep_blank_chars=False, use_text_flow=False)
        if not any(_inside(w, box) for box in boxes)
    ]
    placed: list[tuple[float, TableBlock | Paragraph]] = [(t.bbox[1], table_block(t, number)) for t in tables]
    placed += [(top, block) for top, block in columns.word_blocks(words, number)]
    return [block for _, block in sorted(placed, key=lambda x: x[0])]


def _inside(word: dict, box: tuple) -> bool:
    x = (word["x0"] + word["x1"]) / 2
    y = (word["top"] + word["bottom"]) / 2
    return box[0] <= x <= box[2] and box[1] <= y <= box[3]


def table_block(table, page: int) -> TableBlock:
    """A ruled table: each cell box once, its spans counted on the grid of all cell edges."""
    xs = _edges([c[0] for c in table.cells] + [c[2] for c in table.cells])
    ys = _edges([c[1] for c in table.cells] + [c[3] for c in table.cells])
    texts = table.extract()
    rows = []
    for r, row in enumerate(table.rows):
        cells = []
        for c, box in enumerate(row.cells):
            if box is None:
                continue
            text = nfc(join_wrapped((texts[r][c] or "").split("\n")))
            colspan = max(1, _index(xs, box[2]) - _index(xs, box[0]))
            rowspan = max(1, _index(ys, box[3]) - _index(ys, box[1]))
            cells.append(Cell(text, rowspan=rowspan, colspan=colspan))
        rows.append(cells)
    return TableBlock(rows, [page] * len(rows))


def _edges(values: list[float], tolerance: float = 1.0) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > tolerance:
            out.append(v)
    return out


def _index(edges: list[float], v: float, tolerance: float = 1.0) -> int:
    return bisect.bisect_left(edges, v - tolerance)
