"""Where graph views get their data: the service's query workers, and a cache per application.

Whole-store structures (the system catalogue, the search index, the entity graph for shortest
paths, the ontology's labels) cost a few whole-store queries to build, so each application
keeps them in one ``Cache`` (``app.extensions["dxkg-graph-cache"]``), tagged with the store
generation they were built from; a reload or a write moves the generation on and they are
rebuilt on next use. Nothing is keyed by ``id()`` of an object that may be freed and reused.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable

from flask import Flask, current_app

from dxkg.server.graph.model import PREFIX_BLOCK
from dxkg.server.graph.style import short_name

MAX_ROWS = 2_000_000  # whole-store queries (catalogue, search index, entity graph)
CACHE_KEY = "dxkg-graph-cache"


class Cache:
    """name → (store generation, value), shared by the threads of one application."""

    def __init__(self):
        self._lock = threading.Lock()
        self._items: dict[str, tuple[int, object]] = {}

    def get(self, name: str, generation: int, build: Callable[[], object]):
        with self._lock:
            held = self._items.get(name)
        if held and held[0] == generation:
            return held[1]
        value = build()
        with self._lock:
            self._items[name] = (generation, value)
        return value


class BackendSource:
    """The graph modules' view of the store: ``select`` (plain-string rows), ``construct``
    (Turtle) and ``cached`` whole-store structures, all through the service's workers (a
    query asked again while the data is unchanged is answered by the ``results`` cache).
    What ``cached`` structures are built from is not kept there too (``keep``): they are
    asked for once per generation, and their answers are the largest."""

    def __init__(self, backend, cache: Cache, results, keep: bool = True):
        self.backend = backend
        self.cache = cache
        self.results = results
        self.keep = keep

    def cached(self, name: str, build: Callable[[BackendSource], object]):
        unkept = BackendSource(self.backend, self.cache, self.results, keep=False)
        return self.cache.get(name, self.backend.generation, lambda: build(unkept))

    def select(self, sparql: str) -> list[dict]:
        reply = self.results.read(
            {"query": sparql, "union": True, "results_format": "json", "rdf_format": None, "max_rows": MAX_ROWS},
            keep=self.keep,
        )
        rows = json.loads(reply.body)["results"]["bindings"]
        return [{k: v["value"] for k, v in r.items()} for r in rows]

    def construct(self, sparql: str) -> bytes:
        reply = self.results.read(
            {"query": sparql, "union": True, "results_format": None, "rdf_format": "turtle", "max_rows": MAX_ROWS},
            keep=self.keep,
        )
        return reply.body


def install(app: Flask) -> None:
    app.extensions[CACHE_KEY] = Cache()


def current_source() -> BackendSource:
    """The source of the application handling this request."""
    svc = current_app.extensions["dxkg"]
    return BackendSource(svc.backend, current_app.extensions[CACHE_KEY], svc.results)


def vocabulary(source, lang: str = "vi") -> dict:
    """The ontology's labels (``rdfs:label`` in ``lang``, Vietnamese by default) of classes and
    properties, its own and the other vocabularies' it labels: edge labels, types, page rows."""

    lang = "en" if lang == "en" else "vi"

    def build(src):
        rows = src.select(
            PREFIX_BLOCK
            + f"""SELECT ?t (SAMPLE(?l) AS ?label) WHERE {{
            ?t rdfs:label ?l FILTER(LANG(?l) = "{lang}") FILTER(isIRI(?t) && !STRSTARTS(STR(?t), STR(dxid:)))
        }} GROUP BY ?t"""
        )
        return {r["t"]: r["label"] for r in rows}

    return source.cached("vocabulary-" + lang, build)


def relation_label(vocab: dict, predicate: str) -> str:
    return vocab.get(predicate) or short_name(predicate)
