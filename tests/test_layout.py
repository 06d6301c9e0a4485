"""Line kinds and dates shared by the loaders: one answer for every parser."""

from datetime import date

from dxkg.loaders.layout import heading_level, is_table_line, section_heading
from dxkg.loaders.values import all_vn_dates


def test_table_lines():
    assert is_table_line("| 1 | Triển khai LGSP |")
    assert is_table_line("1\tTriển khai LGSP\tSở TT&TT")
    assert is_table_line("\tSở TT&TT")  # one cell per line
    assert is_table_line("<b>I. Các dự án đã phê duyệt</b>\t\t")  # a group row: title and empty cells
    assert is_table_line("<tr><td>1</td><td>Triển khai</td></tr>")
    assert not is_table_line("Căn cứ Quyết định số 749/QĐ-TTg ngày 03/6/2020;")
    assert not is_table_line("I. MỤC TIÊU")


def test_headings():
    assert section_heading("II. MỤC TIÊU") == ("II", "MỤC TIÊU", 2)
    assert section_heading("1.2. Hạ tầng số") == ("1.2", "Hạ tầng số", 4)
    assert section_heading("PHẦN THỨ NHẤT") == ("Phần thứ nhất", "", 1)
    assert section_heading("1. triển khai các nhiệm vụ.") is None  # a list item, not a heading
    assert heading_level("Phụ lục I") == 0
    assert heading_level("Điều 2. Tổ chức thực hiện") == 1
    assert heading_level("3) Kinh tế số") == 2
    assert heading_level("Kinh tế số") is None


def test_dates_numeric_and_worded():
    text = "ngày 03/6/2020, ngày 15 tháng 6 năm 2021 và 31/11/2024 (không có ngày đó), 4.7.2022"
    assert all_vn_dates(text) == [date(2020, 6, 3), date(2021, 6, 15), date(2022, 7, 4)]
