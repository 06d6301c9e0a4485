"""A synthetic national corpus: plan-like graphs for N provinces × Y years, seeded.

Written straight as quads in dxkg's ontology with the IRI patterns of ``kg/iris.py`` (and
``kg.rdf.GraphWriter``), one named graph per synthetic plan, plus the shared ontology graph
the real build writes. The shape follows the seeds: each provincial plan (Kế hoạch) rests
on national documents and on the province's own (its Tỉnh ủy resolution, last year's plan:
legal-basis chains across years), names agencies, lists tasks with lead and cooperating
agencies, deadlines, budgets and legal bases, KPI indicators, service usage of the LGSP,
and describes a system landscape in which provincial systems depend on each other and on
the shared national platforms (NDXP, CSDL quốc gia về dân cư, Cổng DVC quốc gia, VNeID…).

Sizes: S = 1 province × 1 year, M = 63 × 1 (~150k triples), L = 63 × 10 (~1.5M triples).

    python -m bench.synth --size M --out /tmp/m.nq
"""

from __future__ import annotations

import argparse
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox

from dxkg.domain.places import PROVINCES_2008
from dxkg.domain.text import slug
from dxkg.kg import iris
from dxkg.kg.build import Builder, doc_type_iri
from dxkg.kg.build_systems import category_iri
from dxkg.kg.derived import LEGAL_BASIS_RELATIONS, derive
from dxkg.kg.namespaces import DERIVED_GRAPH, DX, ID, ONTOLOGY_GRAPH, SHARED_GRAPH
from dxkg.kg.rdf import DCT, ELI, ORG, PROV, RDF, SKOS, TIME, GraphWriter
from dxkg.kg.store import EmbeddedStore
from dxkg.loaders.appendix import pillar

SIZES = {"S": (1, 1), "M": (63, 1), "L": (63, 10)}
LAST_YEAR = 2025
TASKS_PER_PLAN = 36
INDICATORS_PER_PLAN = 8
SERVICES_PER_PLAN = 5


@dataclass(frozen=True)
class Doc:
    """A legal document as cited: symbol parts, date, title, issuer, national or not."""

    type_code: str
    number: str
    year: int
    issuer_code: str
    symbol: str
    day: date
    title: str
    issuer: str
    national: bool = True
    province: str | None = None

    @property
    def iri(self) -> str:
        key = slug(self.issuer_code) if self.national else f"{slug(self.issuer_code)}-{slug(self.province)}"
        return iris.legal(key, self.type_code, self.year, self.number)


NATIONAL_DOCS = [
    Doc("Luật", "51", 2005, "QH11", "51/2005/QH11", date(2005, 11, 29), "Luật Giao dịch điện tử", "Quốc hội"),
    Doc("Luật", "67", 2006, "QH11", "67/2006/QH11", date(2006, 6, 29), "Luật Công nghệ thông tin", "Quốc hội"),
    Doc(
        "NĐ",
        "64",
        2007,
        "CP",
        "64/2007/NĐ-CP",
        date(2007, 4, 10),
        "về ứng dụng công nghệ thông tin trong hoạt động của cơ quan nhà nước",
        "Chính phủ",
    ),
    Doc(
        "NQ",
        "17",
        2019,
        "CP",
        "17/NQ-CP",
        date(2019, 3, 7),
        "về một số nhiệm vụ, giải pháp trọng tâm phát triển Chính phủ điện tử giai đoạn 2019 - 2020",
        "Chính phủ",
    ),
    Doc(
        "QĐ",
        "749",
        2020,
        "TTg",
        "749/QĐ-TTg",
        date(2020, 6, 3),
        "phê duyệt Chương trình Chuyển đổi số quốc gia đến năm 2025, định hướng đến năm 2030",
        "Thủ tướng Chính phủ",
    ),
    Doc(
        "NĐ",
        "47",
        2020,
        "CP",
        "47/2020/NĐ-CP",
        date(2020, 4, 9),
        "về quản lý, kết nối và chia sẻ dữ liệu số của cơ quan nhà nước",
        "Chính phủ",
    ),
    Doc(
        "QĐ",
        "942",
        2021,
        "TTg",
        "942/QĐ-TTg",
        date(2021, 6, 15),
        "phê duyệt Chiến lược phát triển Chính phủ điện tử hướng tới Chính phủ số",
        "Thủ tướng Chính phủ",
    ),
    Doc(
        "QĐ",
        "06",
        2022,
        "TTg",
        "06/QĐ-TTg",
        date(2022, 1, 6),
        "phê duyệt Đề án phát triển ứng dụng dữ liệu về dân cư, định danh và xác thực điện tử (Đề án 06)",
        "Thủ tướng Chính phủ",
    ),
    Doc(
        "QĐ",
        "2568",
        2023,
        "BTTTT",
        "2568/QĐ-BTTTT",
        date(2023, 12, 29),
        "ban hành Khung Kiến trúc Chính phủ điện tử Việt Nam, phiên bản 3.0",
        "Bộ Thông tin và Truyền thông",
    ),
    Doc(
        "NQ",
        "57",
        2024,
        "TW",
        "57-NQ/TW",
        date(2024, 12, 22),
        "về đột phá phát triển khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số quốc gia",
        "Bộ Chính trị",
    ),
]
# which national document each rests on (căn cứ), by symbol
NATIONAL_BASES = {
    "64/2007/NĐ-CP": ["67/2006/QH11"],
    "17/NQ-CP": ["64/2007/NĐ-CP"],
    "749/QĐ-TTg": ["17/NQ-CP"],
    "47/2020/NĐ-CP": ["51/2005/QH11", "67/2006/QH11"],
    "942/QĐ-TTg": ["749/QĐ-TTg"],
    "06/QĐ-TTg": ["942/QĐ-TTg", "47/2020/NĐ-CP"],
    "2568/QĐ-BTTTT": ["942/QĐ-TTg"],
}

# key → (name, category, national, depends on keys); provincial keys depend on national ones
SYSTEMS = {
    "mang-tslcd": ("Mạng truyền số liệu chuyên dùng của các cơ quan Đảng, Nhà nước", "infrastructure", True, []),
    "ndxp": ("Nền tảng tích hợp, chia sẻ dữ liệu quốc gia (NDXP)", "shared-platform", True, ["mang-tslcd"]),
    "csdl-dan-cu": ("Cơ sở dữ liệu quốc gia về dân cư", "national-database", True, ["mang-tslcd"]),
    "vneid": ("Ứng dụng định danh điện tử quốc gia VNeID", "identity", True, ["csdl-dan-cu"]),
    "cong-dvc-qg": ("Cổng Dịch vụ công quốc gia", "portal", True, ["ndxp", "csdl-dan-cu", "vneid"]),
    "truc-lien-thong": ("Trục liên thông văn bản quốc gia", "shared-platform", True, ["ndxp"]),
    "bao-cao-cp": ("Hệ thống thông tin báo cáo Chính phủ", "reporting", True, ["ndxp"]),
    "csdl-dkdn": ("Cơ sở dữ liệu quốc gia về đăng ký doanh nghiệp", "national-database", True, ["ndxp"]),
    "ncsc": ("Hệ thống giám sát an toàn không gian mạng quốc gia (NCSC)", "security", True, []),
    "tttd": ("Trung tâm dữ liệu tỉnh", "data-centre", False, ["mang-tslcd"]),
    "lgsp": ("Nền tảng tích hợp, chia sẻ dữ liệu cấp tỉnh (LGSP)", "shared-platform", False, ["ndxp", "tttd"]),
    "he-thong-tthc": (
        "Hệ thống thông tin giải quyết thủ tục hành chính",
        "portal",
        False,
        ["lgsp", "cong-dvc-qg", "csdl-dan-cu"],
    ),
    "qlvb": ("Hệ thống quản lý văn bản và điều hành", "document-management", False, ["lgsp", "truc-lien-thong"]),
    "bao-cao": ("Hệ thống thông tin báo cáo", "reporting", False, ["lgsp", "bao-cao-cp"]),
    "csdl-dat-dai": ("Cơ sở dữ liệu đất đai", "database", False, ["lgsp"]),
    "soc": ("Trung tâm giám sát an toàn thông tin (SOC)", "security", False, ["ncsc", "tttd"]),
    "ioc": (
        "Trung tâm giám sát, điều hành thông minh (IOC)",
        "operations-centre",
        False,
        ["lgsp", "he-thong-tthc", "qlvb", "bao-cao"],
    ),
    "cong-dan-so": ("Ứng dụng công dân số", "application", False, ["ioc", "he-thong-tthc", "vneid"]),
}

AGENCIES = [
    "Văn phòng UBND tỉnh",
    "Sở Thông tin và Truyền thông",
    "Sở Khoa học và Công nghệ",
    "Sở Nội vụ",
    "Sở Tài chính",
    "Sở Kế hoạch và Đầu tư",
    "Công an tỉnh",
    "Sở Y tế",
    "Sở Giáo dục và Đào tạo",
    "Sở Tài nguyên và Môi trường",
    "Sở Lao động - Thương binh và Xã hội",
    "Ban Quản lý các khu công nghiệp",
]
GROUPS = ["Các sở, ban, ngành", "UBND các huyện, thị xã, thành phố"]
ENTERPRISES = ["VNPT", "Viettel", "MobiFone"]

# (pillar group heading, task title templates)
TASK_GROUPS = [
    (
        "Nâng cao nhận thức về chuyển đổi số",
        ["Tuyên truyền, phổ biến về chuyển đổi số năm {y}", "Tổ chức hội nghị, hội thảo chuyển đổi số {p}"],
    ),
    (
        "Hoàn thiện thể chế, cơ chế, chính sách",
        ["Ban hành quy chế khai thác, chia sẻ dữ liệu tỉnh {p}", "Rà soát, sửa đổi quy định về chuyển đổi số"],
    ),
    (
        "Phát triển hạ tầng số",
        ["Nâng cấp Trung tâm dữ liệu tỉnh {p}", "Mở rộng Mạng truyền số liệu chuyên dùng đến cấp xã"],
    ),
    (
        "Phát triển dữ liệu số, nền tảng số",
        [
            "Nâng cấp Nền tảng tích hợp, chia sẻ dữ liệu (LGSP) tỉnh {p}",
            "Xây dựng Cơ sở dữ liệu đất đai tỉnh {p}",
            "Kết nối Cơ sở dữ liệu quốc gia về dân cư với Hệ thống giải quyết TTHC",
        ],
    ),
    (
        "Bảo đảm an toàn thông tin, an ninh mạng",
        ["Thuê dịch vụ giám sát an toàn thông tin (SOC) năm {y}", "Diễn tập thực chiến an toàn thông tin năm {y}"],
    ),
    (
        "Phát triển chính quyền số",
        [
            "Triển khai Trung tâm giám sát, điều hành thông minh (IOC) {p}",
            "Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính",
            "Nâng cấp Hệ thống quản lý văn bản và điều hành",
        ],
    ),
    (
        "Phát triển kinh tế số, xã hội số",
        ["Phát triển Ứng dụng công dân số {p}", "Hỗ trợ doanh nghiệp nhỏ và vừa chuyển đổi số"],
    ),
    ("Phát triển nhân lực số", ["Đào tạo kỹ năng số cho cán bộ, công chức năm {y}"]),
]
TASK_SYSTEMS = {
    "LGSP": "lgsp",
    "Trung tâm dữ liệu": "tttd",
    "SOC": "soc",
    "IOC": "ioc",
    "đất đai": "csdl-dat-dai",
    "dân cư": "he-thong-tthc",
    "quản lý văn bản": "qlvb",
    "công dân số": "cong-dan-so",
}
BUDGETS = [
    ("dau_tu_cong", "Đầu tư công"),
    ("mua_sam", "Thường xuyên: Đầu tư, mua sắm"),
    ("thue_dich_vu", "Thường xuyên: Thuê dịch vụ"),
]
INDICATORS = [
    ("Tỷ lệ hồ sơ thủ tục hành chính được xử lý trực tuyến toàn trình", "%", ">="),
    ("Tỷ lệ cơ quan nhà nước kết nối LGSP", "%", ">="),
    ("Tỷ lệ văn bản điện tử có ký số", "%", ">="),
    ("Số hệ thống thông tin được giám sát an toàn", "hệ thống", ">="),
    ("Tỷ lệ người dân trưởng thành có tài khoản định danh điện tử", "%", ">="),
    ("Tỷ trọng kinh tế số trong GRDP", "%", ">="),
    ("Thời gian xử lý hồ sơ trung bình", "ngày", "<="),
    ("Số cơ sở dữ liệu dùng chung được chia sẻ", "cơ sở dữ liệu", ">="),
]


def provinces(n: int) -> list[str]:
    """The first ``n`` of the 63 provinces (Hà Nam first: the seeds' province)."""
    rest = [p for p in PROVINCES_2008 if p != "Hà Nam"]
    return (["Hà Nam"] + rest)[:n]


def years(n: int) -> list[int]:
    return list(range(LAST_YEAR - n + 1, LAST_YEAR + 1))


def national_guidance(year: int) -> Doc:
    """The national committee's yearly plan every provincial plan of that year implements."""
    return Doc(
        "KH",
        f"{year - 2000}",
        year,
        "UBQGCĐS",
        f"{year - 2000}/KH-UBQGCĐS",
        date(year, 1, 15),
        f"hoạt động của Ủy ban Quốc gia về chuyển đổi số năm {year}",
        "Ủy ban Quốc gia về chuyển đổi số",
    )


def plan_doc(province: str, year: int) -> Doc:
    rng = random.Random(f"plan:{province}:{year}")
    n = str(rng.randint(20, 300))
    return Doc(
        "KH",
        n,
        year,
        "UBND",
        f"{n}/KH-UBND",
        date(year, rng.randint(1, 3), rng.randint(1, 28)),
        f"chuyển đổi số tỉnh {province} năm {year}",
        f"UBND tỉnh {province}",
        national=False,
        province=province,
    )


def party_resolution(province: str, first_year: int) -> Doc:
    rng = random.Random(f"nq:{province}")
    n = f"{rng.randint(1, 30):02d}"
    return Doc(
        "NQ",
        n,
        first_year,
        "TU",
        f"{n}-NQ/TU",
        date(first_year, rng.randint(1, 12), rng.randint(1, 28)),
        f"về chuyển đổi số tỉnh {province} đến năm 2025, định hướng đến năm 2030",
        f"Tỉnh ủy {province}",
        national=False,
        province=province,
    )


def system_iri(key: str, province: str) -> str:
    return iris.system(key, SYSTEMS[key][2], province)


def stem(province: str, year: int) -> str:
    return f"synth-{slug(province)}-{year}"


# ---------------------------------------------------------------- one plan
class PlanWriter:
    """Writes one synthetic provincial plan into its own named graph."""

    def __init__(self, province: str, year: int, first_year: int, shared: GraphWriter):
        self.province, self.year, self.first_year = province, year, first_year
        self.shared = shared  # documents, agencies, systems, places: described once, as the build does
        self.rng = random.Random(f"doc:{province}:{year}")
        self.stem = stem(province, year)
        self.file = f"{self.stem}.txt"
        self.w = GraphWriter(iris.graph(self.stem))
        self.doc = plan_doc(province, year)
        self.line = 0

    def next_line(self) -> int:
        self.line += 1 + self.rng.randint(0, 3)
        return self.line

    def prov(self, node: str, text: str, line: int | None = None) -> None:
        """Provenance as the real build writes it: source document, file, line, text."""
        line = line or self.next_line()
        self.w.add(node, PROV + "wasDerivedFrom", self.doc.iri)
        self.w.value(node, DX + "sourceFile", self.file)
        self.w.value(node, DX + "lineStart", line)
        self.w.value(node, DX + "lineEnd", line)
        self.w.value(node, DX + "sourceText", text)

    def quads(self) -> list[ox.Quad]:
        self.source()
        self.bases()
        self.landscape()
        self.tasks()
        self.indicators()
        self.services()
        return list(dict.fromkeys(self.w.quads))

    # ---- documents
    def place(self, province: str | None) -> str:
        iri = iris.place(province)
        if province:
            self.shared.typed(iri, DX + "Province")
            self.shared.add(iri, SKOS + "prefLabel", ox.Literal(province, language="vi"))
            self.shared.label(iri, province)
        return iri

    def describe(self, d: Doc, w: GraphWriter | None = None) -> str:
        """A cited document in the shared graph; the plan itself in its own graph."""
        w = w or self.shared
        w.typed(d.iri, DX + "LegalDocument", ELI + "LegalResource")
        w.label(d.iri, f"{d.type_code} {d.symbol}")
        w.value(d.iri, DX + "symbol", d.symbol)
        w.value(d.iri, ELI + "id_local", d.symbol)
        w.value(d.iri, ELI + "number", d.number)
        w.add(d.iri, ELI + "type_document", doc_type_iri(d.type_code))
        w.value(d.iri, ELI + "date_document", d.day)
        w.value(d.iri, ELI + "title", ox.Literal(d.title, language="vi"))
        w.value(d.iri, DX + "issuerName", d.issuer)
        w.add(d.iri, ELI + "passed_by", self.agency(d.issuer, national=d.national))
        scope = self.place(None if d.national else d.province)
        w.add(d.iri, DX + "scope", scope)
        w.add(d.iri, ELI + "jurisdiction", scope)
        return d.iri

    def source(self) -> None:
        d, w = self.doc, self.w
        self.describe(d, w)
        w.typed(d.iri, DX + "SourceDocument")
        w.value(d.iri, DX + "sourceFile", self.file)
        w.value(d.iri, DX + "kind", "Kế hoạch")
        w.value(d.iri, DX + "isBlankNumber", False)
        w.value(d.iri, DX + "place", d.province)
        w.value(d.iri, DX + "lineStart", 1)
        w.value(d.iri, DX + "lineEnd", 12)
        self.line = 12

    def cite(self, citing: Doc, cited: Doc, relation: str, key: str) -> None:
        """A relation between documents with its dx:Citation node (where it is stated)."""
        rel = {"based_on": ELI + "based_on", "implements": DX + "implements", "cites": ELI + "cites"}[relation]
        self.describe(cited)
        self.w.add(citing.iri, rel, cited.iri)
        if citing == self.doc:
            self.w.add(citing.iri, ELI + "cites", cited.iri)
        node = f"{ID}citation/{slug(self.stem, 120)}/{key}"
        self.w.typed(node, DX + "Citation")
        self.w.add(node, DX + "citingDocument", citing.iri)
        self.w.add(node, DX + "citedDocument", cited.iri)
        self.w.add(node, DX + "relation", rel)
        self.w.value(node, DX + "writtenAs", cited.symbol)
        self.w.value(node, DX + "context", "basis" if relation == "based_on" else "body")
        self.prov(node, f"Căn cứ {cited.type_code} số {cited.symbol} ngày {cited.day:%d/%m/%Y} {cited.title};")

    def national_in_force(self) -> list[Doc]:
        return [d for d in NATIONAL_DOCS if d.year <= self.year]

    def bases(self) -> None:
        """Căn cứ: national documents, their own bases, last year's plan and the Tỉnh ủy resolution."""
        k = 0
        national = self.national_in_force()
        by_symbol = {d.symbol: d for d in national}
        for d in self.rng.sample(national, min(5, len(national))):
            self.cite(self.doc, d, "based_on", str(k))
            k += 1
            for base in NATIONAL_BASES.get(d.symbol, []):
                if base in by_symbol:
                    self.cite(d, by_symbol[base], "based_on", f"rel-{k}")
                    k += 1
        guidance = national_guidance(self.year)
        self.cite(self.doc, guidance, "implements", str(k))
        k += 1
        if "749/QĐ-TTg" in by_symbol:
            self.cite(guidance, by_symbol["749/QĐ-TTg"], "based_on", f"rel-{k}")
            k += 1
        resolution = party_resolution(self.province, self.first_year)
        self.cite(self.doc, resolution, "based_on", str(k))
        k += 1
        if self.year > self.first_year:
            self.cite(self.doc, plan_doc(self.province, self.year - 1), "based_on", str(k))

    # ---- agencies
    def agency(self, name: str, *, national: bool = False) -> str:
        kind = "group" if name in GROUPS else "enterprise" if name in ENTERPRISES else "agency"
        province = None if national else self.province
        iri = iris.agency(kind, name, national, province)
        w = self.shared
        w.typed(iri, {"group": DX + "AgencyGroup", "enterprise": DX + "Enterprise"}.get(kind, DX + "Agency"))
        if kind != "group":
            w.typed(iri, ORG + "Organization")
        w.add(iri, SKOS + "prefLabel", ox.Literal(name, language="vi"))
        w.label(iri, name)
        w.add(
            iri,
            DX + "agencyKind",
            f"{ID}code/agency-{ {'group': 'group', 'enterprise': 'enterprise'}.get(kind, 'body') }",
        )
        w.add(iri, DX + "scope", self.place(province) if kind != "enterprise" else iris.place(None))
        return iri

    # ---- systems
    def system(self, key: str) -> str:
        name, category, national, _deps = SYSTEMS[key]
        iri = system_iri(key, self.province)
        label = name if national else f"{name} ({self.province})"
        w = self.shared
        w.typed(iri, DX + "InformationSystem")
        w.add(iri, SKOS + "prefLabel", ox.Literal(label, language="vi"))
        w.label(iri, label)
        w.value(iri, DX + "systemKey", key)
        w.add(iri, DX + "systemCategory", category_iri(category))
        w.add(iri, DX + "scope", self.place(None if national else self.province))
        return iri

    def landscape(self) -> None:
        """Every provincial system with its stated links (most of them, varying by year)."""
        k = 0
        for key, (name, _cat, national, deps) in SYSTEMS.items():
            if national:
                continue
            a = self.system(key)
            for dep in deps:
                if self.rng.random() < 0.1:
                    continue  # not every plan restates every link
                b = self.system(dep)
                self.w.add(a, DX + "usesDataFrom", b)
                self.w.add(a, DX + "dependsOn", b)
                node = f"{ID}system-link/{slug(self.stem, 120)}/{k}"
                k += 1
                self.w.typed(node, DX + "SystemLinkStatement")
                self.w.add(node, DX + "fromSystem", a)
                self.w.add(node, DX + "toSystem", b)
                self.w.add(node, DX + "relation", DX + "usesDataFrom")
                self.w.value(node, DX + "directed", True)
                self.prov(node, f"{name} khai thác dữ liệu từ {SYSTEMS[dep][0]}")
        for key, (_name, _cat, national, deps) in SYSTEMS.items():
            if national:  # national links as the plan restates them
                for dep in deps:
                    self.w.add(self.system(key), DX + "dependsOn", self.system(dep))

    # ---- tasks
    def appendix(self, label: str, title: str) -> str:
        iri = f"{self.doc.iri}/appendix/{slug(label)}"
        self.w.typed(iri, DX + "Appendix")
        self.w.label(iri, f"{label}: {title}")
        self.w.value(iri, DX + "appendixLabel", label)
        self.w.add(iri, ELI + "is_part_of", self.doc.iri)
        self.prov(iri, f"{label}. {title.upper()}")
        return iri

    def task_group(self, appendix: str, heading: str) -> str:
        iri = f"{appendix}/group/{slug(heading, 40)}"
        self.w.typed(iri, DX + "TaskGroup", SKOS + "Concept")
        self.w.add(iri, SKOS + "prefLabel", ox.Literal(heading, language="vi"))
        self.w.label(iri, heading)
        self.w.add(iri, SKOS + "broader", f"{ID}code/pillar-{pillar(heading)}")
        return iri

    def tasks(self) -> None:
        appendix = self.appendix("Phụ lục I", f"Danh mục nhiệm vụ chuyển đổi số năm {self.year}")
        bases = [d for d in self.national_in_force() if d.type_code != "Luật"] or [national_guidance(self.year)]
        resolution = party_resolution(self.province, self.first_year)
        number = 0
        while number < TASKS_PER_PLAN:
            heading, titles = TASK_GROUPS[number % len(TASK_GROUPS)]
            group = self.task_group(appendix, heading)
            for template in titles:
                number += 1
                self.task(
                    appendix,
                    group,
                    number,
                    template.format(y=self.year, p=self.province),
                    self.rng.choice(bases),
                    resolution,
                )

    def task(self, appendix: str, group: str, number: int, title: str, basis: Doc, resolution: Doc) -> None:
        w, rng = self.w, self.rng
        line = self.next_line()
        iri = iris.row_entity("task", self.stem, "Phụ lục I", line)
        w.typed(iri, DX + "Task")
        w.label(iri, title)
        w.value(iri, DCT + "title", ox.Literal(title, language="vi"))
        w.value(iri, DX + "number", str(number))
        w.add(iri, DX + "partOfPlan", self.doc.iri)
        w.add(iri, DX + "inAppendix", appendix)
        w.add(iri, DX + "inGroup", group)
        lead = rng.choice(AGENCIES)
        w.add(iri, DX + "leadAgency", self.agency(lead))
        for coop in rng.sample(AGENCIES + GROUPS + ENTERPRISES, 2):
            if coop != lead:
                w.add(iri, DX + "cooperatingAgency", self.agency(coop))
        self.deadline(iri, rng.randint(1, 4))
        w.value(iri, DX + "expectedResult", f"Hoàn thành {title.lower()}")
        w.add(iri, DX + "legalBasis", self.describe(basis))
        if rng.random() < 0.5:
            w.add(iri, DX + "legalBasis", self.describe(resolution))
        for word, key in TASK_SYSTEMS.items():
            if word in title:
                w.add(iri, DX + "concernsSystem", self.system(key))
        if rng.random() < 0.7:
            self.budget(iri, *rng.choice(BUDGETS), Decimal(rng.randint(2, 400) * 50))
        self.prov(iri, f"{number} | {title} | {lead} | Quý {rng.randint(1, 4)}/{self.year}", line)

    def deadline(self, task: str, quarter: int) -> None:
        text = f"Quý {'I II III IV'.split()[quarter - 1]}/{self.year}"
        w = self.w
        w.value(task, DX + "deadlineText", text)
        iv = f"{task}/deadline"
        w.add(task, DX + "deadline", iv)
        w.typed(iv, TIME + "ProperInterval")
        w.label(iv, text)
        start = date(self.year, 3 * quarter - 2, 1)
        end = date(self.year, 3 * quarter, 30 if quarter in (2, 3) else 31)
        for name, part, day in (("hasBeginning", "begin", start), ("hasEnd", "end", end)):
            inst = f"{iv}/{part}"
            w.add(iv, TIME + name, inst)
            w.typed(inst, TIME + "Instant")
            w.value(inst, TIME + "inXSDDate", day)

    def budget(self, task: str, category: str, label: str, million: Decimal) -> None:
        iri = f"{task}/budget/{slug(category)}"
        w = self.w
        w.add(task, DX + "budget", iri)
        w.typed(iri, DX + "BudgetAmount", "https://schema.org/MonetaryAmount")
        w.value(iri, "https://schema.org/value", million * 1_000_000)
        w.value(iri, "https://schema.org/currency", "VND")
        w.add(iri, DX + "budgetCategory", iris.code("budget", category))
        w.value(iri, DX + "columnLabel", label)
        w.value(iri, DX + "amountAsWritten", f"{million} triệu đồng")
        w.label(iri, f"{label}: {million} triệu đồng")

    # ---- indicators and service usage
    def indicators(self) -> None:
        appendix = self.appendix("Phụ lục II", "Chỉ tiêu chuyển đổi số")
        for i, (title, unit, comparator) in enumerate(INDICATORS[:INDICATORS_PER_PLAN], 1):
            line = self.next_line()
            iri = iris.row_entity("indicator", self.stem, "Phụ lục II", line)
            value = Decimal(self.rng.randint(10, 100))
            w = self.w
            w.typed(iri, DX + "Indicator")
            w.label(iri, title)
            w.value(iri, DX + "number", str(i))
            w.add(iri, DX + "partOfPlan", self.doc.iri)
            w.add(iri, DX + "inAppendix", appendix)
            w.value(iri, DX + "targetText", f"{'≥' if comparator == '>=' else '≤'} {value} {unit}")
            w.value(iri, DX + "targetValue", value)
            w.value(iri, DX + "unit", unit)
            w.value(iri, DX + "comparator", comparator)
            w.add(iri, DX + "leadAgency", self.agency(self.rng.choice(AGENCIES)))
            self.prov(iri, f"{i} | {title} | {value} {unit}", line)

    def services(self) -> None:
        lgsp = self.system("lgsp")
        for i in range(1, SERVICES_PER_PLAN + 1):
            line = self.next_line()
            iri = iris.row_entity("service", self.stem, "Phụ lục III", line)
            total = self.rng.randint(1_000, 2_000_000)
            failed = self.rng.randint(0, total // 50)
            label = f"Dịch vụ chia sẻ dữ liệu số {i} qua LGSP"
            w = self.w
            w.typed(iri, DX + "ServiceUsage")
            w.label(iri, label)
            w.value(iri, DX + "serviceGroup", "Dịch vụ kết nối NDXP" if i % 2 else "Dịch vụ nội tỉnh")
            w.value(iri, DX + "number", str(i))
            w.value(iri, DX + "totalTransactions", total)
            w.value(iri, DX + "successfulTransactions", total - failed)
            w.value(iri, DX + "failedTransactions", failed)
            w.add(iri, DX + "partOfPlan", self.doc.iri)
            w.add(iri, DX + "mentionsSystem", lgsp)
            self.prov(iri, f"{i} | {label} | {total}", line)


# ---------------------------------------------------------------- corpus
def generate(n_provinces: int, n_years: int) -> Iterator[tuple[str, list[ox.Quad]]]:
    """(graph IRI, quads): the ontology graph, one graph per plan, the shared graph (the
    nation, provinces, 2025 reorganisation, and every document, agency and system the plans
    name — each described once, as ``kg.build.Builder`` does), then the derived graph the
    build computes from them (``kg.derived``)."""
    builder = Builder()
    inputs = EmbeddedStore()  # only the derived graph's inputs, to compute it at the end
    wanted = {DX + "dependsOn", RDF + "type", *LEGAL_BASIS_RELATIONS}
    yield ONTOLOGY_GRAPH, builder.ontology_graph()
    builder.reorganisation()
    ys = years(n_years)
    for province in provinces(n_provinces):
        for year in ys:
            w = PlanWriter(province, year, ys[0], builder.shared)
            quads = w.quads()
            inputs.load(q for q in quads if q.predicate.value in wanted)
            yield w.w.graph.value, quads
    shared = list(dict.fromkeys(builder.shared.quads))
    inputs.load(q for q in shared if q.predicate.value in wanted)
    yield SHARED_GRAPH, shared
    yield DERIVED_GRAPH, derive(inputs)


@dataclass(frozen=True)
class Landmarks:
    """Things the benchmark asks about, present at every size."""

    province: str
    app: str  # a provincial application at the top of a dependency chain
    lgsp: str  # the first province's LGSP
    ndxp: str  # the national data-exchange platform
    task: str  # a task of the latest plan of the first province
    symbol: str  # the symbol of that plan


def landmarks(n_years: int) -> Landmarks:
    province = provinces(1)[0]
    ys = years(n_years)
    w = PlanWriter(province, ys[-1], ys[0], GraphWriter(SHARED_GRAPH))
    task = next(
        q.subject.value for q in w.quads() if q.predicate.value == RDF + "type" and q.object.value == DX + "Task"
    )
    return Landmarks(
        province,
        system_iri("cong-dan-so", province),
        system_iri("lgsp", province),
        system_iri("ndxp", province),
        task,
        w.doc.symbol,
    )


def write_nquads(path: str | Path, n_provinces: int, n_years: int) -> tuple[int, int]:
    """Write the corpus as N-Quads; returns (graphs, quads)."""
    graphs = quads = 0
    with open(path, "wb") as out:
        for _g, qs in generate(n_provinces, n_years):
            ox.serialize(qs, out, format=ox.RdfFormat.N_QUADS)
            graphs += 1
            quads += len(qs)
    return graphs, quads


def load_into(store, n_provinces: int, n_years: int) -> int:
    """Load the corpus graph by graph into any dxkg store (embedded or remote); returns quads."""
    total = 0
    for g, qs in generate(n_provinces, n_years):
        store.replace_graph(g, qs)
        total += len(qs)
    return total


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", default="S", choices=sorted(SIZES))
    ap.add_argument("--provinces", type=int, help="override the size's province count (1-63)")
    ap.add_argument("--years", type=int, help="override the size's year count")
    ap.add_argument("--out", help="N-Quads file to write")
    ap.add_argument("--store", help="embedded store folder to load into")
    args = ap.parse_args(argv)
    n_p, n_y = SIZES[args.size]
    n_p, n_y = args.provinces or n_p, args.years or n_y
    if args.out:
        graphs, quads = write_nquads(args.out, n_p, n_y)
        print(f"{args.out}: {graphs} graphs, {quads} quads")
    if args.store:
        store = EmbeddedStore(args.store)
        print(f"{args.store}: {load_into(store, n_p, n_y)} quads")
        store.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
