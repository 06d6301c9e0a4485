"""Accent-insensitive folding and IRI slugs: how every layer compares Vietnamese words."""

from __future__ import annotations

import functools
import re
import unicodedata


def nfc(s: str) -> str:
    return unicodedata.normalize("NFC", s or "")


def fold(s: str) -> str:
    """Lower-case, accents removed, đ→d: for accent-insensitive matching and search."""
    s = unicodedata.normalize("NFD", s or "")
    s = "".join(c for c in s if unicodedata.category(c) != "Mn")
    return s.replace("đ", "d").replace("Đ", "D").lower()


def fold_same_length(text: str) -> str:
    """``fold`` one character at a time, so that a match position in the folded text is
    the same position in ``text`` (to cut the original words out of a folded match)."""
    return "".join(map(_fold_char, text))


@functools.lru_cache(maxsize=4096)
def _fold_char(c: str) -> str:
    """One character folded (a space if it folds to nothing); cached: texts use few distinct
    characters, and folding each anew was a quarter of the time spent reading a long table."""
    return (fold(c) or " ")[0]


def slug(s: str, maxlen: int = 80) -> str:
    """ASCII slug for IRIs: deterministic, readable ("Sở TT&TT" → "so-tt-tt")."""
    s = re.sub(r"[^a-z0-9]+", "-", fold(s)).strip("-")
    return s[:maxlen].rstrip("-") or "x"
