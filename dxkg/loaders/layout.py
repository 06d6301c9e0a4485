"""What kind of line a line is: a table line, or a heading and its level.

The structure parser (sections of a plan), the reference parser (preamble and "Căn cứ"
sections) and the system-link reader (table cells one by one) all ask these questions; the
answers live here so that they agree.
"""

from __future__ import annotations

import re

_TABLE_TAG = re.compile(r"<t[dh]\b", re.I)


def is_table_line(line: str) -> bool:
    """A line of a pipe, tab-separated, one-cell-per-line or HTML table. A tab anywhere counts:
    a group row of a tab-separated table ("I. Các dự án …" and empty cells) ends in tabs."""
    return line.lstrip().startswith(("|", "<t")) or "\t" in line or bool(_TABLE_TAG.search(line))


# ---------------------------------------------------------------- numbered headings of a body
PART = re.compile(r"^(phần\s+thứ\s+\w+|phần\s+[IVX]+|phần\s+\d+)\b\s*[:.\-–]?\s*(.*)$", re.I)
ROMAN_HEAD = re.compile(r"^([IVX]+)\.\s+(\S.*)$")
ARABIC_HEAD = re.compile(r"^(\d{1,2}\.(?:\d{1,2}\.?)*|\d{1,2}(?:\.\d{1,2})+)\s+(\S.*)$")


def section_heading(text: str) -> tuple[str, str, int] | None:
    """(number, title, level) of a numbered heading of a plan's body that reads like one
    ("Phần I" 1, "II. MỤC TIÊU" 2, "1.2. Hạ tầng số" 4), or None."""
    m = PART.match(text)
    if m:
        return _part_label(m.group(1)), m.group(2).strip(), 1
    m = ROMAN_HEAD.match(text)
    if m and _reads_like_heading(m.group(2)):
        return m.group(1), m.group(2).strip(), 2
    m = ARABIC_HEAD.match(text)
    if m and _reads_like_heading(m.group(2)):
        number = m.group(1).rstrip(".")
        return number, m.group(2).strip(), 2 + number.count(".") + 1
    return None


def _part_label(label: str) -> str:
    """ "PHẦN THỨ NHẤT" → "Phần thứ nhất", "PHẦN I" → "Phần I"."""
    first, *rest = label.split()
    return " ".join([first.capitalize()] + [w if re.fullmatch(r"[IVX]+", w) else w.lower() for w in rest])


def _reads_like_heading(title: str) -> bool:
    t = title.strip()
    return (
        bool(t)
        and len(t) <= 200
        and (t[0].isupper() or t[0].isdigit())
        and not t.endswith((";", ",", "."))
        and not re.search(r"\.\s+[A-ZĐ]", t)
    )


# ---------------------------------------------------------------- any heading, by level
# Looser than ``section_heading``: any line that opens a part, chapter, appendix, article or
# numbered item, with its level (0 Phần/Chương/Phụ lục, 1 roman/Điều, 2 "1.", 3 "1.1.").
ROMAN = r"[IVXL]+"
HEADING_LEVELS = [
    (0, re.compile(r"^(?:Phần|PHẦN|Chương|CHƯƠNG)\b")),
    (0, re.compile(r"^(?:Phụ lục|PHỤ LỤC)\b")),
    (1, re.compile(rf"^{ROMAN}\s*[.)]\s*\S")),
    (1, re.compile(r"^Điều\s+\d+\b")),
    (2, re.compile(r"^\d+\s*[.)]\s*\S")),
    (3, re.compile(r"^\d+\.\d+\.?\s+\S")),
]


def heading_level(text: str) -> int | None:
    """The level of a line that opens a heading (see ``HEADING_LEVELS``), or None."""
    return next((level for level, rx in HEADING_LEVELS if rx.match(text)), None)
