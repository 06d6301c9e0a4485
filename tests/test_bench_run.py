"""bench/run.py reports dxkg both ways: the "dxkg" column is evaluated every time (so no ratio to
a peer is flattered by the result cache) and "dxkg (repeat)" asks as clients do."""

from __future__ import annotations

import requests
from conftest import TASK, make_store

from bench import run


def evaluations(url: str) -> int:
    text = requests.get(url + "/metrics", timeout=30).text
    return int(next(line.split()[1] for line in text.splitlines() if line.startswith("dxkg_worker_tasks_total ")))


def test_the_dxkg_column_is_evaluated_and_the_repeat_column_is_not(tmp_path):
    store = make_store(tmp_path / "store")
    peers: list[run.Peer] = []
    others = {"oxigraph", "virtuoso", "rdflib", "pyoxigraph"}
    try:
        run.start_peers(peers, (store, 0.0), tmp_path / "unused.nq", False, others, 30.0, lambda m: None)
        assert [p.name for p in peers] == ["dxkg", run.REPEAT]
        dxkg, repeat = peers
        assert repeat.served is dxkg.server
        base = dxkg.server.url
        query = f"SELECT ?p ?o WHERE {{ <{TASK}> ?p ?o }}"
        client = run.Client()
        rows = dxkg.ask(query, client)
        before = evaluations(base)
        for _ in range(3):
            assert dxkg.ask(query, client) == rows
        assert evaluations(base) == before + 3
        for _ in range(3):
            assert repeat.ask(query, client) == rows
        assert evaluations(base) == before + 3
        client.close()
    finally:
        for p in peers:
            p.stop()
