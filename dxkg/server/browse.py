"""Browsers for tasks, indicators and budget lines, in the manner of Datasette's tables.

``/tasks``, ``/indicators``, ``/budgets``: facets with counts over the current selection
(province, plan, appendix, lead agency, deadline year, has budget, pillar…), filters as query
parameters (so every view is a permalink), a text filter, sorting by any column, paging, and
the current selection as CSV or JSON (``format=csv|json``: every matching row, not one page).
``basis=`` keeps what rests on a document, directly or through its plan's legal bases.
Budgets and indicators also get charts (Chart.js from npm, served by this app).
"""

from __future__ import annotations

import csv
import io
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import urlencode

from flask import Blueprint, Response, abort, jsonify, render_template, request, send_from_directory

from dxkg.domain.text import fold
from dxkg.server import records
from dxkg.server.errors import ServiceError
from dxkg.server.graph.model import NotFound, compact, expand
from dxkg.server.graph.source import current_source
from dxkg.server.i18n import lang
from dxkg.server.vendor import npm_file

bp = Blueprint("browse", __name__)
CHART_JS = npm_file("chart.js", "dist/chart.umd.js")
PAGE_SIZE = 50
FACET_SIZE = 12
MONEY = Decimal(1_000_000)  # budgets are shown in millions of đồng, as the plans write them


@dataclass
class Facet:
    key: str
    label: tuple[str, str]  # vi, en
    values: Callable[[records.Record], list[tuple[str, str]]]  # (filter value, what people read)


@dataclass
class Column:
    key: str
    label: tuple[str, str]
    text: Callable[[records.Record], str]
    sort: Callable[[records.Record], object]
    link: Callable[[records.Record], str | None] = lambda r: None


def _ref_values(refs) -> list[tuple[str, str]]:
    return [(r.ref, r.label) for r in refs if r]


def _one(value: str) -> list[tuple[str, str]]:
    return [(value, value)] if value else []


def _id_href(ref: records.Ref | None) -> str | None:
    return ref and ref.iri.startswith("https://w3id.org/dxkg/id/") and "/id/" + ref.ref[5:] or None


def _money(amount: Decimal | None) -> str:
    if amount is None:
        return ""
    return f"{amount / MONEY:,.0f}".replace(",", ".")


FACETS = {
    "province": Facet("province", ("Tỉnh", "Province"), lambda r: _one(r.province)),
    "plan": Facet("plan", ("Kế hoạch", "Plan"), lambda r: _ref_values([r.plan])),
    "appendix": Facet("appendix", ("Phụ lục", "Appendix"), lambda r: _ref_values([r.appendix])),
    "lead": Facet("lead", ("Cơ quan chủ trì", "Lead agency"), lambda r: _ref_values(r.leads)),
    "year": Facet("year", ("Năm hoàn thành", "Deadline year"), lambda r: _one(r.year)),
    "budget": Facet(
        "budget",
        ("Có kinh phí", "Has budget"),
        lambda r: [("yes", "có / yes")] if r.budget is not None else [("no", "không / no")],
    ),
    "pillar": Facet("pillar", ("Trụ cột", "Pillar"), lambda r: _one(r.pillar)),
    "category": Facet("category", ("Loại kinh phí", "Category"), lambda r: _one(r.category)),
    "unit": Facet("unit", ("Đơn vị", "Unit"), lambda r: _one(r.unit)),
}

TITLE = Column(
    "title",
    ("Nội dung", "Title"),
    lambda r: r.title,
    lambda r: fold(r.title),
    lambda r: _id_href(records.Ref(r.iri, "")),
)
NUMBER = Column("number", ("STT", "No."), lambda r: r.number, lambda r: (len(r.number), r.number))
PROVINCE = Column("province", ("Tỉnh", "Province"), lambda r: r.province, lambda r: r.province)
PLAN = Column(
    "plan",
    ("Kế hoạch", "Plan"),
    lambda r: r.plan.label if r.plan else "",
    lambda r: r.plan.label if r.plan else "",
    lambda r: _id_href(r.plan),
)
APPENDIX = Column(
    "appendix",
    ("Phụ lục", "Appendix"),
    lambda r: r.appendix.label.split(":")[0] if r.appendix else "",  # "Phụ lục III"; the title is in the facet
    lambda r: r.appendix.label if r.appendix else "",
)
LEAD = Column(
    "lead",
    ("Chủ trì", "Lead"),
    lambda r: "; ".join(a.label for a in r.leads),
    lambda r: fold("; ".join(a.label for a in r.leads)),
)
DEADLINE = Column("deadline", ("Thời hạn", "Deadline"), lambda r: r.deadline, lambda r: (r.year, r.deadline))
BUDGET = Column(
    "budget", ("Kinh phí (triệu đồng)", "Budget (million VND)"), lambda r: _money(r.budget), lambda r: r.budget or 0
)
PILLAR = Column("pillar", ("Trụ cột", "Pillar"), lambda r: r.pillar, lambda r: r.pillar)


@dataclass
class Table:
    name: str
    title: tuple[str, str]
    rows: Callable[[records.Corpus], list]
    facets: list
    columns: list
    chart: Callable[[list], dict | None] = lambda rows: None


def _budget_chart(rows: list) -> dict:
    """Budget by lead agency (the 12 largest), stacked by category, in millions of đồng."""
    by: defaultdict[str, Counter] = defaultdict(Counter)
    for r in rows:
        for a in r.leads[:1] or [records.Ref("", "(không rõ)")]:
            by[a.label][r.category or "khác"] += r.budget or 0
    top = sorted(by, key=lambda a: -sum(by[a].values()))[:12]
    cats = sorted({c for a in top for c in by[a]})
    return {
        "type": "bar",
        "title": "Kinh phí theo cơ quan chủ trì và loại (triệu đồng)",
        "labels": top,
        "datasets": [{"label": c, "data": [float(by[a][c] / MONEY) for a in top]} for c in cats],
        "stacked": True,
    }


def _indicator_chart(rows: list) -> dict:
    """Per province: how many indicators, and the mean of the targets written in %."""
    count: Counter[str] = Counter()
    pct: defaultdict[str, list] = defaultdict(list)
    for r in rows:
        count[r.province or "?"] += 1
        if r.unit.strip() == "%" and r.value is not None:
            pct[r.province or "?"].append(float(r.value))
    provinces = sorted(count)
    return {
        "type": "bar",
        "title": "Chỉ tiêu theo tỉnh: số chỉ tiêu và mục tiêu trung bình (%)",
        "labels": provinces,
        "datasets": [
            {"label": "Số chỉ tiêu", "data": [count[p] for p in provinces]},
            {
                "label": "Mục tiêu trung bình (%)",
                "data": [round(sum(pct[p]) / len(pct[p]), 1) if pct[p] else None for p in provinces],
            },
        ],
        "stacked": False,
    }


TABLES = {
    "tasks": Table(
        "tasks",
        ("Nhiệm vụ", "Tasks"),
        lambda c: c.tasks,
        ["province", "plan", "appendix", "lead", "year", "budget", "pillar"],
        [NUMBER, TITLE, PROVINCE, PLAN, APPENDIX, LEAD, DEADLINE, BUDGET, PILLAR],
    ),
    "indicators": Table(
        "indicators",
        ("Chỉ tiêu", "Indicators"),
        lambda c: c.indicators,
        ["province", "plan", "appendix", "lead", "unit"],
        [
            NUMBER,
            TITLE,
            Column("target", ("Mục tiêu", "Target"), lambda r: r.target, lambda r: r.value or 0),
            Column("unit", ("Đơn vị", "Unit"), lambda r: r.unit, lambda r: r.unit),
            PROVINCE,
            PLAN,
            APPENDIX,
            LEAD,
        ],
        _indicator_chart,
    ),
    "budgets": Table(
        "budgets",
        ("Kinh phí", "Budgets"),
        lambda c: c.budgets,
        ["province", "plan", "appendix", "lead", "category", "year"],
        [
            Column(
                "task",
                ("Nhiệm vụ", "Task"),
                lambda r: r.title,
                lambda r: fold(r.title),
                lambda r: _id_href(r.task),
            ),
            Column("category", ("Loại", "Category"), lambda r: r.category, lambda r: r.category),
            BUDGET,
            PROVINCE,
            PLAN,
            LEAD,
            DEADLINE,
        ],
        _budget_chart,
    ),
}


def select(table: Table, corpus: records.Corpus, args) -> tuple[list, list]:
    """The rows matching every filter of ``args``, and the filters as (key, value, label)."""
    rows = table.rows(corpus)
    active = []
    for key in table.facets:
        wanted = args.getlist(key)
        for value in wanted:
            label = next((t for r in rows for v, t in FACETS[key].values(r) if v == value), value)
            active.append((key, value, label))
            rows = [r for r in rows if any(v == value for v, _ in FACETS[key].values(r))]
    basis = args.get("basis", "").strip()
    if basis:
        try:
            iri = expand(basis)
        except NotFound as e:
            raise ServiceError(400, str(e)) from None
        doc = corpus.documents.get(iri)
        active.append(("basis", basis, doc.label if doc else compact(iri)))
        rows = [r for r in rows if iri in r.bases]
    words = fold(args.get("q", "")).split()
    if words:
        active.append(("q", args.get("q", ""), f"“{args.get('q', '')}”"))
        rows = [r for r in rows if all(w in fold(f"{r.number} {r.title}") for w in words)]
    return rows, active


def facet_counts(table: Table, rows: list, args) -> list[dict]:
    out = []
    for key in table.facets:
        counts: Counter[str] = Counter()
        names: dict[str, str] = {}
        for r in rows:
            for v, label in FACETS[key].values(r):
                counts[v] += 1
                names[v] = label
        if not counts:
            continue
        chosen = set(args.getlist(key))
        ranked = sorted(counts, key=lambda v: (-counts[v], names[v]))
        shown = ranked if args.get("_all") == key else ranked[:FACET_SIZE]
        out.append(
            {
                "key": key,
                "label": FACETS[key].label[lang() == "en"],
                "values": [{"value": v, "label": names[v], "count": counts[v], "chosen": v in chosen} for v in shown],
                "more": len(ranked) - len(shown),
            }
        )
    return out


def link(args, drop: tuple = (), add: tuple = (), **changes) -> str:
    """This view's URL with (key, value) pairs dropped or added, some parameters replaced
    (``None`` removes), and paging reset."""
    items = [(k, v) for k, v in args.items(multi=True) if k not in changes and k != "page" and (k, v) not in drop]
    items += list(add) + [(k, v) for k, v in changes.items() if v is not None]
    return request.path + ("?" + urlencode(items) if items else "")


def _export(table: Table, rows: list, fmt: str) -> Response:
    cols = table.columns
    if fmt == "json":
        return jsonify(
            {
                "table": table.name,
                "count": len(rows),
                "columns": ["id"] + [c.key for c in cols],
                "rows": [{"id": r.iri} | {c.key: c.text(r) for c in cols} for r in rows],
            }
        )
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["id"] + [c.key for c in cols])
    for r in rows:
        w.writerow([r.iri] + [c.text(r) for c in cols])
    return Response(
        buf.getvalue(),
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="dxkg-{table.name}.csv"'},
    )


@bp.get("/<any(tasks, indicators, budgets):name>")
def browse(name: str):
    table = TABLES[name]
    corpus = records.load(current_source())
    rows, active = select(table, corpus, request.args)
    sort = request.args.get("sort", "")
    column = next((c for c in table.columns if c.key == sort.lstrip("-")), None)
    if column:
        rows = sorted(rows, key=column.sort, reverse=sort.startswith("-"))
    fmt = request.args.get("format", "html")
    if fmt in ("csv", "json"):
        return _export(table, rows, fmt)
    if fmt != "html":
        raise ServiceError(400, "format must be html, csv or json")
    try:
        page = max(1, int(request.args.get("page", "1")))
    except ValueError:
        page = 1
    pages = max(1, -(-len(rows) // PAGE_SIZE))
    page = min(page, pages)
    shown = rows[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    total_budget = sum((r.budget or Decimal(0) for r in rows), Decimal(0)) if name != "indicators" else None
    return render_template(
        "browse.html",
        table=table,
        en=lang() == "en",
        rows=shown,
        count=len(rows),
        page=page,
        pages=pages,
        facets=facet_counts(table, rows, request.args),
        active=active,
        sort=sort,
        link=lambda *a, **k: link(request.args, *a, **k),
        page_link=lambda p: link(request.args, page=str(p)),
        total_budget=_money(total_budget) if total_budget else "",
        chart=table.chart(rows) if rows else None,
    )


@bp.get("/vendor/chart.js")
def chart_js():
    if not CHART_JS.is_file():
        abort(404)
    return send_from_directory(CHART_JS.parent, CHART_JS.name, max_age=3600)
