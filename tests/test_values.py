"""Numbers, dates and deadlines as Vietnamese plans write them."""

from datetime import date
from decimal import Decimal

import pytest

from dxkg.loaders.values import Deadline, first_number, parse_amount, parse_count, parse_deadline, parse_vn_date


@pytest.mark.parametrize(
    "text, expected",
    [
        ("14.960", Decimal(14960)),  # dot groups thousands
        ("1.000", Decimal(1000)),
        ("952", Decimal(952)),
        ("1,5", Decimal("1.5")),  # comma is the decimal mark
        ("1.234,5", Decimal("1234.5")),
        ("262.401.852", Decimal(262401852)),
        ("1.5", Decimal("1.5")),  # a dot not followed by three digits is a decimal mark
        (" <b>60.000</b> ", Decimal(60000)),  # markup around a cell
    ],
)
def test_parse_amount_reads_vietnamese_numbers(text, expected):
    assert parse_amount(text) == expected


@pytest.mark.parametrize("text", ["Thuê tư vấn", "", "x", "3 năm", "1.23.4", "12."])
def test_parse_amount_rejects_text(text):
    assert parse_amount(text) is None


def test_parse_count_whole_numbers_only():
    assert parse_count("262.401.852") == 262401852
    assert parse_count("0") == 0
    assert parse_count("1,5") is None
    assert parse_count("Hệ thống") is None


def test_first_number_inside_text():
    assert first_number("Tối thiểu 80") == 80
    assert first_number("đạt 40% /tổng số") == 40
    assert first_number("không có") is None


@pytest.mark.parametrize(
    "text, expected",
    [
        ("03/6/2020", date(2020, 6, 3)),
        ("ngày 03 tháng 6 năm 2020", date(2020, 6, 3)),
        ("Hà Nam, ngày 15 tháng 10 năm 2024", date(2024, 10, 15)),
        ("Quyết định 876/QĐ-BNV ngày 10/11/2022", date(2022, 11, 10)),
        ("ngày      tháng     năm 2024", None),
        ("31/02/2024", None),
    ],
)
def test_parse_vn_date(text, expected):
    assert parse_vn_date(text) == expected


def test_parse_vn_date_skips_an_impossible_date():
    # a mistyped date does not hide a valid one written after it in the same form
    assert parse_vn_date("từ 31/11/2024 (đính chính: 30/11/2024)") == date(2024, 11, 30)
    assert parse_deadline("31/11/2024, chậm nhất 15/12/2024") == Deadline(None, date(2024, 12, 15))


@pytest.mark.parametrize(
    "text, start, end",
    [
        ("Quý IV/2025", date(2025, 10, 1), date(2025, 12, 31)),
        ("Quý 2/2024", date(2024, 4, 1), date(2024, 6, 30)),
        ("Quý II năm 2024", date(2024, 4, 1), date(2024, 6, 30)),
        ("Quý I, II/2024", date(2024, 1, 1), date(2024, 6, 30)),
        ("Năm 2023", date(2023, 1, 1), date(2023, 12, 31)),
        ("2024-2025", date(2024, 1, 1), date(2025, 12, 31)),
        ("2024 - 2026", date(2024, 1, 1), date(2026, 12, 31)),
        ("Tháng 12/2023", date(2023, 12, 1), date(2023, 12, 31)),
        ("Tháng 6/2024", date(2024, 6, 1), date(2024, 6, 30)),
        ("trước tháng 9/2023", None, date(2023, 8, 31)),
        ("31/12/2024", date(2024, 12, 31), date(2024, 12, 31)),
        ("6 tháng đầu năm 2024", date(2024, 1, 1), date(2024, 6, 30)),
    ],
)
def test_parse_deadline_intervals(text, start, end):
    d = parse_deadline(text, 2099)
    assert (d.start, d.end) == (start, end)
    assert d.frequency is None


def test_quarter_without_year_takes_the_document_year():
    assert parse_deadline("Quý IV", 2024) == Deadline(date(2024, 10, 1), date(2024, 12, 31))
    assert parse_deadline("Quý IV") == Deadline()


@pytest.mark.parametrize(
    "text, frequency",
    [
        ("Thường xuyên", "continuous"),
        ("Cả năm", "continuous"),
        ("Hằng năm", "yearly"),
        ("Hàng quý", "quarterly"),
        ("hằng tháng", "monthly"),
    ],
)
def test_frequencies_span_the_document_year(text, frequency):
    d = parse_deadline(text, 2024)
    assert d == Deadline(date(2024, 1, 1), date(2024, 12, 31), frequency)


def test_frequency_with_its_own_year():
    assert parse_deadline("Thường xuyên năm 2023", 2024) == Deadline(date(2023, 1, 1), date(2023, 12, 31), "continuous")


@pytest.mark.parametrize("text", ["", "Theo kế hoạch của Bộ Tài chính", "Quy chế mới"])
def test_unreadable_deadline_is_empty(text):
    assert parse_deadline(text, 2024) == Deadline()
