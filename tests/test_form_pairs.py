"""The lean route reads query strings and forms exactly as werkzeug does (``parse_qsl``)."""

from __future__ import annotations

import random
from urllib.parse import parse_qsl, urlencode

import werkzeug  # noqa: F401  # registers the "werkzeug.url_quote" error handler

from dxkg.server.sparql_route import _pairs

PIECES = [
    "%",
    "%2",
    "%zz",
    "%41",
    "%7B",
    "%c3%a9",
    "%C3",
    "%ff",
    "%5C",
    "\\",
    "\\\\x41",
    "\\\\n",
    "+",
    "&",
    "=",
    "==",
    "&&",
    "a",
    "query",
    "é",
    "ữ",
    "\\t",
    " ",
    "%00",
    "%0A",
    "%25",
    "%2B",
    "%26",
    "%3D",
    "x" * 20,
]


def test_random_texts_read_as_parse_qsl_reads_them():
    rnd = random.Random(7)
    for _ in range(5000):
        text = "".join(rnd.choice(PIECES) for _ in range(rnd.randint(0, 12)))
        assert _pairs(text) == parse_qsl(text, keep_blank_values=True, errors="werkzeug.url_quote"), text


def test_encoded_queries_come_back_whole():
    query = 'PREFIX dx: <http://x/#> SELECT ?s WHERE { ?s dx:label "dữ liệu số\\n" . FILTER(?s != <http://x/a%20b>) }'
    for text in (urlencode({"query": query, "format": "json"}), urlencode({"query": query}, safe=":/")):
        assert _pairs(text) == [("query", query)] + ([("format", "json")] if "format" in text else [])
