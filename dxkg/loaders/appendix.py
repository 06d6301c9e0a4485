"""Tasks, KPI indicators, service-usage counts and stated totals from a plan's tables.

A table is classified by its header words, never by file name: a title column (nhiệm vụ,
dự án, nội dung công việc) with a lead column (chủ trì) holds tasks; a target column or a
title naming chỉ tiêu holds indicators; a service column with success/failure counts holds
service usage. Rows that only number and name a group (I, II, "1 Cơ chế, chính sách"
followed by 1.1…) give the group path of the rows under them, and the legal documents a
group row names are the basis of every row under it. Total rows (Cộng, Tổng) are not tasks:
they become ``StatedTotal`` records, and every stated total is checked against the sum of
the parsed rows (a mismatch is reported as a ``ParseIssue``, since it means a column was
misread).

Merged cells arrive empty in every row but the first: an empty lead-agency cell means
"same as above" until the next group row. An empty deadline cell means so only inside a
group of a table whose layout shows merged deadlines (group rows, no group opening on an empty
deadline, no deadline written twice in a row); elsewhere a task may simply have none. Other
columns are not inherited — an empty co-operating agency is just empty, and an amount must
never be counted twice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from dxkg.domain.text import fold

from .agencies import parse_agency_cell
from .records import ALL, TOTAL, Appendix, Budget, Indicator, ParseIssue, ServiceUsage, StatedTotal, Task
from .references import refs_in_text
from .tables import Row, Table, is_row_number, is_total_label
from .text import clean
from .values import first_number, parse_amount, parse_count


@dataclass
class AppendixData:
    tasks: list = field(default_factory=list)  # [Task]
    indicators: list = field(default_factory=list)  # [Indicator]
    services: list = field(default_factory=list)  # [ServiceUsage]
    totals: list = field(default_factory=list)  # [StatedTotal]
    issues: list = field(default_factory=list)  # [ParseIssue]


# ---------------------------------------------------------------- columns


@dataclass
class Column:
    index: int
    role: str  # see ``column_role``
    label: str  # header as written
    category: str = ""  # budget category
    scale: Decimal = Decimal(1)  # multiplier to million VND


_BUDGET_WORDS = (
    "kinh phi",
    "phi ",
    "trieu dong",
    "ty dong",
    "nguon von",
    "von ",
    "dau tu",
    "mua sam",
    "thue dich vu",
    "ngan sach",
    "thuong xuyen",
    "du toan",
)


# A column naming where the money comes from, as text per row ("Ngân sách tỉnh", "Đầu tư
# công", "Sự nghiệp"); with a unit or sub-columns it holds amounts instead.
_FUNDING_SOURCE = re.compile(
    r"(?:nguon (?:von|kinh phi)|hinh thuc (?:dau tu|thuc hien)|loai (?:hinh|nguon) von)"
    r"(?: du kien)?"
)


_YEAR_COLUMN = re.compile(r"(?:(?:nam|ke hoach|muc tieu|chi tieu)\s+)*(?:nam\s+)?((?:19|20)\d\d)")


def column_role(label: str) -> str:
    """What a column holds, from its (merged) header label.

    Roles: years (rental years), coop, assessor (chủ trì đánh giá), lead, leader,
    deadline, result, note, basis, unit, target, success, failed, total, source (funding
    source written per row), budget, target_year (a column headed by a year: the target
    for that year in a KPI table), or ""
    when the label says nothing we read.
    """
    f = fold(label) + " "
    leaf = fold(label.split(" / ")[-1]).strip()
    rules = [
        ("years", "thoi gian thue" in f or ("thue" in f and "(nam)" in f)),
        ("coop", "phoi hop" in f),
        ("assessor", "chu tri danh gia" in f or ("danh gia" in f and "chu tri" not in f)),
        ("lead", "chu tri" in f or "don vi thuc hien" in f or "co quan thuc hien" in f),
        ("leader", "lanh dao" in f),
        ("deadline", any(w in f for w in ("thoi gian", "thoi han", "tien do", "hoan thanh", "moc "))),
        ("result", "ket qua" in f or "san pham" in f),
        ("note", "ghi chu" in f),
        ("basis", "can cu" in f),
        ("unit", "don vi tinh" in f or "dvt" in f.split()),
        ("target", "chi tieu" in f or "muc tieu" in f),
        ("success", "thanh cong" in f),
        ("failed", "that bai" in f or leaf.startswith("loi")),
        ("total", leaf in ("tong", "tong so", "tong cong")),
        ("source", bool(_FUNDING_SOURCE.fullmatch(f.strip()))),
        ("budget", any(w in f for w in _BUDGET_WORDS)),
        ("target_year", bool(_YEAR_COLUMN.fullmatch(leaf))),
    ]
    return next((role for role, hit in rules if hit), "")


def budget_category(label: str) -> str:
    """dau_tu_cong | mua_sam | thue_dich_vu | thuong_xuyen | other, from the most specific
    part of the header ("… / Thường xuyên / Thuê dịch vụ" → thue_dich_vu)."""
    for part in reversed([fold(p) for p in label.split(" / ")]):
        if "dau tu cong" in part:
            return "dau_tu_cong"
        if "mua sam" in part:
            return "mua_sam"
        if "thue" in part:
            return "thue_dich_vu"
        if "thuong xuyen" in part or "su nghiep" in part:
            return "thuong_xuyen"
    return "other"


def money_scale(label: str) -> Decimal:
    """Multiplier to million VND from the unit in the header (default: million)."""
    f = fold(label)
    if "ty dong" in f:
        return Decimal(1000)
    if "trieu" in f:
        return Decimal(1)
    if "nghin dong" in f or "ngan dong" in f:
        return Decimal("0.001")
    if re.search(r"\(\s*dong\s*\)|\bvnd\b", f):
        return Decimal("0.000001")
    return Decimal(1)


def columns(table: Table) -> list[Column]:
    out = []
    for i, label in enumerate(table.header):
        if i == table.number_col:
            role = "number"
        elif i == table.title_col:
            role = "title"
        else:
            role = column_role(label)
        col = Column(i, role, label)
        if role == "budget":
            col.category, col.scale = budget_category(label), money_scale(label)
        out.append(col)
    return out


def table_kind(table: Table, cols: list[Column]) -> str | None:
    """services | indicators | tasks | None, from the header words."""
    roles = {c.role for c in cols}
    title = fold(table.header[table.title_col]) if table.header else ""
    if {"success", "failed"} & roles and ("dich vu" in title or "total" in roles):
        return "services"
    if "target" in roles or "chi tieu" in title:
        return "indicators"
    if ("lead" in roles or "assessor" in roles) and any(
        w in title for w in ("nhiem vu", "du an", "noi dung", "cong viec", "giai phap", "hang muc", "ten ")
    ):
        return "tasks"
    return None


# ---------------------------------------------------------------- rows

_LEADING_NUMBER = re.compile(r"^([IVX]+|[A-Z]|\d+(?:\.\d+)*)[.)]?\s+(\S.*)$")
_ROMAN = re.compile(r"^[IVX]+$")
UNNUMBERED = 9  # depth given to a group row without a number


@dataclass
class _Line:
    """A data row read through the table's columns."""

    row: Row
    number: str
    title: str
    cells: dict  # role → text (first column of that role)
    cols: list

    def text(self, role: str) -> str:
        return self.cells.get(role, "")

    def has_content(self) -> bool:
        """Anything besides number, title, note and basis: agencies, dates, amounts, targets."""
        return any(v.strip() for r, v in self.cells.items() if r not in ("number", "title", "note", "basis"))


def _read_line(row: Row, table: Table, cols: list[Column]) -> _Line:
    number = clean(row.cells[table.number_col])
    title = clean(row.cells[table.title_col])
    if not title and number and not is_row_number(number):
        m = _LEADING_NUMBER.match(number)  # "I. Các dự án …" printed in the STT cell
        number, title = (m.group(1), m.group(2)) if m else ("", number)
    cells = {}
    for c in cols:
        if c.role and c.role not in cells:
            cells[c.role] = row.cells[c.index]
    cells["number"], cells["title"] = number, title
    return _Line(row, number.rstrip(".)").strip(), title, cells, cols)


def _level(number: str) -> int:
    """Depth of a row number: A → 0, I → 1, 1 → 2, 1.1 → 3, a → 6, none → UNNUMBERED.
    I, V and X are read as Roman numerals, other capitals as letters."""
    if not number:
        return UNNUMBERED
    if _ROMAN.match(number):
        return 1
    if re.fullmatch(r"[A-Z]", number):
        return 0
    if re.fullmatch(r"[a-zđ]", number):
        return 6
    return 2 + number.count(".")


def _is_group(line: _Line, lines: list[_Line], k: int) -> bool:
    """Group rows (``line`` is ``lines[k]``): Roman or letter numbers; an Arabic number whose
    next numbered row is its child ("1" then "1.1"); an unnumbered bold row with nothing but
    a title. The rows after it are read in place (a copy of them for every row made a long
    table quadratic)."""
    if not line.title or is_total_label(line.title) or is_total_label(line.number):
        return False
    if _level(line.number) <= 1:
        return True
    if line.has_content():
        return False
    if line.number:
        nxt = next((lines[j].number for j in range(k + 1, len(lines)) if lines[j].number), "")
        return nxt.startswith(line.number + ".")
    return line.row.bold


@dataclass
class _Group:
    level: int
    label: str
    refs: list


class _Context:
    """Shared state while reading one table's rows."""

    def __init__(self, file: str, province: str | None, year: int | None, appendix: str, index: int):
        self.file, self.province, self.year = file, province, year
        self.appendix, self.index = appendix, index
        self.groups: list[_Group] = []
        self.last_lead = ""
        self.merged_deadlines = False  # see _merged_deadlines
        self.last_deadline: tuple[str, list[str]] = ("", [])  # with the group path it was read under

    def enter_group(self, line: _Line) -> None:
        level = _level(line.number)
        while self.groups and self.groups[-1].level >= level:
            self.groups.pop()
        label = " ".join(x for x in (line.number, line.title) if x)
        self.groups.append(_Group(level, label, self.refs(line)))
        self.last_lead = ""

    def leave_groups_below(self, line: _Line) -> None:
        """A numbered row closes the numbered groups at its own depth or deeper
        ("2 Đo lường…" after the tasks of group "1 Cơ chế…" is not inside it)."""
        if not line.number:
            return
        level = _level(line.number)
        while self.groups and UNNUMBERED > self.groups[-1].level >= level:
            self.groups.pop()

    def path(self) -> list[str]:
        return [g.label for g in self.groups]

    def group_refs(self) -> list:
        return [r for g in self.groups for r in g.refs]

    def refs(self, line: _Line) -> list:
        text = "\n".join(c for c in line.row.cells if c.strip())
        return refs_in_text(text, line.row.span, self.province)

    def lead(self, line: _Line) -> str:
        """The lead cell, or the one above it when the cell is empty (merged)."""
        own = line.text("lead").strip()
        if own:
            self.last_lead = own
        return own or self.last_lead

    def deadline(self, line: _Line) -> str | None:
        """The deadline cell, or, in a table that merges deadline cells, the one of the row above
        in the same group when the cell is empty."""
        own, path = clean(line.text("deadline")), self.path()
        if own or not self.groups or not self.merged_deadlines:
            self.last_deadline = (own, path)
            return own or None
        above, above_path = self.last_deadline
        return (above or None) if above_path == path else None


# ---------------------------------------------------------------- tasks


def _budgets(line: _Line) -> tuple[list[Budget], list[str]]:
    """Amounts in the budget columns; text in an amount column is kept as a note. An
    amount whose column names no category takes the one its row's funding-source cell
    names ("Đầu tư công", "Thuê dịch vụ", "Sự nghiệp"), if any."""
    budgets, notes = [], []
    row_category = budget_category(clean(line.text("source")))
    for c in line.cols:
        cell = clean(line.row.cells[c.index])
        if c.role == "source" and cell:
            notes.append(f"{c.label}: {cell}")
        if c.role != "budget" or c.index in line.row.inherited:
            continue
        amount = parse_amount(cell)
        if amount is not None:
            category = row_category if c.category == "other" else c.category
            budgets.append(Budget(category, c.label, amount * c.scale, f"{cell} {_unit(c.label)}".strip()))
        elif cell:
            notes.append(f"{c.label}: {cell}")
    return budgets, notes


def _task(line: _Line, ctx: _Context) -> Task:
    budgets, notes = _budgets(line)
    note = "; ".join(x for x in [clean(line.text("note"))] + notes if x) or None
    return Task(
        appendix=ctx.appendix,
        number=line.number,
        title=line.title,
        span=line.row.span,
        group=ctx.path(),
        leads=parse_agency_cell(ctx.lead(line)),
        coops=parse_agency_cell(line.text("coop")),
        deadline=ctx.deadline(line),
        result=clean(line.text("result")) or None,
        leader=clean(line.text("leader")) or None,
        budgets=budgets,
        years=parse_count(line.text("years")),
        refs=ctx.group_refs() + ctx.refs(line),
        note=note,
        table=ctx.index,
    )


def _unit(label: str) -> str:
    """The unit a budget column states ("Kinh phí (tỷ đồng)" → "tỷ đồng"), or ""."""
    m = re.search(r"\(([^()]*đồng[^()]*)\)", label)
    return m.group(1).strip() if m else ""


def _budget_totals(line: _Line, ctx: _Context, tasks: list[Task]) -> list[StatedTotal]:
    """A Cộng/Tổng row: one stated total per amount. A lone amount that matches the sum
    of all categories rather than its own column is the grand total."""
    budgets, _ = _budgets(line)
    if len(budgets) == 1:
        sums = _budget_sums(tasks)
        b = budgets[0]
        if sums.get(b.category) != b.million_vnd and sum(sums.values()) == b.million_vnd:
            budgets = [Budget(TOTAL, b.label, b.million_vnd)]
    return [StatedTotal(ctx.appendix, "budget", b.category, b.million_vnd, line.row.span, ctx.index) for b in budgets]


def _budget_sums(tasks: list[Task]) -> dict[str, Decimal]:
    sums: dict[str, Decimal] = {}
    for t in tasks:
        for b in t.budgets:
            sums[b.category] = sums.get(b.category, Decimal(0)) + b.million_vnd
    return sums


def _merged_deadlines(lines: list[_Line]) -> bool:
    """Whether a table leaves a deadline cell empty to mean "same as above": it has group rows,
    no group opens on an empty deadline (nothing above to merge with: there a blank means none),
    and no row writes again the deadline of the row above it (a table that merges would not)."""
    groups, above = False, None
    for k, line in enumerate(lines):
        if is_total_label(line.title) or is_total_label(line.number):
            continue
        if _is_group(line, lines, k):
            groups, above = True, None
        elif line.title or line.has_content():
            own = clean(line.text("deadline"))
            if (not own and above is None) or (own and own == above):
                return False
            above = own or above
    return groups


def _read_tasks(lines: list[_Line], ctx: _Context, out: AppendixData) -> None:
    tasks: list[Task] = []
    ctx.merged_deadlines = _merged_deadlines(lines)
    for k, line in enumerate(lines):
        if is_total_label(line.title) or is_total_label(line.number):
            out.totals += _budget_totals(line, ctx, tasks)
        elif _is_group(line, lines, k):
            ctx.enter_group(line)
        elif line.title or line.has_content():
            ctx.leave_groups_below(line)
            tasks.append(_task(line, ctx))
            _no_lead_as_cooperating(tasks[-1], ctx, out)
    out.tasks += tasks


def _no_lead_as_cooperating(row, ctx: _Context, out: AppendixData) -> None:
    """An agency that leads a row does not also cooperate on it. When a document lists it
    in both cells (a slip, or a cell that lost its separator), it stays the lead, and the
    slip is reported so a reader can check the line."""
    leads = {(a.name, a.province) for a in row.leads}
    both = [a.name for a in row.coops if (a.name, a.province) in leads]
    if both:
        row.coops = [a for a in row.coops if (a.name, a.province) not in leads]
        out.issues.append(
            ParseIssue(
                ctx.file, row.span.line, f"{', '.join(both)} listed as both lead and cooperating agency; kept as lead"
            )
        )


# ---------------------------------------------------------------- indicators

_COMPARATORS = [
    (r"\b(toi thieu|it nhat|khong duoi|tu)\b|>=|≥", ">="),
    (r"\b(toi da|khong qua|khong vuot qua)\b|<=|≤", "<="),
    (r"\b(tren|hon|vuot)\b|>", ">"),
    (r"\b(duoi)\b|<", "<"),
]
_QUALIFIER = r"(?:tối thiểu|ít nhất|không dưới|tối đa|không quá|trên|dưới|đạt|từ)"
_PERCENT = re.compile(rf"(?:{_QUALIFIER}\s+)?\d+(?:[.,]\d+)?\s*%", re.I)
_QUALIFIED = re.compile(rf"{_QUALIFIER}\s+\d[\d.,]*(?=\s+[^\W\d])", re.I)


def comparator(target: str) -> str | None:
    """ ">=" for "Tối thiểu 80"/"ít nhất", "<=" for "Tối đa"/"không quá", ">"/"<" for
    "trên"/"dưới"; a bare figure ("80", "đạt 80%") is read as ">=": a KPI target is a
    level to reach, and exceeding it meets it."""
    f = fold(target)
    if not f.strip():
        return None
    return next((op for rx, op in _COMPARATORS if re.search(rx, f)), ">=")


def _target_in_title(title: str) -> str | None:
    """The target a title states: its first percentage ("80% hồ sơ công việc…" → "80%"),
    else a qualified count ("có trên 150 doanh nghiệp" → "trên 150")."""
    m = _PERCENT.search(title) or _QUALIFIED.search(title)
    return m.group().strip() if m else None


def _year_target(line: _Line, year: int | None) -> str:
    """The cell of the year columns ("Năm 2024 | Năm 2025") for the plan's year, else
    the first one: a KPI table headed by years states one target per year."""
    cells = [(c.label, clean(line.row.cells[c.index])) for c in line.cols if c.role == "target_year"]
    for label, cell in cells:
        column = _YEAR_COLUMN.fullmatch(fold(label.split(" / ")[-1]).strip())
        if year and column and column.group(1) == str(year):
            return cell
    return cells[0][1] if cells else ""


def _indicator(line: _Line, ctx: _Context) -> Indicator:
    target = clean(line.text("target")) or _year_target(line, ctx.year) or _target_in_title(line.title)
    unit = clean(line.text("unit")) or ("%" if target and "%" in target else None)
    value = first_number(target) if target else None
    if not target and not any(c.role in ("target", "target_year") for c in line.cols):
        target = line.title  # no target column, no figure: a qualitative KPI states its target
    return Indicator(
        appendix=ctx.appendix,
        number=line.number,
        title=line.title,
        span=line.row.span,
        group=ctx.path(),
        target=target,
        value=value,
        unit=unit,
        comparator=comparator(target) if value is not None and target is not None else None,
        leads=parse_agency_cell(ctx.lead(line)),
        coops=parse_agency_cell(line.text("coop")),
        refs=ctx.group_refs() + ctx.refs(line),
        note=clean(line.text("note")) or None,
        table=ctx.index,
        assessors=parse_agency_cell(line.text("assessor")),
    )


def _agency_cells_empty(line: _Line) -> bool:
    return not any(line.text(r).strip() for r in ("lead", "coop", "assessor"))


def _read_indicators(lines: list[_Line], ctx: _Context, out: AppendixData) -> None:
    """Indicators; a row without a target followed by rows that name no agency is a
    parent, and those rows are its sub-indicators (they share its agencies and basis).
    Dotted numbers ("14.1") name their parent directly, and rows numbered one level
    deeper ("a", "b" under "1") are sub-indicators even when they name agencies."""
    parent: Indicator | None = None
    for k, line in enumerate(lines):
        if is_total_label(line.title) or is_total_label(line.number):
            continue
        if _is_group(line, lines, k):
            ctx.enter_group(line)
            parent = None
            continue
        if not line.title:
            continue
        ctx.leave_groups_below(line)
        ind = _indicator(line, ctx)
        if "." in ind.number:
            ind.parent = ind.number.rsplit(".", 1)[0]
        elif parent is not None and ind.number and _level(ind.number) > _level(parent.number):
            ind.parent = parent.number  # "a", "b" under "1", with agencies of their own
            ind.leads, ind.coops = ind.leads or parent.leads, ind.coops or parent.coops
            ind.refs = ind.refs or parent.refs
        elif parent is not None and _agency_cells_empty(line):
            ind.parent = parent.number
            ind.leads, ind.coops, ind.assessors = parent.leads, parent.coops, parent.assessors
            ind.refs = ind.refs or parent.refs
        else:
            parent = ind if ind.value is None and not ind.unit else None
        _no_lead_as_cooperating(ind, ctx, out)
        out.indicators.append(ind)


# ---------------------------------------------------------------- services

_SERVICE_KINDS = (("total", "service_total"), ("success", "service_success"), ("failed", "service_failed"))


def _read_services(lines: list[_Line], ctx: _Context, out: AppendixData) -> None:
    """Service rows with their counts; group rows and the TỔNG row are stated totals."""
    for line in lines:
        counts = {role: parse_count(line.text(role)) for role, _ in _SERVICE_KINDS}
        grand = is_total_label(line.title) or is_total_label(line.number)
        if grand or _level(line.number) <= 1:
            if not grand:
                ctx.enter_group(line)
            category = ALL if grand else " / ".join(ctx.path())
            out.totals += [
                StatedTotal(ctx.appendix, kind, category, Decimal(n), line.row.span, ctx.index)
                for role, kind in _SERVICE_KINDS
                if (n := counts[role]) is not None
            ]
            continue
        if counts["total"] is None:
            if line.title:
                out.issues.append(
                    ParseIssue(ctx.file, line.row.span.line, f"service row without a total: {line.title[:60]}")
                )
            continue
        out.services.append(
            ServiceUsage(
                appendix=ctx.appendix,
                group=" / ".join(ctx.path()),
                number=line.number,
                label=line.title,
                total=counts["total"],
                success=counts["success"],
                failed=counts["failed"],
                span=line.row.span,
                table=ctx.index,
            )
        )


# ---------------------------------------------------------------- checks


def check_totals(data: AppendixData, file: str) -> list[ParseIssue]:
    """Stated totals the parsed rows do not reproduce (a misread column or a lost row)."""
    issues = []
    for t in data.totals:
        got = _parsed_sum(data, t)
        if got is not None and got != t.value:
            issues.append(
                ParseIssue(
                    file,
                    t.span.line,
                    f"{t.appendix} {t.kind} {t.category}: stated {t.value}, parsed rows sum to {got}",
                    lost=True,
                )
            )
    return issues


def _parsed_sum(data: AppendixData, t: StatedTotal) -> Decimal | None:
    if t.kind == "budget":
        budgets = [
            b
            for task in data.tasks
            if task.table == t.table
            for b in task.budgets
            if t.category == TOTAL or b.category == t.category
        ]
        return sum((b.million_vnd for b in budgets), Decimal(0))
    role = t.kind.replace("service_", "")
    services = [
        s
        for s in data.services
        if s.appendix == t.appendix
        and (t.category == ALL or s.group == t.category or s.group.startswith(t.category + " / "))
    ]
    values = [getattr(s, role) for s in services]
    if not services or None in values:
        return None
    return Decimal(sum(values))


# ---------------------------------------------------------------- entry point

_READERS = {"tasks": _read_tasks, "indicators": _read_indicators, "services": _read_services}


def appendix_of(line: int, appendices: list[Appendix]) -> str:
    """Label of the appendix a line falls in ("" before the first appendix)."""
    label = ""
    for a in sorted(appendices, key=lambda a: a.span.line):
        if a.span.line <= line:
            label = a.label
    return label


def extract(
    lines: list[str],
    file: str,
    province: str | None,
    appendices: list[Appendix],
    tables: list[Table],
    year: int | None = None,
) -> AppendixData:
    """Tasks, indicators, services and totals of every table whose header we recognise.

    ``lines`` is part of the loaders' common call shape; the tables already carry the
    text and spans this step needs. ``year`` (the plan's year) picks the target of a KPI
    table headed by years ("Năm 2024 | Năm 2025").
    """
    out = AppendixData()
    for index, table in enumerate(tables):
        out.issues += table.issues
        if not table.rows:
            continue
        try:
            cols = columns(table)
            kind = table_kind(table, cols)
            if kind is None:
                continue
            ctx = _Context(file, province, year, appendix_of(table.start, appendices), index)
            _READERS[kind]([_read_line(r, table, cols) for r in table.rows], ctx, out)
        except Exception as e:  # noqa: BLE001  (one odd table must not lose the others)
            out.issues.append(ParseIssue(file, table.start, f"table not read: {type(e).__name__}: {e}"))
    out.issues += check_totals(out, file)
    return out


# ---------------------------------------------------------------- pillars of task groups
PILLAR_WORDS = [  # keyword (folded) → pillar notation of the task-group scheme; first match wins
    ("nhan thuc", "awareness"),
    ("tuyen truyen", "awareness"),
    ("the che", "institutions"),
    ("co che", "institutions"),
    ("chinh sach", "institutions"),
    ("an toan", "security"),
    ("an ninh mang", "security"),
    ("ha tang", "infrastructure"),
    ("du lieu", "data"),
    ("nen tang", "data"),
    ("nhan luc", "workforce"),
    ("dao tao", "workforce"),
    ("ky nang", "workforce"),
    ("kinh te so", "economy"),
    ("xa hoi so", "society"),
    ("chinh quyen", "government"),
    ("thu tuc hanh chinh", "government"),
    ("dich vu cong", "government"),
    ("chinh phu so", "government"),
    ("co quan", "government"),
    ("so, ban, nganh", "government"),
    ("ubnd", "government"),
    ("huyen", "government"),
]


def pillar(text: str) -> str:
    """The pillar of a task group from the words of its path ("other" when none fits)."""
    f = fold(text)
    return next((p for k, p in PILLAR_WORDS if k in f), "other")
