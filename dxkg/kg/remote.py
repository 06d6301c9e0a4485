"""A remote SPARQL 1.1 store behind the same interface as ``EmbeddedStore``.

Only standard protocols are spoken, so any triple store will do:

* reading: SPARQL 1.1 Protocol, ``POST`` of an URL-encoded form, the result format chosen by
  ``Accept`` (JSON, XML, CSV, TSV results; Turtle / N-Triples for CONSTRUCT and DESCRIBE);
* writing: the Graph Store HTTP Protocol (``PUT`` replaces a graph, ``POST`` adds to it) where
  the store offers it, else SPARQL 1.1 Update (``DROP SILENT GRAPH`` + ``INSERT DATA``).

Loading goes one source document's named graph at a time, in batches of ``batch_triples``;
every request is idempotent (PUT, DROP+INSERT of the same triples, INSERT DATA of triples
already there changes nothing), so a transient failure (connection reset or refused, 502,
503, 504) is retried with exponential backoff, and a failure that persists stops the load
with the graphs already replaced complete and the others untouched. Only the graph being
written when it failed can be partial; loading it again repairs it.

Flavours set the URLs and the kind of authentication (credentials come from the
environment: ``DXKG_ENDPOINT_USER`` / ``DXKG_ENDPOINT_PASSWORD``):

==========  ===========================  ===============================  =====================
flavour     endpoint given               query / update / graph store      auth
==========  ===========================  ===============================  =====================
oxigraph    ``http://host:7878``         /query, /update, /store           Basic (via a proxy)
virtuoso    ``http://host:8890``         /sparql; with credentials         Digest
                                         /sparql-auth and
                                         /sparql-graph-crud-auth
fuseki      ``http://host:3030/ds``      /ds/query, /ds/update, /ds/data   Basic
generic     the query URL                same URL for update; graph store  Basic
                                         from ``DXKG_ENDPOINT_GSP`` if set
==========  ===========================  ===============================  =====================

The union default graph: dxkg's named queries have no ``FROM`` and expect the default graph
to be the union of every named graph (each source document has its own graph). Embedded,
pyoxigraph is asked for it per query. Remote stores must be configured for it:

* Oxigraph server: start it with ``--union-default-graph``; this class also sends the
  ``union-default-graph`` parameter with every query, so an unconfigured server works too.
* Virtuoso: a query without ``FROM`` already sees every graph of the store (its own system
  graphs included, which dxkg's queries do not match).
* Fuseki (TDB2): set ``tdb2:unionDefaultGraph true`` on the dataset (documented, not tested here).

The union of graphs is a bag, not a set, in Oxigraph (embedded and server) and Virtuoso: a
triple stated in N documents' graphs (a national platform's label, a cited decree's date) is
matched N times, and joins over shared nodes multiply. Write queries over shared nodes with
``DISTINCT`` sub-selects or property paths (paths return distinct pairs).

Virtuoso caveats, seen with 7.2.5 (``tests/test_remote.py`` checks the named queries on it):

* ``[SPARQL] ResultSetMaxRows`` (10 000 by default) cuts results, CONSTRUCTs and graph dumps
  short *without an error*: raise it in ``virtuoso.ini`` for a national graph.
* a ``+`` property path with both ends unbound is refused ("transitive start not given"), and
  ``*`` paths can return a row more than once: bind one end, or unroll the path into
  ``UNION``s (as the named queries do).
* an unbound ``$param`` in an expression of a grouped projection is refused (SP031), and a
  variable bound by ``BIND(COALESCE($a, $b) AS ?x)`` from two unbound parameters joins nothing.
* JSON results say ``"typed-literal"`` (SPARQL 2005 style; ``select`` rewrites it to
  ``"literal"``), TSV headers are quoted names instead of ``?var``, ``GROUP_CONCAT`` drops the
  language tag Oxigraph keeps, and ``MIN``/``MAX`` of language-tagged strings do not follow
  code-point order.
* the graph-store and update endpoints ending in ``-auth`` need a user with the
  ``SPARQL_UPDATE`` role and HTTP Digest authentication.

Because a remote store may hold other data, ``named_graphs`` and ``len`` only count the
graphs under dxkg's graph namespace (``dxkg.kg.namespaces.GRAPH``).
"""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import pyoxigraph as ox
import requests
from requests.auth import HTTPBasicAuth, HTTPDigestAuth

from dxkg.kg.formats import CONTENT_TYPES, MEDIA_TYPES, RDF_FORMATS, RDF_READ, TRIPLE_FORMATS, serialised
from dxkg.kg.namespaces import GRAPH, PREFIXES
from dxkg.kg.store import StoreError

# what may precede the query form: white space, comments, PREFIX and BASE declarations
_PROLOGUE = re.compile(r"(?:\s+|#[^\n]*|PREFIX\s+[^\s:]*:\s*<[^>]*>|BASE\s*<[^>]*>)*", re.I)
TRANSIENT_STATUS = {502, 503, 504}


@dataclass(frozen=True)
class Endpoints:
    """Where a store answers queries, updates and (optionally) Graph Store requests."""

    query: str
    update: str | None
    gsp: str | None


def endpoints_for(endpoint: str, flavour: str, *, authenticated: bool) -> Endpoints:
    """The URLs a flavour uses, from the URL the user gave (root or query URL)."""
    base = endpoint.rstrip("/")
    if flavour == "oxigraph":
        base = _strip(base, "/query", "/sparql")
        return Endpoints(f"{base}/query", f"{base}/update", f"{base}/store")
    if flavour == "virtuoso":
        base = _strip(base, "/sparql", "/sparql-auth")
        if authenticated:
            return Endpoints(f"{base}/sparql", f"{base}/sparql-auth", f"{base}/sparql-graph-crud-auth")
        return Endpoints(f"{base}/sparql", f"{base}/sparql", None)
    if flavour == "fuseki":
        base = _strip(base, "/query", "/sparql")
        return Endpoints(f"{base}/query", f"{base}/update", f"{base}/data")
    if flavour == "generic":
        return Endpoints(endpoint, endpoint, os.environ.get("DXKG_ENDPOINT_GSP") or None)
    raise StoreError(f"unknown store flavour {flavour!r} (generic, oxigraph, virtuoso, fuseki)")


def _strip(url: str, *suffixes: str) -> str:
    for s in suffixes:
        if url.endswith(s):
            return url[: -len(s)]
    return url


class RemoteStore:
    """A SPARQL 1.1 store over HTTP; same methods as ``dxkg.kg.store.EmbeddedStore``."""

    def __init__(
        self,
        endpoints: Endpoints,
        *,
        flavour: str = "generic",
        auth=None,
        batch_triples: int = 10_000,
        retries: int = 4,
        backoff: float = 0.5,
        timeout: float = 300.0,
    ):
        self.endpoints = endpoints
        self.flavour = flavour
        self.batch_triples = batch_triples
        self.retries = retries
        self.backoff = backoff
        self.timeout = timeout
        self._http = requests.Session()
        self._http.auth = auth

    @classmethod
    def from_env(cls, endpoint: str, flavour: str = "generic", **options) -> RemoteStore:
        """The store at ``endpoint``, credentials from DXKG_ENDPOINT_USER / _PASSWORD."""
        user = os.environ.get("DXKG_ENDPOINT_USER")
        password = os.environ.get("DXKG_ENDPOINT_PASSWORD", "")
        auth = None
        if user:
            auth = HTTPDigestAuth(user, password) if flavour == "virtuoso" else HTTPBasicAuth(user, password)
        urls = endpoints_for(endpoint, flavour, authenticated=auth is not None)
        return cls(urls, flavour=flavour, auth=auth, **options)

    # --- HTTP ----------------------------------------------------------------
    def _request(self, method: str, url: str, **kw) -> requests.Response:
        """One request, retried with backoff on transient failures; errors become StoreError."""
        for attempt in range(self.retries + 1):
            try:
                r = self._http.request(method, url, timeout=self.timeout, **kw)
            except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError) as e:
                failure = f"{type(e).__name__}: {e}"
            else:
                if r.status_code < 400:
                    return r
                failure = f"HTTP {r.status_code}: {r.text[:500].strip()}"
                if r.status_code not in TRANSIENT_STATUS:
                    break
            if attempt < self.retries:
                time.sleep(self.backoff * 2**attempt)
        raise StoreError(f"{method} {url} failed: {failure}")

    def _sparql(self, sparql: str, accept: str) -> requests.Response:
        form = {"query": sparql}
        if self.flavour == "oxigraph":
            form["union-default-graph"] = ""
        return self._request("POST", self.endpoints.query, data=form, headers={"Accept": accept})

    # --- reading -------------------------------------------------------------
    def query(self, sparql: str):
        """Run a query; returns pyoxigraph solutions or a boolean, or an iterator of triples."""
        if query_form(sparql) in ("CONSTRUCT", "DESCRIBE"):
            r = self._sparql(sparql, f"{MEDIA_TYPES['ntriples']}, {MEDIA_TYPES['turtle']};q=0.9")
            fmt = RDF_READ.get(_media_type(r))
            if fmt is None:
                raise StoreError(f"{self.endpoints.query} answered a graph query with {_media_type(r)!r}")
            return ox.parse(r.content, format=fmt)
        # XML rather than JSON: Virtuoso's JSON says "typed-literal", which parsers refuse
        r = self._sparql(sparql, MEDIA_TYPES["xml"])
        return ox.parse_query_results(r.content, format=ox.QueryResultsFormat.XML)

    def select(self, sparql: str) -> dict:
        """SELECT/ASK as a SPARQL 1.1 Query Results JSON document (a dict)."""
        return _standard_json(json.loads(self._sparql(sparql, MEDIA_TYPES["json"]).content))

    def select_bytes(self, sparql: str, fmt: str = "json") -> bytes:
        """Results serialised by the store; CONSTRUCT/DESCRIBE as ``fmt`` or else Turtle."""
        graph_query = query_form(sparql) in ("CONSTRUCT", "DESCRIBE")
        accept = MEDIA_TYPES[fmt if fmt in RDF_FORMATS else "turtle"] if graph_query else MEDIA_TYPES[fmt]
        data = self._sparql(sparql, accept).content
        if fmt == "json" and b'"typed-literal"' in data:
            data = json.dumps(_standard_json(json.loads(data)), ensure_ascii=False).encode("utf-8")
        return data

    def named_graphs(self) -> list[str]:
        res = self.select(
            f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(STRSTARTS(STR(?g), {_str_lit(GRAPH)})) }}"
        )
        return sorted(b["g"]["value"] for b in res["results"]["bindings"])

    def __len__(self) -> int:
        res = self.select(
            f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(STRSTARTS(STR(?g), {_str_lit(GRAPH)})) }}"
        )
        return int(res["results"]["bindings"][0]["n"]["value"])

    def dump(self, fmt: str, graph: str | None = None) -> bytes:
        """One graph, all of dxkg's graphs (quad formats) or their union (triple formats)."""
        mem = ox.Store()
        if graph:
            mem.extend(self._graph_quads(graph, ox.DefaultGraph()))
        elif fmt in TRIPLE_FORMATS:
            mem.extend(
                ox.Quad(t.subject, t.predicate, t.object)
                for t in self.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
            )
        else:
            for g in self.named_graphs():
                mem.extend(self._graph_quads(g, ox.NamedNode(g)))
            return serialised(mem.dump(format=RDF_FORMATS[fmt], prefixes=PREFIXES))
        return serialised(mem.dump(format=RDF_FORMATS[fmt], from_graph=ox.DefaultGraph(), prefixes=PREFIXES))

    def _graph_quads(self, graph: str, into) -> Iterator[ox.Quad]:
        triples = self.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
        return (ox.Quad(t.subject, t.predicate, t.object, into) for t in triples)

    # --- writing -------------------------------------------------------------
    def replace_graph(self, graph: str, nquads_or_quads) -> None:
        """Replace one named graph with the given quads (their graph is overridden)."""
        self._write(graph, _triples(nquads_or_quads), replace=True)

    def load(self, data, *, graph: str | None = None, fmt: str = "nquads") -> None:
        """Add data: bytes/str in ``fmt`` or an iterable of pyoxigraph quads."""
        quads = ox.parse(data, format=RDF_FORMATS[fmt]) if isinstance(data, (bytes, str)) else data
        if graph:
            self._write(graph, _triples(quads), replace=False)
            return
        by_graph: dict = {}
        for q in quads:
            by_graph.setdefault(q.graph_name, []).append(ox.Triple(q.subject, q.predicate, q.object))
        for g, triples in by_graph.items():
            self._write(None if isinstance(g, ox.DefaultGraph) else g.value, triples, replace=False)

    def _write(self, graph: str | None, triples: list[ox.Triple], *, replace: bool) -> None:
        """Write ``triples`` into ``graph`` in batches; the first batch replaces it if asked."""
        batches = list(_batches(triples, self.batch_triples))
        if not batches and replace:
            batches = [[]]  # replacing with nothing empties the graph
        for i, batch in enumerate(batches):
            first_replaces = replace and i == 0
            if self.endpoints.gsp:
                self._gsp_write(self.endpoints.gsp, graph, batch, put=first_replaces)
            else:
                self._update_write(graph, batch, drop_first=first_replaces)

    def _gsp_write(self, gsp: str, graph: str | None, triples: list[ox.Triple], *, put: bool) -> None:
        params = {"graph": graph} if graph else {"default": ""}
        self._request(
            "PUT" if put else "POST",
            gsp,
            params=params,
            data=_ntriples(triples),
            headers={"Content-Type": CONTENT_TYPES["turtle"]},
        )

    def _update_write(self, graph: str | None, triples: list[ox.Triple], *, drop_first: bool) -> None:
        body = _ntriples(triples).decode("utf-8")
        target = f"GRAPH <{graph}> {{\n{body}}}" if graph else body
        ops = [f"DROP SILENT GRAPH <{graph}>"] if drop_first else []
        if triples:
            ops.append(f"INSERT DATA {{ {target} }}")
        if ops:
            self.update(" ;\n".join(ops))

    def drop_graph(self, graph: str) -> None:
        self.update(f"DROP SILENT GRAPH <{graph}>")

    def update(self, sparql_update: str) -> None:
        if not self.endpoints.update:
            raise StoreError("this remote store has no SPARQL Update endpoint")
        self._request("POST", self.endpoints.update, data={"update": sparql_update.encode("utf-8")})

    def flush(self) -> None:
        """Nothing to do: the remote store commits each request."""

    def close(self) -> None:
        self._http.close()


def query_form(sparql: str) -> str:
    """SELECT, ASK, CONSTRUCT or DESCRIBE: the keyword after the prologue (prefixes, comments)."""
    prologue = _PROLOGUE.match(sparql)  # matches every text (all its parts are optional)
    word = re.match(r"[A-Za-z]*", sparql[prologue.end() if prologue else 0 :])
    return word.group(0).upper() if word else ""


def _standard_json(res: dict) -> dict:
    """SPARQL 1.1 JSON results: Virtuoso's pre-standard "typed-literal" becomes "literal"."""
    for row in res.get("results", {}).get("bindings", []):
        for value in row.values():
            if value.get("type") == "typed-literal":
                value["type"] = "literal"
    return res


def _media_type(r: requests.Response) -> str:
    return r.headers.get("Content-Type", "").split(";")[0].strip().lower()


def _str_lit(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _triples(data) -> list[ox.Triple]:
    """Triples of N-Quads text or of quads, whatever graph they were in."""
    quads = ox.parse(data, format=ox.RdfFormat.N_QUADS) if isinstance(data, (bytes, str)) else data
    return [ox.Triple(q.subject, q.predicate, q.object) for q in quads]


def _batches(triples: list[ox.Triple], size: int) -> Iterable[list[ox.Triple]]:
    """Batches of ``size``; all triples with a blank node go in the first one.

    A blank-node label means one node only within a request, so the triples that share
    blank nodes must travel together.
    """
    with_bnodes = [t for t in triples if isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode)]
    plain = [t for t in triples if not (isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode))]
    first = with_bnodes + plain[: max(0, size - len(with_bnodes))]
    if first:
        yield first
    for i in range(len(first) - len(with_bnodes), len(plain), size):
        yield plain[i : i + size]


def _ntriples(triples: list[ox.Triple]) -> bytes:
    """N-Triples (also valid Turtle and SPARQL ``INSERT DATA`` syntax)."""
    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
