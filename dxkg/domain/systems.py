"""The information systems dxkg recognises, and the categories of the e-government
architecture framework they belong to.

Each catalogue entry is (key, canonical name, category, national, folded pattern): the
pattern is matched against accent-folded text by ``dxkg.loaders.systems``; the category is a
notation of the system-category scheme in dxkg/ontology/codelists.ttl (tests/test_domain.py
checks both agree).
"""

from __future__ import annotations

import re

# notations of the system-category scheme
SYSTEM_CATEGORIES = {
    "shared-platform",
    "national-database",
    "database",
    "data-warehouse",
    "portal",
    "citizen-app",
    "admin-procedure",
    "application",
    "document-management",
    "email",
    "reporting",
    "operations-centre",
    "security",
    "monitoring",
    "identity",
    "infrastructure",
    "data-centre",
    "network",
    "video-conference",
}
# what other systems are built on: an undirected link to one of these is a dependency on it
FOUNDATION_CATEGORIES = {"shared-platform", "national-database", "identity", "data-centre", "network"}


class UnknownCategory(ValueError):
    """A system category that is not in the scheme: a catalogue or data error, never a default."""


def check_category(notation: str) -> str:
    """``notation`` if it is a category of the scheme; otherwise UnknownCategory."""
    if notation not in SYSTEM_CATEGORIES:
        raise UnknownCategory(f"unknown system category {notation!r} (known: {', '.join(sorted(SYSTEM_CATEGORIES))})")
    return notation


# (key, canonical name, category, national, folded pattern)
CATALOGUE = [
    (
        "NDXP",
        "Nền tảng tích hợp, chia sẻ dữ liệu quốc gia (NDXP)",
        "shared-platform",
        True,
        r"\b(?:ndxp|ngsp|nsgp)\b|nen tang tich hop,? (?:va )?chia se du lieu (?:cap )?quoc gia",
    ),
    (
        "LGSP",
        "Nền tảng tích hợp, chia sẻ dữ liệu cấp tỉnh (LGSP)",
        "shared-platform",
        False,
        r"\blgsp\b|nen tang tich hop,? (?:va )?chia se du lieu(?! (?:cap )?quoc gia)(?: dung chung)?(?: cap tinh)?",
    ),
    (
        "IOC",
        "Trung tâm giám sát, điều hành thông minh (IOC)",
        "operations-centre",
        False,
        r"\bioc\b|trung tam (?:giam sat,? )?(?:va )?dieu hanh (?:do thi )?thong minh",
    ),
    (
        "SOC",
        "Trung tâm giám sát, điều hành an toàn an ninh mạng (SOC)",
        "security",
        False,
        r"\bsoc\b|trung tam giam sat,? (?:va )?dieu hanh an toan,? an ninh (?:thong tin )?mang"
        r"|trung tam giam sat,? (?:va )?dieu hanh an toan thong tin(?: mang)?",
    ),
    (
        "NCSC",
        "Trung tâm Giám sát an toàn không gian mạng quốc gia (NCSC)",
        "security",
        True,
        r"\bncsc\b|trung tam giam sat an toan khong gian mang quoc gia",
    ),
    (
        "EMC",
        "Hệ thống đo lường mức độ cung cấp và sử dụng dịch vụ số (EMC)",
        "monitoring",
        True,
        r"\bemc\b|(?:he thong )?(?:giam sat,? )?do luong muc do cung cap va su dung dich vu"
        r"(?: chinh phu so| so)?",
    ),
    (
        "VNEID",
        "Hệ thống định danh và xác thực điện tử (VNeID)",
        "identity",
        True,
        r"\bvneid\b|\bvnid\b|(?:he thong|nen tang|ung dung) dinh danh,? (?:va )?xac thuc dien tu",
    ),
    ("DVCQG", "Cổng Dịch vụ công quốc gia", "portal", True, r"cong dich vu cong quoc gia"),
    (
        "CSDL-DAN-CU",
        "Cơ sở dữ liệu quốc gia về dân cư",
        "national-database",
        True,
        r"(?:co so du lieu|csdl) quoc gia ve dan cu|(?:co so du lieu|csdl) dan cu",
    ),
    (
        "CSDL-DAT-DAI",
        "Cơ sở dữ liệu quốc gia về đất đai",
        "national-database",
        True,
        r"(?:co so du lieu|csdl) (?:quoc gia ve dat dai|dat dai quoc gia)",
    ),
    (
        "CSDL-DKDN",
        "Cơ sở dữ liệu quốc gia về đăng ký doanh nghiệp",
        "national-database",
        True,
        r"(?:co so du lieu|csdl) quoc gia ve (?:dang ky )?doanh nghiep",
    ),
    (
        "CSDL-BAO-HIEM",
        "Cơ sở dữ liệu quốc gia về bảo hiểm",
        "national-database",
        True,
        r"(?:co so du lieu|csdl) quoc gia ve bao hiem(?: xa hoi)?",
    ),
    (
        "CSDL-CBCCVC",
        "Cơ sở dữ liệu quốc gia về cán bộ, công chức, viên chức",
        "national-database",
        True,
        r"(?:co so du lieu|csdl) quoc gia ve can bo,? cong chuc,? vien chuc",
    ),
    (
        "CSDL-VBPL",
        "Cơ sở dữ liệu quốc gia về văn bản pháp luật",
        "national-database",
        True,
        r"(?:co so du lieu|csdl) quoc gia ve van ban (?:quy pham )?phap luat",
    ),
    ("TRUC-VB", "Trục liên thông văn bản quốc gia", "shared-platform", True, r"truc lien thong van ban quoc gia"),
    (
        "TTHC",
        "Hệ thống thông tin giải quyết thủ tục hành chính",
        "admin-procedure",
        False,
        r"he thong (?:thong tin )?giai quyet (?:thu tuc hanh chinh|tthc)(?! (?:tap trung|cap bo))"
        r"|he thong (?:thong tin )?mot cua dien tu|cong dich vu cong (?:cua |cap )?tinh",
    ),
    (
        "BC-CP",
        "Hệ thống thông tin báo cáo Chính phủ",
        "reporting",
        True,
        r"he thong (?:thong tin )?bao cao (?:cua )?(?:chinh phu|quoc gia)",
    ),
    (
        "BC-TINH",
        "Hệ thống thông tin báo cáo tỉnh",
        "reporting",
        False,
        r"he thong (?:thong tin )?bao cao(?! (?:cua )?(?:chinh phu|quoc gia))"
        r"(?: (?:phat trien )?(?:kinh te - xa hoi|ktxh))?(?: (?:cua )?tinh)?",
    ),
    (
        "CONG-TTDT",
        "Cổng thông tin điện tử tỉnh",
        "portal",
        False,
        r"cong (?:thong tin dien tu|ttdt)(?! (?:chinh phu|cua bo|cap huyen|thanh phan))(?: (?:cua |cap )?tinh)?",
    ),
    ("KHO-DLDC", "Kho dữ liệu dùng chung", "data-warehouse", False, r"kho du lieu dung chung"),
    (
        "QLVB",
        "Hệ thống quản lý văn bản và điều hành",
        "document-management",
        False,
        r"(?:he thong|phan mem) quan ly van ban (?:va )?dieu hanh|\bqoffice\b|\beoffice\b",
    ),
    (
        "THU-DIEN-TU",
        "Hệ thống thư điện tử công vụ",
        "email",
        False,
        r"he thong thu dien tu(?: cong vu)?|thu dien tu cong vu",
    ),
    (
        "TTDL-TINH",
        "Trung tâm dữ liệu tỉnh",
        "data-centre",
        False,
        r"trung tam (?:tich hop )?du lieu (?:cua |cap )?tinh|trung tam (?:tich hop )?du lieu(?= (?:cua )?thanh pho\b)",
    ),
    (
        "HNTH",
        "Hệ thống hội nghị truyền hình trực tuyến",
        "video-conference",
        False,
        r"(?:he thong )?hoi nghi truyen hinh(?: truc tuyen)?|he thong giao ban truc tuyen",
    ),
    (
        "TSLCD",
        "Mạng truyền số liệu chuyên dùng",
        "network",
        False,
        r"mang (?:truyen )?so lieu chuyen dung|duong truyen so lieu chuyen dung",
    ),
    (
        "APP-CDS",
        "Ứng dụng công dân số tỉnh",
        "citizen-app",
        False,
        r"(?:he thong )?ung dung \(app\) cong dan so|\bapp cong dan so|ung dung cong dan so",
    ),
]


# ---------------------------------------------------------------- systems outside the catalogue
# Head words of a system's name (folded), and the category a name with that head falls in
# unless a keyword says otherwise. A head's qualifier ("Trung tâm dữ liệu", "Cổng thông
# tin") is required where the bare head also names agencies or common nouns.
SYSTEM_HEADS = {
    "he thong": "application",
    "nen tang": "shared-platform",
    "co so du lieu": "database",
    "csdl": "database",
    "kho du lieu": "data-warehouse",
    "cong thong tin": "portal",
    "cong dich vu": "portal",
    "cong du lieu": "portal",
    "phan mem": "application",
    "ung dung": "application",
    "trung tam du lieu": "data-centre",
    "trung tam giam sat": "operations-centre",
    "trung tam dieu hanh": "operations-centre",
}
# (folded keyword pattern, category): the first that matches a recognised name decides
CATEGORY_KEYWORDS = [
    (r"\bmot cua\b|thu tuc hanh chinh|dich vu cong", "admin-procedure"),
    (r"dinh danh|xac thuc|chu ky so|chung thuc", "identity"),
    (r"an toan thong tin|an ninh mang", "security"),
    (r"camera|giam sat", "monitoring"),
    (r"quan ly van ban|dieu hanh tac nghiep", "document-management"),
    (r"thu dien tu", "email"),
    (r"bao cao", "reporting"),
    (r"hoi nghi truyen hinh", "video-conference"),
    (r"cong dan|nguoi dan", "citizen-app"),
]


def guess_category(folded_name: str, national: bool) -> str:
    """The category of a system named outside the catalogue, from its head and keywords."""
    for pattern, category in CATEGORY_KEYWORDS:
        if re.search(pattern, folded_name):
            return category
    head = max((h for h in SYSTEM_HEADS if folded_name.startswith(h)), key=len, default=None)
    category = SYSTEM_HEADS.get(head or "", "application")
    return "national-database" if category == "database" and national else category
