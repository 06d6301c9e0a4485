"""Positioned words → lines → paragraphs, the way a person reads a page.

Words come with boxes from a PDF text layer (pdfplumber) or from OCR (Tesseract). They
are grouped into lines by vertical overlap, and lines into paragraphs: a line continues
the paragraph above when that line runs (nearly) to the right edge of the text and the
gap between them is smaller than a line — a paragraph break in a plan is either a short
last line or extra space. A wide gap between two words of one line (the two columns of a
document header) is kept as a run of spaces, as ``pdftotext -layout`` keeps it.
"""

from __future__ import annotations

import html
import re
import statistics
from dataclasses import dataclass, field

from .source import Cell, Paragraph, Place, Source, TableBlock, join_wrapped

FULL_LINE = 0.85  # a line reaching this share of the text width is wrapped, not ended
COLUMN_GAP = "    "
_FURNITURE = re.compile(r"^(?:trang\s*)?\d{1,3}(?:\s*/\s*\d{1,3})?$|^-\s*\d{1,3}\s*-$", re.I)


@dataclass
class Line:
    words: list = field(default_factory=list)  # objects with text, x0, x1, top, bottom

    @property
    def top(self) -> float:
        return min(w.top for w in self.words)

    @property
    def bottom(self) -> float:
        return max(w.bottom for w in self.words)

    @property
    def x0(self) -> float:
        return min(w.x0 for w in self.words)

    @property
    def x1(self) -> float:
        return max(w.x1 for w in self.words)

    @property
    def height(self) -> float:
        return statistics.median(w.bottom - w.top for w in self.words)

    def text(self, char_width: float) -> str:
        out, prev = "", None
        for w in sorted(self.words, key=lambda w: w.x0):
            if prev is not None:
                out += COLUMN_GAP if w.x0 - prev.x1 > 3 * char_width else " "
            out += w.text
            prev = w
        return out


def char_width(words) -> float:
    """The median width of a character: the unit for gaps between words and columns."""
    widths = [(w.x1 - w.x0) / len(w.text) for w in words if w.text]
    return statistics.median(widths) if widths else 1.0


def lines_of(words) -> list[Line]:
    """Words grouped into lines: a word joins the line whose vertical middle it overlaps."""
    lines: list[Line] = []
    for w in sorted(words, key=lambda w: (w.top + w.bottom) / 2):
        middle = (w.top + w.bottom) / 2
        if lines and lines[-1].top <= middle <= lines[-1].bottom:
            lines[-1].words.append(w)
        else:
            lines.append(Line([w]))
    return lines


def is_furniture(text: str) -> bool:
    """A page number printed alone ("3", "- 3 -", "Trang 3/12")."""
    return bool(_FURNITURE.match(text.strip()))


def paragraphs(lines: list[Line], page: int | None, unit: float) -> list[tuple[float, Paragraph]]:
    """(top, paragraph) for each paragraph of the lines, wrapped lines joined."""
    lines = [line for line in lines if not is_furniture(line.text(unit))]
    if not lines:
        return []
    left = min(line.x0 for line in lines)
    right = max(line.x1 for line in lines)
    out: list[tuple[float, Paragraph]] = []
    prev = None
    for line in lines:
        text = line.text(unit)
        wrapped = (
            prev is not None
            and prev.x1 >= left + FULL_LINE * (right - left)
            and line.top - prev.bottom < 0.8 * prev.height
            and COLUMN_GAP not in text
        )
        if wrapped:
            out[-1][1].text = join_wrapped([out[-1][1].text, text])
        else:
            out.append((line.top, Paragraph(text, page)))
        prev = line
    return out


def word_blocks(words, page: int | None) -> list[tuple[float, TableBlock | Paragraph]]:
    """(top, block) for the words of a page outside its ruled tables: tables laid out in
    columns (see below) and paragraphs."""
    if not words:
        return []
    unit = char_width(words)
    lines = lines_of(words)
    out: list[tuple[float, TableBlock | Paragraph]] = []
    start = 0
    for table in layout_tables(lines, unit):
        out += paragraphs(lines[start : table.first], page, unit)
        rows = [[Cell(text, header=(r == 0)) for text in row] for r, row in enumerate(table.rows)]
        out.append((lines[table.first].top, TableBlock(rows, [page] * len(rows))))
        start = table.last + 1
    return out + paragraphs(lines[start:], page, unit)


# ---------------------------------------------------------------- tables laid out in columns
#
# A table printed without ruling lines, or read from a scan, or exported by
# ``pdftotext -layout``, is a run of lines whose words stand in columns. A cell's text is a
# group of words with ordinary spaces between them; cells are separated by wider gaps. The
# columns are found where the groups of the multi-cell lines (header and data rows) start
# and end; a row begins at a line with a row number (or a Cộng/Tổng label) and takes the
# following lines — the rest of its wrapped cells — until the next row. Page numbers and a
# header repeated after a page break are dropped; a group row whose title runs across the
# columns stays one cell, since its words are one group.

_TITLE_LABEL = re.compile(r"\b(?:nhiem vu|noi dung|chi tieu|du an|ten (?:nhiem vu|du an|chi tieu))\b")
_LEAD_LABEL = re.compile(r"\bchu\s+tri\b")
_TOTAL = re.compile(r"tong cong|tong so|tong|cong")
_ROW_NUMBER = re.compile(r"^(?:[IVXLC]+|[A-Z]|\d{1,3}(?:\.\d{1,3})*)[.)]?$")
_APPENDIX = re.compile(r"^phu\s+luc\b")
HEADER_LINES = 6  # a header row wraps over at most this many lines


@dataclass
class Group:
    """Words of one line separated by ordinary spaces: a cell, or part of one."""

    words: list

    @property
    def x0(self) -> float:
        return self.words[0].x0

    @property
    def x1(self) -> float:
        return self.words[-1].x1

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)


@dataclass
class LayoutTable:
    first: int  # index of its first line (header) in the lines given
    last: int  # index of its last line
    rows: list  # [[cell text]]: the header row first
    row_lines: list  # index of the first line of each row


def groups(line: Line, gap: float) -> list[Group]:
    out: list[Group] = []
    for w in sorted(line.words, key=lambda w: w.x0):
        if out and w.x0 - out[-1].x1 <= gap:
            out[-1].words.append(w)
        else:
            out.append(Group([w]))
    return out


def cell_gap(lines: list[Line], unit: float) -> float:
    """The smallest gap that separates cells: wider than the spaces inside a sentence."""
    spaces = []
    for line in lines:
        words = sorted(line.words, key=lambda w: w.x0)
        spaces += [b.x0 - a.x1 for a, b in zip(words, words[1:], strict=False) if b.x0 > a.x1]
    space = statistics.median(spaces) if spaces else unit
    return max(1.5 * space, space + 0.8 * unit)


def _fold(text: str) -> str:
    from dxkg.domain.text import fold

    return fold(text)


def _header_at(lines: list[Line], i: int, gap: float) -> bool:
    """A header row starts here: a title label among several cells, and "chủ trì" on this
    line or the next ones (a wrapped "Cơ quan / chủ trì")."""
    cells = groups(lines[i], gap)
    if len(cells) < 3 or not any(_TITLE_LABEL.search(_fold(c.text)) for c in cells):
        return False
    window = " ".join(" ".join(w.text for w in line.words) for line in lines[i : i + HEADER_LINES])
    return bool(_LEAD_LABEL.search(_fold(window)))


def _columns(rows: list[list[Group]], unit: float) -> list[float]:
    """Column starts: where the cells of multi-cell lines (header and data rows) start,
    clustered; a start seen on one line only is a stray gap inside a cell."""
    starts = sorted(g.x0 for cells in rows if len(cells) >= 3 for g in cells)
    clusters: list[list[float]] = []
    for x in starts:
        if clusters and x - clusters[-1][-1] <= 2 * unit:
            clusters[-1].append(x)
        else:
            clusters.append([x])
    return [c[0] for c in clusters if len(c) >= 2]


def _column_of(columns: list[float], x: float) -> int:
    return max((i for i, x0 in enumerate(columns) if x0 <= x + 0.5), default=0)


def _split(cells: list[Group], columns: list[float], title_col: int) -> list[Group]:
    """Cells run together by a single space (a fixed-width export leaves one space between
    columns at times) split where a word starts a column; a group row's title, which runs
    across the columns, is left whole."""
    first = cells[0].words[0].text
    if _ROW_NUMBER.match(first) and not first[0].isdigit() and len(cells) <= 2:
        return cells
    out: list[Group] = []
    for g in cells:
        part = [g.words[0]]
        for w in g.words[1:]:
            if _column_of(columns, w.x0) != _column_of(columns, part[-1].x0) and any(
                part[-1].x1 <= x0 <= w.x0 + 0.5 for x0 in columns
            ):
                out.append(Group(part))
                part = [w]
            else:
                part.append(w)
        out.append(Group(part))
    return out


def _is_total(text: str) -> bool:
    return bool(_TOTAL.fullmatch(_fold(text).strip(" :")))


def _is_row_start(cells: list[Group], columns, title_col: int) -> bool:
    first = cells[0]
    col = _column_of(columns, first.x0)
    if col == 0 and _ROW_NUMBER.match(first.words[0].text):
        return True
    return col <= title_col and _is_total(first.text)


def _ends_table(cells: list[Group], columns, title_col: int) -> bool:
    """Running text after the table: it starts in the number column without a number."""
    first = cells[0]
    return _column_of(columns, first.x0) < title_col and not _ROW_NUMBER.match(first.words[0].text)


def layout_tables(lines: list[Line], unit: float) -> list[LayoutTable]:
    """The tables laid out in columns among ``lines`` (sorted top to bottom)."""
    gap = cell_gap(lines, unit)
    out: list[LayoutTable] = []
    i = 0
    while i < len(lines):
        if not _header_at(lines, i, gap):
            i += 1
            continue
        table = _read_table(lines, i, gap, unit)
        if table is None:
            i += 1
            continue
        out.append(table)
        i = table.last + 1
    return out


def _read_table(lines: list[Line], start: int, gap: float, unit: float) -> LayoutTable | None:
    cells_of = [groups(line, gap) for line in lines]
    # header: from ``start`` to the line before the first row number
    body = next(
        (k for k in range(start + 1, min(start + HEADER_LINES + 1, len(lines))) if _numbered(cells_of[k])), None
    )
    if body is None:
        return None
    header_vocab = {_fold(w.text) for line in lines[start:body] for w in line.words}
    # the table's lines: up to running text, an appendix heading or the end
    end = body
    for k in range(body, len(lines)):
        text = _fold(" ".join(g.text for g in cells_of[k]))
        if _APPENDIX.match(text):
            break
        end = k
    columns = _columns(cells_of[start : end + 1], unit)
    if len(columns) < 3:
        return None
    title_col = _title_column(cells_of[start:body], columns)
    cells_of = [_split(cells, columns, title_col) if cells else cells for cells in cells_of]
    rows: list[list[list[str]]] = [[[] for _ in columns]]
    row_lines = [start]
    for k in range(start, body):
        _add(rows[0], cells_of[k], columns)
    last = body
    k = body
    while k <= end:
        cells = cells_of[k]
        text = " ".join(g.text for g in cells)
        if is_furniture(text):
            k += 1
            continue
        if _repeats_header(lines[k], header_vocab):
            k += 1
            while (
                k <= end
                and not _is_row_start(cells_of[k], columns, title_col)
                and _repeats_header(lines[k], header_vocab)
            ):
                k += 1
            continue
        if _is_row_start(cells, columns, title_col):
            rows.append([[] for _ in columns])
            row_lines.append(k)
        elif len(rows) == 1 or _ends_table(cells, columns, title_col):
            break
        _add(rows[-1], cells, columns)
        last = k
        k += 1
    if len(rows) < 2:
        return None
    texts = [[join_wrapped(parts) for parts in row] for row in rows]
    return LayoutTable(start, last, texts, row_lines)


def _numbered(cells: list[Group]) -> bool:
    return bool(cells) and bool(_ROW_NUMBER.match(cells[0].words[0].text)) and len(cells) >= 2


def _title_column(header: list[list[Group]], columns) -> int:
    for cells in header:
        for g in cells:
            if _TITLE_LABEL.search(_fold(g.text)):
                return _column_of(columns, g.x0)
    return 1


def _repeats_header(line: Line, vocab: set) -> bool:
    """A line of the header printed again after a page break: only header words."""
    words = [_fold(w.text) for w in line.words]
    return len(words) >= 2 and all(w in vocab for w in words)


def _add(row: list[list[str]], cells: list[Group], columns) -> None:
    """The line's cells into the row's columns. Two cells of one line never share a column:
    a fixed-width export places some lines a few characters off, so a cell that lands in the
    column of the cell before it belongs to the next column."""
    prev = -1
    for g in cells:
        col = _column_of(columns, g.x0)
        if col <= prev:
            col = min(prev + 1, len(columns) - 1)
        row[col].append(g.text)
        prev = col


# ---------------------------------------------------------------- text exported with layout


@dataclass
class _TextWord:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float


def text_source(lines: list[str]) -> Source:
    """Text as exported with ``pdftotext -layout``: tables laid out in columns are rewritten
    in place as HTML tables — each row on the line where it starts, its other lines left
    blank, so every other line keeps its number. Pages (form feeds) are read one at a time,
    since the export shifts the columns from page to page; the page numbers printed between
    the parts of a table are blanked, so the table reader joins the parts again."""
    pages, page = [], 1
    for line in lines:
        page += line.count("\f")
        pages.append(page)
    tables: list[tuple[int, int, list, list]] = []  # first line, last line, rows, row lines
    for number in sorted(set(pages)):
        rows = [
            (
                n,
                Line(
                    [
                        _TextWord(m.group(), m.start(), m.end(), n, n + 1)
                        for m in re.finditer(r"\S+", line.replace("\f", " "))
                    ]
                ),
            )
            for n, line in enumerate(lines)
            if pages[n] == number and line.strip() and not any(c in line for c in "\t|<")
        ]
        for t in layout_tables([line for _, line in rows], 1.0) if rows else []:
            tables.append((rows[t.first][0], rows[t.last][0], t.rows, [rows[k][0] for k in t.row_lines]))
    if not tables:
        return Source(lines, "text")
    out = [line.replace("\f", "") for line in lines]
    places: dict[int, Place] = {}
    paged = pages[-1] > 1
    previous_end = None
    for k, (first, last, table_rows, starts) in enumerate(tables, 1):
        if previous_end is not None and all(
            not out[n].strip() or is_furniture(out[n]) for n in range(previous_end + 1, first)
        ):
            for n in range(previous_end + 1, first):
                out[n] = ""  # a page number between two parts of one table
        for n in range(first, last + 1):
            out[n] = ""
        ends = [nxt - 1 for nxt in starts[1:]] + [last]
        for r, (row, n, end) in enumerate(zip(table_rows, starts, ends, strict=True)):
            tag = "th" if r == 0 else "td"
            out[n] = "<tr>" + "".join(f"<{tag}>{html.escape(c, quote=False)}</{tag}>" for c in row) + "</tr>"
            original = "\n".join(x.replace("\f", "").rstrip() for x in lines[n : end + 1] if x.strip())
            places[n + 1] = Place(pages[n] if paged else None, f"bảng {k}, hàng {r + 1}", original)
        out[first] = "<table>" + out[first]
        out[last] += "</table>"
        previous_end = last
    _reflow(out, {n for first, last, _, _ in tables for n in range(first, last + 1)})
    if paged:
        for n in range(len(lines)):
            places.setdefault(n + 1, Place(pages[n]))
    return Source(out, "layout", places)


def _reflow(out: list[str], in_tables: set[int]) -> None:
    """Paragraphs the export wrapped at the page width, rejoined on their first line (the
    other lines left blank, so line numbers stay): a line continues the one right above
    when that one reaches (nearly) the right edge of the text and neither is laid out in
    columns (the two columns of a document header), and the line above does not end a
    sentence nor the line itself open an item, a legal basis or an appendix."""
    original = list(out)
    text = [n for n, line in enumerate(original) if line.strip() and n not in in_tables]
    if not text:
        return
    width = max(len(original[n].rstrip()) for n in text)

    def flowing(n: int) -> bool:
        return bool(original[n].strip()) and n not in in_tables and "   " not in original[n].strip()

    head = None
    for n in text:
        above = n - 1
        if head is not None and above >= 0 and flowing(above) and flowing(n):
            if len(original[above].rstrip()) >= FULL_LINE * width and not _starts_paragraph(
                original[above], original[n]
            ):
                out[head] = join_wrapped([out[head], original[n]])
                out[n] = ""
                continue
        head = n


_OPENS = re.compile(r"^(?:phụ lục|căn cứ|theo đề nghị|[IVX]+\.|\d+(?:\.\d+)*\.?\s|[a-zđ]\)|[-+•])", re.I)


def _starts_paragraph(above: str, line: str) -> bool:
    return above.rstrip().endswith((".", ";", ":", "!", "?")) or bool(_OPENS.match(line.strip()))
