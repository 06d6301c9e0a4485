"""The home page: what dxkg holds in two sentences, and where to start — search, the system
landscape, impact, the legal-basis trace, the task, indicator and budget browsers, the console.
"""

from __future__ import annotations

from collections import Counter

from flask import Blueprint, render_template

from dxkg.kg.namespaces import ID
from dxkg.server import records
from dxkg.server.graph import systems
from dxkg.server.graph.source import current_source

bp = Blueprint("site", __name__)
TOP_DOCUMENTS = 12


@bp.app_template_filter("local")
def local(iri: str) -> str | None:
    """This server's page of one of the graph's IRIs (``/id/…``); None for other IRIs."""
    return "/id/" + iri[len(ID) :] if iri.startswith(ID) else None


@bp.get("/")
def home():
    source = current_source()
    corpus = records.load(source)
    overview = systems.overview(source)
    cited: Counter[str] = Counter()
    for plan in corpus.plans:
        for doc in corpus.rests_on.successors(plan) if plan in corpus.rests_on else ():
            cited[doc] += 1
    top = [
        (corpus.documents.get(d) or records.Ref(d, d), n)
        for d, n in sorted(cited.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_DOCUMENTS]
    ]
    return render_template(
        "home.html",
        overview=overview,
        corpus=corpus,
        plans=sorted(corpus.plans.values(), key=lambda p: p.label),
        cited=top,
    )
