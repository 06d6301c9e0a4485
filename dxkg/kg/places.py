"""Provinces, the nation, and the 2025 reorganisation as dated facts.

The plans predate the 2025 mergers; a document's province stays as the document wrote
it. The mergers (Nghị quyết 202/2025/QH15 of 12/06/2025, effective 01/07/2025: 63 → 34
provinces) and the merger of each Sở Thông tin và Truyền thông into the Sở Khoa học và
Công nghệ (effective 01/03/2025) are recorded as separate ``dx:AdministrativeChange``
events, so a query can follow a province or agency to its successor without anything
the documents said being overwritten.
"""

from __future__ import annotations

from datetime import date

from dxkg.loaders.text import PROVINCES_2008

PROVINCE_MERGER_DATE = date(2025, 7, 1)
PROVINCE_MERGER_ACT = "202/2025/QH15"
AGENCY_MERGER_DATE = date(2025, 3, 1)

# resulting province: the provinces merged into it (itself included when it kept its name)
MERGERS_2025 = {
    "Tuyên Quang": ["Tuyên Quang", "Hà Giang"],
    "Lào Cai": ["Lào Cai", "Yên Bái"],
    "Thái Nguyên": ["Thái Nguyên", "Bắc Kạn"],
    "Phú Thọ": ["Phú Thọ", "Vĩnh Phúc", "Hòa Bình"],
    "Bắc Ninh": ["Bắc Ninh", "Bắc Giang"],
    "Hưng Yên": ["Hưng Yên", "Thái Bình"],
    "Hải Phòng": ["Hải Phòng", "Hải Dương"],
    "Ninh Bình": ["Ninh Bình", "Hà Nam", "Nam Định"],
    "Quảng Trị": ["Quảng Trị", "Quảng Bình"],
    "Đà Nẵng": ["Đà Nẵng", "Quảng Nam"],
    "Quảng Ngãi": ["Quảng Ngãi", "Kon Tum"],
    "Gia Lai": ["Gia Lai", "Bình Định"],
    "Khánh Hòa": ["Khánh Hòa", "Ninh Thuận"],
    "Lâm Đồng": ["Lâm Đồng", "Đắk Nông", "Bình Thuận"],
    "Đắk Lắk": ["Đắk Lắk", "Phú Yên"],
    "Thành phố Hồ Chí Minh": ["Thành phố Hồ Chí Minh", "Bình Dương", "Bà Rịa - Vũng Tàu"],
    "Đồng Nai": ["Đồng Nai", "Bình Phước"],
    "Tây Ninh": ["Tây Ninh", "Long An"],
    "Cần Thơ": ["Cần Thơ", "Sóc Trăng", "Hậu Giang"],
    "Vĩnh Long": ["Vĩnh Long", "Bến Tre", "Trà Vinh"],
    "Đồng Tháp": ["Đồng Tháp", "Tiền Giang"],
    "Cà Mau": ["Cà Mau", "Bạc Liêu"],
    "An Giang": ["An Giang", "Kiên Giang"],
    "Huế": ["Thừa Thiên Huế"],
}
UNCHANGED_2025 = [
    "Hà Nội",
    "Lai Châu",
    "Điện Biên",
    "Sơn La",
    "Lạng Sơn",
    "Quảng Ninh",
    "Thanh Hóa",
    "Nghệ An",
    "Hà Tĩnh",
    "Cao Bằng",
]


def provinces_after_2025() -> list[str]:
    return sorted(set(MERGERS_2025) | set(UNCHANGED_2025))


def all_provinces() -> list[str]:
    return sorted(set(PROVINCES_2008) | set(provinces_after_2025()))
