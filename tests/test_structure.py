"""Header, sections and appendices of plans and of a news article."""

from datetime import date
from pathlib import Path

import pytest

from dxkg.loaders.structure import find_appendices, parse_structure

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"

PLAN = """\
\tỦY BAN NHÂN DÂN TỈNH NINH BÌNH
Số:   /KH-UBND
\tCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Ninh Bình, ngày 03 tháng 6 năm 2020

KẾ HOẠCH

Chuyển đổi số
năm 2020

Căn cứ Quyết định số 749/QĐ-TTg ngày 03/6/2020 của Thủ tướng Chính phủ;
Phần thứ nhất: KẾT QUẢ
I. MỤC TIÊU
1. Mục tiêu chung
1.1. Về hạ tầng
2. Huy động cả hệ thống chính trị. Người dân là trung tâm.
3. Danh sách các đơn vị tham gia;
Chi tiết tại Phụ lục I và Phụ lục II.

Phụ lục I
DANH MỤC NHIỆM VỤ
(Kèm theo Kế hoạch số   /KH-UBND ngày   /6/2020)

| STT | Nhiệm vụ |
|---|---|
| 1 | Việc |

**PHỤ LỤC 2**
**CHỈ TIÊU**
"""


def _parse(text: str):
    return parse_structure(text.split("\n"), "plan.txt")


def test_header_of_a_plan_with_blank_number():
    header, _, _ = _parse(PLAN)
    assert header.issuer == "Ủy ban nhân dân tỉnh Ninh Bình"
    assert (header.symbol, header.number, header.type_code) == ("/KH-UBND", None, "KH")
    assert header.kind == "Kế hoạch"
    assert header.place == "Ninh Bình"
    assert header.date == date(2020, 6, 3) and header.year == 2020
    assert header.title == "Chuyển đổi số năm 2020"
    assert header.province == "Ninh Bình"
    assert header.span.line == 1


def test_numbered_symbol_and_year_without_a_day():
    text = "ỦY BAN NHÂN DÂN\nTỈNH HÀ NAM\nSố: 1516/QĐ-UBND\nHà Nam, ngày   tháng   năm 2022\n\nQUYẾT ĐỊNH\nVề việc X\n"
    header, _, _ = _parse(text)
    assert (header.symbol, header.number, header.type_code) == ("1516/QĐ-UBND", "1516", "QĐ")
    assert header.issuer == "Ủy ban nhân dân tỉnh Hà Nam"
    assert header.kind == "Quyết định"
    assert header.date is None and header.year == 2022


def test_symbol_and_year_from_the_appendix_note_and_issuer_from_the_signature():
    text = (
        "**KẾ HOẠCH**\n**Chuyển đổi số tỉnh Hải Dương**\n\nNội dung.\n\n**TM. ỦY BAN NHÂN DÂN**\n\n"
        "**PHỤ LỤC 1**\n**DANH MỤC**\n*(Ban hành kèm theo Kế hoạch số /KH-UBND ngày /6/2023 của UBND tỉnh)*\n"
    )
    header, _, apps = _parse(text)
    assert header.symbol == "/KH-UBND" and header.type_code == "KH"
    assert header.year == 2023
    assert header.issuer == "Ủy ban nhân dân tỉnh Hải Dương"
    assert [a.label for a in apps] == ["Phụ lục 1"]


def test_news_article_without_a_header():
    text = (
        "Skip Ribbon Commands\nSkip to main content\n\nChuyển đổi số: Động lực đưa Hà Nam bước vào kỷ nguyên mới\n\n"
        "Ngày 01/3/2025, UBND tỉnh ban hành Kế hoạch số 441/KH-UBND. Năm 2024 đạt 13,68%.\n"
    )
    header, sections, apps = _parse(text)
    assert header.kind == "Tin tức"
    assert header.title.startswith("Chuyển đổi số: Động lực")
    assert header.province == "Hà Nam"
    assert header.year == 2025
    assert header.symbol is None and sections == [] and apps == []


def test_sections_with_levels_and_no_list_items():
    _, sections, _ = _parse(PLAN)
    got = [(s.level, s.number, s.title) for s in sections]
    assert got == [
        (1, "Phần thứ nhất", "KẾT QUẢ"),
        (2, "I", "MỤC TIÊU"),
        (3, "1", "Mục tiêu chung"),
        (4, "1.1", "Về hạ tầng"),
    ]
    assert sections[0].span.line == 13


def test_part_heading_takes_its_title_from_the_next_line():
    _, sections, _ = _parse("Phần I\nĐÁNH GIÁ KẾT QUẢ\n\nI. Kết quả\n")
    assert [(s.number, s.title, s.level) for s in sections] == [("Phần I", "ĐÁNH GIÁ KẾT QUẢ", 1), ("I", "Kết quả", 2)]


def test_appendices_with_titles_not_mentions():
    _, _, apps = _parse(PLAN)
    assert [(a.label, a.title) for a in apps] == [("Phụ lục I", "DANH MỤC NHIỆM VỤ"), ("Phụ lục 2", "CHỈ TIÊU")]
    assert apps[0].span.line == 21 and apps[0].span.end_line == 23


def test_table_of_contents_entries_are_not_appendices():
    lines = [
        "MỤC LỤC",
        "Phụ lục I DANH MỤC CÁC NHIỆM VỤ... 1",
        "Phụ lục II DANH MỤC DỰ ÁN..... 3",
        "",
        "Phụ lục I kèm theo Kế hoạch này.",
        "",
        "Phụ lục II: DANH MỤC DỰ ÁN",
        "| a | b |",
    ]
    apps = find_appendices(lines, "x.txt")
    assert [(a.label, a.title, a.span.line) for a in apps] == [("Phụ lục II", "DANH MỤC DỰ ÁN", 7)]


def test_repeated_label_keeps_the_last_heading():
    lines = ["Phụ lục I", "DANH MỤC", "", "Phụ lục I", "DANH MỤC", "", "| a |"]
    assert [a.span.line for a in find_appendices(lines, "x.txt")] == [4]


# ---------------------------------------------------------------- seeds


def _seed(prefix: str):
    if not SEEDS.is_dir():
        pytest.skip("../shared/seeds is not present")
    path = next(SEEDS.glob(prefix + "_*.txt"))
    return parse_structure(path.read_text(encoding="utf-8").split("\n"), path.name)


def test_seed_000_project_header():
    header, sections, apps = _seed("000")
    assert (header.kind, header.place, header.year, header.province) == ("Đề án", "Hà Nam", 2024, "Hà Nam")
    assert header.title == "CHUYỂN ĐỔI SỐ TỈNH HÀ NAM GIAI ĐOẠN 2024-2025"
    assert [(a.label, a.span.line) for a in apps] == [("Phụ lục I", 300), ("Phụ lục II", 321)]
    assert sections[0].number == "Phần thứ nhất" and sections[0].span.line == 50


def test_seed_002_plan_header():
    header, _, apps = _seed("002")
    assert header.issuer == "Ủy ban nhân dân tỉnh Hà Nam"
    assert (header.symbol, header.number, header.type_code, header.kind) == ("/KH-UBND", None, "KH", "Kế hoạch")
    assert header.year == 2024 and header.date is None
    assert header.title.startswith("Triển khai thực hiện các nhiệm vụ nhằm nâng cao chất lượng")
    assert [a.label for a in apps] == ["Phụ lục I", "Phụ lục II"]


def test_seed_001_and_003_headers():
    h1, _, a1 = _seed("001")
    assert (h1.province, h1.year, h1.symbol, h1.kind) == ("Hải Dương", 2023, "/KH-UBND", "Kế hoạch")
    assert [a.label for a in a1] == ["Phụ lục 1", "Phụ lục 2"]
    h3, _, a3 = _seed("003")
    assert (h3.province, h3.year, h3.place, h3.issuer) == (
        "Quảng Nam",
        2024,
        "Quảng Nam",
        "Ủy ban nhân dân tỉnh Quảng Nam",
    )
    assert [a.label for a in a3] == ["Phụ lục I", "Phụ lục II", "Phụ lục III"]


def test_seed_004_news():
    header, _, apps = _seed("004")
    assert (header.kind, header.province, header.year) == ("Tin tức", "Hà Nam", 2025)
    assert apps == []
