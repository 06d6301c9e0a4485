"""No silent loss: a table the document announces but extraction did not read.

A plan that says it has a task or indicator table — an appendix titled "Danh mục nhiệm
vụ…", "Chỉ tiêu…", or a header row naming Nhiệm vụ / Nội dung and Cơ quan chủ trì — and
yields no row from it has lost that table somewhere between the publisher and dxkg (a
layout the table reader does not know, a scan read badly, a header in another wording).
Each such place becomes a ``ParseIssue`` with ``lost=True``: the build reports it with
file and line, exits with 3, and writes it to the graph as a ``dx:ExtractionIssue`` that
the shapes report as a warning (an error with ``--strict``). A stated total that the rows
do not add up to is the same kind of loss (see ``appendix.check_totals``).
"""

from __future__ import annotations

import re

from dxkg.domain.text import fold

from .records import Appendix, ParseIssue
from .structure import plain
from .tables import Table

# an appendix title announcing rows of tasks, projects or indicators
_ANNOUNCING_TITLE = re.compile(r"\b(?:nhiem vu|chi tieu|du an|giai phap)\b")
# a header row: a title label and a lead-agency label on one line
_TITLE_LABEL = re.compile(r"\b(?:nhiem vu|noi dung|chi tieu|du an|ten (?:nhiem vu|du an|chi tieu))\b")
_LEAD_LABEL = re.compile(r"\b(?:co quan|don vi) (?:chu tri|thuc hien)\b")
_CELL_BREAK = re.compile(r"\t|\s{2,}|\||</t[dh]>")


def lost_tables(
    lines: list[str], file: str, appendices: list[Appendix], tables: list[Table], read_tables: set[int]
) -> list[ParseIssue]:
    """Places where the document announces a task/indicator table and none was read.

    ``read_tables`` holds the indexes (in ``tables``) of the tables rows were read from.
    """
    issues = []
    read_spans = [(t.start, t.end) for i, t in enumerate(tables) if i in read_tables]
    for n, line in enumerate(lines, 1):
        if is_header_line(line) and not any(a <= n <= b for a, b in read_spans):
            issues.append(
                ParseIssue(
                    file,
                    n,
                    f"a table header naming tasks and a lead agency ({plain(line)[:80]}) but no row was read from it",
                    lost=True,
                )
            )
    for k, app in enumerate(appendices):
        end = appendices[k + 1].span.line if k + 1 < len(appendices) else len(lines) + 1
        if not _ANNOUNCING_TITLE.search(fold(app.title)):
            continue
        if any(app.span.line <= a < end for a, _ in read_spans):
            continue
        if any(app.span.line <= i.line < end for i in issues):
            continue  # its header line is already reported
        issues.append(
            ParseIssue(
                file,
                app.span.line,
                f"{app.label} ({app.title[:80]}) announces a table of tasks or indicators but no row was read from it",
                lost=True,
            )
        )
    return sorted(issues, key=lambda i: i.line)


def is_header_line(line: str) -> bool:
    """A line that reads as the header row of a task table: a title label and a lead
    label in separate cells (tabs, pipes, HTML cells or a run of spaces between them)."""
    f = fold(line)
    title, lead = _TITLE_LABEL.search(f), _LEAD_LABEL.search(f)
    if not title or not lead or len(f) > 400:
        return False
    first, second = sorted((title, lead), key=lambda m: m.start())
    return bool(_CELL_BREAK.search(line[first.end() : second.start()]))
