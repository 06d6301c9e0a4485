"""The benchmark's corpus cache (bench/corpus.py) and its budget for slow peers (bench/run.py)."""

from __future__ import annotations

import json

import requests

from bench import corpus, run, synth


def test_the_corpus_is_generated_once_and_again_when_the_code_shaping_it_changes(tmp_path):
    cache = tmp_path / "cache"
    first = corpus.cached("S", cache)
    nq = cache / "S" / "corpus.nq"
    made = nq.stat().st_mtime_ns
    assert corpus.cached("S", cache) == first and nq.stat().st_mtime_ns == made
    stamp = cache / "S" / "corpus.json"
    stamp.write_text(json.dumps({**first, "fingerprint": "other code"}))
    again = corpus.cached("S", cache)
    assert again["fingerprint"] == corpus.fingerprint() and again["quads"] == first["quads"]
    # a run serves its own copy of the store: the cached one is never opened read-write
    c = corpus.prepare("S", tmp_path / "run", cache)
    assert c.store == tmp_path / "run" / "dxkg-store" and c.store.is_dir() and c.nq == nq


def test_the_remote_peers_get_the_same_graphs_from_the_nquads_as_from_the_generator(tmp_path):
    c = corpus.generate(tmp_path, 1, 2)
    read = [(g, len(qs)) for g, qs in corpus.graphs_of(c.nq)]
    assert read == [(g, len(qs)) for g, qs in synth.generate(1, 2)]
    assert sum(n for _g, n in read) == c.quads and len(read) == c.graphs


class _Peer(run.Peer):
    """A peer whose every answer takes ``seconds`` on ``clock`` (or times out past its limit)."""

    def __init__(self, seconds: float, clock: list[float]):
        super().__init__("slow", url="http://127.0.0.1:9/", limit=60)
        self.seconds, self.clock, self.asked, self.recovered = seconds, clock, 0, 0

    def ask(self, sparql, session) -> int:
        self.asked += 1
        if self.seconds > self.limit:
            raise requests.Timeout()
        self.clock[0] += self.seconds  # no real waiting: the clock the bench reads moves
        return 3

    def recover(self) -> None:
        self.recovered += 1


def test_a_slow_peer_gets_one_run_and_one_over_the_limit_none(monkeypatch):
    clock = [0.0]
    monkeypatch.setattr(run.time, "perf_counter", lambda: clock[0])
    q = run.UserQuery("q", "a query", True, "SELECT * WHERE { ?s ?p ?o }")

    fast = _Peer(0.01, clock)
    t = run.measure(fast, q, 5)
    assert fast.asked == 1 + 5 and len(t.times) == 5 and "run" not in t.cell()

    slow = _Peer(run.SLOW_RUN + 1, clock)
    t = run.measure(slow, q, 5)
    assert slow.asked == 1 and t.times == [run.SLOW_RUN + 1] and t.cell().endswith("(3, 1 run)")

    stuck = _Peer(120, clock)
    t = run.measure(stuck, q, 5)
    assert t.cell() == "> 60 s" and not t.times and stuck.recovered == 1
