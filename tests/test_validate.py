"""SHACL shapes (ontology/shapes.ttl) and the validation report (kg/validate.py).

``fixtures_shapes/base.trig`` satisfies every shape, edge cases included; each file in
``fixtures_shapes/violations/`` breaks one shape by removing and adding triples (graphs
``urn:dxkg-test:remove`` / ``add``) and lists the results it must give (graph ``expect``:
``shape dxt:focus node``). A result that is not expected fails the test as surely as a
missing one, so a shape that fires too widely is caught too.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pyoxigraph as ox
import pyshacl
import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SH

from dxkg.kg.namespaces import ONTOLOGY_GRAPH, REPORT_GRAPH
from dxkg.kg.paths import ONTOLOGY_DIR
from dxkg.kg.store import EmbeddedStore
from dxkg.kg.validate import (
    SHAPES_FILE,
    Report,
    data_store,
    focus_nodes,
    named_shape,
    render,
    sparql_constraints,
    store_report,
    validate_store,
)

FIXTURES = Path(__file__).parent / "fixtures_shapes"
VIOLATIONS = sorted((FIXTURES / "violations").glob("*.trig"))
SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
DOC_GRAPH = "https://w3id.org/dxkg/id/graph/plan-test"
TEST = "urn:dxkg-test:"
WARNINGS = {"LegalDocumentIssuer", "AmendmentAfterTarget", "IndicatorLegalBasis", "NothingLostInExtraction"}
UNLOCATED = {"RowSourceFile", "BudgetCategory"}  # a row that lost its file, an amount no row names
PLANTED = [
    "LegalDocumentUnique",
    "TaskLeadAgency",
    "LeadNotCooperating",
    "IndicatorPercentRange",
    "BudgetTotalMatchesRows",
    "LegalDocumentNotSelfRelated",
    "LegalBasisAcyclic",
]


def fixture_store(*patches: Path) -> EmbeddedStore:
    """Ontology and code lists, the base plan, then each patch applied in turn."""
    store = EmbeddedStore(None)
    for ttl in ("dxkg.ttl", "codelists.ttl"):
        store.raw.load(path=str(ONTOLOGY_DIR / ttl), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(ONTOLOGY_GRAPH))
    store.raw.load(path=str(FIXTURES / "base.trig"), format=ox.RdfFormat.TRIG)
    for patch in patches:
        apply_patch(store.raw, patch)
    return store


def apply_patch(store: ox.Store, patch: Path) -> None:
    mem = ox.Store()
    mem.load(path=str(patch), format=ox.RdfFormat.TRIG)
    for q in mem.quads_for_pattern(None, None, None, ox.NamedNode(TEST + "remove")):
        removed = [ox.Quad(q.subject, q.predicate, q.object, g) for g in store.named_graphs()]
        assert any(r in store for r in removed), f"{patch.name}: {q.triple} is not in the base"
        for r in removed:
            if r in store:
                store.remove(r)
    for q in mem.quads_for_pattern(None, None, None, ox.NamedNode(TEST + "add")):
        store.add(ox.Quad(q.subject, q.predicate, q.object, ox.NamedNode(DOC_GRAPH)))


def expected(*patches: Path) -> set:
    out = set()
    for patch in patches:
        mem = ox.Store()
        mem.load(path=str(patch), format=ox.RdfFormat.TRIG)
        out |= {
            (q.subject.value.split("#")[-1], q.object.value)
            for q in mem.quads_for_pattern(None, ox.NamedNode(TEST + "focus"), None, ox.NamedNode(TEST + "expect"))
        }
    return out


def found(report) -> set:
    return {(r.shape, r.focus) for r in report.results()}


def patch(name: str) -> Path:
    return FIXTURES / "violations" / f"{name}.trig"


def pyshacl_only(store: EmbeddedStore) -> set:
    """What pyshacl alone (SPARQL constraints too, $this pre-bound) reports: the reference."""
    data = Graph().parse(
        data=data_store(store).dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph()), format="nt"
    )
    shapes = Graph().parse(SHAPES_FILE, format="turtle")
    _, results, _ = pyshacl.validate(
        data, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True, allow_infos=True
    )
    return {
        (str(named_shape(shapes, results.value(r, SH.sourceShape))).split("#")[-1], str(results.value(r, SH.focusNode)))
        for r in results.objects(None, SH.result)
    }


# ---------------------------------------------------------------------- every shape


def test_base_satisfies_every_shape():
    report = validate_store(fixture_store())
    assert report.conforms, render(report)


def test_every_shape_has_a_violating_fixture_and_focus_nodes_in_the_base():
    """No shape is tested vacuously: each has a fixture that breaks it and nodes it checks in the base."""
    shapes = Graph().parse(SHAPES_FILE, format="turtle")
    targets = {}
    for p in (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf):
        for shape, value in shapes.subject_objects(p):
            targets.setdefault(shape, []).append((p, value))
    assert {str(s).split("#")[-1] for s in targets} == {p.stem for p in VIOLATIONS}
    data = data_store(fixture_store())
    empty = [str(s) for s, t in targets.items() if not focus_nodes(data, t)]
    assert not empty, f"shapes with no focus node in base.trig: {empty}"


def test_every_shape_speaks_vietnamese_and_english_with_a_severity():
    shapes = Graph().parse(SHAPES_FILE, format="turtle")
    reporting = {s for p in (SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf) for s in shapes.subjects(p, None)}
    for shape in reporting:
        holders = [shape] + [c for c in shapes.objects(shape, SH.sparql)]
        langs = {m.language for h in holders for m in shapes.objects(h, SH.message)}
        assert {"vi", "en"} <= langs, shape
        assert shapes.value(shape, SH.severity) in (SH.Violation, SH.Warning), shape
        assert isinstance(shape, URIRef), shape


def symbol_pattern() -> re.Pattern:
    shapes = Graph().parse(SHAPES_FILE, format="turtle")
    return re.compile(str(next(shapes.objects(None, SH.pattern))))


@pytest.mark.parametrize(
    "symbol",
    [
        "749/QĐ-TTg",
        "47/2020/NĐ-CP",
        "06-NQ/TU",
        "3816/BTTTT-CĐSQG",
        "202/2025/QH15",
        "03/2023/TTLT-BTC-BTTTT",
        "57-NQ/TW",
        "05/CTr-UBND",
        "12/QyĐ-UBND",
        "1178/QĐ-BCĐCĐS",
    ],
)
def test_symbol_grammar_accepts(symbol):
    assert symbol_pattern().search(symbol)


@pytest.mark.parametrize(
    "symbol",
    [
        "749/QĐ/TTg",
        "/KH-UBND",
        "749",
        "QĐ-TTg",
        "749/qđ-ttg",
        "749 /QĐ-TTg",
        "06-NQ-TU",
        "47/20/NĐ-CP",
        "Số 749/QĐ-TTg",
    ],
)
def test_symbol_grammar_rejects(symbol):
    assert not symbol_pattern().search(symbol)


@pytest.mark.parametrize("fixture", VIOLATIONS, ids=lambda p: p.stem)
def test_violating_fixture_gives_exactly_its_results(fixture):
    report = validate_store(fixture_store(fixture))
    assert found(report) == expected(fixture), render(report)
    for r in report.results():
        assert r.severity == ("Warning" if r.shape in WARNINGS else "Violation")
        assert r.message_vi and r.message_en and r.message_vi != r.message_en
        assert "{" not in r.message_vi + r.message_en, "an unfilled message template"
        assert r.label, r
        if fixture.stem not in UNLOCATED:
            assert r.file == "plan-test.txt" and r.line is not None, r


def removed_triples(patch: Path) -> set:
    mem = ox.Store()
    mem.load(path=str(patch), format=ox.RdfFormat.TRIG)
    return {q.triple for q in mem.quads_for_pattern(None, None, None, ox.NamedNode(TEST + "remove"))}


def compatible_groups(patches: list) -> list:
    """Patches grouped so that no two in a group remove the same triple (they can all apply)."""
    groups = []
    for p in patches:
        group = next((g for g in groups if not removed_triples(p) & set().union(*map(removed_triples, g))), None)
        if group is None:
            groups.append(group := [])
        group.append(p)
    return groups


GROUPS = [[]] + compatible_groups(VIOLATIONS)


@pytest.mark.parametrize("patches", GROUPS, ids=["base"] + [f"group-{k}" for k in range(1, len(GROUPS))])
def test_fast_path_agrees_with_pyshacl(patches):
    """SPARQL constraints run in pyoxigraph with VALUES, and Core on the predicate-filtered
    copy, give what pyshacl alone gives with SHACL pre-binding on the whole graph.

    Every violating fixture takes part, several at once (pyshacl re-parses a SPARQL
    constraint per focus node, so one run per fixture would take minutes)."""
    store = fixture_store(*patches)
    assert found(validate_store(store)) == pyshacl_only(store)


# ---------------------------------------------------------------------- planted errors, report


@pytest.fixture(scope="module")
def planted():
    store = fixture_store(*[patch(n) for n in PLANTED])
    return store, validate_store(store)


def test_planted_errors_give_exactly_those_violations(planted):
    _, report = planted
    assert found(report) == expected(*[patch(n) for n in PLANTED])
    assert not report.warnings and not report.infos
    assert {r.shape for r in report.violations} == set(PLANTED)


def test_text_report_names_nodes_by_label_file_and_line(planted):
    _, report = planted
    text = render(report, "text")
    for line in (
        '"Quyết định 1516/QĐ-UBND (bản trùng)" (plan-test.txt, line 25)',  # located by its citation
        '"Nền tảng trợ lý ảo cho cán bộ, công chức" (plan-test.txt, line 41)',
        '"Đầu tư trang thiết bị phục vụ chuyển đổi số" (plan-test.txt, line 40)',
        '"Tỷ lệ hồ sơ trực tuyến toàn trình" (plan-test.txt, line 60)',
        '"Phụ lục I budget dau_tu_cong: 14960" (plan-test.txt, line 45)',
        '"Nghị định 42/2022/NĐ-CP" (plan-test.txt, line 20)',
        '"Quyết định 749/QĐ-TTg" (plan-test.txt, line 14)',
    ):
        assert line in text, text
    for shape in PLANTED:
        assert len(re.findall(rf"^Violation: {shape} \(", text, re.M)) == 1, text
    assert "14000 triệu đồng" in text and "14960 triệu đồng" in text  # the total check says both sums
    assert text.startswith(f"dxkg validation: {len(report.violations)} violations, 0 warnings")


def test_json_and_turtle_reports(planted):
    _, report = planted
    doc = json.loads(render(report, "json"))
    assert doc["conforms"] is False and doc["violations"] == len(report.violations)
    assert {(r["shape"], r["focus"]) for r in doc["results"]} == found(report)
    g = Graph().parse(data=render(report, "turtle"), format="turtle")
    rep = g.value(predicate=RDF.type, object=SH.ValidationReport)
    assert len(list(g.objects(rep, SH.result))) == len(report.results())
    with pytest.raises(ValueError):
        render(report, "xml")


def test_stored_report_is_queryable_and_not_validated_itself(planted):
    store, report = planted
    store_report(store, report)
    res = store.select(f"""PREFIX sh: <http://www.w3.org/ns/shacl#>
        SELECT (COUNT(?r) AS ?n) WHERE {{ GRAPH <{REPORT_GRAPH}> {{ ?rep sh:result ?r }} }}""")
    assert int(res["results"]["bindings"][0]["n"]["value"]) == len(report.results())
    assert found(validate_store(store)) == found(report)


def test_sparql_constraints_bind_this_at_the_top():
    """The VALUES block goes into the outer WHERE, so every constraint must have one."""
    for c in sparql_constraints(Graph().parse(SHAPES_FILE, format="turtle")):
        assert re.search(r"\bWHERE\s*\{", c.query, re.I), c.shape


# ---------------------------------------------------------------------- the seeds


def test_seeds_build_and_validate_without_violations(tmp_path):
    if not SEEDS.is_dir():
        pytest.skip(f"no seeds at {SEEDS}")
    from dxkg.kg.pipeline import build_store

    build_store([str(SEEDS)], tmp_path / "store", validate=False, report=lambda msg: None)
    report = validate_store(EmbeddedStore(tmp_path / "store", read_only=True))
    assert not report.violations, render(Report(violations=report.violations))
