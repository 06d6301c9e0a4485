"""Vietnamese text helpers shared by every loader: markup stripped from cells and lines,
and provinces found in running text. Folding and the province list live in ``dxkg.domain``."""

from __future__ import annotations

import html
import re

from dxkg.domain.places import PROVINCES_2008, PROVINCES_2025_NEW
from dxkg.domain.text import fold

_TAG = re.compile(r"<[^>]+>")
_BREAK = re.compile(r"<\s*(br|/li|/p)\s*/?>", re.I)
_EMPHASIS = re.compile(r"\*\*|__|(?<!\w)\*(?!\s)|(?<!\s)\*(?!\w)")
_BLANKS = re.compile(r"[ \t]+")


def _unmarked(s: str) -> str:
    """Text without HTML tags, entities and Markdown emphasis. Each step runs only when its
    mark is in the text: a long table calls this for every cell, and most cells have none."""
    s = s or ""
    if "<" in s:
        s = _TAG.sub(" ", _BREAK.sub("\n", s))
    if "&" in s:
        s = html.unescape(html.unescape(s))  # "&amp;amp;" occurs in exports
    if "*" in s or "_" in s:
        s = _EMPHASIS.sub("", s)
    return s.replace("\u00a0", " ") if "\u00a0" in s else s


def strip_markup(s: str) -> str:
    """Cell/line text without HTML tags, Markdown emphasis, or entities; spaces collapsed."""
    s = _unmarked(s)
    if "\t" in s or "  " in s:
        s = _BLANKS.sub(" ", s)
    return s.strip()


def clean(s: str) -> str:
    """One-line form of a cell or sentence: markup stripped, all white space collapsed
    (``split`` and ``re``'s ``\\s`` agree on what white space is)."""
    return " ".join(_unmarked(s).split())


_PROV_FOLDED = sorted(((fold(p), p) for p in PROVINCES_2008 + PROVINCES_2025_NEW), key=lambda x: -len(x[0]))
_PROV_BY_FOLDED: dict[str, str] = {}
for _folded, _name in _PROV_FOLDED:
    _PROV_BY_FOLDED.setdefault(_folded, _name)
# after a unit word, "Thành phố Hồ Chí Minh" is written without its own ("thành phố Hồ Chí Minh", "TP. Hồ Chí Minh")
_AFTER_UNIT = {f.removeprefix("thanh pho "): p for f, p in _PROV_FOLDED} | _PROV_BY_FOLDED

# one pattern for all provinces, longest names first: the leftmost match, and at one place the
# longest name, as trying each province in turn did (one regex per province per call was slow)
_PROV_NAMED = re.compile(
    r"(?:tinh|thanh pho|tp\.?)\s+("
    + "|".join(re.escape(f) for f in sorted(_AFTER_UNIT, key=len, reverse=True))
    + r")\b"
)


def find_province(text: str) -> str | None:
    """The first province named as "tỉnh X" / "thành phố X" in text, canonical spelling."""
    m = _PROV_NAMED.search(fold(text))
    return _AFTER_UNIT[m.group(1)] if m else None


def province_at(text: str) -> str | None:
    """The province ``text`` opens with, as "tỉnh X" / "thành phố X", or None."""
    m = _PROV_NAMED.match(fold(text))
    return _AFTER_UNIT[m.group(1)] if m else None


def province_named(text: str) -> str | None:
    """Canonical province whose name is exactly ``text`` (accent-insensitive)."""
    return _PROV_BY_FOLDED.get(fold(text).strip())
