"""Forms for the named queries (``/queries``, ``/queries/NAME``): one field per parameter, a
picker where the parameter names a system, task, document or agency (search as you type, every
candidate shown), and the answer as a table whose IRIs open this server's pages — so a named
query can be run by someone who does not write SPARQL. The same query downloads as CSV or
JSON from ``/api/queries/NAME`` (``format=``).
"""

from __future__ import annotations

import json
from urllib.parse import urlencode

from flask import Blueprint, current_app, render_template, request

from dxkg.kg import queries
from dxkg.kg.namespaces import ID
from dxkg.server.errors import ServiceError
from dxkg.server.graph.model import compact
from dxkg.server.i18n import lang

bp = Blueprint("query_forms", __name__)
MAX_ROWS = 5000
PICKERS = {"system": "system", "task": "task", "document": "document", "plan": "document", "agency": "agency"}
CHOICES = {"direction": ("up", "down")}


def named() -> dict[str, queries.NamedQuery]:
    folder = current_app.extensions["dxkg"].options.queries_dir
    return queries.load_all(folder) if folder else queries.load_all()


def expand_refs(values: dict) -> dict:
    """``dxid:…`` references (what the pickers put in a field) as the IRIs the queries take."""
    return {k: ID + v[5:] if v.startswith("dxid:") else v for k, v in values.items()}


@bp.get("/queries")
def index():
    return render_template("queries.html", named=named().values())


@bp.get("/queries/<name>")
def form(name: str):
    all_named = named()
    if name not in all_named:
        raise ServiceError(404, f"no named query '{name}'")
    q = all_named[name]
    given = {k: v.strip() for k, v in request.args.items() if k in q.params and v.strip()}
    fields = [
        {
            "name": p,
            "kind": kind,
            "description": description,
            "required": p in q.required,
            "pick": PICKERS.get(p),
            "choices": CHOICES.get(p),
            "value": given.get(p, ""),
        }
        for p, (kind, description) in q.params.items()
    ]
    result, error = None, None
    if given or not q.required:
        try:
            text = q.bind(expand_refs(given))
        except queries.QueryError as e:
            error = str(e)
        else:
            result = _run(text)
    api = f"/api/queries/{name}?" + urlencode(given)
    return render_template(
        "query.html", q=q, fields=fields, result=result, error=error, api=api, en=lang() == "en", ran=bool(given)
    )


def _run(text: str) -> dict:
    reply = current_app.extensions["dxkg"].results.read(
        {"query": text, "union": True, "results_format": "json", "rdf_format": None, "max_rows": MAX_ROWS}
    )
    body = json.loads(reply.body)
    columns = body["head"]["vars"]
    rows = [[_cell(b.get(c), b.get(c + "Label")) for c in columns] for b in body["results"]["bindings"]]
    return {"columns": columns, "rows": rows, "truncated": reply.truncated}


def _cell(term: dict | None, label: dict | None = None) -> dict:
    """A result cell; this graph's IRIs link to their pages here, named by the row's
    ``…Label`` column when the query has one."""
    if term is None:
        return {"text": ""}
    value = term["value"]
    if term["type"] == "uri" and value.startswith(ID):
        return {"text": label["value"] if label else compact(value), "href": "/id/" + value[len(ID) :]}
    return {"text": value}
