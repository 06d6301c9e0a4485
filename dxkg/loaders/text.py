"""Vietnamese text helpers shared by every loader: reading files, folding accents,
slugs for IRIs, and the list of provinces (63 before the 2025 merger, 34 after)."""

from __future__ import annotations

import html
import re
import unicodedata

# Provinces and centrally-run cities as named before 1 July 2025 (the plans predate it),
# plus those created by the 2025 merger that did not exist before.
PROVINCES_2008 = [
    "An Giang",
    "Bà Rịa - Vũng Tàu",
    "Bắc Giang",
    "Bắc Kạn",
    "Bạc Liêu",
    "Bắc Ninh",
    "Bến Tre",
    "Bình Định",
    "Bình Dương",
    "Bình Phước",
    "Bình Thuận",
    "Cà Mau",
    "Cần Thơ",
    "Cao Bằng",
    "Đà Nẵng",
    "Đắk Lắk",
    "Đắk Nông",
    "Điện Biên",
    "Đồng Nai",
    "Đồng Tháp",
    "Gia Lai",
    "Hà Giang",
    "Hà Nam",
    "Hà Nội",
    "Hà Tĩnh",
    "Hải Dương",
    "Hải Phòng",
    "Hậu Giang",
    "Hòa Bình",
    "Hưng Yên",
    "Khánh Hòa",
    "Kiên Giang",
    "Kon Tum",
    "Lai Châu",
    "Lâm Đồng",
    "Lạng Sơn",
    "Lào Cai",
    "Long An",
    "Nam Định",
    "Nghệ An",
    "Ninh Bình",
    "Ninh Thuận",
    "Phú Thọ",
    "Phú Yên",
    "Quảng Bình",
    "Quảng Nam",
    "Quảng Ngãi",
    "Quảng Ninh",
    "Quảng Trị",
    "Sóc Trăng",
    "Sơn La",
    "Tây Ninh",
    "Thái Bình",
    "Thái Nguyên",
    "Thanh Hóa",
    "Thừa Thiên Huế",
    "Tiền Giang",
    "Thành phố Hồ Chí Minh",
    "Trà Vinh",
    "Tuyên Quang",
    "Vĩnh Long",
    "Vĩnh Phúc",
    "Yên Bái",
]
PROVINCES_2025_NEW = ["Huế"]  # Thừa Thiên Huế became the city of Huế (2025)


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


_TAG = re.compile(r"<[^>]+>")


def strip_markup(s: str) -> str:
    """Cell/line text without HTML tags, Markdown emphasis, or entities; spaces collapsed."""
    s = re.sub(r"<\s*(br|/li|/p)\s*/?>", "\n", s or "", flags=re.I)
    s = _TAG.sub(" ", s)
    s = html.unescape(html.unescape(s))  # "&amp;amp;" occurs in exports
    s = re.sub(r"\*\*|__|(?<!\w)\*(?!\s)|(?<!\s)\*(?!\w)", "", s)
    s = s.replace("\u00a0", " ")
    return re.sub(r"[ \t]+", " ", s).strip()


def clean(s: str) -> str:
    """One-line form of a cell or sentence: markup stripped, all white space collapsed."""
    return re.sub(r"\s+", " ", strip_markup(s)).strip()


_PROV_FOLDED = sorted(((fold(p), p) for p in PROVINCES_2008 + PROVINCES_2025_NEW), key=lambda x: -len(x[0]))


def find_province(text: str) -> str | None:
    """The first province named as "tỉnh X" / "thành phố X" in text, canonical spelling."""
    f = fold(text)
    best = None
    for folded, name in _PROV_FOLDED:
        for m in re.finditer(r"(?:tinh|thanh pho|tp\.?)\s+" + re.escape(folded) + r"\b", f):
            if best is None or m.start() < best[0]:
                best = (m.start(), name)
    return best[1] if best else None


def province_named(text: str) -> str | None:
    """Canonical province whose name is exactly ``text`` (accent-insensitive)."""
    f = fold(text).strip()
    for folded, name in _PROV_FOLDED:
        if f == folded:
            return name
    return None
