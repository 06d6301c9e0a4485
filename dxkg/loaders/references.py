"""Legal-document references in Vietnamese plans: symbols, laws cited by name, and the
relations a sentence states between two documents.

What counts as a reference (decided here, documented for dxkg.kg and the tests):

* a printed symbol — administrative ``749/QĐ-TTg``, normative ``47/2020/NĐ-CP``, Party
  ``24-NQ/TU``, official letter ``3816/BTTTT-CĐSQG``, law ``20/2023/QH15`` — with or without
  the document-type word before it;
* a Party document written with its type word and a short symbol (``Nghị quyết 06/TU``);
* a law cited by name and date only (``Luật Giao dịch điện tử ngày 22 tháng 6 năm 2023``):
  a ``LegalRef`` with ``type_code`` "Luật", a ``title`` and no symbol.

A document named without a symbol ("Đề án 06", "Đề án 06/CP", "Luật Đầu tư công" without a
date) is not a reference: nothing in it identifies one document, and guessing would merge
different documents in the graph.  Blank-numbered symbols ("Kế hoạch số /KH-UBND") and the
source document's own symbol are skipped.

Relations to the source document: ``based_on`` for the legal-basis block (the "Căn cứ …" /
"Thực hiện …" preamble and a section headed "Căn cứ …"), ``proposed_by`` for the "theo đề
nghị … tại Tờ trình số …" clause, ``cites`` everywhere else.
"""

from __future__ import annotations

import re
from dataclasses import replace

from dxkg.domain.doctypes import GENERIC_CODES, SYMBOL_TYPE_CODES, TYPE_WORDS
from dxkg.domain.issuers import (
    CANONICAL_CODES,
    ISSUER_ALIASES,
    NATIONAL_CODE_BY_NAME,
    NATIONAL_ISSUERS,
    PARTY_ISSUERS,
    PROVINCIAL_ISSUERS,
)
from dxkg.domain.places import PROVINCES_2008, PROVINCES_2025_NEW
from dxkg.domain.text import fold

from .layout import heading_level, is_table_line
from .records import DocRelation, LegalRef, Span
from .text import clean, find_province
from .values import DATE, match_date

UP = "A-ZĐÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴČ"
LOW = "a-zđàáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ"


def _fold_key(code: str) -> str:
    """Comparison key for symbol parts: accents, case and '&' ignored (Č→C, Đ→D)."""
    return fold(code).upper().replace("&", "").replace(" ", "")


_ISSUER_BY_KEY = {_fold_key(c): c for c in CANONICAL_CODES}
_ISSUER_BY_KEY.update({_fold_key(k): v for k, v in ISSUER_ALIASES.items()})
_TYPES_BY_KEY: dict = {}
for _c in SYMBOL_TYPE_CODES:
    _TYPES_BY_KEY.setdefault(_fold_key(_c), []).append(_c)


def canonical_type(code: str) -> str | None:
    """Canonical spelling of a type notation written in a symbol, or None if it is not one.

    Case and a missing Đ are tolerated ("QD" → "QĐ"); where the folded form is shared
    ("DA" dự án / "ĐA" đề án), the written Đ decides."""
    cands = _TYPES_BY_KEY.get(_fold_key(code))
    if not cands:
        return None
    for c in cands:
        if c == code:
            return c
    if len(cands) == 1:
        return cands[0]
    with_d = [c for c in cands if "Đ" in c]
    has_d = "Đ" in code.upper() or "Č" in code.upper()
    return (with_d if has_d else [c for c in cands if "Đ" not in c] or cands)[0]


def canonical_issuer(code: str) -> str:
    """Canonical spelling of an issuer code: known codes by folded key (so "UBQGČĐS",
    "UBQGCD&S" and "UBQGCS" are one), National Assembly terms keep their number
    ("QH15"), anything else as written with its "&" kept."""
    if code.upper() == "TƯ":  # "Trung ương": folding would make it TU (Tỉnh ủy)
        return "TW"
    key = _fold_key(code)
    if key in _ISSUER_BY_KEY:
        return _ISSUER_BY_KEY[key]
    m = re.fullmatch(r"(UBTVQH|QH)(\d*)", key)
    if m:
        return m.group(1) + m.group(2)
    return code.replace("Č", "C")


def _is_national_code(issuer: str) -> bool:
    base = re.sub(r"\d+$", "", issuer)
    return base in NATIONAL_ISSUERS or issuer.endswith("TW")


def _is_party(issuer: str) -> bool:
    return issuer in PARTY_ISSUERS or issuer.endswith("TW") or issuer.endswith("TU")


def _number(num: str) -> str:
    """Numbers below 10 are printed with two digits ("06"), others without leading zeros."""
    n = int(num)
    return f"{n:02d}" if n < 10 else str(n)


# ---------------------------------------------------------------- symbol grammar
_PART = rf"[{UP}][{UP}{LOW}0-9&]*"
_SYM = re.compile(
    rf"(?<![\w./-])(?P<num>\d{{1,5}})(?:/(?P<year>(?:19|20)\d\d))?(?P<s1>[/-])(?P<p1>{_PART})"
    rf"(?:(?P<s2>[/–-])(?P<p2>{_PART})?)?(?:-(?P<p3>{_PART}))?(?![\w&])"
)

_DATE_AFTER = re.compile(
    r"^\s*[,(]?\s*(?:ban hành\s+|được [^,;.]{0,40}?thông qua\s+)?"
    r"[Nn]gày\s+" + DATE
)
_ISSUER_LEAD = re.compile(r"^\s*,?\s*(?:của|do)\s+")
_TYPE_WORD_ALT = "|".join(re.escape(w) for w, _ in TYPE_WORDS)
_TYPE_WORD = re.compile(rf"\b(?:{_TYPE_WORD_ALT})\b", re.I)
_NUMBER_LEAD = r"\s*:?\s*(?:[sS]ố\s*:?\s*){0,2}$"  # "Kế hoạch số 11/…", "các Kế hoạch: số 11/…"
_TAIL_AFTER_WORD = {  # words allowed between a type word and its symbol
    "Luật": re.compile(rf"(?P<extra>(?:\s+(?!số\b)[^\s,;:()]+){{1,12}}?)?{_NUMBER_LEAD}"),
    None: re.compile(rf"(?P<extra>\s+(?:hành động|liên tịch|liên ngành))?{_NUMBER_LEAD}"),
}
_NOT_A_DOC = re.compile(r"(?:[Mm]ẫu|[Bb]iểu|[Pp]hụ lục|[Đđ]iều|[Kk]hoản|[Tt]rang)\s+(?:số\s+)?$")
_LAW_BY_NAME = re.compile(
    rf"(?P<title>(?:Bộ luật|Luật)\s+(?:sửa đổi,? bổ sung[^;:()]{{0,160}}?|[{UP}][^\s,;:()]*"
    rf"(?:\s+(?!ngày\b|Luật\b|số\b)[^\s,;:()]+){{0,12}}?))"
    rf"\s*,?\s*(?:\(sửa đổi(?:, bổ sung)?\)\s*)?(?:được [^,;]{{0,40}}?thông qua\s+)?[Nn]gày\s+" + DATE
)
_WORD_TYPE = {w.lower(): c for w, c in TYPE_WORDS}
_PROVINCE_ALT = "|".join(re.escape(p) for p in sorted(PROVINCES_2008 + PROVINCES_2025_NEW, key=len, reverse=True))
# A body's name: from a capitalised word on, words up to a verb, a date or punctuation
# (Vietnamese names capitalise only their first syllable: "Bộ Thông tin và Truyền thông").
_NAME_STOP = (
    r"(?:[Bb]an hành|[Pp]hê duyệt|[Tt]riển khai|[Tt]hực hiện|[Hh]ướng dẫn|[Qq]uy định|"
    r"về|tại|ngày|(?<!đổi )số|giao|chọn|đã|sẽ|có|được|để|nhằm|với|trong|theo|đối|là|thuộc|gửi)\b"
)
_TITLE_RUN = rf"[{UP}][^\s,;.()]*(?:(?:\s+|\s*-\s*|,\s+(?=[{UP}]))(?!{_NAME_STOP})[^\s,;.()\-]+){{0,10}}"
_LOCAL_UNIT = r"(?:tỉnh|thành phố|huyện|thị xã|quận|xã|phường|thị trấn)"
_ISSUER_NAME_PATTERNS = [  # (pattern, national: True/False or None when the name does not tell, open-ended)
    (r"(?:Phó )?Thủ tướng Chính phủ", True, False),
    (
        r"Văn phòng Chính phủ|Chính phủ|Bộ Chính trị|Ban Bí thư(?: Trung ương Đảng)?"
        r"|Ban [Cc]hấp hành Trung ương(?: Đảng)?|Ủy ban Thường vụ Quốc hội|Quốc hội",
        True,
        False,
    ),
    (r"Ủy ban Quốc gia về [Cc]huyển đổi số", True, False),
    (rf"(?:Bộ trưởng )?Bộ {_TITLE_RUN}", True, True),
    (rf"(?:Tổng cục|Cục) {_TITLE_RUN}(?= quốc gia| Việt Nam)(?: quốc gia| Việt Nam)?", True, True),
    (
        rf"(?:Thường trực |Ban Thường vụ |Ban [Cc]hấp hành Đảng bộ )?(?:Tỉnh ủy|Thành ủy|Huyện ủy)"
        rf"(?: (?:{_PROVINCE_ALT}))?",
        False,
        False,
    ),
    (rf"Ban [Cc]hấp hành Đảng bộ (?:tỉnh|thành phố)(?: (?:{_PROVINCE_ALT}))?", False, False),
    (
        rf"(?:Chủ tịch |Thường trực )?(?:Ủy ban nhân dân|UBND|UNND|Hội đồng nhân dân|HĐND) {_LOCAL_UNIT}"
        rf"(?: (?:{_PROVINCE_ALT}))?",
        False,
        False,
    ),
    (rf"(?:Sở|Cục|Ban|Ủy ban|Văn phòng|Phòng|Trung tâm|Kho bạc|Bảo hiểm xã hội|Ban Chỉ đạo) {_TITLE_RUN}", None, True),
    (rf"(?:tỉnh|thành phố) (?:{_PROVINCE_ALT})", False, False),
]
_ISSUER_NAMES = [(re.compile(p), nat, open_) for p, nat, open_ in _ISSUER_NAME_PATTERNS]

_SUBJECT_STOP = re.compile(r";|\t|\|| \. |\.(?=\s+[" + UP + r"])|\.\s*$")
# The part of a document a verb acts on: "sửa đổi, bổ sung nội dung tại Mục II (của)", "bãi bỏ
# Điều 3", "quy định chi tiết một số điều của".
_PART_OF = (
    r"(?:\s+(?:một số\s+|toàn bộ\s+|một phần\s+)?(?:nội dung|điều|[Đđ]iều|[Kk]hoản|[Đđ]iểm|[Mm]ục|[Pp]hần|"
    r"[Pp]hụ lục|[Cc]hương)[^;.]{0,30}?)?(?:\s+(?:của|tại))?"
)
_REL_BEFORE_PATTERNS = [  # (relation, pattern anchored at the end of the text between two documents)
    ("amends", rf"(?:sửa đổi|điều chỉnh)(?:,? bổ sung)?{_PART_OF}|bổ sung{_PART_OF}"),
    ("replaces", r"thay thế(?:\s+(?:một phần|cho))?(?:\s+của)?"),
    ("repeals", rf"bãi bỏ{_PART_OF}|hủy bỏ{_PART_OF}|bị bãi bỏ bởi"),
    ("corrects", r"đính chính(?:\s+(?:nội dung|sai sót)[^;.]{0,30}?)?(?:\s+(?:của|tại))?"),
    (
        "implements",
        r"(?:triển khai\s+)?(?:thực hiện|thi hành)(?:\s+các nội dung|\s+nhiệm vụ)?(?:\s+của)?"
        rf"|hướng dẫn(?:\s+(?:thi hành|thực hiện|triển khai))?{_PART_OF}|triển khai|cụ thể hóa"
        rf"|quy định chi tiết(?:\s+(?:và hướng dẫn\s+)?thi hành)?{_PART_OF}",
    ),
    ("approves", r"phê duyệt"),
    ("based_on", r"căn cứ(?:\s+vào)?|trên cơ sở"),
]
_REL_BEFORE = [
    (r, re.compile(r"(?:^|\s)(?:" + p + r")(?:\s+(?:các|những))?\s*[(\"“]?\s*$", re.I)) for r, p in _REL_BEFORE_PATTERNS
]


# The passive voice turns the relation round: "A được sửa đổi, bổ sung bởi B" — B amends A.
_REL_PASSIVE_PATTERNS = [
    ("amends", r"(?:sửa đổi|điều chỉnh)(?:,? bổ sung)?|bổ sung"),
    ("replaces", r"thay thế"),
    ("repeals", r"bãi bỏ|hủy bỏ"),
    ("corrects", r"đính chính"),
    ("implements", r"hướng dẫn(?: thi hành| thực hiện)?|cụ thể hóa|quy định chi tiết"),
]
_REL_PASSIVE = [
    (r, re.compile(r"(?:^|\s)được\s+(?:" + p + r")\s+(?:bởi|bằng|tại|theo)\s*$", re.I))
    for r, p in _REL_PASSIVE_PATTERNS
]


def _parse_symbol(m: re.Match, word_code: str | None) -> tuple | None:
    """(symbol, type_code, number, year, issuer) from a symbol match, or None when the
    match is not a document symbol.  ``word_code`` is the type named by the word before."""
    num, year, s1, p1, s2, p2, p3 = (m.group(k) for k in ("num", "year", "s1", "p1", "s2", "p2", "p3"))
    number = _number(num)
    t1 = canonical_type(p1)
    if year:  # normative: 47/2020/NĐ-CP, 20/2023/QH15
        if re.fullmatch(r"(?:UBTVQH|QH)\d*", _fold_key(p1)) and not p2:
            issuer = canonical_issuer(p1)
            tc = word_code if word_code and word_code not in GENERIC_CODES else "Luật"
            return f"{number}/{year}/{issuer}", tc, number, int(year), issuer
        if not t1:
            return None
        issuer_or_none = canonical_issuer(p2) if p2 else ("CP" if t1 == "NĐ" else None)
        if not issuer_or_none:
            return None
        issuer = issuer_or_none
        return f"{number}/{year}/{t1}-{issuer}", t1, number, int(year), issuer
    if s1 == "-":  # Party: 24-NQ/TU
        if not (t1 and s2 == "/" and p2):
            return None
        issuer = canonical_issuer(p2)
        tc = _word_wins(word_code, t1)
        return f"{number}-{tc}/{issuer}", tc, number, None, issuer
    if t1:  # administrative: 749/QĐ-TTg (749/QĐ/TTg)
        if not p2:
            return None
        issuer = canonical_issuer(p2 + (f"-{p3}" if p3 else ""))
        tc = _word_wins(word_code, t1)
        if _is_party(issuer):
            return f"{number}-{tc}/{issuer}", tc, number, None, issuer
        return f"{number}/{tc}-{issuer}", tc, number, None, issuer
    issuer = canonical_issuer(p1)
    if not p2:  # "Nghị quyết 06/TU": type from the word
        if _is_party(issuer) and word_code and word_code not in GENERIC_CODES:
            return f"{number}-{word_code}/{issuer}", word_code, number, None, issuer
        return None
    if len(_fold_key(p1)) < 2 or s2 != "-":  # official letter: 3816/BTTTT-CĐSQG
        return None
    unit = canonical_issuer(p2 + (f"-{p3}" if p3 else ""))
    tc = word_code if word_code and word_code != "Luật" else "CV"
    return f"{number}/{issuer}-{unit}", tc, number, None, issuer


def _word_wins(word_code: str | None, symbol_code: str) -> str:
    """The type named in words wins over the symbol's ("Kế hoạch số 4438/QĐ-UBND" is a
    plan), unless the word is generic ("văn bản") or names no symbol type ("Luật")."""
    if word_code and word_code not in GENERIC_CODES and word_code != "Luật":
        return word_code
    return symbol_code


def canonical_symbol(written: str) -> str | None:
    """Canonical printed symbol for a symbol as written ("749/QĐ/TTg" → "749/QĐ-TTg",
    "Nghị quyết 06/TU" → "06-NQ/TU"), or None if ``written`` holds no document symbol."""
    text = clean(written)
    for m in _SYM.finditer(text):
        word = _type_before(text[: m.start()])
        parsed = _parse_symbol(m, word[1] if word else None)
        if parsed:
            return parsed[0]
    return None


def _type_before(before: str) -> tuple | None:
    """The type word that introduces a symbol: the nearest type word before it, when only
    "số" (or a law's name, or "hành động") stands between.  Returns (start, code, title).

    A type word in lower case ("theo quy định 12/…") is a common noun or verb: it still
    introduces the symbol but gives no type (code None)."""
    words = list(_TYPE_WORD.finditer(before))
    if not words:
        return None
    w = words[-1]
    code: str | None = _WORD_TYPE[w.group(0).lower()]
    tail = _TAIL_AFTER_WORD["Luật" if code == "Luật" else None].match(before, w.end())
    if not tail:
        return None
    title = (w.group(0) + (tail.group("extra") or "")).strip() if code == "Luật" else None
    if not w.group(0)[0].isupper():
        code = None
    return w.start(), code, title


# ---------------------------------------------------------------- issuer, subject
def _issuer_after(text: str) -> tuple[str | None, bool | None, int]:
    """Issuer named right after "của"/"do" at the start of ``text``: (name, national, end);
    ``national`` is None when the name does not tell (e.g. "Ban Quản lý …")."""
    lead = _ISSUER_LEAD.match(text)
    if not lead:
        return None, None, 0
    best = None
    for rx, national, open_ended in _ISSUER_NAMES:
        m = rx.match(text, lead.end())
        if m and (best is None or m.end() > best[0].end()):
            best = (m, national, open_ended)
    if not best:
        return None, None, 0
    m, national, open_ended = best
    name = _trim_issuer(m.group(0)) if open_ended else m.group(0)
    if national is None and re.search(r"quốc gia|Trung ương|Việt Nam", name):
        national = True
    return name, national, lead.end() + len(name)


_SUBJECT_HEADS = re.compile(
    r"\s+(?:về|phê duyệt|[Bb]an hành|quy định|hướng dẫn|triển khai|thực hiện|"
    r"sửa đổi|thay thế|tại|giao|chọn)\b.*$"
)


def _trim_issuer(name: str) -> str:
    """A title-case run can swallow the subject's first capitalised word; cut at a verb."""
    return _SUBJECT_HEADS.sub("", name).rstrip(" ,-")


def _subject(text: str) -> str | None:
    """The subject clause after the issuer ("về …", "phê duyệt …") up to the sentence end; the
    "(cũ)" of a former province's issuer is not part of it."""
    s = re.sub(r"^\(cũ\)", "", text.lstrip(" ,.:-")).lstrip(" ,.:-")
    if not s or re.match(rf"(?:và|hoặc|,|\d|{_TYPE_WORD_ALT})\b", s):
        return None
    stop = _SUBJECT_STOP.search(s)
    s = (s[: stop.start()] if stop else s).strip(" ,")
    if len(s) < 3:
        return None
    return s[:300].rstrip()


# ---------------------------------------------------------------- mentions in one text
def _mentions(
    text: str, province: str | None, span: Span, context: str, relation: str
) -> list[tuple[int, int, LegalRef]]:
    """All references in one cleaned text, as (start, end, LegalRef), in text order."""
    found = []
    for m in _SYM.finditer(text):
        before = text[: m.start()]
        if _NOT_A_DOC.search(before):
            continue
        word = _type_before(before)
        parsed = _parse_symbol(m, word[1] if word else None)
        if not parsed:
            continue
        symbol, tc, number, year, issuer = parsed
        title = word[2] if word else None
        start = word[0] if word else m.start()
        ref = LegalRef(
            written=m.group(0),
            symbol=symbol,
            type_code=tc,
            number=number,
            year=year,
            issuer_code=issuer,
            national=_is_national_code(issuer),
            span=span,
            title=title,
            relation=relation,
            context=context,
        )
        _complete(ref, text[:start], text[m.end() :], province)
        found.append((start, m.end(), ref))
    for m in _LAW_BY_NAME.finditer(text):
        if any(s <= m.start() < e or m.start() <= s < m.end() for s, e, _ in found):
            continue
        title = re.sub(r"\s+", " ", m.group("title")).strip(" ,")
        d = match_date(m)
        ref = LegalRef(
            written=m.group(0),
            symbol=None,
            type_code="Luật",
            number=None,
            year=d.year if d else None,
            issuer_code="QH",
            national=True,
            span=span,
            date=d,
            issuer_name="Quốc hội",
            title=title,
            relation=relation,
            context=context,
        )
        found.append((m.start(), m.end(), ref))
    found.sort(key=lambda x: x[0])
    _share_issuers(text, found)
    return found


_DATE_BEFORE = re.compile(r"[Nn]gày\s+" + DATE + r"\s*,\s*[^,;.]{0,80}?ban hành\s+$")


def _complete(ref: LegalRef, head: str, tail: str, province: str | None) -> None:
    """Date, issuer, scope and subject from the words after the symbol; the date may also
    open the sentence ("Ngày 25/6/2021, UBND tỉnh ban hành Kế hoạch số …")."""
    pos = 0
    dm = _DATE_AFTER.match(tail)
    if dm:
        ref.date = match_date(dm)
        pos = dm.end()
    else:
        dm = _DATE_BEFORE.search(head)
        ref.date = match_date(dm) if dm else None
    if ref.year is None and ref.date:
        ref.year = ref.date.year
    name, national, end = _issuer_after(tail[pos:])
    if name:
        pos += end
    else:
        name, national = _issuer_before(head)
    if name:
        ref.issuer_name = name
        _apply_issuer_name(ref, national)
    ref.subject = _subject(tail[pos:])
    if not ref.national:
        ref.province = (find_province(ref.issuer_name) if ref.issuer_name else None) or province


_ISSUER_BEFORE = re.compile(r"(?:^|\s)(?:của|do)\s+(?P<rest>[^;:]{3,120}?)\s*(?:\(cũ\)\s*)?,?\s*tại\s*$")


def _issuer_before(head: str) -> tuple[str | None, bool | None]:
    """The issuer named before the symbol: "… ý kiến của Sở Tài chính tỉnh X (cũ) tại Văn bản
    số …" — the whole stretch between "của" and "tại" must be the body's name."""
    m = _ISSUER_BEFORE.search(head[-160:])
    if not m:
        return None, None
    rest = re.sub(r"^(?:Giám đốc|Thủ trưởng|Chánh|Trưởng)\s+(?=[{UP}])".replace("{UP}", UP), "", m.group("rest"))
    name, national, end = _issuer_after(f"của {rest}")
    if not name or clean(f"của {rest}"[end:]):
        return None, None
    return name, national


def _apply_issuer_name(ref: LegalRef, national: bool | None) -> None:
    """An issuer named in words decides the scope; a provincial code in the symbol that
    contradicts a national body named in words is a typo and is repaired."""
    if national and not ref.national and ref.issuer_code in PROVINCIAL_ISSUERS:
        code = NATIONAL_CODE_BY_NAME.get(fold(ref.issuer_name or ""))
        if code and ref.symbol:
            ref.symbol = ref.symbol.replace(f"-{ref.issuer_code}", f"-{code}", 1)
            ref.issuer_code = code
    if national is not None:
        ref.national = national


def _share_issuers(text: str, found: list) -> None:
    """ "Quyết định số A và Quyết định số B của Bộ trưởng …": A takes B's issuer and scope."""
    for (_, e1, a), (s2, _, b) in zip(found, found[1:], strict=False):
        between = text[e1:s2]
        if a.issuer_name or not b.issuer_name:
            continue
        if re.fullmatch(rf"\s*(?:[Nn]gày\s+{DATE}\s*)?(?:,|và)\s*(?:số\s*)?", between):
            a.issuer_name, a.national, a.province = b.issuer_name, b.national, b.province


def _coordinated(between: str, verb: re.Match) -> bool:
    """Whether the verb before a document is coordinated with an earlier one ("… A và bãi
    bỏ B", "…, đồng thời sửa đổi B"): then its subject is the earlier verb's, not A."""
    return bool(re.search(r"(?:\svà|,|đồng thời)\s*$", between[: verb.start() + 1]))


def _doc_relations(text: str, found: list, span: Span) -> list[DocRelation]:
    """Relations stated between two documents of one sentence ("A … sửa đổi Điều 2 B").

    The verb must stand right before B; a document joined to B by "và" or a comma shares
    B's relation to the same subject ("thực hiện Nghị quyết X … và Chương trình Y")."""
    rels = []
    incoming: dict[int, tuple] = {}  # index of object → (subject index, relation)
    for i in range(1, len(found)):
        _, e_prev, prev = found[i - 1]
        s_cur, _, cur = found[i]
        between = text[e_prev:s_cur]
        if re.search(r";|\t|\||\.\s+[" + UP + "]", between):
            continue
        passive = next((r for r, rx in _REL_PASSIVE if rx.search(between)), None)
        if passive:
            rels.append(DocRelation(subject=cur, relation=passive, object=prev, span=span))
            continue
        hit = next(((r, m) for r, rx in _REL_BEFORE if (m := rx.search(between))), None)
        rel, second = (hit[0], _coordinated(between, hit[1])) if hit else (None, False)
        if rel and second and i - 1 in incoming:
            incoming[i] = (incoming[i - 1][0], rel)  # "X thay thế A và bãi bỏ B": B's verb is X's
        elif rel and second:
            continue  # "… A và bãi bỏ B" with the subject outside the two: not A's act
        elif rel:
            incoming[i] = (i - 1, rel)
        elif (
            i - 1 in incoming
            and re.search(r"(?:,|\svà)\s*$", between)
            and not re.search(
                r"\b(?:sửa đổi|bổ sung|thay thế|bãi bỏ|đính chính|thực hiện|phê duyệt|hướng dẫn)\b", between
            )
        ):
            incoming[i] = incoming[i - 1]
    for obj, (subj, rel) in sorted(incoming.items()):
        rels.append(DocRelation(subject=found[subj][2], relation=rel, object=found[obj][2], span=span))
    return rels


def refs_in_text(text: str, span: Span, province: str | None) -> list[LegalRef]:
    """Legal references in one table cell or row (context "table", relation "cites").
    Cited documents get their year from their own symbol or date, never from the
    citing document's."""
    return [r for cell in _segments(text, "table") for _, _, r in _mentions(cell, province, span, "table", "cites")]


# ---------------------------------------------------------------- document structure
_BASIS_MARK = re.compile(r"^(?:Căn cứ|Thực hiện|Xét|Trên cơ sở)\b", re.I)
_PROPOSAL = re.compile(r"^(?:[Tt]heo|[Xx]ét) đề nghị\b|^Xét\s+(?:Tờ trình|[Bb]áo cáo)\b")
_BODY_START = re.compile(
    r"^(?:QUYẾT ĐỊNH|QUYẾT NGHỊ|NGHỊ QUYẾT|CHỈ THỊ)\s*:|"
    r"ban hành [^.]*?(?:như sau|với (?:những|các) nội dung)\s*:?\s*$"
)
_BULLET = re.compile(r"^(?:[-+•*–]\s*|\d+[.)]\s+|[a-zđ]\)\s+)")


def _heading_level(text: str) -> int | None:
    """Level of a section heading (0 Phần/Phụ lục, 1 roman/Điều, 2 "1.", 3 "1.1."), or
    None.  Numbered list items that cite a document are not headings."""
    t = re.sub(r"^#+\s*", "", text).strip()
    if not t or len(t) > 200:
        return None
    body = _BULLET.sub("", t)
    if _SYM.search(t) or re.match(rf"(?:{_TYPE_WORD_ALT}|Căn cứ|Thực hiện)\b", body):
        return None
    return heading_level(t)


def _line_roles(lines: list[str], cleaned: list[str]) -> list[str]:
    """Context of every line (``cleaned``: the lines through ``clean``): header | basis |
    body | table | title. The "theo đề nghị" clause of the preamble is a basis line; its
    relation (proposed_by) is decided per clause by ``_context_relation``."""
    roles = ["body"] * len(lines)
    preamble_end = _preamble_end(lines, cleaned)
    in_run = False
    for i in range(preamble_end):
        t, raw = cleaned[i], lines[i]
        if not t:
            continue
        if is_table_line(raw):
            roles[i] = "table"
        elif re.match(r"^\(?\s*(?:Ban hành\s+)?[Kk]èm theo\b|^Số\s*:", t):
            roles[i] = "header"
        elif _BASIS_MARK.match(_BULLET.sub("", t)) or _PROPOSAL.match(t):
            roles[i], in_run = "basis", True
        elif in_run and re.match(rf"(?:{_TYPE_WORD_ALT})\b", _BULLET.sub("", t)):
            roles[i] = "basis"
        else:
            in_run = False
    _mark_title(cleaned, roles)
    _mark_basis_sections(lines, cleaned, roles, preamble_end)
    for i in range(preamble_end, len(lines)):
        if roles[i] == "body" and is_table_line(lines[i]):
            roles[i] = "table"
        elif roles[i] == "body" and re.match(r"^\(?\s*(?:Ban hành\s+)?[Kk]èm theo\b", cleaned[i]):
            roles[i] = "header"
    return roles


_KIND_LINE = re.compile(rf"^(?:{_TYPE_WORD_ALT})(?: hành động)?$", re.I)


def _mark_title(cleaned: list[str], roles: list[str]) -> None:
    """The title under the kind word printed in capitals ("KẾ HOẠCH" / "Triển khai thực
    hiện Nghị quyết số …"): what it names, the source itself implements or amends."""
    start = next((i for i, t in enumerate(cleaned[:40]) if t and t == t.upper() and _KIND_LINE.match(t)), None)
    if start is None:
        return
    for i in range(start + 1, min(start + 8, len(cleaned))):
        t = cleaned[i]
        if not t:
            if any(roles[k] == "title" for k in range(start + 1, i)):
                return
            continue
        if roles[i] != "body" or _BASIS_MARK.match(t) or re.match(r"^-+$", t):
            return
        roles[i] = "title"


def _preamble_end(lines: list[str], cleaned: list[str]) -> int:
    """Index of the first body line: a section heading, the line after the enacting
    formula ("… ban hành Kế hoạch … như sau:"), or a long prose paragraph (news)."""
    for i, t in enumerate(cleaned):
        if not t or is_table_line(lines[i]):
            continue
        if _heading_level(t) is not None:
            return i
        if _BODY_START.search(t):
            return i + 1
        if len(t) > 300 and not _BASIS_MARK.match(_BULLET.sub("", t)):
            return i
    return len(lines)


def _mark_basis_sections(lines, cleaned, roles, start: int) -> None:
    """Lines under a basis heading ("I. CĂN CỨ PHÁP LÝ", "II. Căn cứ xây dựng Đề án", "Cơ sở
    pháp lý") up to the next heading of the same or a higher level that is not itself about
    the basis. A heading that joins the basis to another topic ("SỰ CẦN THIẾT VÀ CĂN CỨ …")
    leaves it to its sub-headings. A label line ("Căn cứ pháp lý:") marks the list items
    right under it, whatever their bullets."""
    level, active, in_list = None, False, False
    for i in range(start, len(lines)):
        t = cleaned[i]
        if not t or is_table_line(lines[i]):
            continue
        h = _heading_level(t)
        if h is not None:
            in_list = False
            topic = fold(_HEADING_NUMBER.sub("", t))
            if not topic:  # "Phần I" printed alone: its title is the next line ("CĂN CỨ XÂY DỰNG KẾ HOẠCH")
                topic = fold(_title_below(lines, cleaned, i))
            if _BASIS_TOPIC.match(topic):
                level, active = (h if level is None else max(level, h)), True
            elif _BASIS_TOPIC.search(topic):
                level, active = h, False
            elif level is not None and h <= level:
                level, active = None, False
            continue
        if _BASIS_LABEL.match(t):
            in_list = True
            continue
        if in_list and (_BULLET.match(t) or re.match(rf"(?:{_TYPE_WORD_ALT})\b", t)):
            roles[i] = "basis"
            continue
        in_list = False
        if active:
            roles[i] = "basis"


_HEADING_NUMBER = re.compile(
    r"^(?:#+\s*)?(?:(?:Phần|PHẦN|Chương|CHƯƠNG)\s+(?:(?:thứ|THỨ)\s+\w+|[IVXL]+|\d+)|[IVXL]+|\d+(?:\.\d+)*)\s*[.:)\-–]?\s*"
)


def _title_below(lines: list[str], cleaned: list[str], i: int) -> str:
    """The title printed on the line under a bare part or chapter number, if that line is one."""
    for j in range(i + 1, min(i + 4, len(cleaned))):
        if cleaned[j]:
            ok = not is_table_line(lines[j]) and _heading_level(cleaned[j]) is None and len(cleaned[j]) <= 200
            return cleaned[j] if ok else ""
    return ""


_BASIS_TOPIC = re.compile(r"\b(?:can cu|co so phap ly)\b")  # match: the heading's topic; search: one of them
_BASIS_LABEL = re.compile(r"^(?:Căn cứ|Cơ sở) (?:pháp lý|xây dựng [^:]{0,40}|ban hành [^:]{0,40})\s*:\s*$", re.I)


def _segments(raw: str, role: str) -> list[str]:
    """Units read one at a time: the cells of a table row, and within them the clauses
    split at ";" (the preamble joins its basis and its proposal with one), without
    footnote marks."""
    cells = re.split(r"\t|(?<!\\)\||</t[dh]>", raw) if role == "table" else [raw]
    return [c for cell in cells for c in _FOOTNOTE_MARK.sub("", clean(cell)).split(";") if c.strip()]


# A footnote mark glued to the word before it ("Quyết định số 678/QĐ-UBND²", "…/KH-UBND[3]
# ngày …"): superscript digits, or a bracketed number, after a non-space character.
_FOOTNOTE_MARK = re.compile(r"[¹²³⁰⁴-⁹]+|(?<=\S)\[\d{1,3}\]")


def _own_symbols(cleaned: list[str], own_symbol: str | None) -> set:
    """The source document's own symbol: given, or printed as "Số: …" in its header."""
    own = set()
    if own_symbol:
        c = canonical_symbol(own_symbol)
        own.add(c or own_symbol)
    for t in cleaned[:25]:
        m = re.match(r"^Số\s*:\s*(\S+)", t)
        if m:
            c = canonical_symbol(m.group(1))
            if c:
                own.add(c)
    return own


def find_references(
    lines: list[str], file: str, province: str | None, own_symbol: str | None
) -> tuple[list[LegalRef], list[DocRelation]]:
    """Every legal reference in a document, with its relation to the document, and the
    relations stated between two cited documents. Cited documents get their year from
    their own symbol or date, never from the citing document's."""
    cleaned = [clean(line) for line in lines]
    roles = _line_roles(lines, cleaned)
    own = _own_symbols(cleaned, own_symbol)
    refs: list[LegalRef] = []
    rels: list[DocRelation] = []
    for i, text in enumerate(cleaned):
        if not text or not re.search(r"\d|Luật", text):
            continue
        span = Span(file, i + 1, i + 1, lines[i].strip())
        role = roles[i]
        carried = False
        for clause in _segments(lines[i], role):
            context, relation = _context_relation(role, clause)
            found = _mentions(clause, province, span, context, relation)
            found = [f for f in found if f[2].symbol not in own]
            refs.extend(r for _, _, r in found)
            found = _laws_again(clause, found, span, context)
            clause_rels = _doc_relations(clause, found, span)
            _nested_are_cited(clause_rels)
            _objects_of_local_acts(clause_rels)
            carried = _source_relations(clause, found, role, carried)
            rels.extend(clause_rels)
    _same_document_again(refs)
    return refs, rels


def _laws_again(clause: str, found: list, span: Span, context: str) -> list:
    """ "Căn cứ Luật Dữ liệu ngày 30/11/2024, Nghị định số 165/2025/NĐ-CP … quy định chi tiết …
    Luật Dữ liệu": a law named again by its title alone, after the clause named it with its
    date or symbol, is that law. ``found`` with such mentions added, for the relations the
    clause states; they are not new references. Only within the clause: one document may cite
    two enactments of one title (Luật Giao dịch điện tử 2005 and 2023), and a title alone
    elsewhere does not tell which."""
    laws: dict[str, LegalRef] = {}
    for _, _, r in found:
        if r.type_code == "Luật" and r.title and (r.date or r.symbol):
            laws.setdefault(r.title, r)
    again = [
        (m.start(), m.end(), replace(law, written=title, span=span, relation="cites", context=context))
        for title, law in laws.items()
        if title in clause
        for m in re.finditer(rf"(?<!\w){re.escape(title)}(?!\w)", clause)
        if not any(s < m.end() and m.start() < e for s, e, _ in found)
    ]
    return sorted(found + again, key=lambda f: f[0]) if again else found


def _objects_of_local_acts(rels: list[DocRelation]) -> None:
    """ "Quyết định số 870/QĐ-UBND … của UBND tỉnh Long An (cũ) điều chỉnh Quyết định số
    2345/QĐ-UBND …": a local document that a local document acts on, named without its issuer,
    is the acting document's province's (a province's bodies amend, replace and carry out
    their own province's documents), and the same body's when the symbols' issuer codes agree."""
    for r in rels:
        s, o = r.subject, r.object
        if o.issuer_name or o.national or s.national or not s.issuer_name:
            continue
        o.province = s.province
        if o.issuer_code == s.issuer_code:
            o.issuer_name = s.issuer_name


def _same_document_again(refs: list[LegalRef]) -> None:
    """ "Kế hoạch số 120/KH-UBND nêu trên": a symbol named again without its issuer is the
    document named earlier (or later) in the same text with one — its issuer and scope."""
    named: dict = {}
    for r in refs:
        if r.symbol and r.issuer_name and not r.national:
            named.setdefault(r.symbol, r)
    for r in refs:
        full = named.get(r.symbol)
        if full and not r.issuer_name and not r.national:
            r.issuer_name, r.province = full.issuer_name, full.province


def _nested_are_cited(rels: list[DocRelation]) -> None:
    """A document named inside a basis item's subject ("Quyết định X … về triển khai thực
    hiện Nghị quyết Y") is cited by the item, not named as the source's own basis."""
    for r in rels:
        if r.object.relation in ("based_on", "proposed_by"):
            r.object.relation = "cites"


def _context_relation(role: str, clause: str) -> tuple[str, str]:
    if role == "basis":
        if re.search(r"(?:^|\s)(?:[Tt]heo|[Xx]ét) đề nghị\b|^\W*Xét\s+(?:Tờ trình|[Bb]áo cáo)\b", clause):
            return "basis", "proposed_by"
        return "basis", "based_on"
    return ("header" if role == "title" else role), "cites"


# The source document as the subject of a sentence: "Kế hoạch này …", a purpose clause
# ("Để triển khai thực hiện …, UBND tỉnh ban hành Kế hoạch …"), an article of a decision
# ("Điều 1. Phê duyệt …").
_THIS_DOCUMENT = re.compile(rf"\b(?:{_TYPE_WORD_ALT}) này\b(?=[^.;]{{0,80}}$)", re.I)
_SOURCE_OPENING = re.compile(r"^\W*(?:(?:Để|Nhằm)\s|Điều\s+\d+\s*[.:]\s*)")
_SENTENCE_END = re.compile(r"(?<!Điều \d)(?<!Điều \d\d)\.\s+(?=[" + UP + "])")


def _source_relations(clause: str, found: list, role: str, carried: bool = False) -> bool:
    """What the source itself does to the documents it names: the verb right before a
    reference ("thay thế", "sửa đổi, bổ sung", "triển khai thực hiện", "phê duyệt", "bãi bỏ")
    gives the relation when the source is the subject — in its title, after "Kế hoạch
    này", in a purpose clause or an article, in a clause that goes on from such a subject
    ("…; đồng thời sửa đổi …", ``carried``), or in an article's sentence that opens with the
    verb ("Bãi bỏ Quyết định số …"). Documents joined to such a reference by "và" or a
    comma share its relation. Without such a subject the verb belongs to someone else
    ("Sở đã triển khai Quyết định …") and the reference stays a citation.

    Returns whether the clause has the source as its subject (for the clause after it)."""
    if role not in ("title", "body"):
        return False
    shared, prev_end = None, None
    for start, end, ref in found:
        before = clause[prev_end or 0 : start]
        hit = next(((r, m) for r, rx in _REL_BEFORE if (m := rx.search(before))), None)
        rel = hit[0] if hit else None
        verb_at = (prev_end or 0) + hit[1].start() if hit else start
        if hit and rel != "based_on" and shared and _coordinated(before, hit[1]):
            shared = rel  # "Nghị quyết này thay thế A và bãi bỏ Điều 3 B"
        elif rel and rel != "based_on" and _source_is_subject(clause[:start], prev_end, role, carried, verb_at, rel):
            shared = rel
        elif not (
            shared
            and re.fullmatch(r"[^;.]*?(?:,|\svà)\s*(?:số\s*)?", before)
            and not any(rx.search(before) for _, rx in _REL_BEFORE)
        ):
            shared = None
        if shared:
            ref.relation = shared
        prev_end = end
    head = clause[: found[0][0]] if found else clause
    return _source_is_subject(head, None, role, carried, len(head), "") or (carried and bool(_CONTINUES.match(clause)))


_CONTINUES = re.compile(r"^\W*(?:đồng thời|và|cũng như)\s", re.I)
_IMPERATIVE_RELATIONS = {"amends", "replaces", "repeals", "corrects", "approves"}


def _source_is_subject(
    head: str, prev_end: int | None, role: str, carried: bool = False, verb_at: int = 0, rel: str = ""
) -> bool:
    """Whether the sentence before a reference has the source document as its subject
    and names no other document before it."""
    sentence_start = max((m.end() for m in _SENTENCE_END.finditer(head)), default=0)
    if prev_end is not None and prev_end > sentence_start:
        return False
    sentence = head[sentence_start:]
    if carried and sentence_start == 0 and _CONTINUES.match(sentence):
        return True
    opening = head[sentence_start:verb_at]
    if (
        rel in _IMPERATIVE_RELATIONS
        and re.fullmatch(r"[\W\d]*(?:Điều\s+\d+\s*[.:]\s*)?", opening)
        and head[verb_at : verb_at + 2].strip()[:1].isupper()
    ):
        return True
    return role == "title" or bool(_THIS_DOCUMENT.search(sentence) or _SOURCE_OPENING.match(sentence))
