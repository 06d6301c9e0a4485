"""Legal references in running text and table cells (placeholder; real parser follows)."""
from __future__ import annotations

from .records import LegalRef, Span


def refs_in_text(text: str, span: Span, province: str | None, year: int | None = None) -> list[LegalRef]:
    """Legal references in one table cell or row (placeholder: none yet)."""
    return []
