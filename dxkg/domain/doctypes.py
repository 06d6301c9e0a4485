"""Vietnamese document types: the words that name them and their notations.

Notations follow the annex of Nghị định 30/2020/NĐ-CP (administrative documents) and the
Law on normative legal documents; "Luật" stands for laws, "TIN" for news articles (not a
legal type, but documents dxkg reads). The document-type scheme in dxkg/ontology/codelists.ttl
has one concept per notation of ``CONCEPTS`` (tests/test_domain.py checks they agree).
"""

from __future__ import annotations

# Type words as written in running text → notation. Longer words first, so that
# "Thông tư liên tịch" wins over "Thông tư" where both could match.
TYPE_WORDS = [
    ("Thông tư liên tịch", "TTLT"),
    ("Nghị quyết", "NQ"),
    ("Nghị định", "NĐ"),
    ("Quyết định", "QĐ"),
    ("Thông tư", "TT"),
    ("Chỉ thị", "CT"),
    ("Kế hoạch", "KH"),
    ("Chương trình", "CTr"),
    ("Tờ trình", "TTr"),
    ("Đề án", "ĐA"),
    ("Dự án", "DA"),
    ("Phương án", "PA"),
    ("Công văn", "CV"),
    ("Văn bản", "CV"),
    ("Thông báo", "TB"),
    ("Hướng dẫn", "HD"),
    ("Báo cáo", "BC"),
    ("Quy chế", "QC"),
    ("Quy định", "QyĐ"),
    ("Kết luận", "KL"),
    ("Công điện", "CĐ"),
    ("Pháp lệnh", "PL"),
    ("Bộ luật", "Luật"),
    ("Luật", "Luật"),
]
# Words that say "a letter" without naming a type: they never override a symbol's type.
GENERIC_CODES = {"CV"}
NEWS = ("Tin tức", "TIN")

# Canonical name of each notation: the first word listed for it, but a law is a "Luật".
TYPE_NAMES = {code: word for word, code in reversed(TYPE_WORDS)} | {"Luật": "Luật", NEWS[1]: NEWS[0]}


def type_name(code: str | None) -> str:
    """ "Quyết định" for "QĐ"; an unknown notation is returned as it is."""
    return TYPE_NAMES.get(code or "", code or "")


# Type notations that may appear inside a symbol, in their canonical spelling.
SYMBOL_TYPE_CODES = [
    "QĐ",
    "NQ",
    "NĐ",
    "TT",
    "TTLT",
    "CT",
    "KH",
    "CTr",
    "TTr",
    "ĐA",
    "DA",
    "PA",
    "TB",
    "HD",
    "HĐ",
    "BC",
    "QC",
    "QyĐ",
    "QĐi",
    "BB",
    "KL",
    "CĐ",
    "PL",
    "HDLT",
]

# notation → code-list concept (ontology/codelists.ttl); "DA" (Dự án) and "ĐA" (Đề án)
# fold to the same slug, so the list names each concept explicitly.
CONCEPTS = {
    "Luật": "luat",
    "NĐ": "nd",
    "NQ": "nq",
    "QĐ": "qd",
    "TT": "tt",
    "CT": "ct",
    "KH": "kh",
    "CTr": "ctr",
    "TTr": "ttr",
    "ĐA": "da",
    "DA": "dan",
    "CV": "cv",
    "TB": "tb",
    "HD": "hd",
    "BC": "bc",
    "QC": "qc",
    "QyĐ": "qyd",
    "PA": "pa",
    "TTLT": "ttlt",
    "KL": "kl",
    "CĐ": "cdien",
    "PL": "pl",
    "TIN": "tin",
}
OTHER = "khac"  # the concept of a document whose type is not known


def concept(code: str | None) -> str:
    """The local name's suffix of a notation's concept in the scheme ("QĐ" → "qd"); "khac" for
    a document of unknown type."""
    return CONCEPTS.get(code or "", OTHER)
