"""A store rebuilt while the service runs is served without a restart; a broken one never is."""

from __future__ import annotations

import json
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import types
from pathlib import Path

import pytest
import requests
from conftest import DOC_GRAPH, TASK, TOKEN

from dxkg.kg.namespaces import ID
from dxkg.kg.pipeline import build_store
from dxkg.kg.store import build_aside

INTERVAL = 0.2
EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
EXAMPLE_GRAPH = ID + "graph/ke-hoach-mau-chuyen-doi-so"
PLAN_GRAPH = ID + "graph/ke-hoach-thu-nghiem"
PLAN = """ỦY BAN NHÂN DÂN TỈNH HÀ NAM

Số: 7/KH-UBND

KẾ HOẠCH
Chuyển đổi số tỉnh Hà Nam năm 2025

Phụ lục I
DANH MỤC NHIỆM VỤ

| STT | Nhiệm vụ | Cơ quan chủ trì | Thời gian hoàn thành | Kinh phí (triệu đồng) |
|---|---|---|---|---|
| 1 | Xây dựng kho dữ liệu dùng chung thử nghiệm | Sở TT&TT | 2025 | 300 |
"""
NEW = '<http://x/rebuilt> <http://x/p> "new" <http://x/new-graph> .\n'
AUTH = {"Authorization": f"Bearer {TOKEN}"}


def health(server) -> dict:
    return requests.get(server.url + "/healthz", timeout=30).json()


def ask(server, pattern: str) -> bool:
    r = requests.get(server.url + "/sparql", params={"query": f"ASK {{ {pattern} }}"}, timeout=30)
    assert r.status_code == 200, r.text
    return json.loads(r.content)["boolean"]


def metric(server, name: str) -> int:
    text = requests.get(server.url + "/metrics", timeout=30).text
    return int(next(line.split()[1] for line in text.splitlines() if line.startswith(name + " ")))


def wait_until(condition, seconds: float = 15) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the service did not pick up the change in time"
        time.sleep(0.05)


def rebuild(folder: Path, nquads: str = NEW, wait: float = 60) -> None:
    """Replace the store the way ``dxkg build`` does (``wait``: for the service to take it)."""
    with build_aside(folder, wait=wait) as store:
        store.load(nquads.encode())


def swap_in(folder: Path, replacement: Path) -> None:
    """Rename ``replacement`` over ``folder`` as ``build_aside`` would, without checking it."""
    os.rename(folder, folder.with_name(folder.name + ".previous"))
    os.rename(replacement, folder)


def update(server, text: str) -> requests.Response:
    return requests.post(server.url + "/sparql", data={"update": text}, headers=AUTH, timeout=30)


# --- rebuilds are picked up -------------------------------------------------------------
def test_rebuilt_store_is_served_without_restart(live_server_factory, tmp_path):
    server = live_server_factory(reload_interval=INTERVAL)
    before = health(server)
    assert DOC_GRAPH in before["graphs"] and before["reload_error"] is None

    assert build_store([str(EXAMPLES)], server.store_dir, validate=False, report=lambda m: None) == 0
    wait_until(lambda: EXAMPLE_GRAPH in health(server)["graphs"])
    after = health(server)
    assert DOC_GRAPH not in after["graphs"] and not ask(server, f"<{TASK}> ?p ?o")
    assert after["store"]["inode"] != before["store"]["inode"]
    assert after["store"]["loaded_at"] >= before["store"]["loaded_at"]

    (tmp_path / "ke-hoach-thu-nghiem.md").write_text(PLAN, encoding="utf-8")
    assert build_store([str(tmp_path)], server.store_dir, validate=False, report=lambda m: None) == 0
    wait_until(lambda: PLAN_GRAPH in health(server)["graphs"])
    assert EXAMPLE_GRAPH not in health(server)["graphs"]
    assert ask(server, '?s ?p "Xây dựng kho dữ liệu dùng chung thử nghiệm"')
    assert metric(server, "dxkg_store_reloads_total") == 2
    assert metric(server, "dxkg_store_reload_failures_total") == 0


def test_unchanged_store_is_not_reloaded(live_server_factory):
    server = live_server_factory(reload_interval=INTERVAL, update_token=TOKEN)
    assert update(server, "INSERT DATA { <http://x/s> <http://x/p> 1 }").status_code == 200
    time.sleep(5 * INTERVAL)  # writes change the folder's files, not the folder
    assert metric(server, "dxkg_store_reloads_total") == 0
    assert health(server)["generation"] == 1


# --- broken replacements are never served -----------------------------------------------
def _empty(store: Path, replacement: Path) -> None:
    replacement.mkdir()


def _half_copied(store: Path, replacement: Path) -> None:
    shutil.copytree(store, replacement)
    for manifest in replacement.glob("MANIFEST-*"):
        manifest.unlink()


@pytest.mark.parametrize("make_broken", [_empty, _half_copied])
def test_broken_replacement_keeps_the_old_graph(live_server_factory, make_broken, caplog):
    caplog.set_level(logging.ERROR, logger="dxkg.server")
    server = live_server_factory(reload_interval=INTERVAL, update_token=TOKEN)
    inode = health(server)["store"]["inode"]
    broken = server.store_dir.with_name("broken")
    make_broken(server.store_dir, broken)
    swap_in(server.store_dir, broken)

    wait_until(lambda: health(server)["reload_error"] is not None)
    status = health(server)
    assert status["triples"] == 13 and status["store"]["inode"] == inode
    assert "not a readable store" in status["reload_error"]["message"]
    assert str(server.store_dir.parent) not in json.dumps(status)  # no paths on /healthz
    assert ask(server, f"<{TASK}> ?p ?o")
    r = update(server, "INSERT DATA { <http://x/s> <http://x/p> 1 }")
    assert r.status_code == 503 and "replaced" in r.text  # never written into it
    time.sleep(5 * INTERVAL)  # not retried unchanged
    assert metric(server, "dxkg_store_reload_failures_total") == 1
    logged = [json.loads(r.getMessage()) for r in caplog.records if r.getMessage().startswith("{")]
    assert [e["event"] for e in logged] == ["store_reload_failed"]
    assert logged[0]["store"] == str(server.store_dir) and logged[0]["detail"]

    rebuild(server.store_dir)
    wait_until(lambda: ask(server, "<http://x/rebuilt> ?p ?o"))
    assert health(server)["reload_error"] is None and not ask(server, f"<{TASK}> ?p ?o")


def test_missing_store_keeps_the_old_graph_until_it_is_back(live_server_factory):
    server = live_server_factory(reload_interval=INTERVAL)
    away = server.store_dir.with_name("away")
    os.rename(server.store_dir, away)
    wait_until(lambda: health(server)["reload_error"] is not None)
    assert "no store folder" in health(server)["reload_error"]["message"]
    assert ask(server, f"<{TASK}> ?p ?o")
    os.rename(away, server.store_dir)  # the same folder again
    wait_until(lambda: health(server)["reload_error"] is None)
    assert metric(server, "dxkg_store_reloads_total") == 0


# --- writes and rebuilds ----------------------------------------------------------------
def test_rebuild_carries_written_graphs_and_replaces_built_ones(live_server_factory):
    server = live_server_factory(reload_interval=INTERVAL, update_token=TOKEN)
    assert update(server, "INSERT DATA { <http://x/written> <http://x/p> 1 }").status_code == 200
    assert update(server, f"INSERT DATA {{ GRAPH <{DOC_GRAPH}> {{ <http://x/in-doc> <http://x/p> 1 }} }}").ok
    assert update(server, "INSERT DATA { GRAPH <http://x/new-graph> { <http://x/in-new> <http://x/p> 1 } }").ok
    assert ask(server, "<http://x/written> ?p ?o")

    rebuild(server.store_dir)
    wait_until(lambda: ask(server, "<http://x/rebuilt> ?p ?o"))
    assert ask(server, "<http://x/written> ?p ?o")  # the default graph: written through the service
    assert not ask(server, "<http://x/in-doc> ?p ?o")  # DOC_GRAPH came from the previous build
    assert not ask(server, "<http://x/in-new> ?p ?o")  # the new build produces this graph: it wins
    assert not ask(server, f"<{TASK}> ?p ?o")

    assert update(server, "INSERT DATA { <http://x/later> <http://x/p> 2 }").status_code == 200
    rebuild(server.store_dir, '<http://x/again> <http://x/p> "2" <http://x/other-graph> .\n')
    wait_until(lambda: ask(server, "<http://x/again> ?p ?o"))
    assert not ask(server, "<http://x/rebuilt> ?p ?o")
    assert ask(server, "<http://x/later> ?p ?o") and ask(server, "<http://x/written> ?p ?o")


def test_admin_reload_needs_the_token(live_server_factory):
    server = live_server_factory(reload_interval=0, update_token=TOKEN)  # no polling
    rebuild(server.store_dir, wait=0)  # nobody takes it until asked
    url = server.url + "/admin/reload"
    for headers in ({}, {"Authorization": "Bearer wrong"}):
        r = requests.post(url, headers=headers, timeout=30)
        assert r.status_code == 403 and "token" in r.text
    assert requests.get(url, headers=AUTH, timeout=30).status_code == 405
    time.sleep(0.5)
    assert ask(server, f"<{TASK}> ?p ?o")  # nothing reloaded yet

    r = requests.post(url, headers=AUTH, timeout=30)
    assert r.status_code == 200 and r.json()["status"] == "reloaded"
    assert ask(server, "<http://x/rebuilt> ?p ?o") and not ask(server, f"<{TASK}> ?p ?o")

    empty = server.store_dir.with_name("empty")
    empty.mkdir()
    swap_in(server.store_dir, empty)
    r = requests.post(url, headers=AUTH, timeout=30)
    assert r.status_code == 503 and "still served" in r.text
    assert ask(server, "<http://x/rebuilt> ?p ?o")
    assert health(server)["reload_error"]["message"] in r.text


def test_admin_reload_is_refused_on_a_read_only_service(live_server_factory):
    server = live_server_factory(reload_interval=0)
    r = requests.post(server.url + "/admin/reload", headers=AUTH, timeout=30)
    assert r.status_code == 403


@pytest.mark.skipif(not hasattr(signal, "SIGHUP"), reason="no SIGHUP on this platform")
def test_sighup_reloads_under_serve(tmp_path):
    """``dxkg serve`` (``server.wsgi.serve``) in its own process, told to reload by SIGHUP."""
    folder = tmp_path / "store"
    rebuild(folder, '<http://x/first> <http://x/p> "1" .\n')
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    code = f"from dxkg.server.wsgi import serve; serve({str(folder)!r}, port={port}, workers=1, reload_interval=0)"
    proc = subprocess.Popen([sys.executable, "-c", code], stderr=subprocess.DEVNULL)
    try:
        server = types.SimpleNamespace(url=f"http://127.0.0.1:{port}")

        def up() -> bool:
            try:
                return ask(server, "<http://x/first> ?p ?o")
            except requests.ConnectionError:
                return False

        wait_until(up, 60)
        rebuild(folder, wait=0)
        proc.send_signal(signal.SIGHUP)
        wait_until(lambda: ask(server, "<http://x/rebuilt> ?p ?o"))
        assert proc.poll() is None  # still serving
    finally:
        proc.send_signal(signal.SIGINT)  # serve() shuts down
        proc.wait(30)


def test_a_graph_written_through_the_service_outlives_dxkg_add_and_a_rebuild(live_server_factory, tmp_path):
    """``dxkg add`` copies every graph into its new store; one written through the service stays
    recorded as not built there, so the next full build carries it instead of dropping it."""
    from dxkg.kg.incremental import add_documents
    from dxkg.kg.pipeline import EXIT_OK

    server = live_server_factory(reload_interval=INTERVAL, update_token=TOKEN)
    notes = "<http://x/note> <http://x/says> 'kept'"
    assert update(server, f"INSERT DATA {{ GRAPH <http://x/notes> {{ {notes} }} }}").status_code == 200
    plan = tmp_path / "ke-hoach-thu-nghiem.md"
    plan.write_text(PLAN, encoding="utf-8")
    assert add_documents([plan], server.store_dir, validate=False, report=lambda m: None) == EXIT_OK
    wait_until(lambda: ask(server, f"GRAPH <{PLAN_GRAPH}> {{ ?s ?p ?o }}"))
    assert ask(server, f"GRAPH <http://x/notes> {{ {notes} }}")

    rebuild(server.store_dir)
    wait_until(lambda: ask(server, "<http://x/rebuilt> ?p ?o"))
    assert ask(server, f"GRAPH <http://x/notes> {{ {notes} }}")  # carried: no build produced it
    assert not ask(server, f"GRAPH <{PLAN_GRAPH}> {{ ?s ?p ?o }}")  # added by dxkg add: a build's graph, replaced
