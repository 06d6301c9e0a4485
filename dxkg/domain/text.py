"""Accent-insensitive folding and IRI slugs: how every layer compares Vietnamese words."""

from __future__ import annotations

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
    return "".join((fold(c) or " ")[0] for c in text)


def slug(s: str, maxlen: int = 80) -> str:
    """ASCII slug for IRIs: deterministic, readable ("Sở TT&TT" → "so-tt-tt")."""
    s = re.sub(r"[^a-z0-9]+", "-", fold(s)).strip("-")
    return s[:maxlen].rstrip("-") or "x"
