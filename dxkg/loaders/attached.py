"""A document issued with the decision that carries it ("Ban hành kèm theo Quyết định này Kế
hoạch …"): the decision and the attached plan are two documents, the plan approved by the
decision and holding its own basis, tasks and appendices.

The attached document starts where, after the decision's articles, a kind word printed in
capitals (KẾ HOẠCH, ĐỀ ÁN, CHƯƠNG TRÌNH, QUY CHẾ…) stands under its own header block and is
followed by the note "(Ban hành kèm theo Quyết định số …)". An appendix ("PHỤ LỤC … Kèm theo
Quyết định …") is part of the decision, not a document of its own.
"""

from __future__ import annotations

import dataclasses
import re

from dxkg.domain.text import fold

from .records import ParseIssue, Span
from .text import clean

# kinds of document a decision issues or approves as an attachment
_ATTACHED_KINDS = {"ke hoach", "de an", "chuong trinh", "quy che", "quy dinh", "phuong an", "ke hoach hanh dong"}
_NOTE = re.compile(r"^[(*\s]*(?:Ban hành\s+)?[Kk]èm theo\s+(?:Quyết định|Nghị quyết|Chỉ thị)\b")
_ARTICLE = re.compile(r"^[*#\s]*Điều\s+1\b")
_HEADER_LINE = re.compile(r"ỦY BAN|UBND|CỘNG HÒA|Độc lập|^TỈNH |^THÀNH PHỐ |^Số\s*:|^[A-ZĐ ]+\t", re.I)


def attached_start(lines: list[str]) -> int | None:
    """Index of the first line of a document attached to the decision in ``lines``
    (its header block, or its kind word), or None."""
    cleaned = [clean(line).strip("*# ") for line in lines]
    first_article = next((i for i, t in enumerate(cleaned) if _ARTICLE.match(t)), None)
    if first_article is None:
        return None
    for i in range(first_article + 1, len(cleaned)):
        t = cleaned[i]
        if not (t and t == t.upper() and fold(t) in _ATTACHED_KINDS):
            continue
        if not any(_NOTE.match(n) for n in cleaned[i + 1 : i + 8]):
            continue
        return _header_above(lines, cleaned, i)
    return None


def _header_above(lines: list[str], cleaned: list[str], kind_at: int) -> int:
    """The kind line, or the header block printed just above it (issuer, motto, number)."""
    start, j = kind_at, kind_at - 1
    while j >= 0 and not cleaned[j]:
        j -= 1
    while j >= 0 and cleaned[j] and _HEADER_LINE.search(lines[j].strip()):
        start, j = j, j - 1
    return start


def shift_spans(record, offset: int, seen: set | None = None):
    """``record`` (a record, list or ParsedDocument read from ``lines[offset:]``) with every
    ``Span`` and issue line moved to the line numbers of the whole file. A record reached
    twice (a reference that is also one end of a relation) is moved once."""
    seen = set() if seen is None else seen
    if isinstance(record, Span):
        return dataclasses.replace(record, line=record.line + offset, end_line=record.end_line + offset)
    if isinstance(record, list):
        return [shift_spans(r, offset, seen) for r in record]
    if not dataclasses.is_dataclass(record) or isinstance(record, type) or id(record) in seen:
        return record
    seen.add(id(record))
    if isinstance(record, ParseIssue) and record.line:
        record.line += offset
    for f in dataclasses.fields(record):
        value = getattr(record, f.name)
        if isinstance(value, (Span, list)) or dataclasses.is_dataclass(value):
            setattr(record, f.name, shift_spans(value, offset, seen))
    return record
