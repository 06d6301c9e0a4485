"""How graph views look and read: node kinds with their Vietnamese names, shapes and colours.

Only presentation lives here (no queries): the kind of a node follows its most specific
class (``TYPE_ORDER``), colours follow system categories and document types, and labels are
clipped and dates shown the Vietnamese way.
"""

from __future__ import annotations

import re
import zlib

from dxkg.kg.namespaces import DX, PREFIXES, prefixed

SKOS = PREFIXES["skos"]

DOC_TYPE_COLOURS = {
    "Luật": "#ff7f0e",
    "Nghị định": "#d62728",
    "Nghị quyết": "#e377c2",
    "Quyết định": "#1f77b4",
    "Thông tư": "#8c564b",
    "Chỉ thị": "#9467bd",
    "Kế hoạch": "#2ca02c",
    "Chương trình": "#bcbd22",
    "Đề án": "#17becf",
    "Công văn": "#7f7f7f",
    "Nhiệm vụ": "#98df8a",
}

# The most specific class wins: (class IRI, type key).
TYPE_ORDER = [
    (DX + c, k)
    for c, k in (
        ("InformationSystem", "system"),
        ("SourceDocument", "plan"),
        ("LegalDocument", "document"),
        ("Task", "task"),
        ("Indicator", "indicator"),
        ("Agency", "agency"),
        ("AgencyGroup", "agency"),
        ("Enterprise", "agency"),
        ("Province", "place"),
        ("Nation", "place"),
        ("Appendix", "appendix"),
        ("Section", "section"),
        ("TaskGroup", "task-group"),
        ("Citation", "citation"),
        ("SystemLinkStatement", "statement"),
        ("SystemMentionStatement", "statement"),
        ("BudgetAmount", "budget"),
        ("ServiceUsage", "service"),
        ("StatedTotal", "total"),
        ("AdministrativeChange", "change"),
    )
] + [(PREFIXES["org"] + "Organization", "agency"), (SKOS + "Concept", "concept")]
TYPE_LABELS = {
    "system": "Hệ thống thông tin",
    "plan": "Văn bản nguồn (kế hoạch)",
    "document": "Văn bản",
    "task": "Nhiệm vụ",
    "indicator": "Chỉ tiêu",
    "agency": "Cơ quan, đơn vị",
    "place": "Địa bàn",
    "appendix": "Phụ lục",
    "section": "Mục",
    "task-group": "Nhóm nhiệm vụ",
    "citation": "Trích dẫn",
    "statement": "Câu nêu trong văn bản",
    "budget": "Kinh phí",
    "service": "Số liệu dịch vụ",
    "total": "Tổng cộng",
    "change": "Sắp xếp",
    "concept": "Danh mục",
    "other": "Khác",
}
TYPE_SHAPES = {
    "system": "dot",
    "plan": "box",
    "document": "box",
    "task": "ellipse",
    "agency": "triangle",
    "place": "hexagon",
    "concept": "square",
}
PALETTE = [
    "#4e79a7",
    "#f28e2b",
    "#e15759",
    "#76b7b2",
    "#59a14f",
    "#edc948",
    "#b07aa1",
    "#ff9da7",
    "#9c755f",
    "#bab0ac",
    "#1f77b4",
    "#17becf",
    "#bcbd22",
    "#8c564b",
]
CATEGORY_COLOURS = {  # notations of the system-category scheme (ontology/codelists.ttl)
    "shared-platform": "#1f77b4",
    "national-database": "#d62728",
    "database": "#ff9da7",
    "data-warehouse": "#e377c2",
    "portal": "#2ca02c",
    "citizen-app": "#98df8a",
    "admin-procedure": "#17becf",
    "application": "#76b7b2",
    "document-management": "#9edae5",
    "email": "#aec7e8",
    "reporting": "#edc948",
    "operations-centre": "#ff7f0e",
    "security": "#8c564b",
    "monitoring": "#c49c94",
    "identity": "#9467bd",
    "infrastructure": "#7f7f7f",
    "data-centre": "#bab0ac",
    "network": "#c7c7c7",
    "video-conference": "#dbdb8d",
}


def short_name(iri: str) -> str:
    """``prefix:local`` for IRIs of a known vocabulary, else the IRI's last segment."""
    return prefixed(iri) or iri.rsplit("/", 1)[-1]


def colour(key: str) -> str:
    """A stable palette colour for a group without a colour of its own."""
    return PALETTE[zlib.crc32(key.encode()) % len(PALETTE)]


def display_date(iso: str | None) -> str:
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", iso or "")
    return f"{m[3]}/{m[2]}/{m[1]}" if m else (iso or "")


def clip(text: str, n: int = 70) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"
