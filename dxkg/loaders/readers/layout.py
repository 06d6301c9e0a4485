"""Positioned words → lines → paragraphs, the way a person reads a page.

Words come with boxes from a PDF text layer (pdfplumber) or from OCR (Tesseract). They
are grouped into lines by vertical overlap, and lines into paragraphs: a line continues
the paragraph above when that line runs (nearly) to the right edge of the text and the
gap between them is smaller than a line — a paragraph break in a plan is either a short
last line or extra space. A wide gap between two words of one line (the two columns of a
document header) is kept as a run of spaces, as ``pdftotext -layout`` keeps it.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass, field

from .source import Paragraph, join_wrapped

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


def word_blocks(words, page: int | None) -> list[tuple[float, object]]:
    """(top, block) for the words of a page outside its ruled tables."""
    if not words:
        return []
    unit = char_width(words)
    return paragraphs(lines_of(words), page, unit)
