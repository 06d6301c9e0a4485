"""Agencies named in table cells ("Cơ quan chủ trì/phối hợp") and running text, resolved
to canonical names.

A cell often lists several agencies.  Commas and "và" also occur inside names ("Sở Văn
hóa, Thể thao và Du lịch", "Các sở, ban, ngành"), so a comma or "và" separates two
agencies only when the next word opens an agency name (Sở, UBND, Văn phòng, Công an,
VNPT, "các"…).  Line breaks inside a cell are wrapping unless the next line opens a name.

Provincial bodies get a province-neutral canonical name ("Công an tỉnh", "Kho bạc Nhà
nước tỉnh"): the builder scopes them to the document's province, or to ``province``
when the text names another one.  Enterprises keep their provincial branch name as
written ("VNPT Hà Nam").
"""

from __future__ import annotations

import functools
import re

from dxkg.domain.issuers import issuer_name
from dxkg.domain.text import fold, fold_same_length

from .records import AgencyRef
from .text import clean, find_province, province_named, strip_markup

# (canonical name, kind, national, folded alias pattern).  Order matters: the first
# pattern that matches the whole segment wins, so specific names come first.
CATALOGUE = [
    (
        "Văn phòng UBND tỉnh",
        "agency",
        False,
        r"(?:van phong|vp) ?(?:uy ban nhan dan|ubnd|unnd|ub)(?: tinh)?|vpub(?: tinh)?",
    ),
    ("Văn phòng Tỉnh ủy", "agency", False, r"van phong tinh uy|vp tinh uy"),
    (
        "Văn phòng Đoàn ĐBQH và HĐND tỉnh",
        "agency",
        False,
        r"van phong doan (?:dbqh|dai bieu quoc hoi) va (?:hdnd|hoi dong nhan dan)(?: tinh)?",
    ),
    (
        "Sở Thông tin và Truyền thông",
        "agency",
        False,
        r"so (?:thong tin (?:va|-) truyen thong|tt ?& ?tt|tttt|tt va tt|tt-tt)|sttttt?",
    ),
    ("Sở Kế hoạch và Đầu tư", "agency", False, r"so (?:ke hoach (?:va|-) dau tu|kh ?& ?dt|khdt|kh-dt)"),
    ("Sở Giáo dục và Đào tạo", "agency", False, r"so (?:giao duc (?:va|-) dao tao|gd ?& ?dt|gddt|gd-dt)"),
    ("Sở Tài nguyên và Môi trường", "agency", False, r"so (?:tai nguyen (?:va|-) moi truong|tn ?& ?mt|tnmt|tn-mt)"),
    (
        "Sở Lao động - Thương binh và Xã hội",
        "agency",
        False,
        r"so (?:lao dong ?[-,] ?thuong binh (?:va|&) xa hoi|ldtbxh|ld-?tb ?& ?xh|ld ?- ?tbxh)",
    ),
    (
        "Sở Nông nghiệp và Phát triển nông thôn",
        "agency",
        False,
        r"so (?:nong nghiep (?:va|&) phat trien nong thon|nn ?& ?ptnt|nnptnt|nn-ptnt)",
    ),
    ("Sở Nông nghiệp và Môi trường", "agency", False, r"so nong nghiep (?:va|&) moi truong|so nn ?& ?mt"),
    (
        "Sở Văn hóa, Thể thao và Du lịch",
        "agency",
        False,
        r"so (?:van hoa,? the thao (?:va|&) du lich|vhttdl|vh,? ?tt ?& ?dl|vhtt ?& ?dl)",
    ),
    ("Sở Khoa học và Công nghệ", "agency", False, r"so (?:khoa hoc (?:va|&) cong nghe|kh ?& ?cn|khcn)"),
    ("Sở Giao thông vận tải", "agency", False, r"so (?:giao thong(?: -)? van tai|gtvt)"),
    ("Sở Tài chính", "agency", False, r"so tai chinh"),
    ("Sở Nội vụ", "agency", False, r"so noi vu"),
    ("Sở Tư pháp", "agency", False, r"so tu phap"),
    ("Sở Y tế", "agency", False, r"so y te"),
    ("Sở Công Thương", "agency", False, r"so cong thuong"),
    ("Sở Xây dựng", "agency", False, r"so xay dung"),
    ("Sở Ngoại vụ", "agency", False, r"so ngoai vu"),
    ("Sở Dân tộc và Tôn giáo", "agency", False, r"so dan toc (?:va|&) ton giao"),
    ("Thanh tra tỉnh", "agency", False, r"thanh tra tinh"),
    ("Công an tỉnh", "agency", False, r"cong an tinh"),
    ("Kho bạc Nhà nước tỉnh", "agency", False, r"kho bac nha nuoc tinh|kbnn tinh"),
    ("Cục Thuế tỉnh", "agency", False, r"cuc thue tinh"),
    ("Bảo hiểm xã hội tỉnh", "agency", False, r"(?:bao hiem xa hoi|bhxh) tinh"),
    ("Bộ Chỉ huy Quân sự tỉnh", "agency", False, r"bo chi huy quan su tinh"),
    (
        "Đài Phát thanh và Truyền hình tỉnh",
        "agency",
        False,
        r"dai phat thanh(?: va| -|,)? truyen hinh(?: tinh)?|dai pt-?th(?: tinh)?",
    ),
    ("Ban Quản lý các Khu công nghiệp tỉnh", "agency", False, r"ban quan ly cac khu cong nghiep(?: tinh)?"),
    ("UBND tỉnh", "agency", False, r"(?:uy ban nhan dan|ubnd|unnd) tinh"),
    ("HĐND tỉnh", "agency", False, r"(?:hoi dong nhan dan|hdnd) tinh"),
    ("Tỉnh ủy", "agency", False, r"tinh uy"),
    # groups
    (
        "Các sở, ban, ngành",
        "group",
        False,
        r"(?:cac )?so,? ban,? nganh(?: (?:tinh|thuoc tinh|cap tinh))?|cac so,? nganh(?: cap tinh)?",
    ),
    (
        "UBND các huyện, thị xã, thành phố",
        "group",
        False,
        r"(?:uy ban nhan dan|ubnd|unnd)(?: cac)? huyen,? (?:(?:thi xa|tx),? (?:va )?)?(?:va )?(?:thanh pho|tp)"
        r"(?: [a-z]+){0,3}?(?:,? thi xa)?"
        r"|(?:uy ban nhan dan|ubnd|unnd) cap huyen",
    ),
    (
        "UBND các xã, phường, thị trấn",
        "group",
        False,
        r"(?:uy ban nhan dan|ubnd|unnd)(?: cac)? xa,? phuong,? thi tran|(?:uy ban nhan dan|ubnd|unnd) cap xa",
    ),
    (
        "Các cơ quan, đơn vị liên quan",
        "group",
        False,
        r"(?:cac )?(?:co quan,? don vi|co quan|don vi)(?: co)? lien quan",
    ),
    ("Doanh nghiệp bưu chính, viễn thông", "group", False, r"(?:cac )?doanh nghiep buu chinh,? vien thong"),
    ("Doanh nghiệp viễn thông", "group", False, r"(?:cac )?doanh nghiep vien thong"),
    (
        "Các cơ quan Trung ương đóng trên địa bàn tỉnh",
        "group",
        False,
        r"cac co quan (?:trung uong|tw)(?: dong)?(?: tren dia ban tinh)?",
    ),
    ("Các cơ quan truyền thông, báo chí", "group", False, r"cac co quan (?:truyen thong,? bao chi|bao chi)"),
    ("Doanh nghiệp", "group", False, r"(?:cac )?doanh nghiep"),
    # national bodies
    ("Thủ tướng Chính phủ", "agency", True, r"thu tuong chinh phu"),
    ("Văn phòng Chính phủ", "agency", True, r"van phong chinh phu"),
    ("Chính phủ", "agency", True, r"chinh phu"),
    ("Quốc hội", "agency", True, r"quoc hoi"),
    ("Ban Chấp hành Trung ương", "agency", True, r"ban chap hanh trung uong(?: dang)?"),
    ("Bộ Chính trị", "agency", True, r"bo chinh tri"),
    ("Bộ Thông tin và Truyền thông", "agency", True, r"bo (?:thong tin (?:va|-) truyen thong|tt ?& ?tt|tttt)"),
    ("Bộ Khoa học và Công nghệ", "agency", True, r"bo (?:khoa hoc (?:va|&) cong nghe|kh ?& ?cn|khcn)"),
    ("Bộ Kế hoạch và Đầu tư", "agency", True, r"bo (?:ke hoach (?:va|&) dau tu|kh ?& ?dt|khdt)"),
    ("Bộ Công an", "agency", True, r"bo cong an"),
    ("Bộ Tài chính", "agency", True, r"bo tai chinh"),
    ("Bộ Nội vụ", "agency", True, r"bo noi vu"),
    ("Kho bạc Nhà nước", "agency", True, r"kho bac nha nuoc(?: viet nam)?|kbnn"),
    ("Tổng cục Thuế", "agency", True, r"tong cuc thue"),
    ("Bảo hiểm xã hội Việt Nam", "agency", True, r"bao hiem xa hoi viet nam|bhxh viet nam"),
    ("Ủy ban Quốc gia về chuyển đổi số", "agency", True, r"uy ban quoc gia ve chuyen doi so"),
    (
        "Tập đoàn Bưu chính Viễn thông Việt Nam (VNPT)",
        "enterprise",
        True,
        r"tap doan buu chinh vien thong viet nam(?: \(vnpt\))?",
    ),
    (
        "Tập đoàn Công nghiệp - Viễn thông Quân đội (Viettel)",
        "enterprise",
        True,
        r"tap doan cong nghiep ?- ?vien thong quan doi(?: \(viettel\))?",
    ),
    ("Tổng công ty Bưu điện Việt Nam", "enterprise", True, r"tong cong ty buu dien viet nam"),
]
_COMPILED = [(name, kind, nat, re.compile(rf"(?:{p})")) for name, kind, nat, p in CATALOGUE]
# Short forms people write, given to dxkg.kg as alternative labels.
ALIASES = {
    "Sở Thông tin và Truyền thông": ("Sở TT&TT", "Sở TTTT"),
    "Văn phòng UBND tỉnh": ("VP UBND tỉnh", "Văn phòng Ủy ban nhân dân tỉnh", "VPUB"),
    "Sở Kế hoạch và Đầu tư": ("Sở KH&ĐT", "Sở KHĐT"),
    "Sở Giáo dục và Đào tạo": ("Sở GD&ĐT", "Sở GDĐT"),
    "Sở Tài nguyên và Môi trường": ("Sở TN&MT", "Sở TNMT"),
    "Sở Lao động - Thương binh và Xã hội": ("Sở LĐTBXH", "Sở LĐ-TB&XH"),
    "Sở Nông nghiệp và Phát triển nông thôn": ("Sở NN&PTNT",),
    "Sở Văn hóa, Thể thao và Du lịch": ("Sở VHTTDL", "Sở VH,TT&DL"),
    "Sở Khoa học và Công nghệ": ("Sở KH&CN", "Sở KHCN"),
    "Sở Giao thông vận tải": ("Sở GTVT",),
    "UBND tỉnh": ("Ủy ban nhân dân tỉnh",),
    "UBND các huyện, thị xã, thành phố": ("UBND cấp huyện",),
    "UBND các xã, phường, thị trấn": ("UBND cấp xã",),
    "Bộ Thông tin và Truyền thông": ("Bộ TT&TT", "BTTTT"),
}

# Words that open an agency name: a comma, "và" or a line break before them separates two
# agencies.  Lower-case "các" opens groups ("… và các cơ quan liên quan").
_HEADS = (
    r"Sở|UBND|UNND|Ủy ban|Văn phòng|VP|Công an|Kho bạc|Cục|Chi cục|Bộ|Ban(?!,? [Nn]gành)|Báo|Đài|Hội|"
    r"Trung tâm|Phòng|Thanh tra|Bảo hiểm|BHXH|Tỉnh đoàn|Tỉnh ủy|Liên đoàn|Mặt trận|"
    r"VNPT|Viettel|MobiFone|Mobifone|FPT|Bưu điện|Công ty|Tổng công ty|Tập đoàn|Ngân hàng|"
    r"Doanh nghiệp|Các|các|Viễn thông|Chi nhánh|Trường|Bệnh viện"
)
_SPLIT = re.compile(rf"\s*;\s*|\s*,\s*(?=(?:{_HEADS})\b)|\s+và\s+(?=(?:{_HEADS})\b)")
_SPLIT_SO = re.compile(r"(?<=\S)\s+(?=Sở\s)(?<!của\s)(?<!thuộc\s)")
_ENTERPRISE = re.compile(
    r"^(?:VNPT|Viettel|MobiFone|Mobifone|FPT|Bưu điện|Công ty|Tổng công ty|Tập đoàn|"
    r"Chi nhánh|Viễn thông|Ngân hàng)\b"
)
_LOCAL_UBND = re.compile(r"^(?:Ủy ban nhân dân|UBND|UNND)\s+(thành phố|thị xã|huyện|quận|xã|phường|thị trấn)\s+(\S.*)$")


def _join_wrapped(text: str) -> str:
    """One line per listed agency: a line break is wrapping unless the next line opens
    an agency name and the previous one does not end with a joining word."""
    parts = [p.strip() for p in strip_markup(text).split("\n")]
    out = ""
    for p in parts:
        if not p:
            continue
        opens = re.match(rf"(?:{_HEADS})\b", p) and not re.search(r"(?:\bvà|,|-|của|thuộc)$", out)
        out = f"{out}; {p}" if out and opens and not out.endswith(";") else f"{out} {p}"
    return re.sub(r"\s+", " ", out).strip()


def split_agencies(text: str) -> list[str]:
    """The agency names listed in one cell, as written."""
    joined = _join_wrapped(text)
    pieces = []
    for seg in _SPLIT.split(joined):
        pieces.extend(_SPLIT_SO.split(seg))
    pieces = _rejoin_brackets(pieces)
    pieces = [q for p in pieces for q in _split_run_together(p.strip(" .,;:-"))]
    return [p for p in pieces if p]


_HEAD_START = re.compile(rf"\s(?=(?:{_HEADS.replace('|các', '')})\b)")


def _split_run_together(piece: str) -> list[str]:
    """Two names run together with no separator ("Sở TT&TT UBND các huyện, thị xã",
    "Sở Nội vụ Các Sở, Ban, ngành" — a cell's line break lost in the export): split where
    an agency name opens, if the part before it is a catalogued agency on its own and the
    whole is not."""
    if _catalogued(piece):
        return [piece]
    for m in _HEAD_START.finditer(piece):
        left, right = piece[: m.start()].strip(), piece[m.end() :].strip()
        if _catalogued(left):
            return [left] + _split_run_together(right)
    return [piece]


def _catalogued(name: str) -> bool:
    ref = canonical_agency(name)
    return ref is not None and any(ref.name == canon for canon, *_ in CATALOGUE)


def _rejoin_brackets(pieces: list[str]) -> list[str]:
    """A note in brackets names agencies too ("Sở TT&TT (nay là Sở KH&CN)") but belongs
    to the name before it: pieces split inside an open bracket are joined again."""
    out: list[str] = []
    for p in pieces:
        if out and out[-1].count("(") > out[-1].count(")"):
            out[-1] = f"{out[-1]} {p}"
        else:
            out.append(p)
    return out


@functools.lru_cache(maxsize=8192)
def canonical_agency(name: str) -> AgencyRef | None:
    """The canonical agency for one name as written, or None for an empty name.

    Catalogued names and aliases resolve to their canonical form; district-level
    people's committees keep their place ("UBND thành phố Phủ Lý"); other names are kept
    as written, kind guessed from their first word. Cached (the record is frozen): a long
    appendix names the same few agencies on every row."""
    written = clean(name).strip(" .,;:-")
    if not written:
        return None
    folded = fold(written).replace("&amp;", "&")
    province = find_province(written) or _trailing_province(folded)
    bare = _TRAILING_NOTE.sub("", folded)
    for candidate, place in _candidates(folded, bare, province):
        for canon, kind, national, rx in _COMPILED:
            if rx.fullmatch(candidate):
                return AgencyRef(
                    written=written,
                    name=canon,
                    kind=kind,
                    national=national,
                    aliases=ALIASES.get(canon, ()),
                    province=None if national else place,
                )
    return _uncatalogued(written, province)


def _candidates(folded: str, bare: str, province: str | None) -> list[tuple[str, str | None]]:
    """Forms of a folded name to look up, with the province each implies: without the
    province's name, then as written — "UBND các huyện, thị xã và thành phố Huế" ends
    with a city of the province, not with the province that scopes it."""
    out = [(_strip_place(f, province), province) for f in (folded, bare)]
    if province:
        out += [(f, None) for f in (folded, bare)]
    return list(dict.fromkeys(out))


# A note in brackets after a name ("UBND các huyện, thị xã, thành phố (TP)", "Sở Tài chính
# (chủ trì)") does not change who is meant; a name is tried with and without it.
_TRAILING_NOTE = re.compile(r"\s*\([^()]*\)\s*$")


def _trailing_province(folded: str) -> str | None:
    """A province named bare at the end of a name ("Đài Phát thanh Truyền hình Hà Nam")."""
    words = folded.split()
    for n in (4, 3, 2, 1):
        if len(words) > n:
            found = province_named(" ".join(words[-n:]))
            if found:
                return found
    return None


def _strip_place(folded: str, province: str | None) -> str:
    """Folded name without the trailing province ("Công an tỉnh Hà Nam" → "cong an tinh")."""
    if province:
        folded = re.sub(rf"\s+(?:tinh |thanh pho |tp\.? )?{re.escape(fold(province))}$", "", folded)
        if not re.search(r"\btinh$", folded) and re.search(
            r"^(?:cong an|kho bac nha nuoc|cuc thue|"
            r"uy ban nhan dan|ubnd|bao hiem xa hoi)$",
            folded,
        ):
            folded += " tinh"
    return folded.strip()


def _uncatalogued(written: str, province: str | None) -> AgencyRef:
    m = _LOCAL_UBND.match(written)
    if m and not province_named(m.group(2)):
        return AgencyRef(written=written, name=f"UBND {m.group(1)} {m.group(2)}", kind="agency")
    if _ENTERPRISE.match(written):
        national = bool(re.search(r"Việt Nam|Quân đội", written)) and not province
        return AgencyRef(written=written, name=written, kind="enterprise", national=national, province=province)
    kind = "group" if re.match(r"(?:Các|các|Những)\b", written) else "agency"
    national = bool(re.match(r"Bộ\s|Tổng cục\s", written)) or bool(re.search(r"\b(?:Trung ương|quốc gia)$", written))
    name = written[:1].upper() + written[1:]  # "các doanh nghiệp…" mid-sentence is "Các doanh nghiệp…"
    return AgencyRef(written=written, name=name, kind=kind, national=national, province=None if national else province)


def issuer_of_code(code: str | None) -> AgencyRef | None:
    """The issuing body a symbol's issuer part stands for ("TTg", "QH15", "BTTTT"), if known."""
    name = issuer_name(code)
    return canonical_agency(name) if name else None


def parse_agency_cell(text: str) -> list[AgencyRef]:
    """Agencies listed in one table cell, canonical and without repeats."""
    return list(_agency_cell(text))


@functools.lru_cache(maxsize=8192)
def _agency_cell(text: str) -> tuple[AgencyRef, ...]:
    """``parse_agency_cell``, cached: the lead and cooperating cells of a long table repeat."""
    out, seen = [], set()
    for piece in split_agencies(text):
        ref = canonical_agency(piece)
        if ref and (ref.name, ref.province) not in seen:
            seen.add((ref.name, ref.province))
            out.append(ref)
    return tuple(out)


def find_agencies(text: str) -> list[AgencyRef]:
    """Catalogued agencies named in running text (only catalogued ones: prose has too
    many capitalised phrases to guess from), in order of appearance."""
    written = clean(text)
    folded = fold_same_length(written)
    hits = []
    for canon, kind, national, rx in _COMPILED:
        if kind == "group":
            continue
        for m in re.finditer(rf"\b(?:{rx.pattern})\b", folded):
            hits.append((m.start(), m.end(), canon, kind, national))
    hits.sort(key=lambda h: (h[0], -(h[1] - h[0])))
    out, last_end, seen = [], -1, set()
    for start, end, canon, kind, national in hits:
        if start < last_end:
            continue
        last_end = end
        if canon not in seen:
            seen.add(canon)
            out.append(
                AgencyRef(
                    written=written[start:end], name=canon, kind=kind, national=national, aliases=ALIASES.get(canon, ())
                )
            )
    return out
