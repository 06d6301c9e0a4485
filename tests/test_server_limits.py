"""Limits checked before evaluation, on a live service: shape, length, federation spellings."""

from __future__ import annotations

import requests

from tests.conftest import TOKEN


def get(server, query):
    return requests.get(server.url + "/sparql", params={"query": query}, timeout=30)


def test_deep_nesting_is_refused_and_the_workers_keep_answering(live_server):
    for deep in (
        "SELECT * " + "{" * 10_000 + "}" * 10_000,
        "SELECT * { FILTER(" + "(" * 10_000 + "1" + ")" * 10_000 + ") }",
        "ASK { ?s ?p " + "[ ?p " * 10_000 + "1" + "]" * 10_000 + " }",
    ):
        r = requests.post(
            live_server.url + "/sparql", data=deep, headers={"Content-Type": "application/sparql-query"}, timeout=30
        )
        assert r.status_code == 400 and "more than 100 levels" in r.text
    assert get(live_server, "ASK { ?s ?p ?o }").json()["boolean"] is True


def test_text_that_is_not_sparql_terminals_is_a_400_that_says_where(live_server):
    r = get(live_server, 'SELECT * WHERE {\n  ?s ?p "unterminated }')
    assert r.status_code == 400 and "line 2, column 9" in r.text


def test_glued_service_spellings_are_refused(live_server):
    for query in (
        "SELECT * { SERVICESILENT<http://127.0.0.1:9/> {} }",
        "PREFIX : <http://127.0.0.1:9/> SELECT * { SERVICE:x {} }",
        "SELECT * { ?s ?p trueSERVICE <http://127.0.0.1:9/> {} }",
        "PREFIX ex: <http://e/> SELECT * { ?s ?p ex:a\\#b SERVICE <http://127.0.0.1:9/> {} }",
    ):
        r = get(live_server, query)
        assert r.status_code == 403 and "SERVICE is disabled" in r.text


def test_glued_load_is_refused(writable_server):
    r = requests.post(
        writable_server.url + "/sparql",
        data={"update": "PREFIX : <http://127.0.0.1:9/> LOAD:x"},
        headers={"Authorization": f"Bearer {TOKEN}"},
        timeout=30,
    )
    assert r.status_code == 403 and "LOAD is disabled" in r.text


def test_the_48000_character_body_of_quote_backslash_is_answered_at_once(live_server):
    r = requests.post(
        live_server.url + "/sparql",
        data='"\\' * 24_000,
        headers={"Content-Type": "application/sparql-query"},
        timeout=30,
    )
    assert r.status_code == 400 and "SPARQL syntax error" in r.text
