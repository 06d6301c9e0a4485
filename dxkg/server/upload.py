"""``/upload``: a policy officer adds one plan (Word, PDF, scan, text, HTML) from the browser.

The same code as ``dxkg add`` reads the file — in a sandboxed process of its own, killed at
``upload_timeout`` (``server/reader.py``), never in the HTTP process — and swaps a store with
its graph in at the served store path (``kg.incremental.add_read``); ``Backend.change`` runs
that with writes held and serves the new store before any other write, so no acknowledged
write is lost. The update token is required (password field or ``Authorization``), the body
is capped at the service's ``max_body`` (413), only the readers' file types are taken, and the
file name is reduced to letters, digits and dashes and only ever used inside a private
temporary folder. The page then shows what was read — counts, warnings, lost tables, errors
naming the file and line — and links the new document's page; everything from the document
is escaped by the templates.
"""

from __future__ import annotations

import re
import tempfile
import unicodedata
from pathlib import Path

from flask import Blueprint, current_app, render_template, request

from dxkg.kg import iris
from dxkg.kg.incremental import ADDABLE_SUFFIXES, add_read
from dxkg.kg.namespaces import DX
from dxkg.kg.pipeline import EXIT_FAIL, EXIT_VIOLATIONS
from dxkg.server import reader, security
from dxkg.server.errors import ServiceError
from dxkg.server.graph.source import current_source

bp = Blueprint("upload", __name__)
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
MAX_STEM = 100  # characters kept of the file name (it names the document's graph)


def safe_name(filename: str | None) -> str:
    """The uploaded file's name reduced to a bare, harmless one with a reader's extension:
    no folder part, no dots but the extension's, letters (any script), digits, ``-`` and ``_``.
    Raises 400 when the extension is not one the readers take."""
    base = re.split(r"[\\/]", unicodedata.normalize("NFC", filename or ""))[-1]
    stem, dot, ext = base.rpartition(".")
    suffix = "." + ext.lower() if dot else ""
    if suffix not in ADDABLE_SUFFIXES:
        raise ServiceError(
            400, f"only these file types can be added: {', '.join(sorted(ADDABLE_SUFFIXES))} (got '{suffix or base}')"
        )
    stem = re.sub(r"[^\w-]+", "-", stem).strip("-_")[:MAX_STEM] or "document"
    return stem + suffix


@bp.get("/upload")
def form():
    svc = current_app.extensions["dxkg"]
    return render_template("upload.html", writable=svc.options.update_token is not None, result=None)


@bp.post("/upload")
def upload():
    svc = current_app.extensions["dxkg"]
    if svc.options.update_token is None:
        security.require_token(None)  # a read-only service: 403 before the body is read
    typed = request.form.get("token") or None  # reading the form enforces max_body (413)
    security.require_token(svc.options.update_token, typed)
    sent = request.files.get("file")
    if sent is None or not sent.filename:
        raise ServiceError(400, "no file was sent: choose a document in the 'file' field")
    name = safe_name(sent.filename)
    lines: list[str] = []
    with tempfile.TemporaryDirectory(prefix="dxkg-upload-") as tmp:
        path = Path(tmp) / name
        sent.save(path)
        store = str(svc.backend.store_dir)

        def report(line: str) -> None:  # no server path reaches the page
            lines.append(line.replace(str(path), name).replace(tmp + "/", "").replace(store, "the store"))

        read = svc.backend.isolated(
            reader.main, {"paths": [str(path)]}, svc.options.upload_timeout, "reading the document"
        )
        for line in read["lines"]:
            report(line)
        reading = read["reading"]
        if reading is None:  # nothing could be read: the store is not touched
            code = EXIT_FAIL
        else:
            code = svc.backend.change(lambda: add_read(reading, svc.backend.store_dir, report=report))
    failed = code in (EXIT_FAIL, EXIT_VIOLATIONS)
    result = {
        "name": name,
        "failed": failed,
        "lines": lines,
        "lost": [x for x in lines if x.startswith(("lost ", "failed "))],  # pipeline.incomplete
        "errors": [x for x in lines if x.startswith("skipped ")],
        "documents": [] if failed else _documents(Path(name).stem),
    }
    return render_template("upload.html", writable=True, result=result), 422 if failed else 200


def _documents(stem: str) -> list[dict]:
    """The source documents now in the file's graph, with their task counts (read back from the
    served store: what the page shows is what queries answer)."""
    rows = current_source().select(
        f"""SELECT ?doc (SAMPLE(?l) AS ?label) (COUNT(DISTINCT ?task) AS ?tasks) WHERE {{
          GRAPH <{iris.graph(stem)}> {{
            ?doc a <{DX}SourceDocument> . OPTIONAL {{ ?doc <{RDFS_LABEL}> ?l }}
            OPTIONAL {{ ?task a <{DX}Task> }}
          }}
        }} GROUP BY ?doc ORDER BY ?doc"""
    )
    return [{"iri": r["doc"], "label": r.get("label") or r["doc"], "tasks": int(r["tasks"])} for r in rows]
