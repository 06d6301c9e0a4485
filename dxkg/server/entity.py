"""What an entity page shows besides its own triples: for a document, what rests on it (plans,
tasks, indicators — counted, grouped by province and plan) and the sentences that cite it;
for a plan, its appendices with their tasks and indicators; for an agency or an appendix, the
tasks, indicators and budget lines it leads or holds — each count a link into the browsers.
"""

from __future__ import annotations

from collections import defaultdict
from urllib.parse import urlencode

from dxkg.kg import queries
from dxkg.server import records
from dxkg.server.graph.model import PREFIX_BLOCK, compact

CITATIONS = (
    PREFIX_BLOCK
    + """SELECT ?doc (SAMPLE(?dl) AS ?docLabel) ?text ?file ?line (SAMPLE(?rl) AS ?relation) WHERE {
  ?c dx:citedDocument <{iri}> ; dx:citingDocument ?doc ; dx:sourceText ?text .
  OPTIONAL { ?doc rdfs:label ?dl } OPTIONAL { ?c dx:sourceFile ?file } OPTIONAL { ?c dx:lineStart ?line }
  OPTIONAL { ?c dx:relation/rdfs:label ?rl FILTER(LANG(?rl) = "vi") }
} GROUP BY ?doc ?text ?file ?line ORDER BY ?docLabel ?line"""
)


def browse_link(table: str, **filters) -> str:
    return f"/{table}?" + urlencode(filters)


def rests_on(corpus: records.Corpus, iri: str) -> dict | None:
    """Plans, tasks and indicators resting on document ``iri``, by province then plan."""
    groups: dict = defaultdict(lambda: defaultdict(lambda: {"tasks": 0, "indicators": 0, "direct": 0}))
    tasks = indicators = 0
    for r in corpus.tasks + corpus.indicators:
        if iri not in r.bases or r.plan is None:
            continue
        cell = groups[r.province or "—"][r.plan]
        cell[r.kind + "s"] += 1
        cell["direct"] += any(b.iri == iri for b in r.own_bases)
        tasks += r.kind == "task"
        indicators += r.kind == "indicator"
    if not groups:
        return None
    ref = compact(iri)
    return {
        "tasks": tasks,
        "indicators": indicators,
        "plans": sum(len(v) for v in groups.values()),
        "all_tasks": browse_link("tasks", basis=ref),
        "provinces": [
            {
                "province": province,
                "tasks": sum(c["tasks"] for c in plans.values()),
                "href": browse_link("tasks", basis=ref, province=province),
                "plans": [
                    {
                        "plan": plan,
                        **counts,
                        "tasks_href": browse_link("tasks", basis=ref, plan=plan.ref),
                        "indicators_href": browse_link("indicators", basis=ref, plan=plan.ref),
                    }
                    for plan, counts in sorted(plans.items(), key=lambda kv: kv[0].label)
                ],
            }
            for province, plans in sorted(groups.items())
        ],
    }


def appendices(corpus: records.Corpus, plan: str) -> list[dict]:
    """A plan's appendices (and what sits outside any) with their task and indicator counts."""
    counts: dict = defaultdict(lambda: {"tasks": 0, "indicators": 0})
    for r in corpus.tasks + corpus.indicators:
        if r.plan and r.plan.iri == plan:
            counts[r.appendix][r.kind + "s"] += 1
    ref = compact(plan)
    return [
        {
            "label": a.label if a else "—",
            **c,
            "tasks_href": browse_link("tasks", plan=ref, **({"appendix": a.ref} if a else {})),
            "indicators_href": browse_link("indicators", plan=ref, **({"appendix": a.ref} if a else {})),
        }
        for a, c in sorted(counts.items(), key=lambda kv: _appendix_order(kv[0]))
    ]


def _appendix_order(a: records.Ref | None) -> tuple:
    return (a is None, a.iri if a else "")


def holdings(corpus: records.Corpus, iri: str) -> list[dict]:
    """Tasks, indicators and budget lines an agency leads, or an appendix holds."""
    ref = compact(iri)
    out = []
    for table, rows, key, label in (
        ("tasks", corpus.tasks, "lead", "Nhiệm vụ chủ trì"),
        ("indicators", corpus.indicators, "lead", "Chỉ tiêu chủ trì"),
        ("budgets", corpus.budgets, "lead", "Dòng kinh phí (nhiệm vụ chủ trì)"),
        ("tasks", corpus.tasks, "appendix", "Nhiệm vụ trong phụ lục"),
        ("indicators", corpus.indicators, "appendix", "Chỉ tiêu trong phụ lục"),
    ):
        if key == "lead":
            n = sum(any(a.iri == iri for a in r.leads) for r in rows)
        else:
            n = sum(bool(r.appendix and r.appendix.iri == iri) for r in rows)
        if n:
            out.append({"label": label, "count": n, "href": browse_link(table, **{key: ref})})
    return out


def responsible_today(source, agency: str) -> list[dict]:
    """Who holds an agency's duties today (the named query ``responsible-today``): nothing when
    the agency itself still does."""
    rows = source.select(queries.get("responsible-today").bind({"agency": agency}))
    return [r for r in rows if r.get("today") and r["today"] != agency]
