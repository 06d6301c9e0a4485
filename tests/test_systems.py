"""Information systems: catalogue matching, scope, links and their direction, counts,
and the gold links of the development seeds."""

import json
import re
from pathlib import Path

import pytest

from dxkg.domain.text import fold
from dxkg.loaders.systems import find_systems, systems_in_text

SHARED = Path(__file__).resolve().parents[2] / "shared"


def keys(text, province="Hà Nam"):
    return [s.key for s in systems_in_text(text, province)]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Nền tảng tích hợp, chia sẻ dữ liệu (LGSP) tỉnh Hà Nam", ["LGSP"]),
        ("nền tảng tích hợp và chia sẻ dữ liệu dùng chung (LGSP)", ["LGSP"]),
        ("Nền tảng tích hợp, chia sẻ dữ liệu quốc gia (NGSP)", ["NDXP"]),
        ("Trung tâm Giám sát, điều hành an toàn thông tin mạng (SOC)", ["SOC"]),
        ("Trung tâm giám sát an toàn không gian mạng quốc gia", ["NCSC"]),
        ("Hệ thống giám sát, đo lường mức độ cung cấp và sử dụng dịch vụ Chính phủ số (Hệ thống EMC)", ["EMC"]),
        ("Hệ thống định danh, xác thực điện tử (VNeID)", ["VNEID"]),
        ("Cổng Dịch vụ công quốc gia", ["DVCQG"]),
        ("Hệ thống thông tin giải quyết TTHC tỉnh", ["TTHC"]),
        ("Hệ thống thông tin báo cáo tỉnh Hà Nam và Hệ thống thông tin báo cáo Chính phủ", ["BC-TINH", "BC-CP"]),
        ("trục liên thông văn bản quốc gia", ["TRUC-VB"]),
        ("Hệ thống Quản lý văn bản và điều hành của tỉnh (Qoffice)", ["QLVB"]),
        ("Cơ sở dữ liệu quốc gia về dân cư", ["CSDL-DAN-CU"]),
        ("Trung tâm Điều hành đô thị thông minh thành phố Phủ Lý", []),  # a city's centre
        ("Đề án phát triển ứng dụng dữ liệu về dân cư, định danh và xác thực điện tử", []),
        ("Sở Thông tin và Truyền thông tỉnh Sóc Trăng (cũ) vận hành SOC", ["SOC"]),  # the place is not the SOC
        ("dữ liệu của tỉnh Sóc Trăng", []),
    ],
)
def test_catalogue(text, expected):
    assert keys(text) == expected


def test_scope():
    lgsp, ngsp = systems_in_text("LGSP kết nối NGSP", "Hà Nam")
    assert (lgsp.national, lgsp.province, ngsp.national, ngsp.province) == (False, "Hà Nam", True, None)
    assert systems_in_text("Nền tảng tích hợp, chia sẻ dữ liệu tỉnh Quảng Nam", "Hà Nam")[0].province == "Quảng Nam"


def links(text, province="Hà Nam"):
    _, found = find_systems([text], "t.txt", province)
    return [(link.a.key, link.relation, link.b.key, link.directed) for link in found]


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "Duy trì LGSP tỉnh Hà Nam và kết nối với Nền tảng tích hợp, chia sẻ dữ liệu quốc gia (NGSP).",
            [("LGSP", "connects", "NDXP", False)],
        ),
        (
            "Hoàn thành kết nối Trung tâm Điều hành thông minh (IOC) tỉnh với Cơ sở dữ liệu quốc gia về dân cư.",
            [("IOC", "connects", "CSDL-DAN-CU", False)],
        ),
        (
            "Hệ thống thông tin giải quyết TTHC tỉnh tích hợp, kết nối với Cổng dịch vụ công quốc gia.",
            [("TTHC", "integrates", "DVCQG", False)],
        ),
        (
            "tài khoản trên Hệ thống thông tin giải quyết TTHC tỉnh đồng bộ với Hệ thống định danh, xác thực điện tử (VNeID)",
            [("TTHC", "syncs", "VNEID", False)],
        ),
        (
            "dữ liệu được đồng bộ, thống nhất giữa Hệ thống thông tin giải quyết TTHC của tỉnh với Cổng dịch vụ công quốc gia.",
            [("TTHC", "syncs", "DVCQG", False)],
        ),
        (
            "Trung tâm IOC khai thác dữ liệu từ Cơ sở dữ liệu quốc gia về dân cư.",
            [("IOC", "uses_data_from", "CSDL-DAN-CU", True)],
        ),
        (
            "Hệ thống thông tin giải quyết TTHC chia sẻ dữ liệu với Cổng Dịch vụ công quốc gia.",
            [("TTHC", "shares_data", "DVCQG", False)],
        ),
        ("Hệ thống thông tin giải quyết TTHC kết nối, liên thông qua LGSP.", [("TTHC", "depends_on", "LGSP", True)]),
        (
            "Duy trì hoạt động SOC tỉnh; kết nối giám sát 14 hệ thống; kết nối gần 1.000 máy tính lên "
            "Trung tâm giám sát an toàn không gian mạng quốc gia (NCSC).",
            [("SOC", "connects", "NCSC", False)],
        ),
        ("Hệ thống quản lý văn bản và điều hành được triển khai đồng bộ, gắn với thư điện tử công vụ.", []),
        ("Duy trì Hệ thống thư điện tử; Cổng Dịch vụ công quốc gia; Cơ sở dữ liệu quốc gia về dân cư.", []),
    ],
)
def test_links(text, expected):
    assert links(text) == expected


def test_links_across_wrapped_lines():
    _, found = find_systems(
        ["Kết nối Hệ thống thông tin báo cáo tỉnh với", "", "hệ thống thông tin báo cáo Chính phủ."], "t.txt", "Hà Nam"
    )
    assert [(link.a.key, link.b.key, link.span.line, link.span.end_line) for link in found] == [
        ("BC-TINH", "BC-CP", 1, 3)
    ]


@pytest.mark.parametrize(
    "text, key, count",
    [
        ("Hoàn thành kết nối, liên thông, chia sẻ dữ liệu 16 hệ thống qua LGSP.", "LGSP", 16),
        ("Trung tâm điều hành thông minh (IOC) tỉnh đã tích hợp, kết nối 10 hệ thống thông tin của các sở.", "IOC", 10),
    ],
)
def test_counts(text, key, count):
    mentions, _ = find_systems([text], "t.txt", "Hà Nam")
    assert [(m.system.key, m.count) for m in mentions] == [(key, count)]


# ---------------------------------------------------------------- seeds against the gold
def _matches(ref, sysdef):
    labels = fold(f"{ref.name} {ref.written}")
    if not re.search(sysdef["re"], labels):
        return False
    return ref.national if sysdef["scope"] == "VN" else (not ref.national and ref.province == sysdef["scope"])


def test_seed_must_links():
    path = SHARED / "gold" / "systems.json"
    if not path.exists():
        pytest.skip("../shared/gold is absent")
    gold = json.loads(path.read_text(encoding="utf-8"))
    found = {}
    for x, y, src in gold["must"]:
        if src not in found:
            lines = (SHARED / "seeds" / src).read_text(encoding="utf-8").splitlines()
            found[src] = find_systems(lines, src, "Hà Nam")[1]
        X, Y = gold["systems"][x], gold["systems"][y]
        assert any(
            (_matches(link.a, X) and _matches(link.b, Y)) or (_matches(link.a, Y) and _matches(link.b, X))
            for link in found[src]
        ), (x, y, src)


def links_of(text: str, province: str = "Lạng Sơn") -> set:
    _, links = find_systems(text.split("\n"), "t.txt", province)
    return {(k.a.name, k.a.province, k.relation, k.b.name, k.b.province, k.directed) for k in links}


@pytest.mark.parametrize(
    "verb,relation,reverse",
    [
        ("sử dụng dữ liệu của", "uses_data_from", False),
        ("nhận dữ liệu từ", "uses_data_from", False),
        ("cung cấp dữ liệu cho", "uses_data_from", True),  # the object uses the subject's data
        ("đồng bộ với", "syncs", False),
        ("tích hợp với", "integrates", False),
        ("kết nối liên thông với", "connects", False),
    ],
)
def test_link_verbs_and_their_direction(verb, relation, reverse):
    got = links_of(f"Phần mềm quản lý giáo dục của tỉnh {verb} Cơ sở dữ liệu quốc gia về dân cư.")
    a, b = ("Phần mềm quản lý giáo dục", "Lạng Sơn"), ("Cơ sở dữ liệu quốc gia về dân cư", None)
    a, b = (b, a) if reverse else (a, b)
    assert got == {(*a, relation, *b, relation == "uses_data_from")}


def test_same_kind_systems_of_two_provinces_are_linked():
    got = links_of("LGSP tỉnh Hà Nam (cũ) kết nối với LGSP tỉnh Ninh Bình.", "Ninh Bình")
    assert {(a, b) for _, a, _, _, b, _ in got} == {("Hà Nam", "Ninh Bình")}


def test_coordinated_subjects_and_objects_and_a_wrapped_object():
    got = links_of(
        "Phần mềm một cửa điện tử cấp xã và Hệ thống quản lý hộ tịch được kết nối với\nCSDL quốc gia về dân cư."
    )
    assert {(a, b) for a, _, _, b, _, _ in got} == {
        ("Phần mềm một cửa điện tử cấp xã", "Cơ sở dữ liệu quốc gia về dân cư"),
        ("Hệ thống quản lý hộ tịch", "Cơ sở dữ liệu quốc gia về dân cư"),
    }
    got = links_of(
        "Kho dữ liệu dùng chung cung cấp dữ liệu cho Cổng thông tin điện tử tỉnh và Phần mềm quản lý tài sản công."
    )
    assert {(a, b) for a, _, _, b, _, _ in got} == {
        ("Cổng thông tin điện tử tỉnh", "Kho dữ liệu dùng chung"),
        ("Phần mềm quản lý tài sản công", "Kho dữ liệu dùng chung"),
    }


def test_generic_phrases_are_not_systems():
    assert keys("Bảo đảm an toàn cho các hệ thống thông tin của tỉnh; Hệ thống thông tin được nâng cấp.") == []
    assert keys("Ứng dụng trí tuệ nhân tạo trong giải quyết thủ tục hành chính") == []


@pytest.mark.parametrize(
    "text, expected",
    [
        (  # "tiếp nhận … dữ liệu từ B": the receiver uses B's data
            "Kho dữ liệu dùng chung tiếp nhận, lưu trữ dữ liệu từ Phần mềm quản lý tài sản công.",
            ("Kho dữ liệu dùng chung", "uses_data_from", "Phần mềm quản lý tài sản công", True),
        ),
        (  # "chuyển toàn bộ X sang B": a migration, B takes in what A held
            "Phần mềm quản lý hộ tịch chuyển toàn bộ dữ liệu đăng ký khai sinh sang Kho dữ liệu dùng chung.",
            ("Phần mềm quản lý hộ tịch", "integrates", "Kho dữ liệu dùng chung", False),
        ),
        (  # "xác thực … bằng B": A cannot sign its users in without B
            "Phần mềm quản lý giáo dục xác thực tài khoản giáo viên bằng VNeID.",
            ("Phần mềm quản lý giáo dục", "depends_on", "Hệ thống định danh và xác thực điện tử (VNeID)", True),
        ),
        (
            "Cổng thông tin điện tử tỉnh xác thực người dùng qua Hệ thống định danh, xác thực điện tử.",
            ("Cổng thông tin điện tử tỉnh", "depends_on", "Hệ thống định danh và xác thực điện tử (VNeID)", True),
        ),
        (  # "đối soát … với B": A checks its records against B's
            "Phần mềm quản lý giáo dục đối soát danh sách học sinh với Cơ sở dữ liệu quốc gia về dân cư.",
            ("Phần mềm quản lý giáo dục", "uses_data_from", "Cơ sở dữ liệu quốc gia về dân cư", True),
        ),
    ],
)
def test_verbs_of_receiving_moving_authenticating_and_reconciling(text, expected):
    assert {(a, rel, b, directed) for a, _, rel, b, _, directed in links_of(text)} == {expected}


def test_a_verb_ends_the_name_before_it_and_social_words_do_not():
    """ "Hệ thống … xã hội" goes on past "xã" (not a commune there); a link verb after a name ends it."""
    assert keys("Hệ thống thông tin quản lý an sinh xã hội tỉnh đối soát hồ sơ với Kho dữ liệu dùng chung.") == [
        "he-thong-thong-tin-quan-ly-an-sinh-xa-hoi",
        "KHO-DLDC",
    ]
    assert keys("Hệ thống một cửa điện tử cấp xã kết nối với LGSP") == ["TTHC", "LGSP"]


def test_a_province_level_citys_data_centre_is_a_system_and_a_lower_citys_is_not():
    assert [(s.key, s.province) for s in systems_in_text("Trung tâm dữ liệu thành phố Hải Phòng", "Hà Nam")] == [
        ("TTDL-TINH", "Hải Phòng")
    ]
    assert keys("Trung tâm dữ liệu thành phố Phủ Lý") == []  # a city of Hà Nam
    assert [(s.key, s.province) for s in systems_in_text("Trung tâm dữ liệu thành phố Hồ Chí Minh", "Hà Nam")] == [
        ("TTDL-TINH", "Thành phố Hồ Chí Minh")
    ]
    assert keys("vận hành Trung tâm dữ liệu thành phố", "Hải Phòng") == ["TTDL-TINH"]  # the city's own
    assert keys("vận hành Trung tâm dữ liệu thành phố", "Hà Nam") == []  # a city below the province
    got = links_of("Trung tâm dữ liệu tỉnh Hải Dương (cũ) được hợp nhất vào Trung tâm dữ liệu thành phố.", "Hải Phòng")
    assert {(a, pa, rel, b, pb) for a, pa, rel, b, pb, _ in got} == {
        ("Trung tâm dữ liệu tỉnh", "Hải Dương", "integrates", "Trung tâm dữ liệu tỉnh", "Hải Phòng")
    }


def test_subjects_listed_with_their_provinces():
    got = links_of(
        "LGSP tỉnh Quảng Bình (cũ) và Kho dữ liệu dùng chung tỉnh Quảng Bình (cũ) được hợp nhất vào "
        "Kho dữ liệu dùng chung tỉnh Quảng Trị.",
        "Quảng Trị",
    )
    assert {(a[:4], pa, b[:3], pb) for a, pa, _, b, pb, _ in got} == {
        ("Nền ", "Quảng Bình", "Kho", "Quảng Trị"),
        ("Kho ", "Quảng Bình", "Kho", "Quảng Trị"),
    }


def test_a_named_system_is_written_as_far_as_its_province():
    (ref, _) = systems_in_text("Hệ thống quản lý hồ sơ sức khỏe tỉnh Hà Giang (cũ) kết nối với LGSP", "Tuyên Quang")
    assert (ref.written, ref.province) == ("Hệ thống quản lý hồ sơ sức khỏe tỉnh Hà Giang (cũ)", "Hà Giang")
    (ref,) = systems_in_text("Cơ sở dữ liệu chuyên ngành y tế tỉnh Hà Nam được cập nhật hằng ngày", "Hà Nam")
    assert ref.written == "Cơ sở dữ liệu chuyên ngành y tế tỉnh Hà Nam"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Phần mềm một cửa điện tử cấp xã đồng bộ trạng thái hồ sơ với Cổng Dịch vụ công quốc gia.", 1),
        ("Hệ thống thư điện tử đồng bộ kết quả xử lý với Hệ thống quản lý văn bản và điều hành.", 1),
        ("Hệ thống thư điện tử được triển khai đồng bộ các giải pháp với Hệ thống quản lý văn bản và điều hành.", 0),
    ],
)
def test_what_is_synchronised_may_stand_between_the_verb_and_its_object(text, expected):
    assert [rel for _, _, rel, _, _, _ in links_of(text)] == ["syncs"] * expected
