"""Graph pages and their JSON API: system dependencies, impact, legal-basis traces, paths.

``register(app)`` adds the blueprint (``create_app`` calls it). Pages are one template
(``graph.html``) whose script draws what the matching ``/api/graph/…`` route returns, so the
picture, the tables and every export come from the same data. Queries go through the
service's killable workers (``app.extensions['dxkg'].backend``) like every other query.

vis-network is served from the installed pyvis package (never copied into the repo, never
from a CDN); pyvis's own HTML template is not used: it loads Bootstrap from the internet and
does not escape labels.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import networkx as nx
from flask import Blueprint, Flask, Response, abort, jsonify, render_template, request, send_from_directory

from dxkg.server.errors import ServiceError
from dxkg.server.graph import catalogue, model, nodes, search, systems
from dxkg.server.graph.source import current_source
from dxkg.server.i18n import lang

bp = Blueprint("graphs", __name__, template_folder="templates", static_folder="static", static_url_path="/graph/static")
VIS_ASSETS = ("vis-network.min.js", "vis-network.css")
PAGES = {  # /graph/<kind> → (heading in Vietnamese, in English, API route that draws it)
    "systems": ("Phụ thuộc giữa các hệ thống", "Dependencies between systems", "/api/graph/systems"),
    "impact": ("Phân tích tác động", "Impact analysis", "/api/graph/impact"),
    "trace": ("Căn cứ pháp lý", "Legal basis", "/api/graph/trace"),
    "path": ("Đường đi ngắn nhất", "Shortest path", "/api/graph/path"),
    "node": ("Lân cận của một nút", "A node's neighbourhood", "/api/graph/neighbours"),
}


def register(app: Flask) -> None:
    app.register_blueprint(bp)


def vis_folder() -> Path:
    """The newest ``vis-*`` folder pyvis ships under ``templates/lib``."""
    lib = Path(str(resources.files("pyvis") / "templates" / "lib"))
    found = sorted(
        (p for p in lib.glob("vis-*") if (p / VIS_ASSETS[0]).is_file()),
        key=lambda p: [int(x) for x in p.name[4:].split(".") if x.isdigit()],
    )
    if not found:
        raise RuntimeError(f"pyvis has no vis-network under {lib}")
    return found[-1]


@bp.get("/graph/lib/<name>")
def vis_asset(name: str):
    if name not in VIS_ASSETS:
        abort(404)
    return send_from_directory(vis_folder(), name, max_age=86400)


# ------------------------------------------------------------------------------ pages
@bp.get("/graph")
@bp.get("/graph/")
def index():
    return render_template("graph_index.html", overview=systems.overview(current_source()))


@bp.get("/graph/<kind>")
def page(kind: str):
    if kind not in PAGES:
        abort(404)
    vi, en, api = PAGES[kind]
    return render_template("graph.html", kind=kind, heading=en if lang() == "en" else vi, api=api)


# ------------------------------------------------------------------------------ API
def _int(name: str, default: int, low: int, high: int) -> int:
    raw = request.args.get(name, "")
    try:
        value = int(raw) if raw else default
    except ValueError:
        raise ServiceError(400, f"'{name}' must be a whole number") from None
    return max(low, min(high, value))


def _required(name: str) -> str:
    value = request.args.get(name, "").strip()
    if not value:
        raise ServiceError(400, f"give '{name}'")
    return value


def _answer(build) -> Response:
    """Build the view and answer it as JSON (default), GraphML, Turtle or the CONSTRUCT query."""
    try:
        view = build()
    except catalogue.Ambiguous as e:
        raise ServiceError(409, str(e)) from None
    except model.NotFound as e:
        raise ServiceError(404, str(e)) from None
    fmt = request.args.get("format", "json")
    stem = view.kind
    if fmt == "json":
        return jsonify(view.json())
    if fmt == "graphml":
        body = "\n".join(nx.generate_graphml(view.graph()))
        return _download(body, "application/graphml+xml; charset=utf-8", f"dxkg-{stem}.graphml")
    if fmt == "sparql":
        return _download(view.construct_query(), "application/sparql-query; charset=utf-8", f"dxkg-{stem}.rq")
    if fmt == "turtle":
        return _download(
            current_source().construct(view.construct_query()), "text/turtle; charset=utf-8", f"dxkg-{stem}.ttl"
        )
    raise ServiceError(400, "format must be json, graphml, turtle or sparql")


def _download(body, content_type: str, filename: str) -> Response:
    return Response(
        body, content_type=content_type, headers={"Content-Disposition": f'attachment; filename="{filename}"'}
    )


@bp.get("/api/graph/systems")
def api_systems():
    direction = request.args.get("direction", "both")
    if direction not in ("up", "down", "both"):
        raise ServiceError(400, "direction must be up, down or both")
    return _answer(
        lambda: systems.systems_view(
            current_source(),
            request.args.get("system", "").strip() or None,
            direction,
            _int("depth", 2, 1, 20),
            request.args.get("scope", "").strip() or None,
            _int("limit", systems.DEFAULT_LIMIT, 1, systems.MAX_LIMIT),
        )
    )


@bp.get("/api/graph/impact")
def api_impact():
    return _answer(
        lambda: systems.impact_view(
            current_source(),
            _required("system"),
            request.args.get("scope", "").strip() or None,
            _int("limit", systems.DEFAULT_LIMIT, 1, systems.MAX_LIMIT),
        )
    )


@bp.get("/api/graph/trace")
def api_trace():
    task, document = request.args.get("task", "").strip(), request.args.get("document", "").strip()
    if not (task or document):
        raise ServiceError(400, "give 'task' or 'document'")
    return _answer(lambda: nodes.trace_view(current_source(), task or None, None if task else document))


@bp.get("/api/graph/path")
def api_path():
    return _answer(lambda: nodes.path_view(current_source(), _required("from"), _required("to")))


@bp.get("/api/graph/neighbours")
def api_neighbours():
    return _answer(
        lambda: nodes.neighbours(
            current_source(),
            _required("node"),
            _int("limit", nodes.NEIGHBOUR_LIMIT, 1, 500),
            request.args.get("only") == "system",
        )
    )


@bp.get("/api/search")
def api_search():
    q = request.args.get("q", "")[:200]
    kinds = {k for k in request.args.get("type", "").split(",") if k} or None
    if kinds and "document" in kinds:
        kinds.add("plan")  # a plan is a document too
    return jsonify(query=q, results=search.search(current_source(), q, _int("limit", 20, 1, 100), kinds))
