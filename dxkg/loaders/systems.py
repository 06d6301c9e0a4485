"""Information systems named in plans, and the links between them that a sentence states.

Systems are recognised from a catalogue of the kinds the e-government architecture
names (platforms, national databases, portals, operations and security centres…),
matched accent-insensitively, because the same system is written many ways ("LGSP",
"Nền tảng tích hợp, chia sẻ dữ liệu tỉnh Quảng Nam", "nền tảng tích hợp và chia sẻ dữ
liệu dùng chung").  Names outside the catalogue are not captured: a wrong system node
costs more than a missing one.

Category notations (for the system-category scheme): shared-platform, national-database,
portal, admin-procedure, reporting, operations-centre, security, monitoring, identity,
document-management, email, data-warehouse, data-centre, video-conference, network,
citizen-app.

A link is read inside one sentence: two systems with a link verb between them ("A kết nối
với B"), a verb before the first and a connector before the second ("Kết nối A với B",
"đồng bộ giữa A với B"), or, in a later clause, a verb whose subject is the system the
sentence opened with ("Duy trì SOC …; kết nối … lên NCSC").
"""

from __future__ import annotations

import re
from dataclasses import replace

from .records import Span, SystemLink, SystemMention, SystemRef
from .text import clean, find_province, fold_same_length

# (key, canonical name, category, national, folded pattern)
CATALOGUE = [
    (
        "NDXP",
        "Nền tảng tích hợp, chia sẻ dữ liệu quốc gia (NDXP)",
        "shared-platform",
        True,
        r"\b(?:ndxp|ngsp|nsgp)\b|nen tang tich hop,? (?:va )?chia se du lieu (?:cap )?quoc gia",
    ),
    (
        "LGSP",
        "Nền tảng tích hợp, chia sẻ dữ liệu cấp tỉnh (LGSP)",
        "shared-platform",
        False,
        r"\blgsp\b|nen tang tich hop,? (?:va )?chia se du lieu(?! (?:cap )?quoc gia)(?: dung chung)?(?: cap tinh)?",
    ),
    (
        "IOC",
        "Trung tâm giám sát, điều hành thông minh (IOC)",
        "operations-centre",
        False,
        r"\bioc\b|trung tam (?:giam sat,? )?(?:va )?dieu hanh (?:do thi )?thong minh",
    ),
    (
        "SOC",
        "Trung tâm giám sát, điều hành an toàn an ninh mạng (SOC)",
        "security",
        False,
        r"\bsoc\b|trung tam giam sat,? (?:va )?dieu hanh an toan,? an ninh (?:thong tin )?mang"
        r"|trung tam giam sat,? (?:va )?dieu hanh an toan thong tin(?: mang)?",
    ),
    (
        "NCSC",
        "Trung tâm Giám sát an toàn không gian mạng quốc gia (NCSC)",
        "security",
        True,
        r"\bncsc\b|trung tam giam sat an toan khong gian mang quoc gia",
    ),
    (
        "EMC",
        "Hệ thống đo lường mức độ cung cấp và sử dụng dịch vụ số (EMC)",
        "monitoring",
        True,
        r"\bemc\b|(?:he thong )?(?:giam sat,? )?do luong muc do cung cap va su dung dich vu"
        r"(?: chinh phu so| so)?",
    ),
    (
        "VNEID",
        "Hệ thống định danh và xác thực điện tử (VNeID)",
        "identity",
        True,
        r"\bvneid\b|\bvnid\b|(?:he thong|nen tang|ung dung) dinh danh,? (?:va )?xac thuc dien tu",
    ),
    ("DVCQG", "Cổng Dịch vụ công quốc gia", "portal", True, r"cong dich vu cong quoc gia"),
    (
        "CSDL-DAN-CU",
        "Cơ sở dữ liệu quốc gia về dân cư",
        "national-database",
        True,
        r"(?:co so du lieu|csdl) quoc gia ve dan cu|(?:co so du lieu|csdl) dan cu",
    ),
    (
        "CSDL-DAT-DAI",
        "Cơ sở dữ liệu quốc gia về đất đai",
        "national-database",
        True,
        r"(?:co so du lieu|csdl) (?:quoc gia ve dat dai|dat dai quoc gia)",
    ),
    (
        "CSDL-DKDN",
        "Cơ sở dữ liệu quốc gia về đăng ký doanh nghiệp",
        "national-database",
        True,
        r"(?:co so du lieu|csdl) quoc gia ve (?:dang ky )?doanh nghiep",
    ),
    (
        "CSDL-BAO-HIEM",
        "Cơ sở dữ liệu quốc gia về bảo hiểm",
        "national-database",
        True,
        r"(?:co so du lieu|csdl) quoc gia ve bao hiem(?: xa hoi)?",
    ),
    (
        "CSDL-CBCCVC",
        "Cơ sở dữ liệu quốc gia về cán bộ, công chức, viên chức",
        "national-database",
        True,
        r"(?:co so du lieu|csdl) quoc gia ve can bo,? cong chuc,? vien chuc",
    ),
    (
        "CSDL-VBPL",
        "Cơ sở dữ liệu quốc gia về văn bản pháp luật",
        "national-database",
        True,
        r"(?:co so du lieu|csdl) quoc gia ve van ban (?:quy pham )?phap luat",
    ),
    ("TRUC-VB", "Trục liên thông văn bản quốc gia", "shared-platform", True, r"truc lien thong van ban quoc gia"),
    (
        "TTHC",
        "Hệ thống thông tin giải quyết thủ tục hành chính",
        "admin-procedure",
        False,
        r"he thong (?:thong tin )?giai quyet (?:thu tuc hanh chinh|tthc)(?! (?:tap trung|cap bo))"
        r"|he thong (?:thong tin )?mot cua dien tu|cong dich vu cong (?:cua |cap )?tinh",
    ),
    (
        "BC-CP",
        "Hệ thống thông tin báo cáo Chính phủ",
        "reporting",
        True,
        r"he thong (?:thong tin )?bao cao (?:cua )?(?:chinh phu|quoc gia)",
    ),
    (
        "BC-TINH",
        "Hệ thống thông tin báo cáo tỉnh",
        "reporting",
        False,
        r"he thong (?:thong tin )?bao cao(?! (?:cua )?(?:chinh phu|quoc gia))"
        r"(?: (?:phat trien )?(?:kinh te - xa hoi|ktxh))?(?: (?:cua )?tinh)?",
    ),
    (
        "CONG-TTDT",
        "Cổng thông tin điện tử tỉnh",
        "portal",
        False,
        r"cong (?:thong tin dien tu|ttdt)(?! (?:chinh phu|cua bo|cap huyen|thanh phan))(?: (?:cua |cap )?tinh)?",
    ),
    ("KHO-DLDC", "Kho dữ liệu dùng chung", "data-warehouse", False, r"kho du lieu dung chung"),
    (
        "QLVB",
        "Hệ thống quản lý văn bản và điều hành",
        "document-management",
        False,
        r"(?:he thong|phan mem) quan ly van ban (?:va )?dieu hanh|\bqoffice\b|\beoffice\b",
    ),
    (
        "THU-DIEN-TU",
        "Hệ thống thư điện tử công vụ",
        "email",
        False,
        r"he thong thu dien tu(?: cong vu)?|thu dien tu cong vu",
    ),
    (
        "TTDL-TINH",
        "Trung tâm dữ liệu tỉnh",
        "data-centre",
        False,
        r"trung tam (?:tich hop )?du lieu (?:cua |cap )?tinh",
    ),
    (
        "HNTH",
        "Hệ thống hội nghị truyền hình trực tuyến",
        "video-conference",
        False,
        r"(?:he thong )?hoi nghi truyen hinh(?: truc tuyen)?|he thong giao ban truc tuyen",
    ),
    (
        "TSLCD",
        "Mạng truyền số liệu chuyên dùng",
        "network",
        False,
        r"mang (?:truyen )?so lieu chuyen dung|duong truyen so lieu chuyen dung",
    ),
    (
        "APP-CDS",
        "Ứng dụng công dân số tỉnh",
        "citizen-app",
        False,
        r"(?:he thong )?ung dung \(app\) cong dan so|\bapp cong dan so|ung dung cong dan so",
    ),
]
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
        if "\t" in raw or raw.lstrip().startswith("|"):
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
