"""Agencies named in table cells and running text (placeholder; real parser follows)."""
from __future__ import annotations

from .records import AgencyRef
from .text import clean


def parse_agency_cell(text: str) -> list[AgencyRef]:
    """Agencies in one cell, split on ';' and line breaks (placeholder)."""
    parts = [clean(p) for p in __import__("re").split(r"[;\n]", text or "")]
    return [AgencyRef(written=p, name=p) for p in parts if p]
