"""Issuer codes: the part of a document symbol that names who issued it ("749/QĐ-TTg",
"24-NQ/TU", "3816/BTTTT-CĐSQG"), their scope, and the bodies they stand for.

Read by the reference parser (canonical spelling, national or provincial scope, Party
documents), by the header parser (a plan's issuer from its symbol) and by the agency
resolver (the issuing body of a document cited by symbol alone).
"""

from __future__ import annotations

import re

from dxkg.domain.text import fold

# Issuers of national scope (symbol issuer part, canonical spelling).  Ministries keep
# their pre-2025 and post-2025 codes.
NATIONAL_ISSUERS = {
    "TTg",
    "CP",
    "VPCP",
    "TW",
    "QH",
    "UBTVQH",
    "UBQGCĐS",
    "BTTTT",
    "BNV",
    "BTC",
    "BKHĐT",
    "BCA",
    "BQP",
    "BYT",
    "BGDĐT",
    "BTNMT",
    "BNNPTNT",
    "BLĐTBXH",
    "BXD",
    "BGTVT",
    "BCT",
    "BTP",
    "BVHTTDL",
    "BKHCN",
    "BNG",
    "BNNMT",
    "BDTTG",
    "UBDT",
    "TTCP",
    "NHNN",
    "KTNN",
    "TCT",
    "TCTK",
    "BCĐTW",
    "VPTW",
    "BTGTW",
    "BTCTW",
    "BDVTW",
    "UBKTTW",
}
PARTY_ISSUERS = {"TW", "TU", "HU", "ĐU", "QU", "ĐUK"}
# Provincial bodies whose code in a symbol contradicts a national issuer named in words
# ("17/QĐ-UBND … của Ủy ban Quốc gia về chuyển đổi số"): the words win.
PROVINCIAL_ISSUERS = {"UBND", "HĐND", "TU", "HU"}
# Spelling variants of issuer codes seen in exports (OCR, typing), by folded key.
ISSUER_ALIASES = {"UBQGCS": "UBQGCĐS"}

# Provincial and departmental codes besides the national and Party ones.
LOCAL_ISSUERS = {"UBND", "HĐND", "STTTT", "SKHĐT", "STC", "SNV", "BCĐ", "VP"}
# Every code spelled canonically (a code written otherwise is matched by folded key).
CANONICAL_CODES = sorted(NATIONAL_ISSUERS | PARTY_ISSUERS | LOCAL_ISSUERS)

# The body an issuer code stands for, as the agency catalogue names it. Used when the text
# names no issuer ("Quyết định số 749/QĐ-TTg" alone): the symbol itself says who issued it.
ISSUER_NAMES = {
    "TTg": "Thủ tướng Chính phủ",
    "CP": "Chính phủ",
    "QH": "Quốc hội",
    "TW": "Ban Chấp hành Trung ương",
    "VPCP": "Văn phòng Chính phủ",
    "BTTTT": "Bộ Thông tin và Truyền thông",
    "BNV": "Bộ Nội vụ",
    "BTC": "Bộ Tài chính",
    "BKHĐT": "Bộ Kế hoạch và Đầu tư",
    "BCA": "Bộ Công an",
    "BYT": "Bộ Y tế",
    "BGDĐT": "Bộ Giáo dục và Đào tạo",
    "BTNMT": "Bộ Tài nguyên và Môi trường",
    "BTP": "Bộ Tư pháp",
    "BXD": "Bộ Xây dựng",
    "BGTVT": "Bộ Giao thông vận tải",
    "BKHCN": "Bộ Khoa học và Công nghệ",
    "BNNPTNT": "Bộ Nông nghiệp và Phát triển nông thôn",
    "BLĐTBXH": "Bộ Lao động - Thương binh và Xã hội",
    "BVHTTDL": "Bộ Văn hóa, Thể thao và Du lịch",
    "UBQGCĐS": "Ủy ban Quốc gia về chuyển đổi số",
    "UBND": "UBND tỉnh",
    "HĐND": "HĐND tỉnh",
    "TU": "Tỉnh ủy",
    "STTTT": "Sở Thông tin và Truyền thông",
}
# A provincial body's name before its province, for a plan whose header gives only the
# code in its symbol ("/KH-UBND" → "Ủy ban nhân dân tỉnh Hà Nam").
LOCAL_BODIES = {"UBND": "Ủy ban nhân dân", "HĐND": "Hội đồng nhân dân", "TU": "Tỉnh ủy"}


def _key(code: str) -> str:
    return re.sub(r"[^a-z]", "", fold(code))


_NAME_BY_KEY = {_key(code): name for code, name in ISSUER_NAMES.items()}
# A national body named in words → its code, to repair a symbol whose provincial code
# contradicts it ("17/QĐ-UBND … của Ủy ban Quốc gia về chuyển đổi số").
NATIONAL_CODE_BY_NAME = {fold(name): code for code, name in ISSUER_NAMES.items() if code in NATIONAL_ISSUERS}


def issuer_name(code: str | None) -> str | None:
    """The body an issuer code stands for ("TTg", "QH15", "BTTTT"; case and accents
    ignored), or None when the code is not known."""
    return _NAME_BY_KEY.get(_key(code or ""))
