"""Legal references: citation forms, typos, scope, dates, issuers, relations, negatives,
and the gold of the development seeds."""

import json
from datetime import date
from pathlib import Path

import pytest

from dxkg.loaders.records import Span
from dxkg.loaders.references import canonical_symbol, find_references, refs_in_text

SHARED = Path(__file__).resolve().parents[2] / "shared"
SPAN = Span("t.txt", 1, 1)


def refs(text, province="Hà Nam"):
    return refs_in_text(text, SPAN, province)


def one(text, province="Hà Nam"):
    found = refs(text, province)
    assert len(found) == 1, found
    return found[0]


# ---------------------------------------------------------------- citation forms
@pytest.mark.parametrize(
    "text, symbol, type_code, issuer, year",
    [
        ("Quyết định số 749/QĐ-TTg ngày 03/6/2020", "749/QĐ-TTg", "QĐ", "TTg", 2020),
        ("Nghị định số 47/2020/NĐ-CP", "47/2020/NĐ-CP", "NĐ", "CP", 2020),
        ("Thông tư số 21/2023/TT-BTTTT", "21/2023/TT-BTTTT", "TT", "BTTTT", 2023),
        ("Nghị quyết số 24-NQ/TU ngày 25/4/2022 của Tỉnh ủy", "24-NQ/TU", "NQ", "TU", 2022),
        ("Công văn số 3816/BTTTT-CĐSQG ngày 14/09/2024", "3816/BTTTT-CĐSQG", "CV", "BTTTT", 2024),
        ("văn bản số 1276/STTTT-TTBCXB", "1276/STTTT-TTBCXB", "CV", "STTTT", None),
        ("Chương trình hành động số 135-CTr/TU", "135-CTr/TU", "CTr", "TU", None),
        ("Tờ trình số 365/TTr-STTTT ngày 25/12/2023", "365/TTr-STTTT", "TTr", "STTTT", 2023),
        ("Kế hoạch hành động số 2358/KH-UBND", "2358/KH-UBND", "KH", "UBND", None),
        ("Chỉ thị 14/CT-TTg", "14/CT-TTg", "CT", "TTg", None),
        ("Luật Giao dịch điện tử số 20/2023/QH15", "20/2023/QH15", "Luật", "QH15", 2023),
    ],
)
def test_citation_forms(text, symbol, type_code, issuer, year):
    r = one(text)
    assert (r.symbol, r.type_code, r.issuer_code, r.year) == (symbol, type_code, issuer, year)


def test_law_by_name_and_date_has_title_and_no_symbol():
    r = one("Căn cứ Luật Giao dịch điện tử ngày 22 tháng 6 năm 2023;")
    assert r.symbol is None and r.number is None
    assert (r.type_code, r.title, r.date, r.national) == ("Luật", "Luật Giao dịch điện tử", date(2023, 6, 22), True)


def test_law_by_name_with_symbol_keeps_title():
    assert one("Luật Giao dịch điện tử số 20/2023/QH15").title == "Luật Giao dịch điện tử"


# ---------------------------------------------------------------- typo families
@pytest.mark.parametrize(
    "written, canonical",
    [
        ("749/QĐ/TTg", "749/QĐ-TTg"),
        ("749/QĐ-TTg", "749/QĐ-TTg"),
        ("17/QĐ-UBQGČĐS", "17/QĐ-UBQGCĐS"),
        ("17/QĐ-UBQGCS", "17/QĐ-UBQGCĐS"),
        ("17/QĐ-UBQGCD&amp;S", "17/QĐ-UBQGCĐS"),
        ("Nghị quyết 06/TU", "06-NQ/TU"),
        ("24/NQ-TU", "24-NQ/TU"),
        ("57-NQ/TƯ", "57-NQ/TW"),
        ("6/QĐ-TTg", "06/QĐ-TTg"),
        ("Kế hoạch số 4438/QĐ-UBND", "4438/KH-UBND"),
        ("1234/QD-UBND", "1234/QĐ-UBND"),
        ("không có số hiệu", None),
    ],
)
def test_canonical_symbol(written, canonical):
    assert canonical_symbol(written) == canonical


def test_type_word_wins_and_written_form_is_kept():
    r = one("Kế hoạch số 4438/QĐ-UBND ngày 06/7/2023 của UBND tỉnh")
    assert (r.symbol, r.type_code, r.written) == ("4438/KH-UBND", "KH", "4438/QĐ-UBND")


def test_lowercase_common_noun_does_not_override_the_type():
    assert one("theo quy định 12/QĐ-UBND").symbol == "12/QĐ-UBND"


def test_national_committee_named_in_words_repairs_provincial_code():
    r = one("Quyết định số 17/QĐ-UBND ngày 04/4/2023 của Ủy ban Quốc gia về chuyển đổi số")
    assert r.national and r.symbol == "17/QĐ-UBQGCĐS" and r.province is None


def test_truncated_decree_symbol_is_completed():
    assert one("theo quy định tại Nghị định số 42/2022/NĐ-").symbol == "42/2022/NĐ-CP"


# ---------------------------------------------------------------- scope
@pytest.mark.parametrize(
    "text, national, province",
    [
        ("Quyết định 749/QĐ-TTg", True, None),
        ("Nghị quyết 82/NQ-CP", True, None),
        ("Quyết định 473/QĐ-BTTTT", True, None),
        ("Quyết định 876/QĐ-BNV", True, None),
        ("Nghị quyết số 57-NQ/TW của Bộ Chính trị", True, None),
        ("Quyết định 17/QĐ-UBQGCĐS", True, None),
        ("Quyết định 1516/QĐ-UBND", False, "Hà Nam"),
        ("Nghị quyết 33/NQ-HĐND", False, "Hà Nam"),
        ("Nghị quyết 24-NQ/TU", False, "Hà Nam"),
        ("Kế hoạch số 635/KH-UBND ngày 11/3/2022 của UBND tỉnh Hải Dương về việc", False, "Hải Dương"),
    ],
)
def test_scope(text, national, province):
    r = one(text)
    assert (r.national, r.province) == (national, province)


# ---------------------------------------------------------------- dates, issuer, subject
@pytest.mark.parametrize(
    "text, expected",
    [
        ("Quyết định số 749/QĐ/TTg Ngày 03/6/2020 của Thủ tướng", date(2020, 6, 3)),
        ("Nghị định số 42/2022/NĐ-CP ngày 24 tháng 6 năm 2022 của Chính phủ", date(2022, 6, 24)),
        ("Quyết định số 942/QĐ-TTg, ngày 15/6/2021 của Thủ tướng", date(2021, 6, 15)),
        ("Ngày 25/6/2021, UBND tỉnh ban hành Kế hoạch hành động số 2358/KH-UBND về", date(2021, 6, 25)),
        ("Quyết định số 1/QĐ-UBND ngày 31/11/2024", None),
    ],
)
def test_dates(text, expected):
    r = one(text)
    assert r.date == expected
    assert r.year == (expected.year if expected else None)


@pytest.mark.parametrize(
    "text, issuer, subject",
    [
        (
            "Quyết định số 749/QĐ-TTg ngày 03/6/2020 của Thủ tướng Chính phủ ban hành Chương trình chuyển đổi số quốc gia.",
            "Thủ tướng Chính phủ",
            "ban hành Chương trình chuyển đổi số quốc gia",
        ),
        (
            "Công văn số 3816/BTTTT-CĐSQG ngày 14/09/2024 của Bộ Thông tin và Truyền thông về việc hướng dẫn xây dựng kế hoạch;",
            "Bộ Thông tin và Truyền thông",
            "về việc hướng dẫn xây dựng kế hoạch",
        ),
        (
            "Quyết định số 1516/QĐ-UBND ngày 09/8/2022 của Ủy ban nhân dân tỉnh phê duyệt Đề án chuyển đổi số.",
            "Ủy ban nhân dân tỉnh",
            "phê duyệt Đề án chuyển đổi số",
        ),
        (
            "Nghị quyết số 04-NQ/TU ngày 12/4/2021 của Ban Thường vụ Tỉnh ủy về chuyển đổi số.",
            "Ban Thường vụ Tỉnh ủy",
            "về chuyển đổi số",
        ),
        (
            "Quyết định số 531/QĐ-UBND ngày 17/3/2023 của UBND tỉnh Ban hành mô hình mạng nội bộ;",
            "UBND tỉnh",
            "Ban hành mô hình mạng nội bộ",
        ),
        (  # a former province's issuer: "(cũ)" belongs to the issuer, not to the subject
            "Kế hoạch số 61/KH-UBND ngày 02/3/2025 của UBND tỉnh Bắc Kạn (cũ) về phát triển kinh tế số.",
            "UBND tỉnh Bắc Kạn",
            "về phát triển kinh tế số",
        ),
    ],
)
def test_issuer_and_subject(text, issuer, subject):
    r = one(text)
    assert (r.issuer_name, r.subject) == (issuer, subject)


def test_coordinated_documents_share_the_issuer():
    a, b = refs(
        "Quyết định số 1034/QĐ-BTTTT ngày 21/7/2021 và Quyết định số 350/QĐ-BTTTT ngày 24/02/2022 "
        "của Bộ trưởng Bộ Thông tin và Truyền thông"
    )
    assert a.issuer_name == b.issuer_name == "Bộ trưởng Bộ Thông tin và Truyền thông"


# ---------------------------------------------------------------- negatives
@pytest.mark.parametrize(
    "text",
    [
        "Hệ thống cung cấp 1.714 bộ thủ tục",
        "hỗ trợ 24/7",
        "ngày 03/6/2020",
        "liên hệ 0235.1022",
        "đạt 85,2%",
        "hoàn thành Quý IV/2025",
        "giai đoạn 2024-2025",
        "12/12 huyện",
        "xếp thứ 9/63 tỉnh",
        "Mẫu số 01/ĐK-TCT",
        "mạng 3G/4G",
        "86 thuê bao/100 dân",
        "Triển khai Đề án 06",
        "theo Đề án 06/CP",
        "Kế hoạch số /KH-UBND ngày /6/2023",
        "theo Luật Đầu tư công và Luật Ngân sách Nhà nước",
    ],
)
def test_not_references(text):
    assert refs(text) == []


# ---------------------------------------------------------------- document structure
PLAN = """ỦY BAN NHÂN DÂN TỈNH HÀ NAM
Số: 123/KH-UBND
KẾ HOẠCH
Căn cứ Nghị định số 42/2022/NĐ-CP ngày 24 tháng 6 năm 2022 của Chính phủ quy định việc cung cấp dịch vụ công;
Quyết định số 766/QĐ-TTg ngày 23 tháng 6 năm 2022 của Thủ tướng Chính phủ về phê duyệt Bộ chỉ số,
Theo đề nghị của Sở Thông tin và Truyền thông tại Tờ trình số 365/TTr-STTTT ngày 25/12/2023;
Ủy ban nhân dân tỉnh ban hành Kế hoạch với những nội dung như sau:
I. MỤC ĐÍCH
Thực hiện Quyết định số 06/QĐ-TTg của Thủ tướng Chính phủ, triển khai Kế hoạch số 123/KH-UBND này.
II. CĂN CỨ PHÁP LÝ
Quyết định số 411/QĐ-TTg, ngày 31/3/2022 của Thủ tướng Chính phủ phê duyệt Chiến lược.
1. Quyết định số 1587/QĐ-UBND ngày 31/7/2023 của UBND tỉnh về triển khai thực hiện Nghị quyết số 33/NQ-HĐND ngày 17/9/2020 của HĐND tỉnh.
III. NHIỆM VỤ
\tNâng cấp theo Thông tư số 21/2023/TT-BTTTT ngày 31/12/2023\tSở Thông tin và Truyền thông
Phụ lục I
(Kèm theo Kế hoạch số /KH-UBND ngày /6/2023 của UBND tỉnh Hà Nam)
""".splitlines()


@pytest.fixture(scope="module")
def plan():
    return find_references(PLAN, "plan.txt", "Hà Nam", None)


def _by_symbol(found):
    return {r.symbol: r for r in found}


def test_basis_preamble_and_section(plan):
    found = _by_symbol(plan[0])
    assert found["42/2022/NĐ-CP"].relation == "based_on" and found["42/2022/NĐ-CP"].context == "basis"
    assert found["766/QĐ-TTg"].relation == "based_on"  # basis item without "Căn cứ"
    assert found["411/QĐ-TTg"].relation == "based_on"  # section "CĂN CỨ PHÁP LÝ"
    assert found["1587/QĐ-UBND"].relation == "based_on"
    assert found["33/NQ-HĐND"].relation == "cites"  # named inside the basis item


def test_proposed_by_and_cites(plan):
    found = _by_symbol(plan[0])
    assert found["365/TTr-STTTT"].relation == "proposed_by"
    assert (found["06/QĐ-TTg"].relation, found["06/QĐ-TTg"].context) == ("cites", "body")
    assert (found["21/2023/TT-BTTTT"].relation, found["21/2023/TT-BTTTT"].context) == ("cites", "table")


def test_own_symbol_and_blank_self_reference_are_skipped(plan):
    assert "123/KH-UBND" not in _by_symbol(plan[0])
    assert all(r.symbol for r in plan[0])


def test_spans_point_at_lines(plan):
    assert _by_symbol(plan[0])["411/QĐ-TTg"].span.line == 11


# ---------------------------------------------------------------- relations between documents
@pytest.mark.parametrize(
    "text, triples",
    [
        (
            "Nghị quyết số 17/NQ-HĐND ngày 12/7/2023 sửa đổi Điều 2 Nghị quyết số 33/NQ-HĐND ngày 17/9/2020",
            [("17/NQ-HĐND", "amends", "33/NQ-HĐND")],
        ),
        (
            "Quyết định số 1587/QĐ-UBND ngày 31/7/2023 của UBND tỉnh về triển khai thực hiện Nghị quyết số 33/NQ-HĐND "
            "ngày 17/9/2020 của HĐND tỉnh về Đề án X và Nghị quyết số 17/NQ-HĐND ngày 12/7/2023 của HĐND tỉnh",
            [("1587/QĐ-UBND", "implements", "33/NQ-HĐND"), ("1587/QĐ-UBND", "implements", "17/NQ-HĐND")],
        ),
        (
            "Quyết định số 12/QĐ-UBND ngày 01/02/2024 thay thế Quyết định số 3069/QĐ-UBND ngày 25/10/2021",
            [("12/QĐ-UBND", "replaces", "3069/QĐ-UBND")],
        ),
        ("Quyết định số 5/QĐ-UBND phê duyệt Đề án số 12/ĐA-UBND", [("05/QĐ-UBND", "approves", "12/ĐA-UBND")]),
        ("Kế hoạch số 7/KH-UBND căn cứ Quyết định số 749/QĐ-TTg", [("07/KH-UBND", "based_on", "749/QĐ-TTg")]),
        (
            "Chương trình hành động số 135-CTr/TU thực hiện Nghị quyết số 57-NQ/TW",
            [("135-CTr/TU", "implements", "57-NQ/TW")],
        ),
        ("Quyết định số 1/QĐ-UBND ngày 02/01/2024; Quyết định số 2/QĐ-UBND", []),
    ],
)
def test_doc_relations(text, triples):
    _, rels = find_references(["Phần I", text], "t.txt", "Hà Nam", None)
    assert [(r.subject.symbol, r.relation, r.object.symbol) for r in rels] == triples


# ---------------------------------------------------------------- seeds against the gold
def _gold():
    path = SHARED / "gold" / "legal_refs.json"
    if not path.exists():
        pytest.skip("../shared/gold is absent")
    return json.loads(path.read_text(encoding="utf-8"))


def _key(r):
    return f"{r.symbol}@{'VN' if r.national else r.province}"


@pytest.mark.parametrize("src", ["000_b71886f16e479bdf.txt", "002_0d782b21a35b84db.txt"])
def test_seed_mentions_and_basis(src):
    gold = _gold()["sources"][src]
    lines = (SHARED / "seeds" / src).read_text(encoding="utf-8").splitlines()
    found, _ = find_references(lines, src, gold["province"], None)
    keys = {_key(r) for r in found}
    assert keys == set(gold["mentions"])
    assert {_key(r) for r in found if r.relation == "based_on"} >= set(gold["basis"])


def test_seed_same_node_spellings_resolve_to_one_symbol():
    for item in _gold()["same_node"]:
        for written in item.get("written_as", []):
            assert canonical_symbol(written) == item["key"].split("@")[0]


def test_seed_dates():
    gold = _gold()
    for src in gold["sources"]:
        lines = (SHARED / "seeds" / src).read_text(encoding="utf-8").splitlines()
        found, _ = find_references(lines, src, gold["sources"][src]["province"], None)
        for r in found:
            want = gold["dates"].get(_key(r))
            if want and r.date:
                assert r.date.isoformat() == want, r


def test_seed_003_implements_relation():
    path = SHARED / "seeds" / "003_2b8758fcb395133d.txt"
    if not path.exists():
        pytest.skip("../shared/seeds is absent")
    _, rels = find_references(path.read_text(encoding="utf-8").splitlines(), path.name, "Quảng Nam", None)
    triples = {(r.subject.symbol, r.relation, r.object.symbol) for r in rels}
    assert ("1587/QĐ-UBND", "implements", "33/NQ-HĐND") in triples
    assert ("17/NQ-HĐND", "amends", "33/NQ-HĐND") in triples


# ---------------------------------------------------------------- basis under a part's own title line
def test_a_part_printed_alone_takes_its_title_from_the_next_line():
    lines = """ĐỀ ÁN
Chuyển đổi số ngành giáo dục
PHẦN THỨ NHẤT
CĂN CỨ PHÁP LÝ VÀ THỰC TIỄN
Đề án được xây dựng trên cơ sở Quyết định số 131/QĐ-TTg ngày 25/01/2022 của Thủ tướng Chính phủ.
PHẦN THỨ HAI
NỘI DUNG
Thực hiện theo Thông tư số 37/2020/TT-BGDĐT ngày 05/10/2020 của Bộ Giáo dục và Đào tạo.
""".splitlines()
    found = _by_symbol(find_references(lines, "d.txt", "Bắc Ninh", None)[0])
    assert found["131/QĐ-TTg"].relation == "based_on"
    assert found["37/2020/TT-BGDĐT"].relation == "cites"  # the next part is not about the basis


# ---------------------------------------------------------------- a law named again by its title
def test_a_law_named_again_by_its_title_takes_part_in_a_relation():
    lines = [
        "Căn cứ Luật Thống kê ngày 23 tháng 11 năm 2015, Nghị định số 94/2016/NĐ-CP ngày 01/7/2016 của Chính phủ "
        "quy định chi tiết và hướng dẫn thi hành một số điều của Luật Thống kê;",
        "Phần I",
        "Luật Thống kê là công cụ.",
    ]
    refs_, rels = find_references(lines, "t.txt", "Hà Nam", None)
    assert [(r.subject.symbol, r.relation, r.object.title, r.object.date) for r in rels] == [
        ("94/2016/NĐ-CP", "implements", "Luật Thống kê", date(2015, 11, 23))
    ]
    # the law stays one reference: named again, it is neither a new document nor a new citation
    assert [(r.title, r.relation) for r in refs_ if r.type_code == "Luật"] == [("Luật Thống kê", "based_on")]
    _, rels = find_references(["Nghị định số 94/2016/NĐ-CP hướng dẫn thi hành Luật Thống kê."], "t.txt", None, None)
    assert rels == []  # without a dated mention nothing identifies the law
    other_line = [
        "Căn cứ Luật Thống kê ngày 23 tháng 11 năm 2015;",
        "Nghị định số 94/2016/NĐ-CP thi hành Luật Thống kê.",
    ]
    _, rels = find_references(other_line, "t.txt", None, None)
    assert rels == []  # nor one in another sentence: a title may name two enactments of a law


# ---------------------------------------------------------------- the issuer of a relation's object
def test_a_local_document_acted_on_by_a_former_provinces_document_is_that_provinces():
    lines = [
        "Phần I",
        "Quyết định số 55/QĐ-UBND ngày 10/3/2025 của UBND tỉnh Bắc Giang (cũ) sửa đổi Quyết định số 1020/QĐ-UBND "
        "ngày 02/8/2023 về danh mục thủ tục hành chính; Quyết định số 77/QĐ-UBND ngày 02/4/2025 bãi bỏ Quyết định "
        "số 1021/QĐ-UBND.",
    ]
    refs_, rels = find_references(lines, "t.txt", "Bắc Ninh", None)
    scope = {r.symbol: r.province for r in refs_}
    assert scope["1020/QĐ-UBND"] == "Bắc Giang"  # amended by Bắc Giang's decision: Bắc Giang's own
    assert scope["1021/QĐ-UBND"] == "Bắc Ninh"  # the repealing decision names no issuer either
    assert [(r.subject.symbol, r.relation, r.object.symbol) for r in rels] == [
        ("55/QĐ-UBND", "amends", "1020/QĐ-UBND"),
        ("77/QĐ-UBND", "repeals", "1021/QĐ-UBND"),
    ]
