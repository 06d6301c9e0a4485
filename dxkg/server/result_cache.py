"""Answers to repeated queries, kept in the HTTP process and given again while the data is unchanged.

Dashboards, pages, graph views and staff running the same named query ask the same questions
again and again of a store that changes rarely. A repeat answered from memory skips the hop to
a worker, which is most of what a light query costs, and the evaluation.

**Never older than a worker would read.** The one version identity is ``Backend.generation``:
the replica every worker opens before its next task. It moves on (``Backend._publish``) after
every write, before the write is answered, and when a rebuilt or replaced store is served. An
answer is kept with the generation it was evaluated at and given only while that is still the
generation: a read sent after a write's 200, or after a rebuild is served, never gets an answer
from before it. Which generation a worker read is known exactly when the generation is the
same before and after the task (it only moves forward); when it moved meanwhile, the answer is
given but neither kept nor tagged.

**Keyed by everything that shapes the bytes**: the whole worker task — query text, base IRI
(from the request's host), dataset (``default-graph-uri``/``named-graph-uri``, or the union),
the negotiated result formats, ``max_rows`` and ``max_triples``. Headers that differ per
request (CORS, security) are added by the caller and never kept.

**Not kept**: queries whose answer may differ per evaluation (``sparql_text.VOLATILE``: NOW,
RAND, UUID, STRUUID, BNODE, SERVICE), errors and timeouts (raised, never stored), updates
(never asked here), an answer larger than an eighth of the cache (so one large answer cannot
flush the others).

**Bounded**: ``result_cache_mb`` (0: nothing kept), least recently used first out; on a new
generation every older answer is dropped at once, since none can be given again.

**HTTP validation** rides on the same identity. The ETag names this service instance (so a
restart, which starts generations again at 0, never matches an old one), the generation and a
digest of the key; it is weak (``W/``): two evaluations may label blank nodes differently in
the same graph. ``If-None-Match`` with the current ETag is answered 304 without evaluating,
whether or not the answer is still kept. ``Cache-Control: no-cache`` on the request (or
``Pragma: no-cache``) evaluates afresh and keeps the new answer; ``no-store`` evaluates afresh
and keeps nothing. Answers carry ``Cache-Control: no-cache`` (any cache asks again, with the
ETag) or, for a volatile query, ``no-store``.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import threading
from collections import OrderedDict
from dataclasses import dataclass

from dxkg.server import sparql_text

COUNTS = ("hits", "misses", "bypasses", "uncacheable", "not_modified", "evictions", "too_large")
ENTRY_SHARE = 8  # an answer may take at most 1/ENTRY_SHARE of the cache
OVERHEAD = 256  # bytes an entry costs besides its body and key text (objects, dict slot)
_TAG = re.compile(r'(?:W/)?"([^"]*)"')


@dataclass(frozen=True)
class Answer:
    """A query's answer as the protocol gives it: ``status`` 200 with ``body``, or 304 (the
    client's copy named by ``If-None-Match`` is current; no body)."""

    body: bytes
    format: str  # the result format's name (``conneg.CONTENT_TYPES``); "" for a 304
    truncated: bool
    etag: str | None  # None: volatile, or the generation moved while it was evaluated
    volatile: bool = False
    status: int = 200


@dataclass(frozen=True)
class _Entry:
    answer: Answer
    generation: int
    size: int


def wanted(cache_control: str | None, pragma: str | None) -> tuple[bool, bool]:
    """(fresh, keep) from a request's ``Cache-Control`` (or, without one, ``Pragma``):
    ``no-cache`` asks for a fresh evaluation, ``no-store`` also that nothing be kept."""
    if cache_control is None:
        fresh = pragma is not None and "no-cache" in pragma.lower()
        return fresh, True
    names = {d.split("=", 1)[0].strip() for d in cache_control.lower().split(",")}
    no_store = "no-store" in names
    return no_store or "no-cache" in names, not no_store


def matches(if_none_match: str, etag: str) -> bool:
    """``If-None-Match`` by weak comparison (RFC 9110 §13.1.2): ``*`` or any listed tag."""
    if if_none_match.strip() == "*":
        return True
    opaque = etag[2:] if etag.startswith("W/") else etag
    return any(f'"{tag}"' == opaque for tag in _TAG.findall(if_none_match))


def validation_headers(answer: Answer, method: str) -> list[tuple[str, str]]:
    """``Cache-Control``, and for GET/HEAD the ``ETag`` (a POST's answer is no representation
    of the URL: nothing revalidates it)."""
    headers = [("Cache-Control", "no-store" if answer.volatile else "no-cache")]
    if answer.etag and method in ("GET", "HEAD"):
        headers.append(("ETag", answer.etag))
    return headers


def _key(task: dict) -> tuple:
    return tuple((k, tuple(v) if isinstance(v, list) else v) for k, v in task.items())


class ResultCache:
    """Query answers by (generation, task), least recently used out past ``max_bytes``."""

    def __init__(self, backend, max_bytes: int):
        self.backend = backend
        self.max_bytes = max_bytes
        self.max_entry = max_bytes // ENTRY_SHARE
        self.instance = secrets.token_hex(4)
        self.bytes = 0
        self.counts = dict.fromkeys(COUNTS, 0)
        self._lock = threading.Lock()
        self._entries: OrderedDict[tuple, _Entry] = OrderedDict()
        self._generation = -1  # the newest generation seen: older entries are gone

    def __len__(self) -> int:
        return len(self._entries)

    def read(
        self,
        task: dict,
        *,
        volatile: bool | None = None,
        fresh: bool = False,
        keep: bool = True,
        if_none_match: str | None = None,
    ) -> Answer:
        """The answer to the query ``task`` (as ``Backend.read("query", **task)`` takes it):
        kept, or 304 for a current ``if_none_match``, or evaluated (and kept unless volatile
        or not ``keep``). ``volatile``: from the caller's survey of the text, else surveyed
        here. Errors are raised as ``Backend.read`` raises them."""
        if volatile is None:
            try:
                volatile = sparql_text.survey(task["query"], None).volatile is not None
            except sparql_text.SparqlTextError:  # the worker's parser says what is wrong
                volatile = True
        if volatile:
            self._count("uncacheable")
            reply = self.backend.read("query", **task)
            return Answer(reply["body"], reply["format"], bool(reply.get("truncated")), None, volatile=True)
        key = _key(task)
        generation = self.backend.generation
        if not fresh:
            held = self._get(generation, key)
            if held is not None:
                if if_none_match and held.etag and matches(if_none_match, held.etag):
                    self._count("not_modified")
                    return Answer(b"", "", False, held.etag, status=304)
                self._count("hits")
                return held
            if if_none_match:
                etag = self._etag(generation, key)
                if matches(if_none_match, etag):
                    self._count("not_modified")
                    return Answer(b"", "", False, etag, status=304)
        self._count("bypasses" if fresh else "misses")
        reply = self.backend.read("query", **task)
        known = self.backend.generation == generation  # else it read this one or a later one
        answer = Answer(
            reply["body"], reply["format"], bool(reply.get("truncated")), self._etag(generation, key) if known else None
        )
        if known and keep and self.max_bytes:
            size = len(answer.body) + sum(len(v) for _, v in key if isinstance(v, str)) + OVERHEAD
            self._put(generation, key, _Entry(answer, generation, size))
        if if_none_match and answer.etag and matches(if_none_match, answer.etag):
            self._count("not_modified")
            return Answer(b"", "", False, answer.etag, status=304)
        return answer

    def _etag(self, generation: int, key: tuple) -> str:
        digest = hashlib.blake2b(repr(key).encode(), digest_size=12).hexdigest()
        return f'W/"{self.instance}-{generation}-{digest}"'

    def _count(self, name: str) -> None:
        with self._lock:
            self.counts[name] += 1

    def _get(self, generation: int, key: tuple) -> Answer | None:
        if not self.max_bytes:
            return None
        with self._lock:
            self._advance(generation)
            entry = self._entries.get(key)
            if entry is None or entry.generation != generation:
                return None
            self._entries.move_to_end(key)
            return entry.answer

    def _put(self, generation: int, key: tuple, entry: _Entry) -> None:
        with self._lock:
            self._advance(generation)
            if generation < self._generation:  # a newer generation is served: never given again
                return
            if entry.size > self.max_entry:
                self.counts["too_large"] += 1
                return
            old = self._entries.pop(key, None)
            if old is not None:
                self.bytes -= old.size
            self._entries[key] = entry
            self.bytes += entry.size
            while self.bytes > self.max_bytes:
                _, out = self._entries.popitem(last=False)
                self.bytes -= out.size
                self.counts["evictions"] += 1

    def _advance(self, generation: int) -> None:
        """With the lock held: on a newer generation, drop every answer (none is current)."""
        if generation > self._generation:
            self._entries.clear()
            self.bytes = 0
            self._generation = generation
