"""Agency cells: splitting several agencies, aliases, kinds and scope."""

import pytest

from dxkg.loaders.agencies import canonical_agency, find_agencies, parse_agency_cell


def names(cell):
    return [a.name for a in parse_agency_cell(cell)]


@pytest.mark.parametrize(
    "cell, expected",
    [
        (
            "Các sở, ban, ngành và UBND các huyện, thị xã, thành phố",
            ["Các sở, ban, ngành", "UBND các huyện, thị xã, thành phố"],
        ),
        ("Sở Thông tin và Truyền thông, Văn phòng UBND tỉnh", ["Sở Thông tin và Truyền thông", "Văn phòng UBND tỉnh"]),
        ("Sở Văn hóa, Thể thao và Du lịch", ["Sở Văn hóa, Thể thao và Du lịch"]),
        ("Sở Lao động - Thương binh và Xã hội", ["Sở Lao động - Thương binh và Xã hội"]),
        (
            "Kho bạc Nhà nước tỉnh, Cục Thuế tỉnh, VNPT Hà Nam",
            ["Kho bạc Nhà nước tỉnh", "Cục Thuế tỉnh", "VNPT Hà Nam"],
        ),
        (
            "Văn phòng UBND tỉnh, UBND thành phố Phủ Lý, Viettel Hà Nam",
            ["Văn phòng UBND tỉnh", "UBND thành phố Phủ Lý", "Viettel Hà Nam"],
        ),
        ("Sở Thông tin\nvà Truyền\nthông", ["Sở Thông tin và Truyền thông"]),
        (
            "Các sở, ban,\nngành; UBND\ncấp huyện;\nCông an tỉnh;\nVNPT Hà Nam",
            ["Các sở, ban, ngành", "UBND các huyện, thị xã, thành phố", "Công an tỉnh", "VNPT Hà Nam"],
        ),
        ("Văn phòng UBND tỉnh,<br>VNPT Hà Nam", ["Văn phòng UBND tỉnh", "VNPT Hà Nam"]),
        ("Sở TT&TT Sở Tài chính", ["Sở Thông tin và Truyền thông", "Sở Tài chính"]),
        (
            "Các Sở, Ban, ngành, UNND các huyện, thị xã, thành phố",
            ["Các sở, ban, ngành", "UBND các huyện, thị xã, thành phố"],
        ),
        (
            "Sở Thông tin và Truyền thông và các cơ quan, đơn vị liên quan",
            ["Sở Thông tin và Truyền thông", "Các cơ quan, đơn vị liên quan"],
        ),
        (
            "Các sở, ban, ngành; UBND cấp huyện, UBND cấp xã; các doanh nghiệp viễn thông",
            [
                "Các sở, ban, ngành",
                "UBND các huyện, thị xã, thành phố",
                "UBND các xã, phường, thị trấn",
                "Doanh nghiệp viễn thông",
            ],
        ),
        ("Văn phòng Đoàn ĐBQH và HĐND tỉnh", ["Văn phòng Đoàn ĐBQH và HĐND tỉnh"]),
        ("", []),
    ],
)
def test_split_cells(cell, expected):
    assert names(cell) == expected


@pytest.mark.parametrize(
    "written, canonical",
    [
        ("Sở TT&TT", "Sở Thông tin và Truyền thông"),
        ("Sở TTTT", "Sở Thông tin và Truyền thông"),
        ("Sở TT&amp;TT", "Sở Thông tin và Truyền thông"),
        ("VP UBND tỉnh", "Văn phòng UBND tỉnh"),
        ("Văn phòng Ủy ban nhân dân tỉnh", "Văn phòng UBND tỉnh"),
        ("Sở KH&ĐT", "Sở Kế hoạch và Đầu tư"),
        ("Sở KHĐT", "Sở Kế hoạch và Đầu tư"),
        ("Sở GD&ĐT", "Sở Giáo dục và Đào tạo"),
        ("Sở TN&MT", "Sở Tài nguyên và Môi trường"),
        ("Sở TNMT", "Sở Tài nguyên và Môi trường"),
        ("Sở LĐTBXH", "Sở Lao động - Thương binh và Xã hội"),
        ("Sở NN&PTNT", "Sở Nông nghiệp và Phát triển nông thôn"),
        ("Sở VHTTDL", "Sở Văn hóa, Thể thao và Du lịch"),
        ("Sở GTVT", "Sở Giao thông vận tải"),
        ("Sở KH&CN", "Sở Khoa học và Công nghệ"),
        ("UNND tỉnh", "UBND tỉnh"),
        ("Công an tỉnh Hà Nam", "Công an tỉnh"),
        ("Văn phòng Tỉnh ủy", "Văn phòng Tỉnh ủy"),
        ("Đài Phát thanh Truyền hình Hà Nam", "Đài Phát thanh và Truyền hình tỉnh"),
    ],
)
def test_aliases(written, canonical):
    assert canonical_agency(written).name == canonical


def test_alias_labels_are_given():
    assert "Sở TT&TT" in canonical_agency("Sở TTTT").aliases


@pytest.mark.parametrize(
    "written, kind, national",
    [
        ("Các sở, ban, ngành", "group", False),
        ("UBND các xã, phường, thị trấn", "group", False),
        ("Doanh nghiệp viễn thông", "group", False),
        ("Doanh nghiệp", "group", False),
        ("các cơ quan, đơn vị liên quan", "group", False),
        ("VNPT Hà Nam", "enterprise", False),
        ("Viettel Hà Nam", "enterprise", False),
        ("Bưu điện tỉnh", "enterprise", False),
        ("Sở Tư pháp", "agency", False),
        ("Kho bạc Nhà nước tỉnh", "agency", False),
        ("Cục Thuế tỉnh", "agency", False),
        ("Kho bạc Nhà nước", "agency", True),
        ("Bộ Công an", "agency", True),
        ("Văn phòng Chính phủ", "agency", True),
        ("Thủ tướng Chính phủ", "agency", True),
        ("Bộ Ngoại giao", "agency", True),
    ],
)
def test_kind_and_scope(written, kind, national):
    a = canonical_agency(written)
    assert (a.kind, a.national) == (kind, national)


def test_province_named_in_text_is_kept():
    assert canonical_agency("Công an tỉnh Hải Dương").province == "Hải Dương"
    assert canonical_agency("VNPT Hà Nam").province == "Hà Nam"


def test_find_agencies_in_running_text():
    found = find_agencies(
        "gửi Sở Thông tin và Truyền thông, Văn phòng Ủy ban nhân dân tỉnh để theo dõi; "
        "báo cáo Bộ Thông tin và Truyền thông"
    )
    assert [a.name for a in found] == [
        "Sở Thông tin và Truyền thông",
        "Văn phòng UBND tỉnh",
        "Bộ Thông tin và Truyền thông",
    ]


@pytest.mark.parametrize(
    "cell,names",
    [
        (
            "Sở TT&TT UBND các huyện, thị xã, thành phố",
            ["Sở Thông tin và Truyền thông", "UBND các huyện, thị xã, thành phố"],
        ),
        ("Sở Nội vụ Các Sở, Ban, ngành", ["Sở Nội vụ", "Các sở, ban, ngành"]),
        ("Sở TTTT Văn phòng UBND tỉnh", ["Sở Thông tin và Truyền thông", "Văn phòng UBND tỉnh"]),
        ("Sở Văn hóa, Thể thao và Du lịch", ["Sở Văn hóa, Thể thao và Du lịch"]),
        ("Ban Quản lý các Khu công nghiệp tỉnh", ["Ban Quản lý các Khu công nghiệp tỉnh"]),
    ],
)
def test_names_run_together_without_a_separator_are_split(cell, names):
    assert [a.name for a in parse_agency_cell(cell)] == names


def test_a_group_written_mid_sentence_gets_a_capitalised_canonical_name():
    [a] = parse_agency_cell("các doanh nghiệp viễn thông, internet")
    assert a.name == "Các doanh nghiệp viễn thông, internet" and a.kind == "group"
