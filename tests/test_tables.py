"""Tables in every exported layout, joined into logical tables."""

from pathlib import Path

import pytest

from dxkg.loaders.tables import find_tables, merge_header

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"


def _tables(text: str):
    return find_tables(text.split("\n"), "t.txt")


def _cells(table):
    return [r.cells for r in table.rows]


# ---------------------------------------------------------------- pipe

PIPE = """\
Phụ lục
| STT | Dự án | Chủ trì | Kinh phí (triệu đồng) | | Số năm thuê | |
|---|---|---|---|---|---|---|
| | | | Đầu tư công | Chi thường xuyên | | |
| | | | | Mua sắm | Thuê dịch vụ | |
| I | NHÓM A | | | | | |
| 1. | Dự án một | Sở Y tế | 1.200 | | | |
| 2. | Dự án hai | | | | 300 | 2 |

| STT | Dự án | Chủ trì | Kinh phí (triệu đồng) | | | Số năm thuê |
|---|---|---|---|---|---|---|
| | | | Đầu tư công | Chi thường xuyên | | |
| | | | | Mua sắm | Thuê dịch vụ | |
| 3. | Dự án ba | Sở Nội vụ | | 50 | | |
| | Cộng | | 1.200 | 50 | 300 | |
"""


def test_pipe_multirow_header_is_realigned_and_merged():
    [t] = _tables(PIPE)
    assert t.layout == "pipe"
    assert t.header == [
        "STT",
        "Dự án",
        "Chủ trì",
        "Kinh phí (triệu đồng) / Đầu tư công",
        "Kinh phí (triệu đồng) / Chi thường xuyên / Mua sắm",
        "Kinh phí (triệu đồng) / Chi thường xuyên / Thuê dịch vụ",
        "Số năm thuê",
    ]


def test_pipe_repeated_header_after_page_break_gives_one_table():
    [t] = _tables(PIPE)
    assert [c[:2] for c in _cells(t)] == [
        ["I", "NHÓM A"],
        ["1.", "Dự án một"],
        ["2.", "Dự án hai"],
        ["3.", "Dự án ba"],
        ["", "Cộng"],
    ]
    assert _cells(t)[2][5:] == ["300", "2"]
    assert (t.start, t.end) == (2, 15)
    assert t.rows[3].span.line == 14


def test_pipe_blank_header_continues_the_table():
    text = "| STT | Nhiệm vụ | Chủ trì |\n|---|---|---|\n| 1 | A | X |\n\n| | | |\n|---|---|---|\n| 2 | B | Y |\n"
    [t] = _tables(text)
    assert t.header == ["STT", "Nhiệm vụ", "Chủ trì"]
    assert [c[0] for c in _cells(t)] == ["1", "2"]


def test_text_between_tables_separates_them():
    text = "| STT | Nhiệm vụ |\n|---|---|\n| 1 | A |\n\nPhụ lục II\n\n| STT | Nhiệm vụ |\n|---|---|\n| 1 | B |\n"
    assert len(_tables(text)) == 2


# ---------------------------------------------------------------- tab-separated with HTML

TAB = "\n".join(
    [
        "STT\tTên nhiệm vụ\tĐơn vị chủ trì\tĐơn vị phối hợp\tThời gian",
        "<b>I. Nhóm thể chế</b>\t\t\t\t",
        "1\tXây dựng <i>quy chế</i> A&amp;B\tSở TT&amp;TT\t<ul><li>Sở Nội vụ</li><li>Sở Tư pháp</li></ul>\tQuý II/2024",
        "2\tNâng cấp hệ thống\tSở TT&amp;TT\tCác sở, ban,",
        "",
        "<b>STT</b>\t<b>Tên nhiệm vụ</b>\t<b>Đơn vị chủ trì</b>\t<b>Đơn vị phối hợp</b>\t<b>Thời gian</b>",
        "\t\t\tngành\t",
        "3\tTriển khai dịch vụ\tSở Y tế\t\tThường xuyên",
        "",
        "",
        "\t\t\t\t",
        "4\tĐào tạo\tSở Nội vụ\t\tNăm 2024",
    ]
)


def test_tab_rows_with_html_fragments():
    [t] = _tables(TAB)
    assert t.layout == "tab"
    assert t.header == ["STT", "Tên nhiệm vụ", "Đơn vị chủ trì", "Đơn vị phối hợp", "Thời gian"]
    group, first = t.rows[0], t.rows[1]
    assert group.bold and group.cells[0] == "I. Nhóm thể chế"
    assert first.cells[1:4] == ["Xây dựng quy chế A&B", "Sở TT&TT", "Sở Nội vụ\nSở Tư pháp"]


def test_tab_bold_header_repeat_and_continuation_row():
    [t] = _tables(TAB)
    assert [r.cells[0] for r in t.rows] == ["I. Nhóm thể chế", "1", "2", "3", "4"]
    second = t.rows[2]
    assert second.cells[3] == "Các sở, ban, ngành"
    assert (second.span.line, second.span.end_line) == (4, 7)


def test_tab_cell_broken_over_lines():
    text = "STT\tNội dung\tChủ trì\tThời gian\n1\tDòng đầu\ndòng sau\tSở A\tQuý I/2024\n2\tKhác\tSở B\tNăm 2024\n"
    [t] = _tables(text)
    assert _cells(t) == [["1", "Dòng đầu dòng sau", "Sở A", "Quý I/2024"], ["2", "Khác", "Sở B", "Năm 2024"]]
    assert t.rows[0].span.end_line == 3


# ---------------------------------------------------------------- one cell per line

CELLS = "\n".join(
    [
        "\tSTT",
        "\tTên chỉ tiêu",
        "\tCơ quan chủ trì",
        "\tKết quả năm 2024",
        "\tGhi chú",
        "",
        "\t",
        "\t",
        "\t",
        "\tĐơn vị tính",
        "\tGiao chỉ tiêu",
        "\t",
        "",
        "\t1. ",
        "\tTỷ lệ hồ sơ",
        "trực tuyến",
        "\tSở TT&TT",
        "\t%",
        "\tTối thiểu 80",
        "\t",
        "",
        "\t2. ",
        "\tTỷ lệ thanh toán",
        "\tVăn phòng",
        "",
        "\t%",
        "\t45",
        "\tghi chú",
        "",
        "Nơi khác",
    ]
)


def test_one_cell_per_line_records():
    [t] = _tables(CELLS)
    assert t.layout == "cells"
    assert t.header == [
        "STT",
        "Tên chỉ tiêu",
        "Cơ quan chủ trì",
        "Kết quả năm 2024 / Đơn vị tính",
        "Kết quả năm 2024 / Giao chỉ tiêu",
        "Ghi chú",
    ]
    assert _cells(t) == [
        ["1.", "Tỷ lệ hồ sơ trực tuyến", "Sở TT&TT", "%", "Tối thiểu 80", ""],
        ["2.", "Tỷ lệ thanh toán", "Văn phòng", "%", "45", "ghi chú"],
    ]
    assert (t.rows[1].span.line, t.rows[1].span.end_line) == (22, 28)


def test_single_tab_lines_are_not_a_table():
    text = "\tỦY BAN NHÂN DÂN TỈNH X\n\nSố: 1/KH-UBND\n\tKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\n"
    assert _tables(text) == []


# ---------------------------------------------------------------- HTML

HTML = """\
<table>
<tr><th rowspan="2">STT</th><th rowspan="2">Nhiệm vụ</th><th rowspan="2">Chủ trì</th><th colspan="2">Kinh phí</th></tr>
<tr><th>Đầu tư</th><th>Thuê</th></tr>
<tr><td>1</td><td>Hệ thống A</td><td rowspan="2">Sở TT&amp;TT</td><td>100</td><td></td></tr>
<tr><td>2</td><td>Hệ thống B<br>giai đoạn 2</td><td></td><td>20</td></tr>
<tr><td colspan="3">Cộng</td><td>100</td><td>20</td></tr>
</table>
"""


def test_html_rowspan_colspan():
    [t] = _tables(HTML)
    assert t.layout == "html"
    assert t.header == ["STT", "Nhiệm vụ", "Chủ trì", "Kinh phí / Đầu tư", "Kinh phí / Thuê"]
    assert _cells(t) == [
        ["1", "Hệ thống A", "Sở TT&TT", "100", ""],
        ["2", "Hệ thống B\ngiai đoạn 2", "Sở TT&TT", "", "20"],
        ["Cộng", "", "", "100", "20"],
    ]
    assert t.rows[1].inherited == frozenset({2}) and not t.rows[0].inherited
    assert t.rows[0].span.line == 4


# ---------------------------------------------------------------- headers and bad input


def test_merge_header_widens_a_short_upper_row():
    rows = [["STT", "Tên", "Thực hiện", "Căn cứ"], ["", "", "ĐVT", "Chỉ tiêu", ""]]
    assert merge_header(rows, 5) == ["STT", "Tên", "Thực hiện / ĐVT", "Thực hiện / Chỉ tiêu", "Căn cứ"]


def test_row_with_too_many_cells_is_reported_and_kept():
    text = "STT\tNội dung\tChủ trì\n1\tA\tSở A\textra\n2\tB\tSở B\n"
    [t] = _tables(text)
    assert [i.line for i in t.issues] == [2]
    assert _cells(t) == [["1", "A", "Sở A extra"], ["2", "B", "Sở B"]]


def test_broken_html_table_does_not_stop_the_rest():
    text = "<table><tr><td>1</td>\n\n| STT | Nhiệm vụ |\n|---|---|\n| 1 | A |\n"
    tables = _tables(text)
    assert tables[-1].layout == "pipe" and _cells(tables[-1]) == [["1", "A"]]


def test_empty_html_table_yields_an_issue():
    [t] = _tables("<table></table>\n")
    assert t.rows == [] and "without rows" in t.issues[0].message


# ---------------------------------------------------------------- seeds


def _seed(prefix: str):
    if not SEEDS.is_dir():
        pytest.skip("../shared/seeds is not present")
    path = next(SEEDS.glob(prefix + "_*.txt"))
    return find_tables(path.read_text(encoding="utf-8").split("\n"), path.name)


def test_seed_000_budget_table_header():
    budget = _seed("000")[-1]
    assert budget.header[3:] == [
        "Dự kiến phí năm 2025 (triệu đồng) / Đầu tư công",
        "Dự kiến phí năm 2025 (triệu đồng) / Thường xuyên / Đầu tư, mua sắm",
        "Dự kiến phí năm 2025 (triệu đồng) / Thường xuyên / Thuê dịch vụ",
        "Thời gian thuê (năm)",
    ]
    assert len(budget.rows) == 3 + 38 + 2  # groups, tasks, Cộng and Tổng


def test_seed_layouts_and_table_counts():
    assert [t.layout for t in _seed("000")] == ["pipe", "pipe", "pipe"]
    assert [t.layout for t in _seed("001")] == ["tab", "tab"]
    assert [t.layout for t in _seed("002")] == ["cells", "cells"]
    assert [len(t.rows) for t in _seed("003")] == [46, 89]


def test_rows_without_trailing_tabs_are_not_joined():
    text = "STT\tNội dung\tChủ trì\tPhối hợp\tThời gian\n1\tA\tSở A\n2\tB\tSở B\n"
    [t] = _tables(text)
    assert [r.cells[:3] for r in t.rows] == [["1", "A", "Sở A"], ["2", "B", "Sở B"]]
