"""Plans of the same genre as the seeds but laid out differently: four documents written
for this test (fictional plans of real provinces, in tests/fixtures/unseen/) that exercise
what the seeds do not — a header whose two columns share one line (tabs, runs of spaces, a
Markdown table), laws cited by name and date, Party and letter symbols, the source's own
relations in its title and articles, passive relations, footnotes, numbers that are not
documents, a repeated header spelled differently after a page break, an HTML appendix with
rowspan/colspan and a funding-source column, a KPI table with a year column and a), b), c)
sub-indicators, an unnumbered "PHỤ LỤC", and system sentences with lists and "qua".
"""

import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from dxkg.kg.pipeline import EXIT_OK, build_store
from dxkg.loaders.document import parse_document
from dxkg.loaders.values import parse_deadline

ROOT = Path(__file__).resolve().parents[1]
UNSEEN = ROOT / "tests" / "fixtures" / "unseen"
# the seed plan of Quảng Nam cites its own "1217/QĐ-UBND", as the Bắc Giang plan does
QUANG_NAM = ROOT.parent / "shared" / "seeds" / "003_2b8758fcb395133d.txt"
BAC_GIANG = UNSEEN / "ke-hoach-cds-bac-giang-2024.txt"
HUE = UNSEEN / "ke-hoach-cds-thua-thien-hue-2024.html.txt"
BINH_DINH = UNSEEN / "ke-hoach-dti-binh-dinh-2024.txt"
NGHE_AN = UNSEEN / "quyet-dinh-cds-nghe-an-2024.md"


def keys(doc, relation=None) -> set:
    """References as symbol@scope (laws by name as their title), optionally of one relation."""
    return {
        f"{r.symbol or r.title}@{'VN' if r.national else r.province}"
        for r in doc.refs
        if relation is None or r.relation == relation
    }


def relations(doc) -> set:
    return {(r.subject.symbol, r.relation, r.object.symbol) for r in doc.doc_relations}


def names(agencies) -> list:
    return [a.name for a in agencies]


def task(doc, words):
    return next(t for t in doc.tasks if words in t.title)


# ---------------------------------------------------------------- Bắc Giang: tab header, basis mix


@pytest.fixture(scope="module")
def bac_giang():
    return parse_document(BAC_GIANG)


def test_header_printed_side_by_side_with_tabs(bac_giang):
    h = bac_giang.header
    assert (h.issuer, h.symbol, h.kind, h.place) == (
        "Ủy ban nhân dân tỉnh Bắc Giang",
        "25/KH-UBND",
        "Kế hoạch",
        "Bắc Giang",
    )
    assert (str(h.date), h.province, h.title) == ("2024-01-15", "Bắc Giang", "Chuyển đổi số tỉnh Bắc Giang năm 2024")


def test_basis_mixes_laws_by_name_normative_party_and_letters(bac_giang):
    assert keys(bac_giang, "based_on") == {
        "Luật Tổ chức chính quyền địa phương@VN",
        "Luật Giao dịch điện tử@VN",
        "47/2020/NĐ-CP@VN",
        "52-NQ/TW@VN",
        "45-NQ/TU@Bắc Giang",
        "1217/QĐ-UBND@Bắc Giang",
        "1234/BTTTT-THH@VN",
    }
    assert keys(bac_giang, "proposed_by") == {"56/TTr-STTTT@Bắc Giang"}
    law = next(r for r in bac_giang.refs if r.title == "Luật Giao dịch điện tử")
    assert str(law.date) == "2023-06-22" and law.symbol is None


def test_every_reference_and_nothing_that_only_looks_like_one(bac_giang):
    """24/7, 1.714, a hotline, "Quý III/2024", "10/10 huyện", "2024-2025" are not documents;
    the same symbol of another province is that province's document; footnotes count."""
    assert keys(bac_giang) == keys(bac_giang, "based_on") | keys(bac_giang, "proposed_by") | {
        "345/QĐ-UBND@Bắc Giang",
        "12/2023/NQ-HĐND@Bắc Giang",
        "150/KH-UBND@Bắc Giang",
        "06/QĐ-TTg@VN",
        "1217/QĐ-UBND@Quảng Nam",
        "210/KH-UBND@Bắc Giang",
        "88/KH-UBND@Bắc Giang",
        "456/QĐ-UBND@Bắc Giang",
        "99/KH-UBND@Bắc Giang",
        "45/2020/NĐ-CP@VN",
        "678/QĐ-UBND@Bắc Giang",
    }
    marked = next(r for r in bac_giang.refs if r.symbol == "678/QĐ-UBND")  # "678/QĐ-UBND² ngày …"
    assert str(marked.date) == "2023-03-02"


def test_relations_of_the_source_and_between_cited_documents(bac_giang):
    assert keys(bac_giang, "replaces") == {"210/KH-UBND@Bắc Giang"}
    assert relations(bac_giang) == {
        ("345/QĐ-UBND", "amends", "1217/QĐ-UBND"),
        ("150/KH-UBND", "implements", "12/2023/NQ-HĐND"),
    }
    # a status sentence ("Sở … đã tham mưu triển khai Quyết định …") is not the plan's own act
    assert keys(bac_giang, "implements") == set()


def test_tab_appendix_with_a_page_break_and_a_retyped_header(bac_giang):
    tasks = bac_giang.tasks
    assert len(tasks) == 8 and [t.number for t in tasks] == [str(n) for n in range(1, 9)]
    broken = task(bac_giang, "Duy trì vận hành Trung tâm giám sát")
    assert broken.title.endswith(
        "kết nối với hệ thống giám sát quốc gia, bảo đảm an toàn thông tin mạng theo mô hình 4 lớp"
    )
    assert names(broken.coops) == ["Công an tỉnh", "Các cơ quan, đơn vị liên quan"] and broken.deadline == "Hàng năm"
    after = task(bac_giang, "Tổ công nghệ số cộng đồng")
    assert after.group == ["II Phát triển hạ tầng số, nền tảng số"]
    assert names(after.leads) == ["UBND các huyện, thị xã, thành phố"]
    assert names(task(bac_giang, "danh mục cơ sở dữ liệu").coops) == [
        "Sở Thông tin và Truyền thông",
        "Sở Kế hoạch và Đầu tư",
        "Sở Tài chính",
    ]
    assert [a.written for a in task(bac_giang, "truyền số liệu").coops] == ["VNPT Bắc Giang", "Viettel Bắc Giang"]


@pytest.mark.parametrize(
    "written,start,end",
    [
        ("Tháng 6/2024", "2024-06-01", "2024-06-30"),
        ("Trước 30/6/2024", "None", "2024-06-30"),
        ("Năm 2024-2025", "2024-01-01", "2025-12-31"),
        ("Quý I, II/2024", "2024-01-01", "2024-06-30"),
        ("Hàng năm", "2024-01-01", "2024-12-31"),
        ("6 tháng đầu năm 2025", "2025-01-01", "2025-06-30"),
    ],
)
def test_deadlines_as_written_in_these_plans(written, start, end):
    d = parse_deadline(written, 2024)
    assert (str(d.start), str(d.end)) == (start, end)


# ---------------------------------------------------------------- Thừa Thiên Huế: HTML appendix


@pytest.fixture(scope="module")
def hue():
    return parse_document(HUE)


def test_header_with_runs_of_spaces_and_a_title_that_implements(hue):
    h = hue.header
    assert (h.issuer, h.symbol, str(h.date), h.province) == (
        "Ủy ban nhân dân tỉnh Thừa Thiên Huế",
        "112/KH-UBND",
        "2024-03-20",
        "Thừa Thiên Huế",
    )
    assert keys(hue, "implements") == {"05-NQ/TU@Thừa Thiên Huế", "06/QĐ-TTg@VN", "04/CT-TTg@VN"}
    assert keys(hue, "based_on") == {"749/QĐ-TTg@VN", "12/2022/TT-BTTTT@VN", "2345/QĐ-UBND@Thừa Thiên Huế"}


def test_passive_voice_turns_the_relation_round(hue):
    assert relations(hue) == {("1876/QĐ-UBND", "amends", "2345/QĐ-UBND")}


def test_html_appendix_with_rowspan_colspan_and_a_funding_source(hue):
    assert [a.label for a in hue.appendices] == ["Phụ lục"]
    tasks = hue.tasks
    assert len(tasks) == 8 and {t.appendix for t in tasks} == {"Phụ lục"}
    assert [names(t.leads) for t in tasks[:5]] == [["Sở Thông tin và Truyền thông"]] * 5
    assert names(tasks[5].leads) == ["Sở Tài nguyên và Môi trường"]
    assert [t.group[0] for t in tasks] == ["I HẠ TẦNG SỐ"] * 3 + ["II NỀN TẢNG SỐ, DỮ LIỆU SỐ"] * 3 + [
        "III ỨNG DỤNG, CHÍNH QUYỀN SỐ"
    ] * 2
    assert names(tasks[4].coops) == ["UBND các huyện, thị xã, thành phố"]
    soc = task(hue, "SOC")
    assert [(b.category, b.million_vnd) for b in soc.budgets] == [("thuong_xuyen", Decimal(2400))]
    assert "Nguồn vốn: Sự nghiệp" in soc.note
    assert sum(b.million_vnd for t in tasks for b in t.budgets) == Decimal(31950)
    assert [(t.category, t.value) for t in hue.totals] == [("total", Decimal(31950))]
    assert not [i for i in hue.issues if "stated" in i.message]


# ---------------------------------------------------------------- Bình Định: KPI by year, cells layout


@pytest.fixture(scope="module")
def binh_dinh():
    return parse_document(BINH_DINH)


def test_one_basis_sentence_naming_three_documents(binh_dinh):
    assert binh_dinh.header.date.isoformat() == "2024-04-08"
    assert keys(binh_dinh, "based_on") == {"922/QĐ-BTTTT@VN", "766/QĐ-TTg@VN", "18-CTr/TU@Bình Định"}


def test_kpi_table_with_a_year_column_and_lettered_sub_indicators(binh_dinh):
    got = [(i.number, i.target, i.value, i.unit, i.comparator, i.parent) for i in binh_dinh.indicators]
    assert got == [
        ("1", None, None, None, None, None),
        ("a", "≥ 90", Decimal(90), "%", ">=", "1"),
        ("b", "Tối thiểu 70%", Decimal(70), "%", ">=", "1"),
        ("c", "Trên 50", Decimal(50), "%", ">", "1"),
        ("2", "100", Decimal(100), "%", ">=", None),
        ("3", "Tối thiểu 15", Decimal(15), "CSDL", ">=", None),
        ("4", "Không dưới 85", Decimal(85), "%", ">=", None),
    ]
    assert names(binh_dinh.indicators[2].leads) == ["UBND các huyện, thị xã, thành phố"]


def test_tasks_in_the_one_cell_per_line_layout(binh_dinh):
    assert [(t.number, names(t.leads), t.deadline) for t in binh_dinh.tasks] == [
        ("1", ["Văn phòng UBND tỉnh"], "Quý II/2024"),
        ("2", ["Sở Tài chính"], "Trước 30/6/2024"),
        ("3", ["Sở Nội vụ"], "Hàng quý"),
    ]
    assert [r.symbol for r in binh_dinh.tasks[0].refs] == ["468/QĐ-TTg"]


# ---------------------------------------------------------------- Nghệ An: a decision, systems


@pytest.fixture(scope="module")
def nghe_an():
    return parse_document(NGHE_AN)


def test_decision_with_a_markdown_header_approves_and_replaces(nghe_an):
    h = nghe_an.header
    assert (h.kind, h.symbol, str(h.date), h.province) == ("Quyết định", "3456/QĐ-UBND", "2024-12-02", "Nghệ An")
    assert keys(nghe_an, "approves") == {"98/KH-STTTT@Nghệ An"}
    assert keys(nghe_an, "replaces") == {"1890/QĐ-UBND@Nghệ An"}
    # "Bãi bỏ nội dung tại Mục 3 Phụ lục kèm theo Quyết định số 1217/QĐ-UBND": repealed in part
    assert keys(nghe_an, "repeals") == {"1217/QĐ-UBND@Nghệ An"}


def test_budgets_in_billions_reproduce_the_total(nghe_an):
    assert [t.group[0] for t in nghe_an.tasks] == ["A NHIỆM VỤ CHUYỂN TIẾP"] * 2 + ["B NHIỆM VỤ MỚI"] * 2
    assert names(nghe_an.tasks[1].leads) == ["Sở Thông tin và Truyền thông"]  # merged cell
    assert [b.million_vnd for t in nghe_an.tasks for b in t.budgets] == [1500, 4250, 12000, 8750]
    assert [t.value for t in nghe_an.totals] == [Decimal(26500)]


def test_system_links_with_lists_and_go_betweens(nghe_an):
    links = {(link.a.key, link.relation, link.b.key) for link in nghe_an.system_links}
    assert links >= {
        ("TTHC", "connects", "NDXP"),
        ("TTHC", "uses_data_from", "CSDL-DAT-DAI"),
        ("APP-CDS", "syncs", "VNEID"),
        ("KHO-DLDC", "depends_on", "LGSP"),
        ("TTHC", "connects", "CSDL-DAN-CU"),
    }


# ---------------------------------------------------------------- end to end


def query(store, name) -> list[dict]:
    out = subprocess.run(
        [sys.executable, "-m", "dxkg.cli", "query", name, "--store", str(store), "--format", "json"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr
    return [{k: v["value"] for k, v in b.items()} for b in json.loads(out.stdout)["results"]["bindings"]]


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    folder = tmp_path_factory.mktemp("unseen") / "store"
    paths = [UNSEEN] + ([QUANG_NAM] if QUANG_NAM.is_file() else [])
    assert build_store(paths, folder, validate=False, report=lambda m: None) == EXIT_OK
    return folder


def test_pipeline_counts_tasks_indicators_and_budgets(store):
    per = {}
    for r in query(store, "tasks"):
        per.setdefault(r["sourceFile"], set()).add(r["task"])
    assert {f: len(v) for f, v in per.items() if f in {p.name for p in UNSEEN.iterdir()}} == {
        BAC_GIANG.name: 8,
        HUE.name: 8,
        BINH_DINH.name: 3,
        NGHE_AN.name: 4,
    }
    assert len({r["indicator"] for r in query(store, "indicators") if r["sourceFile"] == BINH_DINH.name}) == 7
    hue_budget = sum(Decimal(r["amount"]) for r in query(store, "budgets") if r["sourceFile"] == HUE.name)
    assert hue_budget == Decimal(31950) * 1_000_000


def test_pipeline_relations_from_the_plans(store):
    rels = {
        (
            r.get("fromFile") or r.get("fromSymbol"),
            r["relation"].rsplit("#", 1)[-1].rsplit("/", 1)[-1],
            r.get("toSymbol"),
            r.get("toScope"),
        )
        for r in query(store, "document-relations")
    }
    assert {
        (BAC_GIANG.name, "replaces", "210/KH-UBND", "Bắc Giang"),
        (BAC_GIANG.name, "based_on", "52-NQ/TW", "Việt Nam"),
        (HUE.name, "implements", "05-NQ/TU", "Thừa Thiên Huế"),
        (NGHE_AN.name, "approves", "98/KH-STTTT", "Nghệ An"),
        ("345/QĐ-UBND", "amends", "1217/QĐ-UBND", "Bắc Giang"),
        ("1876/QĐ-UBND", "amends", "2345/QĐ-UBND", "Thừa Thiên Huế"),
    } <= rels


def test_pipeline_keeps_same_numbered_documents_of_provinces_apart(store):
    nodes = {
        (r.get("toScope"), r["to"]) for r in query(store, "document-relations") if r.get("toSymbol") == "1217/QĐ-UBND"
    }
    by_scope = {}
    for scope, node in nodes:
        by_scope.setdefault(scope, set()).add(node)
    assert {"Bắc Giang", "Nghệ An"} | ({"Quảng Nam"} if QUANG_NAM.is_file() else set()) <= set(by_scope)
    assert len({n for v in by_scope.values() for n in v}) == len(by_scope)


def test_pipeline_system_links(store):
    links = {
        (
            r["aLabel"].split(" (Nghệ An)")[0],
            r["relation"].rsplit("#", 1)[-1],
            r["bLabel"].split(" (Nghệ An)")[0],
            r["bScope"],
        )
        for r in query(store, "system-links")
        if NGHE_AN.name in r.get("statedIn", "")
    }
    assert {
        (
            "Hệ thống thông tin giải quyết thủ tục hành chính",
            "connectsTo",
            "Nền tảng tích hợp, chia sẻ dữ liệu quốc gia (NDXP)",
            "Việt Nam",
        ),
        (
            "Hệ thống thông tin giải quyết thủ tục hành chính",
            "usesDataFrom",
            "Cơ sở dữ liệu quốc gia về đất đai",
            "Việt Nam",
        ),
        ("Ứng dụng công dân số tỉnh", "syncsWith", "Hệ thống định danh và xác thực điện tử (VNeID)", "Việt Nam"),
        ("Kho dữ liệu dùng chung", "dependsOn", "Nền tảng tích hợp, chia sẻ dữ liệu cấp tỉnh (LGSP)", "Nghệ An"),
    } <= links
