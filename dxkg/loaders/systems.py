"""Information systems named in plans, and the links between them that a sentence states.

Systems are recognised from a catalogue of the kinds the e-government architecture
names (platforms, national databases, portals, operations and security centres…),
matched accent-insensitively, because the same system is written many ways ("LGSP",
"Nền tảng tích hợp, chia sẻ dữ liệu tỉnh Quảng Nam", "nền tảng tích hợp và chia sẻ dữ
liệu dùng chung").  Names outside the catalogue are not captured: a wrong system node
costs more than a missing one.

The catalogue (names, categories, patterns) is ``dxkg.domain.systems.CATALOGUE``.

A link is read inside one sentence: two systems with a link verb between them ("A kết nối
với B"), a verb before the first and a connector before the second ("Kết nối A với B",
"đồng bộ giữa A với B"), or, in a later clause, a verb whose subject is the system the
sentence opened with ("Duy trì SOC …; kết nối … lên NCSC").
"""

from __future__ import annotations

import re
from dataclasses import replace

from dxkg.domain.systems import CATALOGUE
from dxkg.domain.text import fold_same_length

from .layout import is_table_line
from .records import Span, SystemLink, SystemMention, SystemRef
from .text import clean, find_province

_COMPILED = [(key, name, cat, nat, re.compile(p)) for key, name, cat, nat, p in CATALOGUE]
# A centre or app of a district or city below the province is not the provincial system.
_LOCAL_BELOW = re.compile(r"^\s*(?:\([^)]*\)\s*)?(?:thanh pho|huyen|thi xa|quan) (?!truc thuoc)")

_VERBS = [  # (relation, folded pattern)
    ("uses_data_from", r"khai thac(?: (?:du lieu|thong tin))?(?: tu| cua| tren)"),
    ("integrates", r"tich hop"),
    ("connects", r"ket noi|lien thong|lien ket"),
    ("shares_data", r"chia se(?: du lieu| thong tin)?"),
    ("syncs", r"dong bo(?:,? thong nhat)?(?= voi| giua| du lieu)"),  # not "triển khai đồng bộ"
]
_VERB_RX = re.compile("|".join(f"(?P<v{i}>{p})" for i, (_, p) in enumerate(_VERBS)))
_TO_B = re.compile(r"\b(?:voi|va|len|qua|den|toi|vao)\s*$")
_VIA_B = re.compile(r"\b(?:thong )?qua\s*$")
_LIST_MORE = re.compile(r"\s*(?:,|;)?\s*(?:va|cung|hoac|,)?\s*(?:cac |voi )?")
_COUNT = re.compile(
    r"(?:ket noi|tich hop|lien thong|chia se du lieu|giam sat)[^;.]{0,40}?"
    r"\b(?P<n>\d{1,4})\s+(?:he thong|co so du lieu|csdl|phan mem|ung dung)"
)


def _mentions(text: str, province: str | None) -> list[tuple[int, int, SystemRef]]:
    """Catalogued systems in ``text`` as (start, end, SystemRef), overlaps resolved in
    favour of the longer match."""
    folded = fold_same_length(text)
    hits = []
    for order, (key, name, cat, national, rx) in enumerate(_COMPILED):
        for m in rx.finditer(folded):
            if key in ("IOC", "APP-CDS") and _LOCAL_BELOW.match(folded[m.end() :]):
                continue
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
                find_province(text[end : end + 40])
                if re.match(r"\s*(?:\([^)]*\)\s*)?tinh ", folded[end : end + 12])
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
    return _merge_repeats(text, out)


def _merge_repeats(text: str, found: list) -> list:
    """ "Trung tâm … (SOC)": the acronym after a name is the same mention."""
    out = []
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
    units, i = [], 0
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
            if j >= len(lines) or "\t" in lines[j] or not clean(lines[j])[:1].islower():
                break
            text, end = f"{text} {clean(lines[j])}", j
        if text:
            units.append((i + 1, end + 1, text))
        i = end + 1
    return units


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+(?=[^\sa-zđ])", text) if s.strip()]


def _verb(folded: str) -> tuple[int, int, str] | None:
    """The first link verb in a folded stretch: (start, end, relation)."""
    m = _VERB_RX.search(folded)
    if not m:
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


def _topic(found: list, folded: str, clauses: list) -> tuple | None:
    """The system a sentence opens with, as its subject: near the start of the first
    clause and not the object of a link verb."""
    if not found or found[0][0] > 40 or found[0][0] >= clauses[0][1]:
        return None
    if _verb(folded[: found[0][0]]):
        return None
    return found[0]


def _pair_links(inside: list, folded: str, offset: int, span: Span) -> list[SystemLink]:
    """Links between consecutive systems of one clause. A system listed after the object
    of a link ("A kết nối với B và C", "…, C") is a second object of the same subject;
    one reached "qua C" after the object is what the subject goes through."""
    links: list[SystemLink] = []
    prev_end = offset
    for (a_s, a_e, a), (b_s, b_e, b) in zip(inside, inside[1:]):
        if a.key == b.key:
            continue
        between = folded[a_e:b_s]
        v = _verb(between)
        last = links[-1] if links and links[-1].b is a else None
        if v and len(between) <= 120:
            links.append(_link(a, b, v[2], between, span))
        elif last and (_LIST_MORE.fullmatch(between) or _VIA_B.search(between)) and last.a.key != b.key:
            links.append(_link(last.a, b, last.relation, between, span))
        else:
            lead = _verb(folded[prev_end:a_s])
            if lead and _TO_B.search(between) and len(between) <= 60 and "," not in between.strip(" ,"):
                links.append(_link(a, b, lead[2], between, span))
        prev_end = a_e
    return links


def _topic_links(topic: tuple, first: tuple, folded: str, offset: int, span: Span) -> list[SystemLink]:
    """ "Duy trì SOC …; kết nối … lên NCSC": a later clause whose verb has no subject of
    its own links the sentence's opening system to the clause's first system."""
    before = folded[offset : first[0]]
    v = _verb(before)
    if not v or topic[2].key == first[2].key:
        return []
    return [_link(topic[2], first[2], v[2], before, span)]


def _link(a: SystemRef, b: SystemRef, relation: str, between: str, span: Span) -> SystemLink:
    """A link with the direction the words give: "khai thác dữ liệu từ B" and "qua B"
    make A depend on B; other verbs keep A as the subject without a direction."""
    if _VIA_B.search(between):
        return SystemLink(a, "depends_on", b, span, directed=True)
    return SystemLink(a, relation, b, span, directed=relation == "uses_data_from")


def _counts(found: list, folded: str, clauses: list, topic) -> dict:
    """Stated counts ("kết nối 16 hệ thống qua LGSP") by id of the SystemRef they belong
    to: the system after "qua" in the clause, else the nearest one before the count,
    else the sentence's opening system."""
    counts = {}
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
            m, l = _links_in_sentence(sentence, province, replace(span, text=sentence[:500]))
            mentions.extend(m)
            links.extend(l)
    return mentions, links
