"""The frame of a plan: its header (issuer, symbol, kind, place, date, title, province),
its numbered sections, and where each appendix (Phụ lục) begins.

Administrative documents follow the layout of Decree 30/2020 (issuer and "Số: …/KH-UBND"
top left, place and date top right, the kind "KẾ HOẠCH" in capitals, then the title), but
exports lose the two-column layout and often leave the number and day blank because the
text was saved before signing. Whatever is blank is kept blank (``number=None``) and the
year is taken from the best remaining evidence. Text without such a header (a news
article) is still read: its kind is "Tin tức".
"""

from __future__ import annotations

import re

from dxkg.domain.doctypes import NEWS, TYPE_NAMES, TYPE_WORDS
from dxkg.domain.issuers import LOCAL_BODIES
from dxkg.domain.places import CITIES, PROVINCES_2008
from dxkg.domain.text import fold, nfc

from .layout import PART, ROMAN_HEAD, is_table_line, section_heading
from .records import Appendix, Header, Section, Span
from .text import clean, find_province, province_named
from .values import all_vn_dates, parse_vn_date

HEAD_LINES = 40  # the header block sits in the first lines of a document

# folded kind word → (kind as printed in running text, type notation); "Văn bản" names no kind
KINDS = {fold(word): (TYPE_NAMES[code], code) for word, code in TYPE_WORDS if word != "Văn bản"} | {
    "ke hoach hanh dong": ("Kế hoạch", "KH"),
    "chuong trinh hanh dong": ("Chương trình", "CTr"),
}
KIND_BY_CODE = {code: kind for kind, code in KINDS.values()}
NEWS_KIND, NEWS_CODE = NEWS


_ORG_START = re.compile(
    r"^(uy ban|ubnd|hoi dong|hdnd|so |bo |tinh uy|thanh uy|van phong|ban |chinh phu"
    r"|thu tuong|dang bo|doan )"
)
_APPENDIX = re.compile(r"^(?:#+\s*)?(phụ\s+lục|phu\s+luc)\s+([IVXLC]+|\d+[a-z]?)\b\s*[:.\-–]?\s*(.*)$", re.I)
# A plan with a single appendix may print it without a number: "PHỤ LỤC" on its own line
# (or "PHỤ LỤC: DANH MỤC …"), with the title below.
_APPENDIX_ALONE = re.compile(r"^(?:#+\s*)?(PHỤ LỤC|Phụ lục)()\s*(?:[:.\-–]\s*([^a-zđ].*))?$")
_TOC_TAIL = re.compile(r"(?:\.{2,}|…|\t)\s*\d+\s*$")
_NOTE = re.compile(r"\(\s*(?:ban hành\s+)?kèm theo", re.I)
_SYMBOL = re.compile(r"^s[ốo]\s*:\s*(\d*)\s*((?:/\s*\d{4}\s*)?[/-]\s*[^\s,;()]+)", re.I)
_NOTE_SYMBOL = re.compile(r"\bsố\s*(\d*)\s*((?:/\s*\d{4}\s*)?/\s*[^\s,;()]+)", re.I)
_COLUMN_GAP = re.compile(r"\t+|\s{3,}|\s*\|\s*")  # between the two columns of a header line
_PLACE_DATE = re.compile(r"^([^\W\d_][^,\d]{1,40}?),\s*(ngày|năm)\b", re.I)


def plain(line: str) -> str:
    """A line without Markdown heading marks, emphasis or HTML."""
    return clean(re.sub(r"^\s*#+\s*", "", nfc(line)))


# ---------------------------------------------------------------- appendices


def find_appendices(lines: list[str], file: str) -> list[Appendix]:
    """Appendix headings ("Phụ lục I", "PHỤ LỤC 1", "**PHỤ LỤC 2**", "Phụ lục II: DANH MỤC …").

    Not headings: table-of-contents entries (dot leaders and a page number), mentions in
    running text ("Chi tiết tại Phụ lục I", "Phụ lục I kèm theo …") and lines inside
    tables. When a label is repeated (a contents page without page numbers), the last
    occurrence is the appendix itself.
    """
    found: dict[str, Appendix] = {}
    for i, raw in enumerate(lines):
        if is_table_line(raw):
            continue
        text = plain(raw)
        m = _APPENDIX.match(text) or _APPENDIX_ALONE.match(text)
        if not m or _TOC_TAIL.search(raw.rstrip()) or _TOC_TAIL.search(text):
            continue
        rest = (m.group(3) or "").strip()
        if rest and rest[0].islower():
            continue
        label = f"Phụ lục {m.group(2).upper()}" if m.group(2) else "Phụ lục"
        title, end = _appendix_title(lines, i, rest)
        found.pop(label, None)
        found[label] = Appendix(
            label=label, title=title, span=Span(file, i + 1, end + 1, "\n".join(lines[i : end + 1]))
        )
    return sorted(found.values(), key=lambda a: a.span.line)


def _note_follows(lines: list[str], j: int) -> bool:
    """Whether the next non-blank line (within two) is the "(Kèm theo …)" note."""
    for k in range(j + 1, min(j + 3, len(lines))):
        text = plain(lines[k])
        if text:
            return bool(_NOTE.match(text))
    return False


def _appendix_title(lines: list[str], i: int, rest: str) -> tuple[str, int]:
    """The title printed on or under the appendix label; stops at a blank line after
    the title, at the "(Kèm theo …)" note, or where a table begins."""
    parts, end = ([rest] if rest else []), i
    j = i + 1
    while j < len(lines) and j <= i + 6:
        raw = lines[j]
        text = plain(raw)
        if is_table_line(raw) or _APPENDIX.match(text):
            break
        if not text:
            if parts and not _note_follows(lines, j):
                break
            j += 1
            continue
        note = _NOTE.search(text)
        if note:
            if note.start() > 0:
                parts.append(text[: note.start()].strip())
            end = j
            break
        parts.append(text)
        end = j
        j += 1
    title = _NOTE.split(" ".join(parts))[0] if parts else ""
    return re.sub(r"\s+", " ", title).strip(), end


# ---------------------------------------------------------------- header


def parse_structure(lines: list[str], file: str) -> tuple[Header, list[Section], list[Appendix]]:
    """Header, sections and appendices of one document (``lines`` without newlines)."""
    appendices = find_appendices(lines, file)
    header = parse_header(lines, file, appendices)
    body_end = appendices[0].span.line - 1 if appendices else len(lines)
    sections = find_sections(lines, file, body_end)
    return header, sections, appendices


def _head(lines: list[str]) -> list[tuple[int, str]]:
    """(index, plain text) of the header block: the first lines up to the body.

    The two columns of the Decree 30 header (issuer and "Số:" on the left, national
    motto and place/date on the right) often arrive side by side on one line, split by
    tabs or runs of spaces. Above the kind word ("KẾ HOẠCH") such lines are cut at the
    gaps and the right-hand parts are read after the left column, so that the issuer's
    two lines, the symbol and the place/date line are each whole again. Below the kind
    word a gap is only a wrapped title and is kept. A header exported as a two-column
    Markdown table is read the same way, its cells being the columns."""
    out: list[tuple[int, str]] = []
    right: list[tuple[int, str]] = []
    above_kind = True
    for i, raw in enumerate(lines[:HEAD_LINES]):
        text = plain(raw)
        f = fold(text)
        if f.startswith(("muc luc", "can cu ", "thuc hien ")) or PART.match(text) or ROMAN_HEAD.match(text):
            break
        if len(text) > 300:
            break
        above_kind = above_kind and f not in KINDS
        pieces = _columns(raw) if above_kind else [text]
        if right and len(pieces) == 1 and pieces[0]:
            out += right
            right = []
        out.append((i, pieces[0]))
        right += [(i, p) for p in pieces[1:]]
    return out + right


def _columns(raw: str) -> list[str]:
    """The parts of a header line printed side by side. A gap opens a new part only
    before a capital ("Số: 25/KH-UBND      Bắc Giang, ngày …"): the blanks left for the
    number and the day ("Số:      /KH-UBND", "ngày      tháng") are not column gaps."""
    parts: list[str] = []
    for piece in (plain(p) for p in _COLUMN_GAP.split(raw.strip())):
        if re.fullmatch(r":?-+:?", piece):
            continue
        if parts and piece and not piece[0].isupper():
            parts[-1] = f"{parts[-1]} {piece}"
        elif piece:
            parts.append(piece)
    return parts or [""]


def parse_header(lines: list[str], file: str, appendices: list[Appendix]) -> Header:
    head = _head(lines)
    h = Header()
    kind_at = _kind_line(head)
    if kind_at is not None:
        h.kind = KINDS[fold(head[kind_at][1])][0]
        h.title = _title_after(head, kind_at)
    _read_symbol(h, head, appendices)
    _read_place_date(h, head)
    h.issuer = _issuer_line(head)
    notes = " ".join(a.span.text for a in appendices)
    h.province = _province(h, lines, head, notes)
    h.issuer = h.issuer or _issuer_from_signature(lines, h)
    if h.kind is None:
        h.kind = KIND_BY_CODE.get(h.type_code) if h.type_code else None
    if h.kind is None:
        h.kind = NEWS_KIND
        h.title = h.title or _news_title(head)
    h.type_code = h.type_code or KINDS.get(fold(h.kind), (None, NEWS_CODE))[1]
    h.year = _year(h, head, notes, lines)
    h.period = plan_period(h.title)
    if head:
        first, last = min(i for i, _ in head), max(i for i, _ in head)
        h.span = Span(file, first + 1, last + 1, "\n".join(lines[first : last + 1]))
    return h


_PERIOD = re.compile(r"\b((?:19|20)\d\d)\s*[-–]\s*((?:19|20)\d\d)\b")


def plan_period(title: str | None) -> tuple[int, int] | None:
    """The years a plan covers when its title names several ("giai đoạn 2025 - 2027")."""
    m = _PERIOD.search(title or "")
    if not m or not 0 < int(m.group(2)) - int(m.group(1)) <= 15:
        return None
    return int(m.group(1)), int(m.group(2))


def _kind_line(head: list[tuple[int, str]]) -> int | None:
    for k, (_, text) in enumerate(head):
        if fold(text) in KINDS and text.upper() == text:
            return k
    for k, (_, text) in enumerate(head):
        if fold(text) in KINDS:
            return k
    return None


def _title_after(head: list[tuple[int, str]], k: int) -> str | None:
    """The title lines under the kind word, up to the first blank line after them."""
    parts: list[str] = []
    for _, text in head[k + 1 :]:
        if not text:
            if parts:
                break
            continue
        if _PLACE_DATE.match(text) or fold(text).startswith(("so:", "so :")) or _NOTE.match(text):
            break
        parts.append(text)
    return re.sub(r"\s+", " ", " ".join(parts)).strip() or None


def _news_title(head: list[tuple[int, str]]) -> str | None:
    """A headline: the first line written in Vietnamese (web chrome such as "Skip to main
    content" has no diacritics) with a few words."""
    for _, text in head:
        if len(text.split()) >= 4 and fold(text) != text.lower():
            return text
    return None


def _apply_symbol(h: Header, number: str, rest: str) -> None:
    rest = re.sub(r"\s+", "", rest)
    h.number = number or None
    h.symbol = (number or "") + rest
    party = re.match(r"^-([^\W\d_]+)/", rest)
    tail = rest.rsplit("/", 1)[-1]
    h.type_code = party.group(1) if party else (tail.split("-")[0] or None)


def _read_symbol(h: Header, head: list[tuple[int, str]], appendices: list[Appendix]) -> None:
    """ "Số: …/KH-UBND" in the header; failing that, the symbol the appendix notes cite
    for the parent document ("Kèm theo Kế hoạch số /KH-UBND ngày /6/2023")."""
    for _, text in head:
        m = _SYMBOL.match(text)
        if m:
            _apply_symbol(h, m.group(1), m.group(2))
            return
    for a in appendices:
        note = _NOTE.search(a.span.text)
        if not note:
            continue
        tail = a.span.text[note.end() :]
        m = _NOTE_SYMBOL.search(tail)
        if m:
            _apply_symbol(h, m.group(1), m.group(2))
            kind = fold(tail[: m.start()]).strip()
            if h.kind is None and kind in KINDS:
                h.kind = KINDS[kind][0]
            return


def _read_place_date(h: Header, head: list[tuple[int, str]]) -> None:
    for _, text in head:
        m = _PLACE_DATE.match(text)
        if m and not _ORG_START.match(fold(m.group(1))):
            h.place = m.group(1).strip()
            h.date = parse_vn_date(text)
            year = re.search(r"(?:năm|/)\s*(\d{4})\b", text)
            h.year = h.date.year if h.date else (int(year.group(1)) if year else None)
            return


def _issuer_line(head: list[tuple[int, str]]) -> str | None:
    """The issuing body printed in capitals above "Số:"; two-line names are joined."""
    for k, (_, text) in enumerate(head):
        f = fold(text)
        if text.upper() != text or not _ORG_START.match(f) or f.startswith("cong hoa"):
            continue
        name = text
        nxt = head[k + 1][1] if k + 1 < len(head) else ""
        if nxt and nxt.upper() == nxt and fold(nxt).startswith(("tinh ", "thanh pho ")):
            name += " " + nxt
        return _org_case(name)
    return None


def _org_case(name: str) -> str:
    """ "ỦY BAN NHÂN DÂN TỈNH HÀ NAM" → "Ủy ban nhân dân tỉnh Hà Nam"."""
    s = nfc(name).lower()
    s = s[:1].upper() + s[1:]
    province = find_province(name)
    if province:
        short = _short(province)
        at = fold(s).rfind(fold(short))  # fold keeps the length of NFC text
        if at >= 0:
            s = s[:at] + short + s[at + len(short) :]
    return s


def _short(province: str) -> str:
    return province.replace("Thành phố ", "")


def _issuer_from_signature(lines: list[str], h: Header) -> str | None:
    """ "TM. ỦY BAN NHÂN DÂN" above the signature, or the issuer code of the symbol,
    completed with the province."""
    body = None
    for raw in lines:
        m = re.match(r"^(?:TM|T/M)\.?\s+(.+)$", plain(raw))
        if m and _ORG_START.match(fold(m.group(1))):
            body = _org_case(m.group(1))
    if body is None and h.symbol:
        code = h.symbol.rsplit("-", 1)[-1] if "-" in h.symbol else ""
        body = LOCAL_BODIES.get(code)
    if body is None or find_province(body) or not h.province:
        return body
    unit = "thành phố" if h.province in CITIES else "tỉnh"
    return f"{body} {unit} {_short(h.province)}"


def _province(h: Header, lines: list[str], head, notes: str) -> str | None:
    """The plan's province: issuer, place line, title, appendix notes, then the first
    "tỉnh X" of the text; a headline naming a province bare ("… đưa Hà Nam …") counts."""
    for text in (h.issuer, h.title):
        p = find_province(text or "")
        if p:
            return p
    if h.place and province_named(h.place):
        return province_named(h.place)
    p = find_province(notes) or _bare_province(h.title or _news_title(head) or "")
    return p or find_province("\n".join(lines))


def _bare_province(text: str) -> str | None:
    f = fold(text)
    for name in sorted(PROVINCES_2008, key=len, reverse=True):
        if re.search(r"\b" + re.escape(fold(name)) + r"\b", f):
            return name
    return None


def _year(h: Header, head, notes: str, lines: list[str]) -> int | None:
    """Best known year: the signing date, the year on the place line, the appendix note's
    date ("ngày /6/2023"), the title ("… năm 2024"); for news, the latest date reported."""
    if h.date:
        return h.date.year
    if h.year:
        return h.year
    m = re.search(r"ngày[\s/\d]*/\s*(\d{4})\b", notes)
    if m:
        return int(m.group(1))
    m = re.search(r"\bnăm\s+(\d{4})\b", h.title or "", re.I)
    if m:
        return int(m.group(1))
    if h.kind == NEWS_KIND:
        dates = all_vn_dates("\n".join(lines))
        if dates:
            return max(dates).year
    m = re.search(r"\b((?:19|20)\d{2})\b", h.title or "")
    return int(m.group(1)) if m else None


# ---------------------------------------------------------------- sections


def find_sections(lines: list[str], file: str, end: int) -> list[Section]:
    """Numbered headings of the body (before the first appendix).

    Levels are fixed by the numbering style, as administrative documents use it:
    1 "Phần thứ nhất"/"PHẦN I", 2 "I.", 3 "1.", 4 "1.1.", 5 "1.1.1.". A numbered line
    is a heading only when it reads like one: short, starting with a capital, not a
    list item ending in ";" or "," and not a paragraph of several sentences.
    """
    out = []
    for i in range(min(end, len(lines))):
        raw = lines[i]
        if is_table_line(raw):
            continue
        text = plain(raw)
        heading = section_heading(text)
        if heading is None:
            continue
        number, title, level = heading
        last = i
        if not title and level == 1:
            title, last = _next_title(lines, i, end)
        out.append(
            Section(
                number=number,
                title=title,
                level=level,
                span=Span(file, i + 1, last + 1, "\n".join(lines[i : last + 1])),
            )
        )
    return out


def _next_title(lines: list[str], i: int, end: int) -> tuple[str, int]:
    """ "Phần I" printed alone: its title is the next non-empty line."""
    for j in range(i + 1, min(i + 4, end)):
        text = plain(lines[j])
        if text:
            return (text, j) if len(text) <= 200 and section_heading(text) is None else ("", i)
    return "", i
