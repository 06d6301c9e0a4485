"""Accent-insensitive folding and IRI slugs: how every layer compares Vietnamese words."""

from __future__ import annotations

import functools
import re
import unicodedata


def nfc(s: str) -> str:
    return unicodedata.normalize("NFC", s or "")


def fold(s: str) -> str:
    """Lower-case, accents removed, đ→d: for accent-insensitive matching and search.

    Character by character through a table filled on first use (``str.translate``): the
    loaders fold every cell and line, and decomposing each text anew was the largest part
    of reading a long table. A character whose folding depends on its neighbours is
    folded with the whole text instead (``_fold_text``)."""
    if not s or s.isascii():
        return (s or "").lower()
    try:
        return s.translate(_FOLDED)
    except _NeedsContext:
        return _fold_text(s)


def _fold_text(s: str) -> str:
    s = unicodedata.normalize("NFD", s or "")
    s = "".join(c for c in s if unicodedata.category(c) != "Mn")
    return s.replace("đ", "d").replace("Đ", "D").lower()


class _NeedsContext(Exception):
    """A character folds differently next to others (not a LookupError: ``translate``
    would leave the character as it is)."""


class _FoldTable(dict):
    """Code point → the character folded alone, computed on first use. Folding alone is
    folding in context unless the character lowers by context (final sigma) or
    decomposes into a combining mark that is kept, which canonical ordering could move."""

    def __missing__(self, code: int) -> str:
        c = chr(code)
        kept_marks = any(
            unicodedata.combining(d) and unicodedata.category(d) != "Mn" for d in unicodedata.normalize("NFD", c)
        )
        if kept_marks or c == "\u03a3":
            raise _NeedsContext(c)
        folded = self[code] = _fold_text(c)
        return folded


_FOLDED = _FoldTable()


def fold_same_length(text: str) -> str:
    """``fold`` one character at a time, so that a match position in the folded text is
    the same position in ``text`` (to cut the original words out of a folded match)."""
    return "".join(map(_fold_char, text))


@functools.lru_cache(maxsize=4096)
def _fold_char(c: str) -> str:
    """One character folded (a space if it folds to nothing); cached: texts use few distinct
    characters, and folding each anew was a quarter of the time spent reading a long table."""
    return (fold(c) or " ")[0]


_SLUG_GAPS = re.compile(r"[^a-z0-9]+")


@functools.lru_cache(maxsize=16384)
def slug(s: str, maxlen: int = 80) -> str:
    """ASCII slug for IRIs: deterministic, readable ("Sở TT&TT" → "so-tt-tt"). Cached: the
    builder slugs the same file stem, appendix and agency names for every row."""
    s = _SLUG_GAPS.sub("-", fold(s)).strip("-")
    return s[:maxlen].rstrip("-") or "x"
