"""Plain records that loaders produce and dxkg.kg turns into RDF.

Loaders know nothing of RDF; dxkg.kg knows nothing of parsing: every name, date and deadline
dxkg.kg needs is read here (agencies resolved, deadlines as intervals, pillars of task groups). Every record carries a
``Span`` (file name and 1-based line range) so that each fact in the graph can
point back to where a person can read it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

ALL = "all"  # category of a grand total over every budget category / service group
TOTAL = "total"  # category of a budget total that sums every category


@dataclass(frozen=True)
class Span:
    """Where a fact was read: file name (no folder) and 1-based inclusive lines."""

    file: str
    line: int
    end_line: int
    text: str = ""  # the source line(s) as written, for people reading provenance


@dataclass(frozen=True)
class Deadline:
    """A deadline as an interval; ``frequency`` is set for standing duties
    ("continuous" for "Thường xuyên"/"Cả năm", "yearly" for "Hằng năm"…)."""

    start: dt.date | None = None
    end: dt.date | None = None
    frequency: str | None = None


@dataclass
class LegalRef:
    """One mention of a legal document, as written, plus what could be parsed from it.

    ``symbol`` is the canonical printed symbol ("749/QĐ-TTg", "47/2020/NĐ-CP",
    "06-NQ/TU", "3816/BTTTT-CĐSQG"); ``written`` keeps the spelling as found.
    ``type_code`` is a notation of the document-type scheme (QĐ, NQ, NĐ, TT, CT, KH,
    CTr, TTr, ĐA, CV, Luật, …). ``issuer_code`` is the symbol's issuer part (TTg, CP,
    BTTTT, UBND, HĐND, TU…). ``national`` is True when the issuer is a national body
    (then the document is one node for every province); otherwise the document is
    scoped to ``province`` (the citing document's province unless the text names another).
    """

    written: str
    symbol: str | None
    type_code: str
    number: str | None
    year: int | None
    issuer_code: str | None
    national: bool
    span: Span
    province: str | None = None
    date: dt.date | None = None
    issuer_name: str | None = None  # "Thủ tướng Chính phủ", "UBND tỉnh"…
    subject: str | None = None  # "về …", "phê duyệt …"
    title: str | None = None  # laws cited by name: "Luật Giao dịch điện tử"
    relation: str = "cites"  # based_on | cites | amends | implements | replaces | approves | proposed_by
    context: str = "body"  # basis | body | table | header
    issuer: AgencyRef | None = None  # the body ``issuer_name`` names, resolved by the loaders
    code_issuer: AgencyRef | None = None  # the body the symbol's issuer code stands for


@dataclass
class DocRelation:
    """A relation stated between two documents other than the source itself,
    e.g. "Quyết định 1587/QĐ-UBND … về triển khai thực hiện Nghị quyết 33/NQ-HĐND"."""

    subject: LegalRef
    relation: str  # amends | implements | replaces | approves | based_on | cites
    object: LegalRef
    span: Span


@dataclass(frozen=True)
class AgencyRef:
    """An agency named in a cell or sentence, resolved to a canonical name.

    kind: agency | group | enterprise. ``national`` bodies are one node for the nation;
    provincial ones are scoped to the document's province.
    """

    written: str
    name: str  # canonical Vietnamese name
    kind: str = "agency"
    national: bool = False
    aliases: tuple = ()
    province: str | None = None  # set when the text names another province


@dataclass
class AgencyMention:
    """An agency named in running text (table cells are read as task/indicator agencies)."""

    agency: AgencyRef
    span: Span


@dataclass(frozen=True)
class SystemRef:
    """An information system named in text, resolved to a canonical key."""

    written: str
    key: str  # canonical short key: LGSP, NDXP, IOC, DVCQG, CSDL-DAN-CU…
    name: str  # canonical Vietnamese label
    category: str  # notation in the system-category scheme
    national: bool
    province: str | None = None
    aliases: tuple = ()
    catalogued: bool = True  # False: a name recognised in the text, not one of the catalogue's systems


@dataclass
class SystemLink:
    a: SystemRef
    relation: str  # connects | integrates | shares_data | uses_data_from | syncs | depends_on
    b: SystemRef
    span: Span
    directed: bool = False  # True when the text says who depends on whom (a → b)


@dataclass
class SystemMention:
    system: SystemRef
    span: Span
    count: int | None = None  # "kết nối 16 hệ thống" stated counts


@dataclass
class Budget:
    category: str  # dau_tu_cong | mua_sam | thue_dich_vu | thuong_xuyen | other
    label: str  # column header as written
    million_vnd: Decimal  # amount in million VND as written (14.960 → 14960)
    written: str = ""  # the cell as written, with the column's unit ("6,5 tỷ đồng")


@dataclass
class Task:
    appendix: str  # "Phụ lục I"
    number: str  # "1", "1.2", "" when unnumbered
    title: str
    span: Span
    group: list = field(default_factory=list)  # group path: ["II Nhóm…", "1 Cơ chế, chính sách"]
    leads: list = field(default_factory=list)  # [AgencyRef]
    coops: list = field(default_factory=list)  # [AgencyRef]
    deadline: str | None = None  # as written
    due: Deadline | None = None  # the deadline read as an interval or a frequency
    pillar: str = "other"  # pillar of the top group (a notation of dx:TaskGroupScheme)
    result: str | None = None
    leader: str | None = None  # lãnh đạo chỉ đạo
    budgets: list = field(default_factory=list)  # [Budget]
    years: int | None = None  # thời gian thuê (năm)
    refs: list = field(default_factory=list)  # [LegalRef] named in the row or its group header
    systems: list = field(default_factory=list)  # [SystemRef] the task builds/upgrades/connects
    note: str | None = None
    table: int = 0  # index of the logical table in the document


@dataclass
class Indicator:
    appendix: str
    number: str
    title: str
    span: Span
    group: list = field(default_factory=list)
    pillar: str = "other"  # pillar of the top group (a notation of dx:TaskGroupScheme)
    target: str | None = None  # as written: "Tối thiểu 80"
    value: Decimal | None = None  # 80
    unit: str | None = None  # "%"
    comparator: str | None = None  # ">=", "<=", "="
    leads: list = field(default_factory=list)
    coops: list = field(default_factory=list)
    refs: list = field(default_factory=list)
    parent: str | None = None  # number of the parent indicator for sub-indicators
    note: str | None = None
    table: int = 0
    assessors: list = field(default_factory=list)  # [AgencyRef] "chủ trì đánh giá": who assesses the result


@dataclass
class ServiceUsage:
    appendix: str
    group: str  # "I Dịch vụ dùng chung cấp tỉnh"
    number: str
    label: str
    total: int
    success: int | None
    failed: int | None
    span: Span
    systems: list = field(default_factory=list)  # [SystemRef] named in the label (LGSP, NGSP…)
    table: int = 0  # index of the logical table in the document


@dataclass
class StatedTotal:
    """A total row a table states (Cộng/Tổng), to check the parsed rows against."""

    appendix: str
    kind: str  # budget | service_total | service_success | service_failed
    category: str  # budget category; for service totals the group path, or "all"
    value: Decimal
    span: Span
    table: int = 0


@dataclass
class Section:
    number: str  # "Phần thứ nhất", "I", "1"
    title: str
    level: int
    span: Span


@dataclass
class Appendix:
    label: str  # "Phụ lục I"
    title: str
    span: Span


@dataclass
class Header:
    issuer: str | None = None  # "Ủy ban nhân dân tỉnh Hà Nam"
    symbol: str | None = None  # "/KH-UBND" (blank number kept as written)
    number: str | None = None  # None when blank
    type_code: str | None = None  # KH, ĐA, QĐ…
    kind: str | None = None  # "Kế hoạch", "Đề án", "Tin tức"
    place: str | None = None
    date: dt.date | None = None
    year: int | None = None
    title: str | None = None
    province: str | None = None  # canonical province name: "Hà Nam"
    span: Span | None = None
    period: tuple | None = None  # (first year, last year) a multi-year plan covers: "giai đoạn 2025 - 2027"
    issuer_agency: AgencyRef | None = None  # the issuer as a canonical agency


@dataclass
class ParseIssue:
    """A problem found while reading: the build reports it and goes on."""

    file: str
    line: int
    message: str
    fatal: bool = False  # True: the document could not be read at all
    lost: bool = False  # True: a table the document announces, or a total it states, was not reproduced
    reader: str | None = None  # the reader that raised on this document (its facts are missing)


@dataclass
class ParsedDocument:
    file: str  # file name (no folder)
    path: str
    header: Header
    lines: list  # the text lines (for provenance excerpts)
    sections: list = field(default_factory=list)
    appendices: list = field(default_factory=list)
    tasks: list = field(default_factory=list)
    indicators: list = field(default_factory=list)
    services: list = field(default_factory=list)
    totals: list = field(default_factory=list)
    refs: list = field(default_factory=list)  # [LegalRef] everywhere in the text
    doc_relations: list = field(default_factory=list)  # [DocRelation]
    systems: list = field(default_factory=list)  # [SystemMention]
    system_links: list = field(default_factory=list)  # [SystemLink]
    agencies: list = field(default_factory=list)  # [AgencyMention] in running text
    issues: list = field(default_factory=list)  # [ParseIssue]
    reader: str = "text"  # text | layout | docx | pdf | ocr: how the lines were obtained
    places: dict = field(default_factory=dict)  # line → readers.source.Place (page, table row)
    attached: list = field(default_factory=list)  # [ParsedDocument] issued with this decision ("kèm theo")
    own: LegalRef | None = None  # the document itself as a citable document, when it has a number
    part: str = ""  # for a document attached to another in the same file: what tells it apart ("kem-theo-1")

    @property
    def stem(self) -> str:
        """The name the document's IRIs are made from: the file's, and its part within the file."""
        base = self.file.rsplit(".", 1)[0] if "." in self.file else self.file
        return f"{base}-{self.part}" if self.part else base
