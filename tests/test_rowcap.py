"""The row cap counts rows exactly in each format, whatever the literals hold and wherever
pyoxigraph's chunks happen to end."""

from __future__ import annotations

import csv
import io
import random

import pyoxigraph as ox
import pytest

from dxkg.kg.formats import RESULT_FORMATS
from dxkg.server import rowcap

# literals that look like the marks the cap counts, or like the escapes around them
NASTY = [
    'a,{"b":1}',
    "[{",
    '"},{"',
    "\\",
    '\\"',
    "\\\\",
    'x"',
    '"',
    "<result>",
    "</results></sparql>",
    "line\nbreak",
    "cr\r\nlf",
    "tab\there",
    "vi: dữ liệu số",
    "é\u0001",
    "{}",
    "],[",
    "x" * 9000 + ',{"' + "\\" * 7,  # longer than pyoxigraph's 8 KB chunks, ending in backslashes
    ',{\\"' * 600,  # row marks and escaped quotes all along: strings skipped whole, never rescanned
]
QUERY = "SELECT ?s ?o ?z WHERE { ?s <http://e/p> ?o OPTIONAL { ?s <http://e/q> ?z } } ORDER BY ?s ?o"


def _store(rows: int, seed: int) -> ox.Store:
    rnd = random.Random(seed)
    store = ox.Store()
    for i in range(rows):
        s = ox.NamedNode(f"http://e/s{i:04}")
        kind = rnd.random()
        if kind < 0.5:
            o: ox.NamedNode | ox.Literal | ox.BlankNode = ox.Literal(rnd.choice(NASTY) + str(i), language="vi")
        elif kind < 0.7:
            o = ox.Literal(rnd.choice(NASTY))
        elif kind < 0.85:
            o = ox.NamedNode(f"http://e/o{i}")
        else:
            o = ox.BlankNode(f"b{i}")
        store.add(ox.Quad(s, ox.NamedNode("http://e/p"), o))
        if rnd.random() < 0.3:
            store.add(ox.Quad(s, ox.NamedNode("http://e/q"), ox.Literal(rnd.choice(NASTY))))
    return store


def _rows(body: bytes, fmt: str) -> list:
    """The rows of a whole document, read by a parser that knows the format."""
    if fmt == "csv":
        return list(csv.reader(io.StringIO(body.decode(), newline="")))[1:]
    results = ox.parse_query_results(body, RESULT_FORMATS[fmt])
    assert isinstance(results, ox.QuerySolutions)
    return [tuple(solution[v] for v in results.variables) for solution in results]


def _feed(sink: rowcap.Rows, whole: bytes, rnd: random.Random, sizes: list[int]) -> None:
    """Write ``whole`` into ``sink`` in chunks of sizes drawn from ``sizes``."""
    i = 0
    try:
        while i < len(whole):
            n = rnd.choice(sizes)
            assert sink.write(whole[i : i + n]) == len(whole[i : i + n])
            i += n
    except rowcap.Enough:
        pass


@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv"])
def test_rows_are_cut_exactly_at_the_limit_wherever_chunks_end(fmt):
    store = _store(60, seed=1)
    whole = store.query(QUERY).serialize(format=RESULT_FORMATS[fmt])
    assert whole is not None
    every = _rows(whole, fmt)
    assert len(every) == 60
    rnd = random.Random(2)
    for limit in (0, 1, 2, 17, 59, 60, 61, 1000):
        for sizes in [[1]] + [[1, 2, 3, 7, 8, 64, 8192, 20000]] * 15:  # every boundary once, then at random
            sink = rowcap.Rows(fmt, limit)
            _feed(sink, whole, rnd, sizes)
            body = bytes(sink.body())
            assert _rows(body, fmt) == every[:limit], (limit, body[-200:])
            assert sink.truncated == (limit < 60)
            if limit >= 60:
                assert body == whole


@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv"])
def test_serialize_stops_pyoxigraph_and_matches_its_own_document(fmt):
    store = _store(400, seed=3)
    whole = store.query(QUERY).serialize(format=RESULT_FORMATS[fmt])
    assert whole is not None
    body, truncated = rowcap.serialize(store.query(QUERY), fmt, 400)
    assert bytes(body) == whole and not truncated
    body, truncated = rowcap.serialize(store.query(QUERY), fmt, 123)
    assert truncated and _rows(bytes(body), fmt) == _rows(whole, fmt)[:123]


def test_rows_without_any_variable_are_counted():
    store = ox.Store()
    for fmt in ("json", "xml", "csv", "tsv"):
        query = "SELECT * WHERE { VALUES ?x { 1 2 3 } } "
        body, truncated = rowcap.serialize(store.query("SELECT ?y WHERE { VALUES ?x { 1 2 3 } }"), fmt, 2)
        assert truncated, fmt
        body, truncated = rowcap.serialize(store.query(query), fmt, 3)
        assert not truncated and bytes(body) == store.query(query).serialize(format=RESULT_FORMATS[fmt])
