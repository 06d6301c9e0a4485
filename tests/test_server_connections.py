"""Connections on a live service: slow clients, oversized bodies, capped graph answers, RDF/XML DTDs."""

from __future__ import annotations

import select
import socket
import threading
import time

import pyoxigraph as ox
import requests

from tests.conftest import TOKEN

SLOW_BODY = (
    b"POST /sparql HTTP/1.1\r\nHost: dxkg\r\nContent-Type: application/sparql-query\r\nContent-Length: 100000\r\n\r\n"
)
SLOW_HEADERS = b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: dxkg\r\nX-Slow: "


def _dribble(socks: list[socket.socket], replies: dict, stop: threading.Event, until: float) -> None:
    """Send one byte to each open socket every 0.2 s; collect what comes back until each closes."""
    while socks and time.monotonic() < until and not stop.is_set():
        readable, _, _ = select.select(socks, [], [], 0)
        for s in readable:
            try:
                data = s.recv(4096)
            except OSError:
                data = b""
            replies[s] = replies.get(s, b"") + data
            if not data:
                socks.remove(s)
                s.close()
        for s in socks:
            try:
                s.send(b"a")
            except OSError:
                pass
        time.sleep(0.2)


def test_slow_clients_do_not_starve_others_and_are_cut_at_the_request_deadline(live_server_factory):
    server = live_server_factory(request_timeout=4)
    port = server.server.effective_port
    slow = []
    for i in range(100):
        s = socket.create_connection(("127.0.0.1", port), timeout=10)
        s.sendall(SLOW_BODY if i % 2 else SLOW_HEADERS)
        slow.append(s)
    replies: dict = {}
    stop = threading.Event()
    everyone = list(slow)
    dribbler = threading.Thread(target=_dribble, args=(slow, replies, stop, time.monotonic() + 30), daemon=True)
    dribbler.start()
    try:
        time.sleep(0.5)  # all 100 are now mid-request
        r = requests.get(server.url + "/sparql", params={"query": "ASK { ?s ?p ?o }"}, timeout=10)
        still_open = len(slow)
        assert r.status_code == 200 and r.json()["boolean"] is True
        assert still_open == 100 and not replies  # answered while all 100 were still mid-request
        dribbler.join(30)
        assert not slow, f"{len(slow)} slow connections still open"
        answered = [replies.get(s, b"") for s in everyone]
        assert sum(a.startswith(b"HTTP/1.1 408 ") for a in answered) >= 90, answered[:3]
    finally:
        stop.set()
        for s in everyone:
            s.close()


def test_a_body_over_the_limit_is_a_413_not_a_reset(live_server):
    r = requests.post(
        live_server.url + "/sparql",
        data=b"ASK {}" + b" " * (20 * 1024 * 1024),
        headers={"Content-Type": "application/sparql-query"},
        timeout=60,
    )
    assert r.status_code == 413 and "larger than this service accepts" in r.text
    assert r.headers["X-Content-Type-Options"] == "nosniff"

    def chunks():
        for _ in range(40):
            yield b" " * 65536

    r = requests.post(
        live_server.url + "/sparql", data=chunks(), headers={"Content-Type": "application/sparql-query"}, timeout=60
    )
    assert r.status_code == 413
    assert requests.get(live_server.url + "/sparql", params={"query": "ASK {}"}, timeout=30).status_code == 200


def test_rdf_xml_with_a_dtd_is_refused(writable_server):
    entities = '<!ENTITY a0 "hahahahaha">' + "".join(f'<!ENTITY a{i} "{f"&a{i - 1};" * 10}">' for i in range(1, 7))
    laughs = (
        f'<?xml version="1.0"?><!DOCTYPE rdf:RDF [{entities}]>'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://e/">'
        '<rdf:Description rdf:about="http://e/s"><ex:p>&a6;</ex:p></rdf:Description></rdf:RDF>'
    )
    assert len(laughs) < 1024
    r = requests.put(
        writable_server.url + "/rdf-graphs",
        params={"graph": "http://e/laughs"},
        data=laughs.encode(),
        headers={"Content-Type": "application/rdf+xml", "Authorization": f"Bearer {TOKEN}"},
        timeout=30,
    )
    assert r.status_code == 400 and "DOCTYPE" in r.text
    r = requests.get(writable_server.url + "/rdf-graphs", params={"graph": "http://e/laughs"}, timeout=30)
    assert r.status_code == 404
    plain = laughs.replace(laughs[laughs.index("<!DOCTYPE") : laughs.index("]>") + 2], "").replace("&a6;", "ha")
    r = requests.put(
        writable_server.url + "/rdf-graphs",
        params={"graph": "http://e/laughs"},
        data=plain.encode(),
        headers={"Content-Type": "application/rdf+xml", "Authorization": f"Bearer {TOKEN}"},
        timeout=30,
    )
    assert r.status_code == 201


def _triples(body: bytes, content_type: str) -> int:
    return len(list(ox.parse(body, ox.RdfFormat.from_media_type(content_type))))


def test_construct_describe_and_graph_reads_are_capped_with_a_header(live_server_factory):
    data = "".join(f'<http://x/s> <http://x/p{i}> "{i}" <http://x/g> .\n' for i in range(50))
    server = live_server_factory(nquads=data, max_triples=10)
    for query in ("CONSTRUCT WHERE { ?s ?p ?o }", "DESCRIBE <http://x/s>"):
        r = requests.get(server.url + "/sparql", params={"query": query}, headers={"Accept": "text/turtle"}, timeout=30)
        assert r.status_code == 200 and r.headers["X-DXKG-Truncated"] == "true"
        assert _triples(r.content, "text/turtle") == 10
    r = requests.get(
        server.url + "/rdf-graphs",
        params={"graph": "http://x/g"},
        headers={"Accept": "application/n-triples"},
        timeout=30,
    )
    assert r.headers["X-DXKG-Truncated"] == "true" and _triples(r.content, "application/n-triples") == 10
    r = requests.get(
        server.url + "/sparql",
        params={"query": "CONSTRUCT WHERE { ?s <http://x/p1> ?o }"},
        headers={"Accept": "text/turtle"},
        timeout=30,
    )
    assert "X-DXKG-Truncated" not in r.headers and _triples(r.content, "text/turtle") == 1
