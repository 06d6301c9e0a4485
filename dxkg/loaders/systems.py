"""Information systems named in plans, and the links between them that a sentence states.

Systems are recognised from a catalogue of the kinds the e-government architecture
names (platforms, national databases, portals, operations and security centres…),
matched accent-insensitively, because the same system is written many ways ("LGSP",
"Nền tảng tích hợp, chia sẻ dữ liệu tỉnh Quảng Nam", "nền tảng tích hợp và chia sẻ dữ
liệu dùng chung"). The catalogue (names, categories, patterns) is
``dxkg.domain.systems.CATALOGUE``.

Provincial and sectoral systems outside the catalogue are recognised as names: a
capitalised head (Hệ thống, Nền tảng, Cơ sở dữ liệu, Kho dữ liệu, Cổng thông tin, Phần
mềm, Ứng dụng, Trung tâm dữ liệu…) and its qualifiers up to a verb, a preposition, a
punctuation mark or the next name ("Phần mềm quản lý giáo dục", "Nền tảng bản đồ số dùng
chung"), scoped by the province that follows ("… tỉnh Hà Nam (cũ)") or the document's,
national when the name says so ("… quốc gia", "… Chính phủ"). Such a ``SystemRef`` has
``catalogued=False``; generic phrases ("Hệ thống thông tin", "các hệ thống chuyên ngành")
are not names.

A link is read inside one sentence: two systems with a link verb between them ("A kết nối
với B"), a verb before the first and a connector before the second ("Kết nối A với B",
"đồng bộ giữa A với B"), or, in a later clause, a verb whose subject is the system the
sentence opened with ("Duy trì SOC …; kết nối … lên NCSC").
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import replace

from dxkg.domain.places import CITIES
from dxkg.domain.systems import CATALOGUE, SYSTEM_HEADS, guess_category
from dxkg.domain.text import fold, fold_same_length, slug

from .layout import is_table_line
from .records import Span, SystemLink, SystemMention, SystemRef
from .text import clean, find_province, province_at

_COMPILED = [(key, name, cat, nat, re.compile(p)) for key, name, cat, nat, p in CATALOGUE]
# A centre, app or data centre of a district or city below the province is not the provincial system.
_LOCAL_BELOW = re.compile(r"^\s*(?:\([^)]*\)\s*)?(?:thanh pho|huyen|thi xa|quan) (?!truc thuoc)")
_PROVINCIAL_ONLY = {"IOC", "APP-CDS", "TTDL-TINH"}
_UNIT_AFTER = re.compile(r"\s*(?:\([^)]*\)\s*)?(?:(?:cua|thuoc) )?(?:(thanh pho)|huyen|thi xa|quan)\b(?! truc thuoc)")

_DATA = r"(?:du lieu|thong tin)"
_VERBS = [  # (relation, folded pattern); "provides_data_to" is read as the object using the subject's data
    (
        "uses_data_from",
        rf"(?:khai thac|su dung|nhan|lay|tra cuu|ke thua)(?: {_DATA})?(?: tu| cua| tren)"
        rf"|(?:khai thac|su dung|tai su dung) {_DATA}(?! cho)"
        rf"|tiep nhan(?:,? \w+){{0,4}}? {_DATA} tu"  # "tiếp nhận, lưu trữ dữ liệu từ"
        r"|doi soat(?: \w+){0,8}? voi",  # "đối soát danh sách … với": A checks its records against B's
    ),
    (
        "provides_data_to",
        rf"(?:cung cap|chia se|truyen|gui|day) {_DATA}(?: \w+){{0,2}}? (?:cho|len|ve|vao|sang)"
        rf"|chuyen (?:{_DATA} )?(?:sang|ve|vao|len)",
    ),
    ("depends_on", r"xac thuc(?: \w+){0,4}? (?:bang|qua)"),  # "xác thực người dùng bằng VNeID"
    # "chuyển toàn bộ hồ sơ đang giải quyết sang B": a migration, B takes in what A held
    ("integrates", r"tich hop|hop nhat (?:voi|vao)|chuyen toan bo(?: \w+){0,6}? (?:sang|ve|vao|len)"),
    ("connects", r"ket noi|lien thong|lien ket"),
    ("shares_data", rf"chia se(?: {_DATA})?"),
    # not "triển khai đồng bộ"; what is synchronised may follow: "đồng bộ trạng thái hồ sơ với"
    ("syncs", rf"dong bo(?:,? thong nhat)?(?= voi| giua| {_DATA}| sang| len| ve| trang thai| ho so| ket qua)"),
]
_VERB_RX = re.compile("|".join(f"(?P<v{i}>{p})" for i, (_, p) in enumerate(_VERBS)))
_TO_B = re.compile(r"\b(?:voi|va|len|qua|den|toi|vao)\s*$")
_VIA_B = re.compile(r"\b(?:thong )?qua\s*$")
_LIST_MORE = re.compile(r"\s*(?:,|;)?\s*(?:va|cung|hoac|,)?\s*(?:cac |voi )?")
_COUNT = re.compile(
    r"(?:ket noi|tich hop|lien thong|chia se du lieu|giam sat)[^;.]{0,40}?"
    r"\b(?P<n>\d{1,4})\s+(?:he thong|co so du lieu|csdl|phan mem|ung dung)"
)


@functools.lru_cache(maxsize=8192)
def _mentions(text: str, province: str | None) -> tuple[tuple[int, int, SystemRef], ...]:
    """Catalogued systems in ``text`` as (start, end, SystemRef), overlaps resolved in
    favour of the longer match. Cached (the records are frozen): every catalogue pattern
    runs over every cell, and a long table repeats its agency, deadline and amount cells."""
    folded = fold_same_length(text)
    hits = []
    for order, (key, name, cat, national, rx) in enumerate(_COMPILED):
        for m in rx.finditer(folded):
            if key in _PROVINCIAL_ONLY and _below_province(text, folded, m.end(), province):
                continue
            if " " not in m.group() and not text[m.start() : m.end()].isascii():
                continue  # an acronym is written in plain letters: "Sóc Trăng" is a place, not the SOC
            hits.append((m.start(), m.end(), order, key, name, cat, national))
    hits.sort(key=lambda h: (h[0], -(h[1] - h[0]), h[2]))
    out, last_end = [], -1
    for start, end, _, key, name, cat, national in hits:
        if start < last_end:
            continue
        scope = (
            None
            if national
            else (
                find_province(text[end - 4 if folded[:end].endswith("tinh") else end : end + 60])
                if re.match(r"\s*(?:\([^)]*\)\s*)?(?:(?:cua|thuoc) )?(?:tinh|thanh pho) ", folded[end : end + 24])
                or folded[:end].endswith("tinh")
                else None
            )
            or province
        )
        out.append(
            (
                start,
                end,
                SystemRef(written=text[start:end], key=key, name=name, category=cat, national=national, province=scope),
            )
        )
        last_end = end
    out += [m for m in _named(text, folded, province) if not any(m[0] < e and s < m[1] for s, e, _ in out)]
    return tuple(_merge_repeats(text, sorted(out, key=lambda m: m[0])))


def _below_province(text: str, folded: str, end: int, province: str | None) -> bool:
    """Whether the unit named right after a system ("… thành phố Phủ Lý", "… huyện …") is a
    city or district below the province, which has a centre of its own. "thành phố" is a
    province-level city when that city's name follows it ("thành phố Hải Phòng"), or,
    written alone, when the document's own province is one."""
    m = _UNIT_AFTER.match(folded, end)
    if not m:
        return False
    if not m.group(1):
        return True
    if not text[m.end(1) : m.end(1) + 40].lstrip()[:1].isupper():
        return province not in CITIES
    return not province_at(text[m.start(1) : m.end(1) + 40])


_HEAD_ALT = "|".join(sorted(SYSTEM_HEADS, key=len, reverse=True))
_HEAD = re.compile(rf"(?<![\w])(?:{_HEAD_ALT})\b")
# words that end a name: verbs of linking and of doing, prepositions, the next clause
_NAME_END = re.compile(  # matched on the lower-cased text: folding would make "dùng" "dung", "từ" "tu"…
    r"(?:kết nối|liên thông|liên kết|tích hợp|đồng bộ|chia sẻ|khai thác|sử dụng|nhận|lấy|tra cứu|cung cấp|truyền"
    r"|gửi|đẩy|kế thừa|tái sử dụng|được|đã|sẽ|đang|tiếp tục|phục vụ|nhằm|bảo đảm|đảm bảo|trước|trong|từ|cho|đến"
    r"|tới|lên|qua|giữa|sang|vào|về|với|là|có|gồm|như|để|theo|tại|trên|của|thuộc|và|hoặc|hoàn thành|đưa|vận hành"
    r"|triển khai|xây dựng|nâng cấp|hợp nhất|chuyển đổi|bị|phải|cần|căn cứ|thực hiện|cập nhật|đáp ứng|tỉnh|thành phố"
    r"|huyện|xã|phường|chưa|còn|thiếu|yêu cầu|tạo|giúp|gắn|hỗ trợ|năm|đạt|mới|hiện|nay|này|đó|các|những"
    r"|chuyển toàn bộ|tiếp nhận(?=(?:,? \S+){0,4}? (?:dữ liệu|thông tin) từ\b)|xác thực(?=(?: \S+){0,4}? (?:bằng|qua)\b)"
    r"|đối soát(?=(?: \S+){0,8}? với\b))(?![\w])"
)
# nouns whose second word is also a verb or preposition: they do not end a name
_COMPOUNDS = re.compile(
    r"người có công|quy hoạch xây dựng|cấp phép xây dựng|công trình xây dựng|ngành xây dựng|giấy phép xây dựng"
    r"|chuyển đổi số|[^\s,;.]+ xã hội"  # "an sinh xã hội", "kinh tế - xã hội": not a commune
)
_SCOPE_AFTER = re.compile(r"\s*(?:(?:cua|thuoc)\s+)?(?:tinh|thanh pho)\b(?:\s*(?P<cu>\(cu\)))?")
_NATIONAL_NAME = re.compile(r"\b(?:quoc gia|chinh phu|viet nam|trung uong|toan quoc)\b")
# "Phần mềm quản lý hộ tịch của Bộ Tư pháp": a ministry's or the government's system is national
_NATIONAL_OWNER = re.compile(r"\s*(?:dung chung )?cua (?:bo|chinh phu|van phong chinh phu|thu tuong)\b")
# qualifiers that leave a head generic ("Hệ thống thông tin", "Phần mềm quản lý", "Ứng dụng CNTT")
_GENERIC = {
    "thong tin",
    "chuyen nganh",
    "dung chung",
    "so",
    "du lieu",
    "quan ly",
    "cntt",
    "cong nghe thong tin",
    "co ban",
    "mo",
    "cap",
    "tin",
    "dien",
    "trung uong",
    "quoc gia",
    "thong tin quan ly",
}
_NOT_A_NAME_BEFORE = re.compile(r"\b(?:cac|nhung|moi|mot so|nhieu|tung)\s*$")


def _named(text: str, folded: str, province: str | None) -> list[tuple[int, int, SystemRef]]:
    """Systems named outside the catalogue: a capitalised head and its qualifiers."""
    out = []
    for m in _HEAD.finditer(folded):
        if not text[m.start()].isupper() or _NOT_A_NAME_BEFORE.search(folded[max(0, m.start() - 12) : m.start()]):
            continue
        head = m.group(0)
        if head == "ung dung" and not re.match(r"\s+(?:[A-ZĐ]|di dong|cong dan)", text[m.end() : m.end() + 12]):
            continue  # "Ứng dụng trí tuệ nhân tạo …" is a verb
        end = _name_end(text, folded, m.end())
        name = text[m.start() : end].strip(" ,-–")
        words = fold(name)[len(head) :].split()
        if not words or " ".join(words) in _GENERIC or len(words) > 14:
            continue
        end = m.start() + len(name)
        below = _LOCAL_BELOW.match(folded[end:])
        if (
            below
            and text[end + below.end() : end + below.end() + 1].isupper()
            and not find_province(text[end : end + 50])
        ):
            continue  # a district's or city's own system: no scope in the graph for it
        national = bool(_NATIONAL_NAME.search(fold(name)) or _NATIONAL_OWNER.match(folded, end))
        scope, written_end = None if national else province, end
        after = _SCOPE_AFTER.match(folded, end)
        if after and not national:
            named = find_province(text[end : end + 50])
            scope = named or province
            # written as far as the province's name ("… tỉnh Hà Nam (cũ)"), not what the sentence says next
            here = named and re.compile(rf"\s+{re.escape(fold(named))}\b(?:\s*\(cu\))?").match(folded, after.end())
            written_end = here.end() if here else after.end()
        ref = SystemRef(
            written=text[m.start() : written_end].strip(),
            key=slug(name, 60),
            name=name[:1].upper() + name[1:],
            category=guess_category(fold(name), national),
            national=national,
            province=scope,
            catalogued=False,
        )
        out.append((m.start(), end, ref))
    return out


def _name_end(text: str, folded: str, start: int) -> int:
    """Where a name that goes on from ``start`` stops: before a verb or preposition, a
    punctuation mark other than a comma inside the name ("cán bộ, công chức, viên chức"),
    a province, an acronym in brackets (kept: "(PayGov)") or the next capitalised head."""
    pos, lower = start, text.lower()
    inside = [(m.start(), m.end()) for m in _COMPOUNDS.finditer(lower, start, start + 200)]
    for w in re.finditer(r"\S+", text[start:]):
        word_start = start + w.start()
        after_cap = lower[max(0, word_start - 4) : word_start] == "cấp "  # "cấp xã", "cấp tỉnh" qualify a name
        in_compound = any(s < word_start < e for s, e in inside)
        if (_NAME_END.match(lower, word_start) and not after_cap and not in_compound) or _HEAD.match(
            folded, word_start
        ):
            break
        if text[word_start] == "(":
            close = text.find(")", word_start)
            if close > 0 and re.fullmatch(r"\([A-Za-z][\w-]{1,15}\)", text[word_start : close + 1]):
                pos = close + 1
            break
        pos = start + w.end()
        if re.search(r"[;.:)]$", w.group(0)):
            pos -= 1
            break
        if w.group(0).endswith(","):
            nxt = text[pos:].lstrip()
            if not nxt[:1].islower() or _NAME_END.match(fold(nxt)):
                pos -= 1
                break
    return pos


def _merge_repeats(text: str, found: list) -> list:
    """ "Trung tâm … (SOC)": the acronym after a name is the same mention."""
    out: list = []
    for item in found:
        if out and out[-1][2].key == item[2].key and re.fullmatch(r"[\s(]*", text[out[-1][1] : item[0]]):
            s, _, ref = out[-1]
            out[-1] = (s, item[1] + (1 if text[item[1] : item[1] + 1] == ")" else 0), ref)
            continue
        out.append(item)
    return out


def systems_in_text(text: str, province: str | None) -> list[SystemRef]:
    """Distinct catalogued systems named in a cell or sentence, in order of appearance."""
    seen, out = set(), []
    for _, _, ref in _mentions(clean(text), province):
        if (ref.key, ref.province) not in seen:
            seen.add((ref.key, ref.province))
            out.append(ref)
    return out


# ---------------------------------------------------------------- sentences and links
def _units(lines: list[str]) -> list[tuple[int, int, str]]:
    """Readable units with their line range: table cells one by one, prose paragraphs
    joined across page breaks (a line that stops mid-sentence and a next line that
    starts in lower case)."""
    units: list[tuple[int, int, str]] = []
    i = 0
    while i < len(lines):
        raw = lines[i]
        if is_table_line(raw):
            units.extend((i + 1, i + 1, clean(c)) for c in re.split(r"\t|\|", raw) if clean(c))
            i += 1
            continue
        text, end = clean(raw), i
        while text and not re.search(r"[.:;!?]$", text):
            j = end + 1
            while j < len(lines) and not clean(lines[j]):
                j += 1
            nxt = clean(lines[j]) if j < len(lines) else ""
            if j >= len(lines) or "\t" in lines[j] or re.match(r"(?:[-+•*]|\d+[.)]|[a-zđ]\)|[IVX]+\.)\s", nxt):
                break
            if not nxt[:1].islower() and not _OPEN_END.search(fold(text)):
                break
            text, end = f"{text} {clean(lines[j])}", j
        if text:
            units.append((i + 1, end + 1, text))
        i = end + 1
    return units


# a line that stops on a word that cannot end a sentence goes on on the next line
_OPEN_END = re.compile(r"\b(?:voi|va|cua|cho|tu|sang|vao|len|giua|qua|hoac|ve|den|tai)$|,$")


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+(?=[^\sa-zđ])", text) if s.strip()]


def _verb(folded: str) -> tuple[int, int, str] | None:
    """The first link verb in a folded stretch: (start, end, relation)."""
    m = _VERB_RX.search(folded)
    if not m or not m.lastgroup:
        return None
    rel = _VERBS[int(m.lastgroup[1:])][0]
    return m.start(), m.end(), rel


def _links_in_sentence(sentence: str, province: str | None, span: Span) -> tuple[list, list]:
    """Mentions (with stated counts) and links read from one sentence."""
    found = _mentions(sentence, province)
    folded = fold_same_length(sentence)
    links = []
    clauses = _clause_bounds(sentence)
    topic = _topic(found, folded, clauses)
    for c_start, c_end in clauses:
        inside = [f for f in found if c_start <= f[0] < c_end]
        links.extend(_pair_links(inside, folded, c_start, span))
        if topic and inside and topic not in inside:
            links.extend(_topic_links(topic, inside[0], folded, c_start, span))
    counts = _counts(found, folded, clauses, topic)
    mentions = [SystemMention(system=ref, span=span, count=counts.get(id(ref))) for _, _, ref in found]
    return mentions, links


def _clause_bounds(sentence: str) -> list[tuple[int, int]]:
    bounds, start = [], 0
    for m in re.finditer(r";", sentence):
        bounds.append((start, m.start()))
        start = m.end()
    bounds.append((start, len(sentence)))
    return bounds


def _topic(found: Sequence, folded: str, clauses: list) -> tuple | None:
    """The system a sentence opens with, as its subject: near the start of the first
    clause and not the object of a link verb."""
    if not found or found[0][0] > 40 or found[0][0] >= clauses[0][1]:
        return None
    if _verb(folded[: found[0][0]]):
        return None
    return found[0]


def _same(a: SystemRef, b: SystemRef) -> bool:
    """One system: same key and same scope (a former province's LGSP is not the new one's)."""
    return a.key == b.key and a.national == b.national and (a.national or a.province == b.province)


def _pair_links(inside: list, folded: str, offset: int, span: Span) -> list[SystemLink]:
    """Links between consecutive systems of one clause. A system listed after the object
    of a link ("A kết nối với B và C", "…, C") is a second object of the same subject;
    one reached "qua C" after the object is what the subject goes through; systems listed
    before the verb ("A và B được kết nối với C") are subjects of the same link."""
    links: list[SystemLink] = []
    prev_end = offset
    last = None  # (subject, relation, object) of the last link, as written
    subjects: list = []  # systems listed before the first verb
    for (a_s, a_e, a), (b_s, _, b) in zip(inside, inside[1:], strict=False):
        between = folded[a_e:b_s]
        if _same(a, b):
            prev_end = a_e
            continue
        v = _verb(between)
        if v and last and last[2] is a and _AND_VERB.match(between):
            links.append(_link(last[0], b, v[2], between, span))  # "A … B và cung cấp dữ liệu cho C": A's verb
            last = (last[0], v[2], b, between)
        elif v and len(between) <= 120:
            last = (a, v[2], b, between)
            for subject in [*subjects, a]:
                if not _same(subject, b):
                    links.append(_link(subject, b, v[2], between, span))
            subjects = []
        elif (
            last and last[2] is a and (_LIST_MORE.fullmatch(between) or _VIA_B.search(between) or _AND.search(between))
        ):
            if not _same(last[0], b):
                links.append(_link(last[0], b, last[1], between, span))
                last = (last[0], last[1], b, between)
        elif (
            not last and _LIST_MORE.fullmatch(folded[_scope_end(folded, a_e) : b_s]) and not _verb(folded[prev_end:a_s])
        ):
            subjects.append(a)
        else:
            lead = _verb(folded[prev_end:a_s])
            if lead and _TO_B.search(between) and len(between) <= 60 and "," not in between.strip(" ,"):
                links.append(_link(a, b, lead[2], between, span))
                last = (a, lead[2], b, between)
        prev_end = a_e
    return links


# "A lấy dữ liệu từ B và liên thông với C": a second verb of A's, right after its first object
_AND_VERB = re.compile(
    r"^[^;]{0,40}?(?:\bva|,|\bdong thoi)\s+(?:duoc\s+)?(?:ket noi|lien thong|lien ket|tich hop|dong bo"
    r"|chia se|khai thac|su dung|nhan|lay|tra cuu|cung cap|truyen|gui|day|ke thua|tai su dung)\b"
)
# "A tỉnh Hậu Giang (cũ) và B được …": the first of two listed subjects' province
_LISTED_SCOPE = re.compile(
    r"\s*(?:\([^)]*\)\s*)?(?:(?:cua|thuoc) )?(?:tinh|thanh pho)(?: \w+){0,4}?(?: \(cu\))?(?=\s*(?:,|va |hoac |$))"
)


def _scope_end(folded: str, end: int) -> int:
    """Where the province written after a system ends ("… tỉnh Hậu Giang (cũ)"), from the end
    of its name, which may hold the word "tỉnh" ("Trung tâm dữ liệu tỉnh")."""
    unit = next((end - len(u) for u in ("tinh", "thanh pho") if folded.endswith(u, 0, end)), end)
    m = _LISTED_SCOPE.match(folded, unit)
    return m.end() if m else end


# "…B của Công an tỉnh và C": the object's owner between two coordinated objects
_AND = re.compile(r"^[^;]{0,60}(?:,|\bva)\s*$")


def _topic_links(topic: tuple, first: tuple, folded: str, offset: int, span: Span) -> list[SystemLink]:
    """ "Duy trì SOC …; kết nối … lên NCSC": a later clause whose verb has no subject of
    its own links the sentence's opening system to the clause's first system."""
    before = folded[offset : first[0]]
    v = _verb(before)
    if not v or _same(topic[2], first[2]):
        return []
    return [_link(topic[2], first[2], v[2], before, span)]


def _link(a: SystemRef, b: SystemRef, relation: str, between: str, span: Span) -> SystemLink:
    """A link with the direction the words give: "khai thác dữ liệu từ B" and "qua B"
    make A depend on B, "cung cấp dữ liệu cho B" makes B use A's data; other verbs keep A
    as the subject without a direction."""
    if _VIA_B.search(between):
        return SystemLink(a, "depends_on", b, span, directed=True)
    if relation == "provides_data_to":
        return SystemLink(b, "uses_data_from", a, span, directed=True)
    return SystemLink(a, relation, b, span, directed=relation in ("uses_data_from", "depends_on"))


def _counts(found: Sequence, folded: str, clauses: list, topic) -> dict:
    """Stated counts ("kết nối 16 hệ thống qua LGSP") by id of the SystemRef they belong
    to: the system after "qua" in the clause, else the nearest one before the count,
    else the sentence's opening system."""
    counts: dict = {}
    for c_start, c_end in clauses:
        for m in _COUNT.finditer(folded, c_start, c_end):
            after = [f for f in found if m.end() <= f[0] < c_end and _VIA_B.search(folded[m.end() : f[0]])]
            before = [f for f in found if c_start <= f[0] < m.start()]
            owner = after[0] if after else before[-1] if before else topic
            if owner:
                counts.setdefault(id(owner[2]), int(m.group("n")))
    return counts


def find_systems(lines: list[str], file: str, province: str | None) -> tuple[list[SystemMention], list[SystemLink]]:
    """Every catalogued system mention in a document and the links its sentences state."""
    mentions, links = [], []
    for first, last, text in _units(lines):
        span = Span(file, first, last, text[:500])
        for sentence in _sentences(text):
            found, stated = _links_in_sentence(sentence, province, replace(span, text=sentence[:500]))
            mentions.extend(found)
            links.extend(stated)
    return mentions, links
