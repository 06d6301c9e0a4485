"""The query console at ``/console`` (YASGUI) and the named queries of ``dxkg/queries/`` as an API.

YASGUI is the npm package ``@zazuko/yasgui``, found by ``dxkg.server.vendor`` (the wheel's
copy, or a checkout's ``node_modules``).
"""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, render_template, request, send_from_directory

from dxkg.kg import queries
from dxkg.kg.namespaces import ID
from dxkg.server import query_forms
from dxkg.server.errors import ServiceError
from dxkg.server.protocol import answer, format_param
from dxkg.server.vendor import npm_file

YASGUI_BUILD = npm_file("@zazuko/yasgui", "build/yasgui.min.js").parent
YASGUI_FILES = {"yasgui.min.js", "yasgui.min.css"}

bp = Blueprint("console", __name__)


def _named() -> dict[str, queries.NamedQuery]:
    folder = current_app.extensions["dxkg"].options.queries_dir
    return queries.load_all(folder) if folder else queries.load_all()


@bp.get("/console")
def console():
    return render_template(
        "console.html",
        named=_named().values(),
        yasgui_ready=(YASGUI_BUILD / "yasgui.min.js").is_file(),
        id_base=ID,
    )


@bp.get("/vendor/yasgui/<name>")
def yasgui(name: str):
    if name not in YASGUI_FILES or not (YASGUI_BUILD / name).is_file():
        raise ServiceError(
            404, "YASGUI is not installed: run 'npm ci' in the checkout, or install a wheel built after it"
        )
    return send_from_directory(YASGUI_BUILD, name, max_age=3600)


@bp.get("/api/queries")
def list_queries():
    return jsonify(
        [
            {
                "name": q.name,
                "title": q.title,
                "description": q.description,
                "params": {
                    p: {"kind": k, "description": d, "required": p in q.required} for p, (k, d) in q.params.items()
                },
                "text": q.example(),
                "url": f"/api/queries/{q.name}",
            }
            for q in _named().values()
        ]
    )


@bp.route("/api/queries/<name>", methods=["GET"])
def run_named(name: str):
    named = _named()
    if name not in named:
        raise ServiceError(404, f"no named query '{name}' (known: {', '.join(named) or 'none'})")
    values = {k: v for k, v in request.args.items() if k not in ("format", "output")}
    try:
        text = named[name].bind(query_forms.expand_refs(values))
    except queries.QueryError as e:
        raise ServiceError(400, str(e)) from None
    return answer(text, formats=format_param())
