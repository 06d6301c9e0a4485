"""The shared tables of dxkg.domain agree with the ontology's code lists, and the domain layer
stands alone."""

import pytest
from rdflib import Graph, Namespace
from rdflib.namespace import RDF, SKOS

from dxkg.domain import codes, doctypes, issuers, places, systems
from dxkg.kg.build_systems import category_iri
from dxkg.kg.paths import ONTOLOGY_DIR
from dxkg.server.graph.style import CATEGORY_COLOURS

DX = Namespace("https://w3id.org/dxkg/ontology#")
CODE = "https://w3id.org/dxkg/id/code/"


@pytest.fixture(scope="module")
def codelists():
    return Graph().parse(ONTOLOGY_DIR / "codelists.ttl")


def scheme(g: Graph, name: str) -> dict[str, str]:
    """notation → concept local name (after …/code/) of one scheme."""
    return {
        str(g.value(c, SKOS.notation)): str(c).removeprefix(CODE)
        for c in g.subjects(SKOS.inScheme, DX[name])
        if (c, RDF.type, SKOS.Concept) in g
    }


def test_document_types_are_the_scheme(codelists):
    concepts = scheme(codelists, "DocumentTypeScheme")
    assert {n: f"doctype-{c}" for n, c in doctypes.CONCEPTS.items()} | {"KHAC": f"doctype-{doctypes.OTHER}"} == concepts
    labels = {
        str(codelists.value(c, SKOS.notation)): str(lbl)
        for c in codelists.subjects(SKOS.inScheme, DX.DocumentTypeScheme)
        for lbl in codelists.objects(c, SKOS.prefLabel)
        if lbl.language == "vi"
    }
    for notation in doctypes.CONCEPTS:  # the scheme's label is the name the parsers print
        assert doctypes.type_name(notation) == labels[notation], notation
    # every type a word names, or a symbol may carry, has a concept or is knowingly "other"
    worded = {code for _, code in doctypes.TYPE_WORDS}
    assert worded <= set(doctypes.CONCEPTS)


def test_system_categories_are_the_scheme(codelists):
    assert set(scheme(codelists, "SystemCategoryScheme")) == systems.SYSTEM_CATEGORIES
    assert systems.FOUNDATION_CATEGORIES <= systems.SYSTEM_CATEGORIES
    assert {cat for _, _, cat, _, _ in systems.CATALOGUE} <= systems.SYSTEM_CATEGORIES
    assert set(CATEGORY_COLOURS) == systems.SYSTEM_CATEGORIES


def test_unknown_category_is_an_error_not_a_default():
    assert category_iri("portal").endswith("/code/syscat-portal")
    with pytest.raises(systems.UnknownCategory, match="'blockchain'"):
        category_iri("blockchain")


def test_budget_categories_and_pillars_are_the_schemes(codelists):
    assert set(scheme(codelists, "BudgetCategoryScheme")) == codes.BUDGET_CATEGORIES
    assert set(scheme(codelists, "TaskGroupScheme")) == codes.PILLARS


def test_issuer_tables_agree():
    assert set(issuers.ISSUER_NAMES) <= set(issuers.CANONICAL_CODES)
    assert set(issuers.LOCAL_BODIES) <= set(issuers.CANONICAL_CODES)
    assert issuers.issuer_name("QH15") == "Quốc hội"
    assert issuers.issuer_name("bkhdt") == "Bộ Kế hoạch và Đầu tư"
    assert issuers.issuer_name("XYZ") is None
    assert issuers.NATIONAL_CODE_BY_NAME["thu tuong chinh phu"] == "TTg"


def test_places_2025():
    merged = [p for olds in places.MERGERS_2025.values() for p in olds]
    assert len(places.PROVINCES_2008) == 63 and len(places.provinces_after_2025()) == 34
    assert set(merged) | set(places.UNCHANGED_2025) == set(places.PROVINCES_2008)
    assert len(merged) + len(places.UNCHANGED_2025) == 63  # each old province merges once
    assert places.CITIES <= set(places.all_provinces())


def test_pillar_words_name_pillars_of_the_scheme():
    from dxkg.loaders.appendix import PILLAR_WORDS, pillar

    assert {p for _, p in PILLAR_WORDS} <= codes.PILLARS
    assert pillar("II. Phát triển hạ tầng số") == "infrastructure"
    assert pillar("Nhiệm vụ khác") == "other"
