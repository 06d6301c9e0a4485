"""Provinces (63 before the 2025 merger, 34 after), the nation, and the 2025 reorganisation as dated facts.

The plans predate the 2025 mergers; a document's province stays as the document wrote
it. The mergers (Nghị quyết 202/2025/QH15 of 12/06/2025, effective 01/07/2025: 63 → 34
provinces) and the merger of each Sở Thông tin và Truyền thông into the Sở Khoa học và
Công nghệ (effective 01/03/2025) are recorded as separate ``dx:AdministrativeChange``
events, so a query can follow a province or agency to its successor without anything
the documents said being overwritten.
"""

from __future__ import annotations

from datetime import date

# Provinces and centrally-run cities as named before 1 July 2025 (the plans predate it),
# plus those created by the 2025 merger that did not exist before.
PROVINCES_2008 = [
    "An Giang",
    "Bà Rịa - Vũng Tàu",
    "Bắc Giang",
    "Bắc Kạn",
    "Bạc Liêu",
    "Bắc Ninh",
    "Bến Tre",
    "Bình Định",
    "Bình Dương",
    "Bình Phước",
    "Bình Thuận",
    "Cà Mau",
    "Cần Thơ",
    "Cao Bằng",
    "Đà Nẵng",
    "Đắk Lắk",
    "Đắk Nông",
    "Điện Biên",
    "Đồng Nai",
    "Đồng Tháp",
    "Gia Lai",
    "Hà Giang",
    "Hà Nam",
    "Hà Nội",
    "Hà Tĩnh",
    "Hải Dương",
    "Hải Phòng",
    "Hậu Giang",
    "Hòa Bình",
    "Hưng Yên",
    "Khánh Hòa",
    "Kiên Giang",
    "Kon Tum",
    "Lai Châu",
    "Lâm Đồng",
    "Lạng Sơn",
    "Lào Cai",
    "Long An",
    "Nam Định",
    "Nghệ An",
    "Ninh Bình",
    "Ninh Thuận",
    "Phú Thọ",
    "Phú Yên",
    "Quảng Bình",
    "Quảng Nam",
    "Quảng Ngãi",
    "Quảng Ninh",
    "Quảng Trị",
    "Sóc Trăng",
    "Sơn La",
    "Tây Ninh",
    "Thái Bình",
    "Thái Nguyên",
    "Thanh Hóa",
    "Thừa Thiên Huế",
    "Tiền Giang",
    "Thành phố Hồ Chí Minh",
    "Trà Vinh",
    "Tuyên Quang",
    "Vĩnh Long",
    "Vĩnh Phúc",
    "Yên Bái",
]
PROVINCES_2025_NEW = ["Huế"]  # Thừa Thiên Huế became the city of Huế (2025)


# Centrally-run cities: their people's committee is "Ủy ban nhân dân thành phố …".
CITIES = {"Hà Nội", "Hải Phòng", "Đà Nẵng", "Cần Thơ", "Thành phố Hồ Chí Minh", "Huế"}

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


# 2025-03-01: the departments and the ministry of information and communications merged into
# those of science and technology (the name a successor carries, by the name before)
AGENCY_MERGERS_2025 = {
    "Sở Thông tin và Truyền thông": "Sở Khoa học và Công nghệ",
    "Bộ Thông tin và Truyền thông": "Bộ Khoa học và Công nghệ",
}


def province_after_2025(province: str) -> str:
    """The province a province became on 2025-07-01 (itself when it was not merged away)."""
    return next((result for result, parts in MERGERS_2025.items() if province in parts), province)


# 2025-07-01: the district level ended; its people's committees' duties went to the communes'
DISTRICT_LEVEL_ENDED = {"UBND các huyện, thị xã, thành phố": "UBND các xã, phường, thị trấn"}
