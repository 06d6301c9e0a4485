"""A small hand-made graph in dxkg's ontology for the graph-view tests, and an XSS variant.

Two provinces (Hà Nam, Quảng Nam), national platforms, typed system links with their
source sentences and dependencies, one plan with tasks, and a legal-basis chain up to a law,
shaped as ``kg.build`` writes them. ``seeds_nquads()`` builds the real seed documents instead,
when the loaders can.
"""

from __future__ import annotations

import contextlib
import re
import threading
from pathlib import Path

import pyoxigraph as ox

from dxkg.kg.build_systems import category_iri
from dxkg.kg.derived import refresh_derived
from dxkg.kg.namespaces import DX, ID, ONTOLOGY_GRAPH, PREFIXES
from dxkg.kg.paths import ONTOLOGY_DIR
from dxkg.kg.store import EmbeddedStore

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
XSS_PAYLOAD = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>'

HEAD = "".join(f"@prefix {p}: <{iri}> .\n" for p, iri in PREFIXES.items())

# (key, scope slug, label, category notation) — scope "viet-nam" is national
SYSTEMS = [
    ("lgsp", "ha-nam", "Nền tảng tích hợp, chia sẻ dữ liệu tỉnh Hà Nam (LGSP)", "shared-platform"),
    ("tthc", "ha-nam", "Hệ thống thông tin giải quyết thủ tục hành chính tỉnh Hà Nam", "admin-procedure"),
    ("dvc", "ha-nam", "Cổng dịch vụ công tỉnh Hà Nam", "portal"),
    ("qlvb", "ha-nam", "Hệ thống quản lý văn bản và điều hành (Hà Nam)", "document-management"),
    ("ioc", "ha-nam", "Trung tâm giám sát, điều hành thông minh (IOC) (Hà Nam)", "operations-centre"),
    ("csdl-dat-dai", "ha-nam", "Cơ sở dữ liệu đất đai (Hà Nam)", "database"),
    ("ndxp", "viet-nam", "Nền tảng tích hợp, chia sẻ dữ liệu quốc gia (NDXP)", "shared-platform"),
    ("csdl-dan-cu", "viet-nam", "Cơ sở dữ liệu quốc gia về dân cư", "national-database"),
    ("dvcqg", "viet-nam", "Cổng Dịch vụ công quốc gia", "portal"),
    ("vneid", "viet-nam", "Hệ thống định danh và xác thực điện tử (VNeID)", "identity"),
    ("lgsp", "quang-nam", "Nền tảng tích hợp, chia sẻ dữ liệu tỉnh Quảng Nam (LGSP)", "shared-platform"),
    ("tthc", "quang-nam", "Hệ thống thông tin giải quyết TTHC tỉnh Quảng Nam", "admin-procedure"),
]
# (from, relation, to, depends: "ab" | "ba" | None, sentence)
LINKS = [
    (
        "ha-nam/tthc",
        "connectsTo",
        "ha-nam/lgsp",
        "ab",
        "Hệ thống giải quyết TTHC của tỉnh được kết nối với LGSP của tỉnh.",
    ),
    (
        "ha-nam/qlvb",
        "integratesWith",
        "ha-nam/lgsp",
        "ab",
        "Hệ thống QLVB&ĐH tích hợp với nền tảng LGSP để liên thông văn bản.",
    ),
    ("ha-nam/ioc", "usesDataFrom", "ha-nam/lgsp", "ab", "IOC khai thác dữ liệu từ LGSP tỉnh."),
    ("ha-nam/csdl-dat-dai", "connectsTo", "ha-nam/lgsp", "ab", "CSDL đất đai kết nối qua LGSP."),
    ("ha-nam/lgsp", "connectsTo", "viet-nam/ndxp", "ab", "LGSP tỉnh Hà Nam đã kết nối với Nền tảng NDXP."),
    ("ha-nam/dvc", "syncsWith", "viet-nam/dvcqg", "ab", "Cổng DVC tỉnh đồng bộ hồ sơ với Cổng DVC quốc gia."),
    ("ha-nam/tthc", "syncsWith", "ha-nam/dvc", None, "Hệ thống giải quyết TTHC đồng bộ với Cổng DVC tỉnh."),
    (
        "viet-nam/ndxp",
        "usesDataFrom",
        "viet-nam/csdl-dan-cu",
        "ab",
        "NDXP khai thác dữ liệu từ CSDL quốc gia về dân cư.",
    ),
    ("viet-nam/dvcqg", "integratesWith", "viet-nam/vneid", None, "Cổng DVC quốc gia tích hợp với VNeID."),
    ("quang-nam/lgsp", "connectsTo", "viet-nam/ndxp", "ab", "LGSP tỉnh Quảng Nam kết nối NDXP."),
    ("quang-nam/tthc", "connectsTo", "quang-nam/lgsp", "ab", "Hệ thống TTHC tỉnh Quảng Nam kết nối với LGSP tỉnh."),
]

DOCUMENTS = """
dxid:place/viet-nam a dx:Nation, dx:Place ; skos:prefLabel "Việt Nam"@vi ; rdfs:label "Việt Nam"@vi .
dxid:place/ha-nam a dx:Province, dx:Place ; skos:prefLabel "Hà Nam"@vi ; rdfs:label "Hà Nam"@vi ;
    schema:containedInPlace dxid:place/viet-nam .
dxid:place/quang-nam a dx:Province, dx:Place ; skos:prefLabel "Quảng Nam"@vi ; rdfs:label "Quảng Nam"@vi ;
    schema:containedInPlace dxid:place/viet-nam .
dxid:agency/viet-nam/thu-tuong-chinh-phu a dx:Agency, org:Organization ;
    skos:prefLabel "Thủ tướng Chính phủ"@vi ; rdfs:label "Thủ tướng Chính phủ"@vi ; dx:scope dxid:place/viet-nam .
dxid:agency/viet-nam/quoc-hoi a dx:Agency, org:Organization ;
    skos:prefLabel "Quốc hội"@vi ; rdfs:label "Quốc hội"@vi ; dx:scope dxid:place/viet-nam .
dxid:agency/ha-nam/ubnd-tinh-ha-nam a dx:Agency, org:Organization ;
    skos:prefLabel "Ủy ban nhân dân tỉnh Hà Nam"@vi ; rdfs:label "Ủy ban nhân dân tỉnh Hà Nam"@vi ;
    skos:altLabel "UBND tỉnh Hà Nam"@vi ; dx:scope dxid:place/ha-nam .
dxid:agency/ha-nam/tinh-uy-ha-nam a dx:Agency, org:Organization ;
    skos:prefLabel "Tỉnh ủy Hà Nam"@vi ; rdfs:label "Tỉnh ủy Hà Nam"@vi ; dx:scope dxid:place/ha-nam .
dxid:agency/ha-nam/so-thong-tin-va-truyen-thong a dx:Agency, org:Organization ;
    skos:prefLabel "Sở Thông tin và Truyền thông"@vi ; rdfs:label "Sở Thông tin và Truyền thông"@vi ;
    skos:altLabel "Sở TT&TT"@vi ; dx:scope dxid:place/ha-nam .

dxid:eli/qh/luat/2015/to-chuc-chinh-phu a dx:LegalDocument, eli:LegalResource ;
    rdfs:label "Luật Tổ chức Chính phủ"@vi ; eli:type_document code:doctype-luat ;
    eli:date_document "2015-06-19"^^xsd:date ; eli:passed_by dxid:agency/viet-nam/quoc-hoi ;
    dx:scope dxid:place/viet-nam .
dxid:eli/ttg/qd/2020/749 a dx:LegalDocument, eli:LegalResource ;
    rdfs:label "Quyết định 749/QĐ-TTg"@vi ; dx:symbol "749/QĐ-TTg" ; eli:type_document code:doctype-qd ;
    eli:date_document "2020-06-03"^^xsd:date ; eli:passed_by dxid:agency/viet-nam/thu-tuong-chinh-phu ;
    eli:title "Phê duyệt Chương trình Chuyển đổi số quốc gia đến năm 2025, định hướng đến năm 2030"@vi ;
    skos:altLabel "Quyết định số 749/QĐ/TTg"@vi ;
    dx:scope dxid:place/viet-nam ; eli:based_on dxid:eli/qh/luat/2015/to-chuc-chinh-phu .
dxid:eli/ttg/qd/2022/06 a dx:LegalDocument, eli:LegalResource ;
    rdfs:label "Quyết định 06/QĐ-TTg"@vi ; dx:symbol "06/QĐ-TTg" ; eli:type_document code:doctype-qd ;
    eli:date_document "2022-01-06"^^xsd:date ; eli:passed_by dxid:agency/viet-nam/thu-tuong-chinh-phu ;
    dx:scope dxid:place/viet-nam ; eli:based_on dxid:eli/qh/luat/2015/to-chuc-chinh-phu .
dxid:eli/tu-ha-nam/nq/2021/05 a dx:LegalDocument, eli:LegalResource ;
    rdfs:label "Nghị quyết 05-NQ/TU"@vi ; dx:symbol "05-NQ/TU" ; eli:type_document code:doctype-nq ;
    eli:date_document "2021-08-10"^^xsd:date ; eli:passed_by dxid:agency/ha-nam/tinh-uy-ha-nam ;
    dx:scope dxid:place/ha-nam ; eli:based_on dxid:eli/ttg/qd/2020/749 .
dxid:eli/ubnd-ha-nam/kh/2024/123 a dx:SourceDocument, dx:LegalDocument, eli:LegalResource ;
    rdfs:label "Kế hoạch Chuyển đổi số tỉnh Hà Nam năm 2024"@vi ; dx:symbol "123/KH-UBND" ;
    eli:type_document code:doctype-kh ; eli:date_document "2024-01-15"^^xsd:date ;
    eli:passed_by dxid:agency/ha-nam/ubnd-tinh-ha-nam ; dx:scope dxid:place/ha-nam ;
    dx:sourceFile "ke-hoach-ha-nam.txt" ;
    eli:based_on dxid:eli/ttg/qd/2020/749, dxid:eli/tu-ha-nam/nq/2021/05 ;
    dx:implements dxid:eli/ttg/qd/2020/749 .
dxid:eli/ubnd-ha-nam/kh/2024/123/appendix/phu-luc-ii a dx:Appendix ;
    rdfs:label "Phụ lục II: Danh mục nhiệm vụ"@vi ; eli:is_part_of dxid:eli/ubnd-ha-nam/kh/2024/123 .
"""

TASKS = [  # (line, title, legal basis or None, system)
    (120, "Nâng cấp Nền tảng tích hợp, chia sẻ dữ liệu tỉnh (LGSP)", "dxid:eli/ttg/qd/2022/06", "ha-nam/lgsp"),
    (121, "Xây dựng Trung tâm giám sát, điều hành thông minh (IOC)", None, "ha-nam/ioc"),
    (122, "Duy trì Hệ thống thông tin giải quyết thủ tục hành chính tỉnh", None, "ha-nam/tthc"),
]
TASK_L120 = "https://w3id.org/dxkg/id/task/ke-hoach-ha-nam/phu-luc-ii/L120"


def _trig() -> str:
    out = [HEAD, "dxid:graph/ke-hoach-ha-nam {", DOCUMENTS]
    for key, scope, label, cat in SYSTEMS:
        place = f"dxid:place/{scope}"
        out.append(
            f'dxid:system/{scope}/{key} a dx:InformationSystem ; skos:prefLabel "{label}"@vi ; '
            f'rdfs:label "{label}"@vi ; dx:systemKey "{key.upper()}" ; '
            f"dx:systemCategory <{category_iri(cat)}> ; dx:scope {place} ."
        )
    for k, (a, rel, b, dep, text) in enumerate(LINKS):
        out.append(f"dxid:system/{a} dx:{rel} dxid:system/{b} .")
        if dep:
            out.append(f"dxid:system/{a} dx:dependsOn dxid:system/{b} .")
        out.append(
            f"dxid:system-link/ke-hoach-ha-nam/{k} a dx:SystemLinkStatement ; "
            f"dx:fromSystem dxid:system/{a} ; dx:toSystem dxid:system/{b} ; dx:relation dx:{rel} ; "
            f'dx:directed {"true" if dep else "false"} ; dx:sourceText "{text}" ; '
            f'dx:sourceFile "ke-hoach-ha-nam.txt" ; dx:lineStart {40 + k} ; '
            f"prov:wasDerivedFrom dxid:eli/ubnd-ha-nam/kh/2024/123 ."
        )
    for line, title, basis, system in TASKS:
        task = f"dxid:task/ke-hoach-ha-nam/phu-luc-ii/L{line}"
        out.append(
            f'{task} a dx:Task ; rdfs:label "{title}"@vi ; dcterms:title "{title}"@vi ; '
            f"dx:partOfPlan dxid:eli/ubnd-ha-nam/kh/2024/123 ; "
            f"dx:inAppendix dxid:eli/ubnd-ha-nam/kh/2024/123/appendix/phu-luc-ii ; "
            f"dx:leadAgency dxid:agency/ha-nam/so-thong-tin-va-truyen-thong ; "
            f'dx:concernsSystem dxid:system/{system} ; dx:sourceFile "ke-hoach-ha-nam.txt" ; '
            f'dx:lineStart {line} ; dx:sourceText "{line - 119} | {title} | Sở TT&TT | 2024" .'
        )
        if basis:
            out.append(f"{task} dx:legalBasis {basis} .")
    out.append("}")
    # Turtle prefixed names cannot hold "/": write dxid:/code: references as full IRIs
    return re.sub(
        r"\b(dxid|code):([\w/-]+)", lambda m: f"<{ID}{'code/' if m[1] == 'code' else ''}{m[2]}>", "\n".join(out)
    )


def _store() -> ox.Store:
    store = ox.Store()
    for ttl in sorted(ONTOLOGY_DIR.glob("*.ttl")):
        if ttl.name != "shapes.ttl":
            store.load(path=str(ttl), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(ONTOLOGY_GRAPH))
    store.load(_trig().encode(), format=ox.RdfFormat.TRIG)
    refresh_derived(EmbeddedStore(store=store))  # as the build does
    return store


LABEL_PROPERTIES = (
    "rdfs:label",
    "skos:prefLabel",
    "skos:altLabel",
    "dx:symbol",
    "dx:sourceText",
    "eli:title",
    "dcterms:title",
)


def with_xss(store: ox.Store) -> ox.Store:
    """Every label, symbol and source sentence prefixed with markup that would run if a page
    ever inserted it as HTML."""
    payload = XSS_PAYLOAD.replace("\\", "\\\\").replace('"', '\\"')
    store.update(
        "".join(f"PREFIX {p}: <{i}>\n" for p, i in PREFIXES.items())
        + f"""
        DELETE {{ GRAPH ?g {{ ?s ?p ?o }} }} INSERT {{ GRAPH ?g {{ ?s ?p ?n }} }} WHERE {{
          VALUES ?p {{ {" ".join(LABEL_PROPERTIES)} }}
          GRAPH ?g {{ ?s ?p ?o }} FILTER(isLiteral(?o))
          BIND(IF(LANG(?o) = "", CONCAT("{payload}", STR(?o)),
                  STRLANG(CONCAT("{payload}", STR(?o)), LANG(?o))) AS ?n) }}"""
    )
    return store


def fixture_nquads(xss: bool = False) -> bytes:
    store = _store()
    return (with_xss(store) if xss else store).dump(format=ox.RdfFormat.N_QUADS)


def seeds_nquads(tmp: Path) -> bytes:
    """The seed documents built by the real pipeline (raises if the loaders cannot yet)."""
    from dxkg.kg.pipeline import build_store

    build_store([SEEDS], tmp / "seeds", validate=False, report=lambda m: None)
    return ox.Store.read_only(str(tmp / "seeds")).dump(format=ox.RdfFormat.N_QUADS)


def test_fixture_uses_only_terms_of_the_ontology():
    store = _store()
    used = {
        s["t"].value
        for s in store.query(
            f"SELECT DISTINCT ?t WHERE {{ GRAPH ?g {{ {{ ?s ?t ?o }} UNION {{ ?s a ?t }} }} "
            f"FILTER(STRSTARTS(STR(?t), '{DX}') && ?g != <{ONTOLOGY_GRAPH}>) }}"
        )
    }
    declared = {s["t"].value for s in store.query(f"SELECT ?t WHERE {{ GRAPH <{ONTOLOGY_GRAPH}> {{ ?t a ?k }} }}")}
    assert used and used <= declared, used - declared


@contextlib.contextmanager
def serving(nquads: bytes, folder: Path):
    """The whole dxkg service (``create_app``, so the graph blueprint as registered) over a
    store holding ``nquads``, on an ephemeral 127.0.0.1 port; yields the base URL."""
    from dxkg.kg.store import EmbeddedStore
    from dxkg.server.wsgi import make_server, shutdown

    store = EmbeddedStore(folder)
    store.load(nquads)
    store.close()
    app, server = make_server(str(folder), "127.0.0.1", 0, workers=2)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.effective_port}"
    finally:
        shutdown(app, server)
