"""Tables in exported plans, in every layout the exports produce, as logical tables.

Layouts read:
  * ``pipe``  Markdown pipe tables (rows above ``|---|`` are the header);
  * ``tab``   one row per line, cells separated by tabs, with HTML fragments;
  * ``cells`` one cell per line ("\\tcell"), records separated by blank lines;
  * ``html``  ``<table>`` with ``rowspan``/``colspan``.

Word tables lose their page layout on export, so the same logical table arrives as
several blocks: the header is repeated after each page break (bold or not, or left
blank), a row broken by the page continues in the next block without a number, and a
cell's text may wrap onto following lines. Multi-row headers are merged into one label
per column ("Dự kiến phí năm 2025 (triệu đồng) / Thường xuyên / Thuê dịch vụ"), and an
upper label that an export shifted onto a sub-column is moved back to the free column.

Nothing here knows what a column means: tasks, indicators and totals are read from these
tables by ``dxkg.loaders.appendix``.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser

from dxkg.domain.text import fold

from .records import ParseIssue, Span
from .text import clean, strip_markup
from .values import parse_amount

HEADER_JOIN = " / "
ROW_NUMBER = re.compile(r"^(?:[IVXLCDM]+|[A-Z]|\d+(?:\.\d+)*|[a-zđ])\s*[.)]?$")
_STT = {"stt", "tt", "so tt", "so thu tu", "thu tu"}
_TITLE_WORDS = (
    "nhiem vu",
    "du an",
    "noi dung",
    "ten ",
    "cong viec",
    "chi tieu",
    "dich vu",
    "hang muc",
    "danh muc",
    "giai phap",
)
_HEADER_WORDS = _TITLE_WORDS + (
    "co quan",
    "don vi",
    "chu tri",
    "phoi hop",
    "thoi gian",
    "ghi chu",
    "kinh phi",
    "ket qua",
    "tong",
    "thanh cong",
)
_TOTAL = re.compile(r"^(?:tong cong|tong so|tong|cong)\b")
_SEPARATOR = re.compile(r"^\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?\s*$")
_BOLD = re.compile(r"^\s*(?:<(b|strong)>.*</\1>|\*\*.*\*\*)\s*$", re.S | re.I)


@dataclass
class Row:
    """One logical row: continuation lines and page-broken parts are already joined."""

    cells: list[str]
    span: Span
    bold: bool = False  # every non-empty cell was bold in the source
    inherited: frozenset = frozenset()  # columns copied from a rowspan above (HTML)


@dataclass
class Table:
    start: int  # 1-based first line
    end: int  # 1-based last line
    header: list[str]  # one label per column
    rows: list[Row]
    layout: str = ""  # pipe | tab | cells | html
    number_col: int = 0
    title_col: int = 1
    issues: list = field(default_factory=list)  # [ParseIssue]


@dataclass
class _Raw:
    """A physical row as a layout reader saw it (0-based line indexes)."""

    cells: list[str]
    first: int
    last: int
    bold: bool = False
    inherited: frozenset = frozenset()


@dataclass
class _Block:
    """Rows between two gaps; ``header`` is set when the layout marks header rows."""

    layout: str
    rows: list[_Raw]
    first: int
    last: int
    header: list[_Raw] | None = None


# ---------------------------------------------------------------- cells


def cell_text(raw: str) -> str:
    """A cell as text: markup gone, spaces collapsed, explicit breaks (<br>, <li>) kept."""
    lines = [re.sub(r"\s+", " ", x).strip() for x in strip_markup(raw).split("\n")]
    return "\n".join(x for x in lines if x)


def _is_bold(raw_cells: list[str]) -> bool:
    filled = [c for c in raw_cells if clean(c)]
    return bool(filled) and all(_BOLD.match(c) for c in filled)


def _raw(raw_cells: list[str], first: int, last: int) -> _Raw:
    return _Raw([cell_text(c) for c in raw_cells], first, last, _is_bold(raw_cells))


def is_row_number(text: str) -> bool:
    return bool(ROW_NUMBER.match(clean(text)))


def is_total_label(text: str) -> bool:
    """ "Cộng", "Tổng", "TỔNG CỘNG", "Tổng số" — the label of a total row."""
    f = fold(clean(text))
    return bool(_TOTAL.match(f)) and len(f) <= 30


# ---------------------------------------------------------------- layouts


def _line_kind(line: str) -> str:
    """blank | pipe | html | row (tab-separated) | cell (one leading tab) | text"""
    s = line.strip()
    tabs = line.count("\t")
    if not s and not tabs:
        return "blank"
    if s.startswith("|"):
        return "pipe"
    if "<table" in s.lower():
        return "html"
    if tabs >= 2 or (tabs == 1 and not line.lstrip(" ").startswith("\t")):
        return "row"
    if tabs == 1:
        return "cell"
    return "text"


def _pipe_cells(line: str) -> list[str]:
    s = line.strip()
    s = s[1:] if s.startswith("|") else s
    s = s[:-1] if s.endswith("|") and not s.endswith("\\|") else s
    return [c.replace("\\|", "|") for c in re.split(r"(?<!\\)\|", s)]


def _read_pipe(lines: list[str], i: int) -> tuple[_Block, int]:
    j, header = i, None
    rows: list[_Raw] = []
    while j < len(lines) and _line_kind(lines[j]) == "pipe":
        if _SEPARATOR.match(lines[j].strip()):
            header, rows = rows, []
        else:
            rows.append(_raw(_pipe_cells(lines[j]), j, j))
        j += 1
    return _Block("pipe", rows, i, j - 1, header), j


def _read_tab(lines: list[str], i: int) -> tuple[list[_Block], int]:
    """Tab-separated rows; a row with too few cells takes the following line(s) as the
    rest of its last cell (a cell with a line break), blank lines end a block."""
    blocks: list[_Block] = []
    rows: list[_Raw] = []
    width, j, start = None, i, i
    while j < len(lines):
        kind = _line_kind(lines[j])
        if kind == "blank":
            nxt = _next_filled(lines, j)
            if rows:
                blocks.append(_Block("tab", rows, start, rows[-1].last))
                rows = []
            if nxt is None or _line_kind(lines[nxt]) not in ("row", "cell"):
                return blocks, j
            j = start = nxt
            continue
        if kind not in ("row", "cell", "text") or (kind == "text" and not rows):
            break
        parts = lines[j].split("\t")
        width = width or len(parts)
        if (
            rows
            and rows[-1].last == j - 1
            and len(rows[-1].cells) < width
            and (kind == "text" or _rest_of_row(rows[-1], parts, width))
        ):
            _continue_raw(rows[-1], parts, j)
        elif kind == "text":
            break
        else:
            rows.append(_raw(parts, j, j))
        j += 1
    if rows:
        blocks.append(_Block("tab", rows, start, rows[-1].last))
    return blocks, j


def _rest_of_row(row: _Raw, parts: list[str], width: int) -> bool:
    """Whether a tab line completes a short row: it fits, and it starts with text that
    is neither empty nor a row number (which would begin a new row)."""
    first = clean(parts[0])
    return bool(first) and not is_row_number(first) and len(row.cells) + len(parts) - 1 <= width


def _continue_raw(row: _Raw, parts: list[str], j: int) -> None:
    more = [cell_text(p) for p in parts]
    row.cells[-1] = " ".join(x for x in (row.cells[-1], more[0]) if x)
    row.cells.extend(more[1:])
    row.last = j


def _next_filled(lines: list[str], j: int) -> int | None:
    while j < len(lines) and _line_kind(lines[j]) == "blank":
        j += 1
    return j if j < len(lines) else None


def _read_cells(lines: list[str], i: int) -> tuple[_Block | None, int]:
    """One cell per line ("\\tcell"); a blank line ends a record; a line without the tab
    continues the cell above. Records split by a stray blank line are rejoined when
    together they make one full row and the second does not start with a row number."""
    records: list[list[tuple[str, int, int]]] = []
    cur: list[tuple[str, int, int]] = []
    j = i
    while j < len(lines):
        kind = _line_kind(lines[j])
        if kind == "cell":
            cur.append((lines[j].lstrip(" ")[1:], j, j))
        elif kind == "text" and cur and cur[-1][2] == j - 1:
            cur[-1] = (cur[-1][0] + " " + lines[j], cur[-1][1], j)
        elif kind == "blank":
            if cur:
                records.append(cur)
                cur = []
            nxt = _next_filled(lines, j)
            if nxt is None or _line_kind(lines[nxt]) != "cell":
                break
            j = nxt
            continue
        else:
            break
        j += 1
    if cur:
        records.append(cur)
    records = _rejoin_records(records)
    if len(records) < 2 or max(len(r) for r in records) < 3:
        return None, j
    rows = [
        _Raw([cell_text(c[0]) for c in rec], rec[0][1], rec[-1][2], _is_bold([c[0] for c in rec])) for rec in records
    ]
    return _Block("cells", rows, rows[0].first, rows[-1].last), j


def _rejoin_records(records: list[list]) -> list[list]:
    if not records:
        return records
    width = Counter(len(r) for r in records).most_common(1)[0][0]
    out: list[list] = []
    for rec in records:
        if out and len(out[-1]) < width and len(out[-1]) + len(rec) <= width and not is_row_number(rec[0][0]):
            out[-1] = out[-1] + rec
        else:
            out.append(rec)
    return out


class _HTMLTable(HTMLParser):
    """A grid from one <table>: rowspan copies the cell down (marked inherited), colspan
    leaves the extra columns empty; <th> rows and <thead> are the header."""

    def __init__(self):
        super().__init__(convert_charrefs=False)
        self.rows: list[dict] = []
        self.cell: dict | None = None
        self.depth = 0
        self.in_head = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "table":
            self.depth += 1
        elif self.depth != 1:
            self._text(self.get_starttag_text() or "")
        elif tag == "thead":
            self.in_head = True
        elif tag == "tr":
            self.rows.append({"cells": [], "line": self.getpos()[0], "head": self.in_head})
        elif tag in ("td", "th") and self.rows:
            self.cell = {
                "text": "",
                "rowspan": _int(a.get("rowspan")),
                "colspan": _int(a.get("colspan")),
                "th": tag == "th",
            }
            self.rows[-1]["cells"].append(self.cell)
        else:
            self._text(self.get_starttag_text() or "")

    def handle_endtag(self, tag):
        if tag == "table":
            self.depth -= 1
        elif self.depth == 1 and tag in ("td", "th"):
            self.cell = None
        elif self.depth == 1 and tag == "thead":
            self.in_head = False
        elif self.depth == 1 and tag == "tr" and self.rows:
            self.rows[-1]["end"] = self.getpos()[0]
        else:
            self._text(f"</{tag}>")

    def handle_data(self, data):
        self._text(data)

    def handle_entityref(self, name):
        self._text(f"&{name};")

    def handle_charref(self, name):
        self._text(f"&#{name};")

    def _text(self, s):
        if self.cell is not None:
            self.cell["text"] += s


def _int(v) -> int:
    """A rowspan/colspan value, within the HTML limits (a bad value counts as 1)."""
    try:
        return min(max(1, int(v or 1)), 1000)
    except ValueError:
        return 1


def _read_html(lines: list[str], i: int, file: str) -> tuple[_Block | None, int, list]:
    """An HTML table up to </table>; an unclosed table ends at its first blank line."""
    j = i
    while j < len(lines) and "</table" not in lines[j].lower():
        j += 1
    issues = []
    if j >= len(lines):
        j = next((k for k in range(i, len(lines)) if not lines[k].strip()), len(lines)) - 1
        issues.append(ParseIssue(file, i + 1, "<table> is not closed"))
    end = max(i, min(j, len(lines) - 1))
    parser = _HTMLTable()
    try:
        parser.feed("\n".join(lines[i : end + 1]))
        parser.close()
    except Exception as e:  # noqa: BLE001  (a broken table must not stop the document)
        return None, end + 1, issues + [ParseIssue(file, i + 1, f"unreadable HTML table: {e}")]
    grid = _grid(parser.rows, i)
    if not grid:
        return None, end + 1, issues + [ParseIssue(file, i + 1, "HTML table without rows")]
    n = 0
    while n < len(parser.rows) and (parser.rows[n]["head"] or all(c["th"] for c in parser.rows[n]["cells"])):
        n += 1
    return _Block("html", grid[n:], i, end, grid[:n] or None), end + 1, issues


def _grid(rows: list[dict], offset: int) -> list[_Raw]:
    """Rows with rowspan/colspan laid out on one grid of columns."""
    pending: dict[int, tuple[int, str]] = {}  # column → (rows still spanned, text)
    out = []
    for src in rows:
        cells, inherited, col = [], set(), 0
        queue = list(src["cells"])
        while queue or any(c >= col for c in pending):
            if col in pending:
                left, text = pending[col]
                cells.append(text)
                inherited.add(col)
                pending[col] = (left - 1, text)
                if left - 1 == 0:
                    del pending[col]
                col += 1
                continue
            if not queue:
                cells.append("")
                col += 1
                continue
            c = queue.pop(0)
            text = cell_text(c["text"])
            for k in range(c["colspan"]):
                cells.append(text if k == 0 else "")
                if c["rowspan"] > 1:
                    pending[col] = (c["rowspan"] - 1, text if k == 0 else "")
                col += 1
        first = offset + src["line"] - 1
        last = offset + src.get("end", src["line"]) - 1
        raw_cells = [c["text"] for c in src["cells"]]
        out.append(_Raw(cells, first, max(first, last), _is_bold(raw_cells), frozenset(inherited)))
    return out


def _blocks(lines: list[str], file: str) -> tuple[list[_Block], list]:
    blocks: list[_Block] = []
    issues: list = []
    i = 0
    while i < len(lines):
        kind = _line_kind(lines[i])
        if kind == "pipe":
            pipe, i = _read_pipe(lines, i)
            blocks.append(pipe)
        elif kind == "html":
            block, i, found = _read_html(lines, i, file)
            issues += found
            blocks += [block] if block else []
        elif kind == "row":
            found, i = _read_tab(lines, i)
            blocks += found
        elif kind == "cell":
            block, nxt = _read_cells(lines, i)
            blocks += [block] if block else []
            i = max(nxt, i + 1)
        else:
            i += 1
    return blocks, issues


# ---------------------------------------------------------------- headers


def merge_header(rows: list[list[str]], width: int) -> list[str]:
    """One label per column from header rows, upper labels first ("A / B / C").

    A row with fewer cells than the table (one-cell-per-line exports drop the cells a
    colspan covers) is widened under the label that sits over a run of sub-labels; an
    upper label that sits over a sub-column of another label's span is moved to the first
    column that no header row labels; a blank cell takes the label on its left when a
    lower row labels that column (it is part of the span).
    """
    grid = _widen(rows, width)
    _move_misplaced(grid, width)
    labels = []
    for c in range(width):
        path: list[str] = []
        for r in range(len(grid)):
            text = grid[r][c] or _spanning_label(grid, r, c)
            if text and (not path or path[-1] != text):
                path.append(text)
        labels.append(HEADER_JOIN.join(path))
    return labels


def _widen(rows: list[list[str]], width: int) -> list[list[str]]:
    grid = [list(r[:width]) for r in rows]
    grid[-1] += [""] * (width - len(grid[-1]))
    for r in range(len(grid) - 2, -1, -1):
        while len(grid[r]) < width:
            run = _first_run(grid[r + 1], grid[r])
            if run is None:
                break
            c, k = run
            grid[r][c + 1 : c + 1] = [""] * min(k - 1, width - len(grid[r]))
        grid[r] += [""] * (width - len(grid[r]))
    return grid


def _first_run(below: list[str], row: list[str]) -> tuple[int, int] | None:
    """(column, length) of the first run of ≥2 sub-labels whose first column carries a
    label in ``row`` and whose other columns are not yet widened."""
    c = 0
    while c < len(below):
        k = 0
        while c + k < len(below) and below[c + k]:
            k += 1
        if k >= 2 and c < len(row) and row[c] and any(row[c + 1 : c + k]):
            return c, k
        c += max(k, 1)
    return None


def _move_misplaced(grid: list[list[str]], width: int) -> None:
    for r in range(len(grid)):
        for c in range(width):
            if grid[r][c] and _under_left_span(grid, r, c):
                free = next((x for x in range(c + 1, width) if not any(g[x] for g in grid)), None)
                if free is not None:
                    grid[r][free], grid[r][c] = grid[r][c], ""


def _under_left_span(grid: list[list[str]], r: int, c: int) -> bool:
    """Whether a lower header row shows column ``c`` as part of a label that starts
    further left (its sub-labels cover both that start and ``c``)."""
    for r1 in range(r + 1, len(grid)):
        if grid[r1][c]:
            continue
        left = next((x for x in range(c - 1, -1, -1) if grid[r1][x]), None)
        if left is None or any(grid[r][left:c]):
            continue
        if any(grid[r2][c] and grid[r2][left] for r2 in range(r1 + 1, len(grid))):
            return True
    return False


def _spanning_label(grid: list[list[str]], r: int, c: int) -> str:
    if not any(grid[r2][c] for r2 in range(r + 1, len(grid))):
        return ""
    left = next((x for x in range(c - 1, -1, -1) if grid[r][x]), None)
    if left is None or any(grid[r0][x] for r0 in range(r) for x in range(left + 1, c + 1)):
        return ""
    return grid[r][left]


# ---------------------------------------------------------------- logical tables


def _signature(row: _Raw) -> tuple:
    """The filled header labels in a comparable form: accents, case, punctuation and the
    spelling of the row-number label (STT, TT, Số TT) ignored."""
    labels = (re.sub(r"[^a-z0-9]+", " ", fold(c)).strip() for c in row.cells if c.strip())
    return tuple("tt" if x in _STT else x for x in labels)


def _same_header(a: tuple, b: tuple) -> bool:
    """Whether two header rows label the same columns. A header repeated after a page
    break is retyped or restyled ("Cơ quan chủ trì" / "Đơn vị chủ trì", "Thời gian hoàn
    thành" / "Thời hạn hoàn thành"): each label must share most of its words with the
    label in the same place."""
    if not a or len(a) != len(b):
        return False
    return all(x == y or _overlap(x.split(), y.split()) >= 0.5 for x, y in zip(a, b, strict=True))


def _overlap(x: list[str], y: list[str]) -> float:
    return len(set(x) & set(y)) / max(len(set(x)), len(set(y)), 1)


def _looks_like_header(row: _Raw) -> bool:
    """A header printed without an STT label still names at least two usual columns."""
    filled = [fold(c) for c in row.cells if c.strip()]
    if not filled or is_row_number(row.cells[0]):
        return False
    if filled[0] in _STT:
        return True
    return sum(any(w in f for w in _HEADER_WORDS) for f in filled) >= 2


def _is_subheader(row: _Raw, title_col: int = 1) -> bool:
    """A second header row: nothing in the number and title columns, labels elsewhere."""
    cells = [c for i, c in enumerate(row.cells) if i not in row.inherited]
    filled = [c for c in cells if c.strip()]
    return (
        bool(filled)
        and not any(cells[i].strip() for i in (0, title_col) if i < len(cells))
        and all(parse_amount(c) is None for c in filled)
    )


class _Builder:
    """Collects the blocks of one logical table."""

    def __init__(self, block: _Block, header_rows: list[_Raw], file: str, lines: list[str]):
        self.layout, self.file, self.lines = block.layout, file, lines
        self.first, self.last = block.first, block.last
        self.header_rows = header_rows
        self.signature = _signature(header_rows[0]) if header_rows else ()
        self.width = (
            max(len(r.cells) for r in header_rows) if header_rows else max([len(r.cells) for r in block.rows] + [1])
        )
        self.header = merge_header([r.cells for r in header_rows], self.width) if header_rows else [""] * self.width
        self.number_col, self.title_col = _key_columns(self.header)
        self.rows: list[_Raw] = []
        self.issues: list = []

    def header_count(self) -> int:
        return len(self.header_rows)

    def add(self, rows: list[_Raw]) -> None:
        """Body rows; a repeated header inside the rows is dropped; an unnumbered row
        that starts lower-case (or has no title) continues the row above."""
        k = 0
        while k < len(rows):
            row = rows[k]
            if not any(c.strip() for c in row.cells):
                k += 1
                continue
            if _same_header(self.signature, _signature(row)):
                k += self.header_count()
                continue
            if self._is_continuation(row):
                self._join(self.rows[-1], row)
            else:
                self.rows.append(row)
            self.last = max(self.last, row.last)
            k += 1

    def _is_continuation(self, row: _Raw) -> bool:
        """Page-broken or wrapped rows carry no number, no amounts, and their title part
        (if any) starts mid-sentence in lower case."""
        filled = [c for c in row.cells if c.strip()]
        if not self.rows or not filled or any(parse_amount(c) is not None for c in filled):
            return False
        number = _cell(row, self.number_col).strip()
        title = _cell(row, self.title_col).strip()
        return not number and not is_total_label(title) and (not title or title[0].islower())

    def _join(self, prev: _Raw, row: _Raw) -> None:
        prev.cells += [""] * (len(row.cells) - len(prev.cells))
        for i, text in enumerate(row.cells):
            if text.strip() and i not in row.inherited:
                prev.cells[i] = " ".join(x for x in (prev.cells[i], text) if x)
        prev.last = row.last

    def build(self) -> Table:
        rows = []
        for r in self.rows:
            cells = list(r.cells)
            if len(cells) > self.width and any(c.strip() for c in cells[self.width :]):
                self.issues.append(
                    ParseIssue(self.file, r.first + 1, f"row has {len(cells)} cells, table has {self.width}")
                )
                cells[self.width - 1] = " ".join(c for c in cells[self.width - 1 :] if c.strip())
            cells = (cells + [""] * self.width)[: self.width]
            span = Span(self.file, r.first + 1, r.last + 1, "\n".join(self.lines[r.first : r.last + 1]))
            rows.append(Row(cells, span, r.bold, r.inherited))
        return Table(
            self.first + 1, self.last + 1, self.header, rows, self.layout, self.number_col, self.title_col, self.issues
        )


def _cell(row: _Raw, col: int) -> str:
    return row.cells[col] if col < len(row.cells) else ""


def _key_columns(header: list[str]) -> tuple[int, int]:
    """(row-number column, title column): the STT column and the first column whose
    label names the content (nhiệm vụ, nội dung, dịch vụ, chỉ tiêu…)."""
    folded = [fold(h) for h in header]
    number_col = next((i for i, h in enumerate(folded) if h in _STT), 0)
    title_col = next(
        (i for i, h in enumerate(folded) if i != number_col and any(w in h + " " for w in _TITLE_WORDS)), None
    )
    if title_col is None:
        title_col = 1 if len(header) > 1 else 0
    return number_col, title_col


def _fits(current: _Builder, rows: list[_Raw]) -> bool:
    """Whether rows have no filled cell beyond the table's columns."""

    def used(r: _Raw) -> int:
        return max((i + 1 for i, c in enumerate(r.cells) if c.strip()), default=0)

    return all(used(r) <= current.width for r in rows)


def _only_blank_between(lines: list[str], a: int, b: int) -> bool:
    return all(_line_kind(lines[k]) == "blank" for k in range(a + 1, b))


def _header_rows(block: _Block, current: _Builder | None) -> tuple[list[_Raw], list[_Raw], bool]:
    """(header rows, body rows, whether the block continues ``current``)."""
    rows = list(block.rows)
    if block.header is not None:
        head = list(block.header)
        if not head:
            return [], rows, current is not None
        repeat = current is not None and (
            not _signature(head[0]) or _same_header(current.signature, _signature(head[0]))
        )
        wanted = current.header_count() - len(head) if current is not None and repeat else len(rows)
        while rows and wanted > 0 and _is_subheader(rows[0]):
            head.append(rows.pop(0))
            wanted -= 1
        return head, rows, bool(repeat)
    if current is not None and rows and _same_header(current.signature, _signature(rows[0])):
        n = current.header_count()
        return rows[:n], rows[n:], True
    if current is not None and rows and not _looks_like_header(rows[0]):
        return [], rows, True
    head = rows[:1]
    rows = rows[1:]
    while rows and _is_subheader(rows[0]):
        head.append(rows.pop(0))
    return head, rows, False


def find_tables(lines: list[str], file: str) -> list[Table]:
    """Every table in the document as logical tables (page-broken parts joined).

    A table that cannot be read yields a ``ParseIssue`` on the table it belongs to (or
    on an empty table at that place) and the rest of the document is still read.
    """
    blocks, issues = _blocks(lines, file)
    builders: list[_Builder] = []
    for block in blocks:
        prev = builders[-1] if builders else None
        current = (
            prev
            if prev and prev.layout == block.layout and _only_blank_between(lines, prev.last, block.first)
            else None
        )
        try:
            head, body, continues = _header_rows(block, current)
            if continues and current is not None and _fits(current, head + body):
                current.add(body)
                continue
            builder = _Builder(block, head, file, lines)
            builder.add(body)
            builders.append(builder)
        except Exception as e:  # noqa: BLE001  (a malformed block must not stop the document)
            issues.append(ParseIssue(file, block.first + 1, f"unreadable table: {e}"))
    tables = []
    for b in builders:
        if not b.rows:
            continue  # a lone header line is not a table
        try:
            tables.append(b.build())
        except Exception as e:  # noqa: BLE001
            issues.append(ParseIssue(file, b.first + 1, f"unreadable table: {e}"))
    for issue in issues:
        _attach(tables, issue)
    return tables


def _attach(tables: list[Table], issue: ParseIssue) -> None:
    """Put an issue on the table that holds its line, or on an empty table there."""
    for t in tables:
        if t.start <= issue.line <= t.end:
            t.issues.append(issue)
            return
    tables.append(Table(issue.line, issue.line, [], [], issues=[issue]))
    tables.sort(key=lambda t: t.start)
