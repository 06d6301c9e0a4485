"""Vietnamese document types: the words that name them and their notations.

Notations follow the annex of Nghị định 30/2020/NĐ-CP (administrative documents) and the
Law on normative legal documents; "Luật" stands for laws, "TIN" for news articles (not a
legal type, but documents dxkg reads). The code list in ontology/codelists.ttl uses the same
notations.
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
