"""Records → RDF: IRIs, resolution with scope, provenance, named graphs, named queries.

These tests build graphs from hand-made records, so they check the builder alone,
whatever the loaders do.
"""

from datetime import date
from decimal import Decimal

import pyoxigraph as ox
import pytest

from dxkg.kg import iris, queries
from dxkg.kg.build import Builder
from dxkg.kg.derived import refresh_derived
from dxkg.kg.namespaces import DX
from dxkg.kg.rdf import RDFS, XSD, GraphWriter, vi
from dxkg.kg.store import EmbeddedStore
from dxkg.loaders.records import (
    AgencyRef,
    Budget,
    Deadline,
    Header,
    LegalRef,
    ParsedDocument,
    Span,
    SystemLink,
    SystemRef,
    Task,
)


def ref(
    written,
    symbol,
    type_code,
    number,
    *,
    issuer,
    national,
    province=None,
    year=None,
    when=None,
    relation="cites",
    file="a.txt",
    line=3,
):
    return LegalRef(
        written=written,
        symbol=symbol,
        type_code=type_code,
        number=number,
        year=year,
        issuer_code=issuer,
        national=national,
        province=province,
        span=Span(file, line, line, written),
        date=when,
        relation=relation,
    )


def doc(file, province, refs=(), tasks=(), links=()):
    return ParsedDocument(
        file=file,
        path=file,
        lines=[],
        header=Header(
            kind="Kế hoạch", type_code="KH", symbol="/KH-UBND", province=province, year=2024, title="Chuyển đổi số"
        ),
        refs=list(refs),
        tasks=list(tasks),
        system_links=list(links),
    )


def build(*docs) -> EmbeddedStore:
    store = EmbeddedStore()
    for g, quads in Builder().build(list(docs)).graphs.items():
        store.load(quads, graph=g)
    refresh_derived(store)  # as the build does: dependencies and legal-basis chains
    return store


def rows(store, name, **params):
    res = store.select(queries.get(name).bind(params))
    return [{k: v["value"] for k, v in b.items()} for b in res["results"]["bindings"]]


def test_national_document_is_one_node_for_every_province():
    a = doc(
        "a.txt",
        "Hà Nam",
        [
            ref(
                "749/QĐ/TTg",
                "749/QĐ-TTg",
                "QĐ",
                "749",
                issuer="TTg",
                national=True,
                when=date(2020, 6, 3),
                relation="based_on",
            )
        ],
    )
    b = doc(
        "b.txt", "Quảng Nam", [ref("749/QĐ-TTg", "749/QĐ-TTg", "QĐ", "749", issuer="TTg", national=True, file="b.txt")]
    )
    rels = rows(build(a, b), "document-relations")
    targets = {r["to"] for r in rels if r["toSymbol"] == "749/QĐ-TTg"}
    assert targets == {iris.legal("ttg", "QĐ", 2020, "749")}
    assert {r["fromFile"] for r in rels} == {"a.txt", "b.txt"}
    assert all(r["toScope"] == "Việt Nam" for r in rels)


def test_provincial_documents_with_the_same_symbol_are_scoped_to_their_province():
    a = doc(
        "a.txt",
        "Hải Dương",
        [
            ref(
                "1217/QĐ-UBND",
                "1217/QĐ-UBND",
                "QĐ",
                "1217",
                issuer="UBND",
                national=False,
                province="Hải Dương",
                when=date(2023, 5, 2),
            )
        ],
    )
    b = doc(
        "b.txt",
        "Quảng Nam",
        [
            ref(
                "1217/QĐ-UBND",
                "1217/QĐ-UBND",
                "QĐ",
                "1217",
                issuer="UBND",
                national=False,
                province="Quảng Nam",
                when=date(2023, 5, 2),
                file="b.txt",
            )
        ],
    )
    rels = rows(build(a, b), "document-relations")
    assert len({r["to"] for r in rels}) == 2
    assert {r["toScope"] for r in rels} == {"Hải Dương", "Quảng Nam"}


def test_undated_mention_merges_with_the_dated_one_of_the_same_scope():
    d = doc(
        "a.txt",
        "Hà Nam",
        [
            ref(
                "24-NQ/TU",
                "24-NQ/TU",
                "NQ",
                "24",
                issuer="TU",
                national=False,
                province="Hà Nam",
                when=date(2022, 4, 25),
                relation="based_on",
            ),
            ref("Nghị quyết 24/TU", "24-NQ/TU", "NQ", "24", issuer="TU", national=False, province="Hà Nam", line=9),
        ],
    )
    store = build(d)
    rels = rows(store, "document-relations")
    assert len({r["to"] for r in rels}) == 1
    assert {r["relation"].rsplit("#", 1)[1] for r in rels} == {"based_on", "cites"}
    spellings = store.select("""PREFIX dx: <https://w3id.org/dxkg/ontology#>
        SELECT DISTINCT ?w WHERE { ?c dx:writtenAs ?w ; dx:lineStart ?l }""")
    assert {b["w"]["value"] for b in spellings["results"]["bindings"]} == {"24-NQ/TU", "Nghị quyết 24/TU"}


def test_every_reference_also_appears_as_cites():
    d = doc(
        "a.txt",
        "Hà Nam",
        [
            ref(
                "06/QĐ-TTg",
                "06/QĐ-TTg",
                "QĐ",
                "06",
                issuer="TTg",
                national=True,
                when=date(2022, 1, 6),
                relation="based_on",
            )
        ],
    )
    rels = {r["relation"].rsplit("#", 1)[1] for r in rows(build(d), "document-relations")}
    assert rels == {"based_on", "cites"}


def test_tasks_carry_agencies_budget_deadline_basis_and_provenance():
    basis = ref(
        "3889/KH-UBND",
        "3889/KH-UBND",
        "KH",
        "3889",
        issuer="UBND",
        national=False,
        province="Hải Dương",
        when=date(2022, 12, 31),
    )
    t = Task(
        appendix="Phụ lục 1",
        number="2",
        title="Thuê hệ thống đánh giá an toàn thông tin",
        span=Span("a.txt", 40, 41, "2\tThuê hệ thống…"),
        group=["I. Các dự án đã phê duyệt"],
        leads=[AgencyRef("Sở TTTT", "Sở Thông tin và Truyền thông")],
        coops=[
            AgencyRef("VP UBND tỉnh", "Văn phòng UBND tỉnh"),
            AgencyRef("Các sở, ban, ngành", "Các sở, ban, ngành", kind="group"),
        ],
        deadline="Quý IV/2023",
        due=Deadline(date(2023, 10, 1), date(2023, 12, 31)),
        budgets=[Budget("thue_dich_vu", "Thuê dịch vụ", Decimal("1.5"))],
        years=3,
        refs=[basis],
    )
    store = build(doc("a.txt", "Hải Dương", tasks=[t]))
    [r] = rows(store, "tasks")
    assert r["lead"] == "Sở Thông tin và Truyền thông"
    assert set(r["coop"].split(" | ")) == {"Các sở, ban, ngành", "Văn phòng UBND tỉnh"}
    assert (r["deadline"], r["deadlineEnd"]) == ("Quý IV/2023", "2023-12-31")
    assert r["basis"] == "3889/KH-UBND" and r["sourceFile"] == "a.txt" and r["appendix"] == "Phụ lục 1"
    [b] = rows(store, "budgets")
    assert Decimal(b["amount"]) == Decimal(1_500_000) and b["years"] == "3"
    prov = store.select("""PREFIX dx: <https://w3id.org/dxkg/ontology#>
        SELECT ?l ?e ?t WHERE { ?x a dx:Task ; dx:lineStart ?l ; dx:lineEnd ?e ; dx:sourceText ?t }""")
    [p] = prov["results"]["bindings"]
    assert (p["l"]["value"], p["e"]["value"]) == ("40", "41")


LGSP_REF = SystemRef("LGSP", "LGSP", "Nền tảng tích hợp, chia sẻ dữ liệu", "shared-platform", False)
NDXP_REF = SystemRef("NDXP", "NDXP", "Nền tảng tích hợp, chia sẻ dữ liệu quốc gia", "shared-platform", True)
TTHC_REF = SystemRef("HTTT", "TTHC", "Hệ thống thông tin giải quyết TTHC", "application", False)


def test_system_dependency_direction_and_impact_query():
    links = [
        SystemLink(LGSP_REF, "connects", NDXP_REF, Span("a.txt", 5, 5)),
        SystemLink(TTHC_REF, "shares_data", LGSP_REF, Span("a.txt", 6, 6), directed=True),
    ]
    store = build(doc("a.txt", "Hà Nam", links=links))
    impact = rows(store, "system-dependencies", system="NDXP", direction="down")
    assert {(r["otherLabel"], r["minDepth"]) for r in impact} == {
        ("Nền tảng tích hợp, chia sẻ dữ liệu (Hà Nam)", "1"),
        ("Hệ thống thông tin giải quyết TTHC (Hà Nam)", "2"),
    }
    up = rows(store, "system-dependencies", system="TTHC", direction="up", depth="1")
    assert [r["otherLabel"] for r in up] == ["Nền tảng tích hợp, chia sẻ dữ liệu (Hà Nam)"]
    links_rows = rows(store, "system-links")
    assert {r["aScope"] for r in links_rows} == {"Hà Nam"} and "Việt Nam" in {r["bScope"] for r in links_rows}


def test_impact_query_names_the_hop_of_the_shortest_path():
    links = [
        SystemLink(TTHC_REF, "shares_data", LGSP_REF, Span("a.txt", 5, 5), directed=True),
        SystemLink(LGSP_REF, "connects", NDXP_REF, Span("a.txt", 6, 6)),
        SystemLink(TTHC_REF, "uses_data_from", NDXP_REF, Span("a.txt", 7, 7), directed=True),
    ]
    store = build(doc("a.txt", "Hà Nam", links=links))
    up = {r["otherLabel"]: (r["minDepth"], r["viaLabel"]) for r in rows(store, "system-dependencies", system="TTHC")}
    # NDXP is one hop away (and also two, through LGSP): the hop named is TTHC's own
    assert up["Nền tảng tích hợp, chia sẻ dữ liệu quốc gia"] == ("1", "Hệ thống thông tin giải quyết TTHC (Hà Nam)")


def test_rebuilding_the_same_records_gives_the_same_graph():
    d = doc(
        "a.txt",
        "Hà Nam",
        [ref("749/QĐ-TTg", "749/QĐ-TTg", "QĐ", "749", issuer="TTg", national=True, when=date(2020, 6, 3))],
    )
    one, two = build(d).dump("nquads"), build(d).dump("nquads")
    assert sorted(one.splitlines()) == sorted(two.splitlines()) and len(one) > 1000


def test_each_document_has_its_own_named_graph():
    store = build(doc("a.txt", "Hà Nam"), doc("b.txt", "Hà Nam"))
    assert {iris.graph("a"), iris.graph("b")} <= set(store.named_graphs())
    store.drop_graph(iris.graph("a"))
    files = store.select("""PREFIX dx: <https://w3id.org/dxkg/ontology#>
        SELECT ?f WHERE { ?d a dx:SourceDocument ; dx:sourceFile ?f }""")
    assert [b["f"]["value"] for b in files["results"]["bindings"]] == ["b.txt"]


@pytest.mark.parametrize("value", ['x" } ; DROP ALL ; #', "<http://a> ?x"])
def test_query_parameters_cannot_break_out_of_their_term(value):
    store = EmbeddedStore()
    assert store.select(queries.get("tasks").bind({"agency": value}))["results"]["bindings"] == []
    with pytest.raises(queries.QueryError):
        queries.get("tasks").bind({"plan": value})


def test_unknown_query_and_parameter_are_reported_by_name():
    with pytest.raises(queries.QueryError, match="no named query 'nope'"):
        queries.get("nope")
    with pytest.raises(queries.QueryError, match="has no parameter zzz"):
        queries.get("tasks").bind({"zzz": "1"})


def test_a_filter_marked_if_bound_is_dropped_when_its_parameter_is_not_given():
    q = queries.parse("q", "# param: v string — x\nSELECT ?x WHERE { ?x ?p ?o .\n  FILTER(?o = $v)  #if $v\n}\n")
    assert "FILTER" not in q.bind({})
    assert 'FILTER(?o = "a")' in q.bind({"v": "a"}) and "#if" not in q.bind({"v": "a"})


def test_a_required_parameter_must_be_given():
    with pytest.raises(queries.QueryError, match="needs parameter system"):
        queries.get("system-dependencies").bind({"direction": "down"})


def test_a_flow_stated_from_a_provinces_system_into_a_national_one_is_no_dependency_of_the_national():
    # "NDXP tiếp nhận dữ liệu từ LGSP": the link stays as written, the dependency follows the
    # layering (the province's LGSP depends on NDXP), so NDXP's impact does not pass through
    # one province's LGSP to another province's systems
    links = [
        SystemLink(NDXP_REF, "uses_data_from", LGSP_REF, Span("a.txt", 5, 5), directed=True),
        SystemLink(TTHC_REF, "uses_data_from", LGSP_REF, Span("a.txt", 6, 6), directed=True),
    ]
    store = build(doc("a.txt", "Hà Nam", links=links))
    stated = store.select(f"ASK {{ ?n <{DX}usesDataFrom> ?l . ?n <{DX}systemKey> 'NDXP' . ?l <{DX}systemKey> 'LGSP' }}")
    assert stated["boolean"]
    up = {r["otherLabel"] for r in rows(store, "system-dependencies", system="NDXP")}
    assert up == set()
    down = {r["otherLabel"] for r in rows(store, "system-dependencies", system="NDXP", direction="down")}
    assert down == {"Nền tảng tích hợp, chia sẻ dữ liệu (Hà Nam)", "Hệ thống thông tin giải quyết TTHC (Hà Nam)"}


def test_resolution_from_each_documents_mentions_gives_the_nodes_of_every_mention():
    """What a worker sends back for resolution (``Builder.mentions``: each way a document is
    written once, the first subject kept) merges into the same nodes as every mention does."""
    decree = dict(issuer="TTg", national=True)
    a = doc(
        "a.txt",
        "Hà Nam",
        [
            ref("942/QĐ-TTg", "942/QĐ-TTg", "QĐ", "942", **decree, line=k)  # one per row, no subject, no date
            for k in range(3, 40)
        ]
        + [ref("749/QĐ-TTg", "749/QĐ-TTg", "QĐ", "749", **decree, when=date(2020, 6, 3), line=41)],
    )
    a.refs[5].subject = "phê duyệt Chương trình"  # the first subject comes after mentions without one
    a.refs[9].subject = "a later subject"
    b = doc("b.txt", "Quảng Nam", [ref("749/QĐ-TTg", "749/QĐ-TTg", "QĐ", "749", **decree, file="b.txt")])
    every = Builder()
    list(every.lines([a, b]))  # resolves from every mention
    sent = Builder()
    sent.resolve([m for d in (a, b) for m in Builder.mentions(d)])
    assert sent.resolver.nodes == every.resolver.nodes
    assert every.resolver.nodes[iris.legal("ttg", "QĐ", None, "942")].subject == "phê duyệt Chương trình"
    assert len(Builder.mentions(a)) == 3  # 38 mentions: the undated one, again with its subject, the dated one


def test_an_appendix_every_row_points_at_is_described_once():
    tasks = [
        Task(title=f"Nhiệm vụ {k}", number=str(k), appendix="Phụ lục I", span=Span("a.txt", 10 + k, 10 + k, "row"))
        for k in range(20)
    ]
    graphs = Builder().build([doc("a.txt", "Hà Nam", tasks=tasks)]).graphs
    quads = graphs[iris.graph("a")]
    label = [q for q in quads if q.predicate.value.endswith("#appendixLabel")]
    part_of = [q for q in quads if q.predicate.value.endswith("#inAppendix")]
    assert len(label) == 1 and len(part_of) == 20


@pytest.mark.parametrize("text", ['say "yes"', "C:\\path\\", "two\nlines\r\n", "tab\there", "\\n as written", ""])
def test_literals_written_as_text_are_the_literals(text):
    w = GraphWriter(iris.graph("a"))
    w.value("https://example.org/s", RDFS + "comment", text)
    w.add("https://example.org/s", RDFS + "label", vi(text))
    w.value("https://example.org/s", RDFS + "seeAlso", 12)
    assert {q.object for q in w.quads} == (
        {ox.Literal(text), ox.Literal(text, language="vi"), ox.Literal("12", datatype=ox.NamedNode(XSD + "integer"))}
        if text
        else {ox.Literal("", language="vi"), ox.Literal("12", datatype=ox.NamedNode(XSD + "integer"))}
    )


def test_a_link_many_records_state_is_written_once_per_graph():
    """Five citations of one decree: five citation nodes, one ``cites`` link (the store keeps
    one anyway; the loader is spared the repeats)."""
    refs = [ref("06/QĐ-TTg", "06/QĐ-TTg", "QĐ", "06", issuer="TTg", national=True, line=k) for k in range(3, 8)]
    quads = Builder().build([doc("a.txt", "Hà Nam", refs)]).graphs[iris.graph("a")]
    cites = [q for q in quads if q.predicate.value.endswith("/eli/ontology#cites")]
    citations = {q.subject for q in quads if q.object == ox.NamedNode(DX + "Citation")}
    assert len(citations) == 5 and len(cites) == 1
