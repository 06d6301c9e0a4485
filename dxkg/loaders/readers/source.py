"""What every reader returns: the document as text lines the table and text parsers
already read, and where each line came from in the original (page, table cell).

Binary documents (Word, PDF, scans) have no lines of their own. Their readers lay the
document out as the text exports do — one paragraph per line, blank lines between, each
real table as an HTML ``<table>`` with ``rowspan``/``colspan`` and one ``<tr>`` per line —
so extraction, IRIs and provenance work unchanged, and ``places`` maps a line number back
to the page and the table row a person can look up in the original.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field


class DocumentError(Exception):
    """The document cannot be read at all; the message names the file and the place."""

    def __init__(self, file: str, line: int, message: str):
        super().__init__(f"{file}:{line}: {message}")
        self.file, self.line, self.message = file, line, message


@dataclass(frozen=True)
class Place:
    """Where a line of the laid-out text stands in the original document."""

    page: int | None  # 1-based page (None when the format has no pages, e.g. Word)
    where: str = ""  # "bảng 1, hàng 3" for a table row; "" for running text
    text: str = ""  # a table row as a person reads it in the original (cells joined by " | ")


@dataclass
class Source:
    """A document as lines (1-based ``places`` keys), and the reader that produced it."""

    lines: list[str]
    reader: str  # text | layout | docx | pdf | ocr
    places: dict[int, Place] = field(default_factory=dict)


@dataclass
class Cell:
    text: str
    rowspan: int = 1
    colspan: int = 1
    header: bool = False


@dataclass
class Word:
    """A word and its box on the page, from a PDF's text layer or from OCR, in points or pixels."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float


@dataclass
class Paragraph:
    text: str
    page: int | None = None


@dataclass
class TableBlock:
    """A real table of the original: rows of cells (merged cells given once, with spans)."""

    rows: list[list[Cell]]
    pages: list[int | None]  # page of each row


_BROKEN_AFTER = re.compile(r"\w[-/]$")  # "749/QĐ-" wrapped before "TTg": no space when rejoined


def join_wrapped(parts: list[str]) -> str:
    """Lines of one paragraph or cell rejoined: a space between them, except after a line
    that ends inside a symbol or a compound ("749/QĐ-" + "TTg", "2021-" + "2025")."""
    out = ""
    for part in (p.strip() for p in parts):
        if not part:
            continue
        out += ("" if not out or _BROKEN_AFTER.search(out) else " ") + part
    return out


def render(blocks: list[Paragraph | TableBlock], reader: str) -> Source:
    """Paragraphs and tables as the lines the text parsers read, with their places.

    A paragraph is one line followed by a blank line (as in the text exports); a table is an
    HTML table with one row per line; tables that follow each other with nothing between
    (one table broken over pages) are laid out one after the other, so the table reader
    joins them as it joins a Word table broken over pages in a text export.
    """
    lines: list[str] = []
    places: dict[int, Place] = {}
    tables = 0
    for block in blocks:
        if isinstance(block, Paragraph):
            text = " ".join(block.text.split())
            if text:
                lines.append(text)
                places[len(lines)] = Place(block.page)
                lines.append("")
            continue
        if not block.rows:
            continue
        tables += 1
        lines.append("<table>")
        places[len(lines)] = Place(block.pages[0])
        for r, (row, page) in enumerate(zip(block.rows, block.pages, strict=True), 1):
            lines.append("<tr>" + "".join(_cell_html(c) for c in row) + "</tr>")
            text = " | ".join(" ".join(c.text.split()) for c in row)
            places[len(lines)] = Place(page, f"bảng {tables}, hàng {r}", text)
        lines.append("</table>")
        places[len(lines)] = Place(block.pages[-1])
        lines.append("")
    return Source(lines, reader, places)


def _cell_html(cell: Cell) -> str:
    tag = "th" if cell.header else "td"
    spans = "".join(f' {name}="{n}"' for name, n in (("rowspan", cell.rowspan), ("colspan", cell.colspan)) if n > 1)
    return f"<{tag}{spans}>{html.escape(' '.join(cell.text.split()), quote=False)}</{tag}>"
