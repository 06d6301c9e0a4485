"""Tasks, indicators and budget lines as flat records, for the browsers and the document pages.

A handful of whole-store SELECTs, read once per store generation (``source.cached``) and
joined here: each record carries what people filter and sort on (province, plan, appendix,
lead agencies, deadline year, budget, pillar) and the documents it rests on — its own legal
bases plus everything its plan rests on, transitively over ``eli:based_on`` and
``dx:implements`` (a task of a plan based on 749/QĐ-TTg rests on 749/QĐ-TTg).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

import networkx as nx

from dxkg.server.graph.model import PREFIX_BLOCK, compact

BASIS_LINKS = "eli:based_on|dx:implements"


@dataclass(frozen=True)
class Ref:
    """A node as people read it: label (with its province when that tells it apart) and link."""

    iri: str
    label: str

    @property
    def ref(self) -> str:
        return compact(self.iri)


@dataclass
class Record:
    iri: str
    kind: str  # task | indicator | budget
    title: str
    number: str = ""
    province: str = ""
    plan: Ref | None = None
    appendix: Ref | None = None
    leads: list = field(default_factory=list)  # [Ref]
    deadline: str = ""
    year: str = ""
    budget: Decimal | None = None
    category: str = ""
    pillar: str = ""
    target: str = ""
    unit: str = ""
    value: Decimal | None = None
    task: Ref | None = None  # a budget line's task
    bases: set = field(default_factory=set)  # IRIs of documents it rests on (transitively)
    own_bases: list = field(default_factory=list)  # [Ref] stated in its own row


@dataclass
class Corpus:
    tasks: list
    indicators: list
    budgets: list
    documents: dict  # iri → Ref (symbol or label)
    rests_on: nx.DiGraph  # document → document it is based on / implements
    plans: dict  # plan iri → Ref


def _num(text: str | None) -> Decimal | None:
    try:
        return Decimal(text) if text else None
    except InvalidOperation:
        return None


def with_province(label: str, province: str) -> str:
    """ "Sở Thông tin và Truyền thông (Hà Nam)": every province has one."""
    return f"{label} ({province})" if province and province not in label else label


def load(source) -> Corpus:
    return source.cached("records", _build)


def _build(src) -> Corpus:
    q = src.select
    agencies = {
        r["a"]: Ref(r["a"], with_province(r["l"], r.get("sc", "")))
        for r in q(
            PREFIX_BLOCK
            + """SELECT ?a (SAMPLE(?lab) AS ?l) (SAMPLE(?scl) AS ?sc) WHERE {
              { ?x dx:leadAgency ?a } UNION { ?x dx:cooperatingAgency ?a }
              ?a skos:prefLabel|rdfs:label ?lab OPTIONAL { ?a dx:scope/skos:prefLabel ?scl } } GROUP BY ?a"""
        )
    }
    documents = {
        r["d"]: Ref(r["d"], r.get("sym") or r.get("l") or compact(r["d"]))
        for r in q(
            PREFIX_BLOCK
            + """SELECT ?d (SAMPLE(?s) AS ?sym) (SAMPLE(?lab) AS ?l) WHERE {
              { ?d a eli:LegalResource } UNION { ?d a dx:SourceDocument } UNION { ?x dx:legalBasis ?d }
              OPTIONAL { ?d dx:symbol ?s FILTER(!STRSTARTS(?s, "/")) } OPTIONAL { ?d rdfs:label ?lab } } GROUP BY ?d"""
        )
    }
    rests_on = nx.DiGraph()
    for r in q(PREFIX_BLOCK + f"SELECT DISTINCT ?a ?b WHERE {{ ?a {BASIS_LINKS} ?b }}"):
        rests_on.add_edge(r["a"], r["b"])
    plans, province_of = {}, {}
    for r in q(
        PREFIX_BLOCK
        + """SELECT ?p (SAMPLE(?lab) AS ?l) (SAMPLE(?scl) AS ?sc) WHERE { ?p a dx:SourceDocument .
          OPTIONAL { ?p rdfs:label ?lab } OPTIONAL { ?p dx:scope/skos:prefLabel ?scl } } GROUP BY ?p"""
    ):
        plans[r["p"]] = Ref(r["p"], r.get("l") or compact(r["p"]))
        province_of[r["p"]] = r.get("sc", "")
    appendices = {
        r["a"]: Ref(r["a"], r["l"])
        for r in q(
            PREFIX_BLOCK
            + """SELECT ?a (SAMPLE(?lab) AS ?l) WHERE { ?a a dx:Appendix ; rdfs:label|dx:appendixLabel ?lab }
            GROUP BY ?a"""
        )
    }
    leads, own_bases = defaultdict(list), defaultdict(list)
    for r in q(PREFIX_BLOCK + "SELECT DISTINCT ?x ?a WHERE { ?x dx:leadAgency ?a } ORDER BY ?x ?a"):
        if r["a"] in agencies:
            leads[r["x"]].append(agencies[r["a"]])
    for r in q(PREFIX_BLOCK + "SELECT DISTINCT ?x ?d WHERE { ?x dx:legalBasis ?d } ORDER BY ?x ?d"):
        own_bases[r["x"]].append(documents.get(r["d"]) or Ref(r["d"], compact(r["d"])))
    closure = _closure(rests_on)

    def common(r: dict, kind: str) -> Record:
        x, plan = r["x"], r.get("plan")
        bases = {d.iri for d in own_bases[x]}
        for d in [plan, *bases]:
            if d:
                bases |= closure.get(d, set())
        return Record(
            x,
            kind,
            r.get("title", ""),
            r.get("number", ""),
            province_of.get(plan, ""),
            plans.get(plan),
            appendices.get(r.get("app", "")),
            leads[x],
            bases=bases,
            own_bases=own_bases[x],
        )

    tasks, by_iri = [], {}
    for r in q(
        PREFIX_BLOCK
        + """SELECT ?x (SAMPLE(?t) AS ?title) (SAMPLE(?n) AS ?number) (SAMPLE(?p) AS ?plan) (SAMPLE(?ap) AS ?app)
              (SAMPLE(?dl) AS ?deadline) (MAX(STR(?end)) AS ?end) (SAMPLE(?pl) AS ?pillar)
              (SAMPLE(?file) AS ?f) (MIN(?line) AS ?ln) WHERE {
          ?x a dx:Task ; rdfs:label ?t ; dx:partOfPlan ?p .
          OPTIONAL { ?x dx:number ?n } OPTIONAL { ?x dx:inAppendix ?ap } OPTIONAL { ?x dx:deadlineText ?dl }
          OPTIONAL { ?x dx:deadline/time:hasEnd/time:inXSDDate ?end }
          OPTIONAL { ?x dx:inGroup/skos:broader ?pc . ?pc skos:prefLabel ?pl FILTER(LANG(?pl) = "vi") }
          OPTIONAL { ?x dx:sourceFile ?file } OPTIONAL { ?x dx:lineStart ?line }
        } GROUP BY ?x ORDER BY ?f ?ln"""
    ):
        rec = common(r, "task")
        rec.deadline, rec.pillar = r.get("deadline", ""), r.get("pillar", "")
        rec.year = (r.get("end") or "")[:4] or _year(rec.deadline)
        tasks.append(rec)
        by_iri[rec.iri] = rec
    budgets = []
    for r in q(
        PREFIX_BLOCK
        + """SELECT ?x ?task ?amount ?cat WHERE { ?task dx:budget ?x . ?x schema:value ?amount .
          OPTIONAL { ?x dx:budgetCategory/skos:prefLabel ?cat FILTER(LANG(?cat) = "vi") } }"""
    ):
        task = by_iri.get(r["task"])
        amount = _num(r.get("amount"))
        if task is None or amount is None:
            continue
        task.budget = (task.budget or Decimal(0)) + amount
        line = Record(
            r["x"],
            "budget",
            task.title,
            task.number,
            task.province,
            task.plan,
            task.appendix,
            task.leads,
            task.deadline,
            task.year,
            amount,
            r.get("cat", ""),
            task.pillar,
            task=Ref(task.iri, task.title),
            bases=task.bases,
        )
        budgets.append(line)
    indicators = []
    for r in q(
        PREFIX_BLOCK
        + """SELECT ?x (SAMPLE(?t) AS ?title) (SAMPLE(?n) AS ?number) (SAMPLE(?p) AS ?plan) (SAMPLE(?ap) AS ?app)
              (SAMPLE(?tt) AS ?target) (SAMPLE(?u) AS ?unit) (SAMPLE(?v) AS ?value)
              (SAMPLE(?file) AS ?f) (MIN(?line) AS ?ln) WHERE {
          ?x a dx:Indicator ; rdfs:label ?t ; dx:partOfPlan ?p .
          OPTIONAL { ?x dx:number ?n } OPTIONAL { ?x dx:inAppendix ?ap } OPTIONAL { ?x dx:targetText ?tt }
          OPTIONAL { ?x dx:unit ?u } OPTIONAL { ?x dx:targetValue ?v }
          OPTIONAL { ?x dx:sourceFile ?file } OPTIONAL { ?x dx:lineStart ?line }
        } GROUP BY ?x ORDER BY ?f ?ln"""
    ):
        rec = common(r, "indicator")
        rec.target, rec.unit, rec.value = r.get("target", ""), r.get("unit", ""), _num(r.get("value"))
        indicators.append(rec)
    return Corpus(tasks, indicators, budgets, documents, rests_on, plans)


def _closure(g: nx.DiGraph) -> dict:
    """document → every document it rests on, transitively."""
    return {n: nx.descendants(g, n) for n in g}


def _year(text: str) -> str:
    years = re.findall(r"\b(20\d\d)\b", text or "")
    return max(years) if years else ""
