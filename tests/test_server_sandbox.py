"""The network sandbox of query and update evaluation, tried as an attacker would.

A listener on 127.0.0.1 stands in for the internal systems a government network holds: it counts
every request and answers with a marker text. Spellings of SERVICE and LOAD are sent to a live
service; in the default configuration the listener must hear nothing and the marker must never
come back. With ``allow_service`` the same spellings do reach it, so these tests can fail.
"""

from __future__ import annotations

import http.server
import itertools
import logging
import os
import random
import shutil
import subprocess
import sys
import threading

import pytest
import requests
from conftest import TOKEN, make_store

from dxkg.server import sandbox
from dxkg.server.errors import ServiceError
from dxkg.server.worker import REMOTE_DISABLED

MARKER = "LISTENER-BODY-6c1f0e"
RESULTS = (
    '{"head": {"vars": ["s", "p", "o"]}, "results": {"bindings": [{"s": {"type": "uri", "value": "http://x/s"}, '
    '"p": {"type": "uri", "value": "http://x/p"}, "o": {"type": "literal", "value": "' + MARKER + '"}}]}}'
)
TIMEOUT = 30  # seconds for any one request or process


class Listener:
    """A threaded HTTP server on 127.0.0.1 that records the path of every request it gets.

    ``/fail…`` answers 500 with the marker in the body (what an internal page would leak);
    ``….ttl`` answers Turtle holding the marker (for LOAD); anything else SPARQL JSON results.
    """

    def __init__(self):
        hits = self.hits = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def _answer(self):
                hits.append(self.path.split("?")[0])  # SERVICE sends the query in the URL
                if self.path.startswith("/fail"):
                    status, ctype, body = 500, "text/plain", f"internal page: {MARKER}"
                elif ".ttl" in self.path:
                    status, ctype, body = 200, "text/turtle", f'<http://x/s> <http://x/p> "{MARKER}" .'
                else:
                    status, ctype, body = 200, "application/sparql-results+json", RESULTS
                data = body.encode()
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = _answer

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_port}/"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def listener():
    served = Listener()
    yield served
    served.close()


# --- spellings ---------------------------------------------------------------------------
# what may stand right before the keyword: nothing, a glued literal, a term that fooled a masker
BEFORE = [
    "",
    "?s ?p 1",
    "?s ?p -1",
    "?s ?p 1.5e3",
    "?s ?p true",
    '?s ?p "lit"',
    "?s ?p 'lit'",
    '?s ?p """long"""',
    '?s ?p "x"^^<http://x/dt>',
    r"?s <http://x/\u0041> ?o ",
    r"?s px:a\#b ?o ",
    "?s ?p ?o .",
    "{ ?s ?p ?o }",
    "# a comment SERVICE\n",
    '?s ?p "#" ',
]
# data each preceding pattern matches, so that evaluation gets as far as the SERVICE
DATA = "".join(
    f"<http://x/s> {p} {o} <http://x/data> .\n"
    for p, o in [
        ("<http://x/p>", '"1"^^<http://www.w3.org/2001/XMLSchema#integer>'),
        ("<http://x/p>", '"-1"^^<http://www.w3.org/2001/XMLSchema#integer>'),
        ("<http://x/p>", '"1.5e3"^^<http://www.w3.org/2001/XMLSchema#double>'),
        ("<http://x/p>", '"true"^^<http://www.w3.org/2001/XMLSchema#boolean>'),
        ("<http://x/p>", '"lit"'),
        ("<http://x/p>", '"long"'),
        ("<http://x/p>", '"x"^^<http://x/dt>'),
        ("<http://x/p>", '"#"'),
        ("<http://x/A>", '"o"'),
        ("<http://x/a#b>", '"o"'),
    ]
)
CASES = ["SERVICE", "service", "Service", "sErViCe"]
SILENT = ["", "SILENT", "silent"]
SEPARATORS = ["", " ", "\t", "\n", "\r\n", " # comment\n"]


def _endpoints(base: str, name: str) -> list[tuple[str, str]]:
    """(prologue, endpoint) pairs naming ``{base}{name}``: an IRI, ``:x`` (empty prefix), ``ex:x``."""
    return [("", f"<{base}{name}>"), (f"PREFIX : <{base}>\n", f":{name}"), (f"PREFIX ex: <{base}>\n", f"ex:{name}")]


def query_spellings(base: str) -> list[tuple[str, str]]:
    """(path the listener would see, query) for SERVICE spelt many ways; deterministic.

    Every preceding token × endpoint form once with a random case/SILENT/separator, then every
    separator × SILENT × case with nothing before. Each spelling names its own path, so a hit
    tells which one got through.
    """
    rnd = random.Random(10)  # the same spellings every run
    combos = [(b, e, rnd.choice(CASES), rnd.choice(SILENT), rnd.choice(SEPARATORS)) for b in BEFORE for e in range(3)]
    combos += [("", rnd.randrange(3), c, s, sep) for sep, s, c in itertools.product(SEPARATORS, SILENT, CASES)]
    out = []
    for n, (before, form, case, silent, sep) in enumerate(combos):
        prologue, endpoint = _endpoints(base, f"s{n}")[form]
        if "px:" in before:
            prologue += "PREFIX px: <http://x/>\n"
        keyword = f"{case}{sep}{silent}{sep if silent else ''}"
        out.append(
            (f"/s{n}", f"{prologue}SELECT * WHERE {{ {before}{keyword}{endpoint}{sep}{{ ?s ?p ?o }} }}"),
        )
    n = len(out)
    out.append((f"/s{n}", f"SELECT * WHERE {{ VALUES ?e {{ <{base}s{n}> }} SERVICE ?e {{ ?s ?p ?o }} }}"))
    return out


def update_spellings(base: str) -> list[tuple[str, str]]:
    """(path, update) for LOAD spelt many ways, also INTO GRAPH, after other operations, and a
    SERVICE inside an update's WHERE."""
    rnd = random.Random(11)
    before = ["", "CLEAR SILENT GRAPH <http://x/g> ;", "INSERT DATA { <http://x/a> <http://x/b> 1 };", "# c\n"]
    into = ["", " INTO GRAPH <http://x/g>", " into graph<http://x/g>"]
    out = []
    for n, (b, i) in enumerate(itertools.product(before, into), start=100):
        prologue, endpoint = _endpoints(base, f"s{n}.ttl")[rnd.randrange(3)]
        case, silent, sep = rnd.choice(["LOAD", "load", "Load"]), rnd.choice(SILENT), rnd.choice(SEPARATORS)
        keyword = f"{case}{sep}{silent}{sep if silent else ''}"
        out.append((f"/s{n}.ttl", f"{prologue}{b}{keyword}{endpoint}{i}"))
    for n, case in enumerate(CASES, start=200):
        out.append(
            (f"/s{n}", f"INSERT {{ ?s ?p ?o }} WHERE {{ ?x ?y 1{case} <{base}s{n}> {{ ?s ?p ?o }} }}"),
        )
    return out


def send_queries(server, spellings) -> list[requests.Response]:
    """Each query by GET without a token and by POST body with the token."""
    replies, http = [], requests.Session()
    for _, query in spellings:
        replies.append(http.get(server.url + "/sparql", params={"query": query}, timeout=TIMEOUT))
        replies.append(
            http.post(
                server.url + "/sparql",
                data=query.encode(),
                headers={"Content-Type": "application/sparql-query", "Authorization": f"Bearer {TOKEN}"},
                timeout=TIMEOUT,
            )
        )
    return replies


def send_updates(server, spellings) -> list[requests.Response]:
    """Each update by form POST without a token and by body POST with the token."""
    replies, http = [], requests.Session()
    for _, update in spellings:
        replies.append(http.post(server.url + "/sparql", data={"update": update}, timeout=TIMEOUT))
        replies.append(
            http.post(
                server.url + "/sparql",
                data=update.encode(),
                headers={"Content-Type": "application/sparql-update", "Authorization": f"Bearer {TOKEN}"},
                timeout=TIMEOUT,
            )
        )
    return replies


# --- the default configuration: nothing leaves -------------------------------------------
def test_no_spelling_of_service_or_load_reaches_the_network(live_server_factory, listener):
    server = live_server_factory(DATA, update_token=TOKEN)
    queries, updates = query_spellings(listener.base), update_spellings(listener.base)
    replies = send_queries(server, queries) + send_updates(server, updates)
    assert len(replies) == 2 * (len(queries) + len(updates)) > 250
    assert listener.hits == []
    for r in replies:
        assert MARKER not in r.text
        assert r.status_code != 500, r.text  # refused or failed cleanly, never an internal error
        assert "payload" not in r.text and "Traceback" not in r.text


def test_the_sandbox_holds_in_a_query_worker(live_server_factory, listener):
    """A SERVICE query handed to a worker directly, past every text check: the worker's own
    connection attempt fails, the listener hears nothing, the client gets a generic 403."""
    server = live_server_factory()
    backend = server.app.extensions["dxkg"].backend
    assert backend.sandbox["held"] and backend.sandbox["mechanism"]
    health = requests.get(server.url + "/healthz", timeout=TIMEOUT).json()
    assert health["evaluation"] == f"cut off from the network ({backend.sandbox['mechanism']}, checked)"
    query = f"SELECT * WHERE {{ SERVICE <{listener.base}direct> {{ ?s ?p ?o }} }}"
    with pytest.raises(ServiceError) as e:
        backend.read("query", query=query, union=True, max_rows=10, results_format="json", rdf_format=None)
    assert (e.value.status, e.value.message) == (403, REMOTE_DISABLED)
    assert "unreachable" in e.value.detail  # what the engine met: the namespace, not a filter
    assert listener.hits == []


def test_the_sandbox_holds_in_the_writer(live_server_factory, listener):
    server = live_server_factory(update_token=TOKEN)
    backend = server.app.extensions["dxkg"].backend
    with pytest.raises(ServiceError) as e:
        backend.write("update", update=f"LOAD <{listener.base}direct.ttl> INTO GRAPH <http://x/g>")
    assert (e.value.status, e.value.message) == (403, REMOTE_DISABLED)
    assert listener.hits == []


def _run_entered(prefix: list[str], port: int) -> str:
    """Enter the sandbox in a fresh Python process (under ``prefix``), then connect to ``port``."""
    code = (
        "import socket, sys\n"
        "from dxkg.server import sandbox\n"
        "sandbox.enter(sandbox.DENY, lambda r: print(r['mechanism'], flush=True))\n"
        "s = socket.socket()\n"
        "s.settimeout(5)\n"
        "try:\n"
        f"    s.connect(('127.0.0.1', {port}))\n"
        "    print('CONNECTED')\n"
        "except OSError as e:\n"
        "    print('refused', e.errno)\n"
    )
    done = subprocess.run([*prefix, sys.executable, "-c", code], capture_output=True, text=True, timeout=TIMEOUT)
    return done.stdout


def test_a_sandboxed_process_cannot_connect(listener):
    out = _run_entered([], listener.server.server_port)
    assert out.split("\n")[:2] == ["network namespace", "refused 101"]  # ENETUNREACH
    assert listener.hits == []


def _userns_prefix() -> list[str]:
    """``unshare`` as an unprivileged user (uid 1000 inside a user namespace), if possible."""
    prefix = ["unshare", "--user", "--map-user=1000", "--map-group=1000"]
    if not shutil.which("unshare") or subprocess.run([*prefix, "true"], capture_output=True).returncode:
        pytest.skip("cannot run as an unprivileged user here (unshare --user)")
    return prefix


def test_an_unprivileged_process_is_cut_off_too(listener):
    out = _run_entered(_userns_prefix(), listener.server.server_port)
    assert out.split("\n")[:2] == ["user and network namespace", "refused 101"]
    assert listener.hits == []


# --- with --allow-service the same spellings do reach the listener (the tests can fail) --
def test_with_allow_service_the_spellings_reach_the_listener(live_server_factory, listener):
    server = live_server_factory(DATA, update_token=TOKEN, allow_service=True)
    assert not server.app.extensions["dxkg"].backend.sandbox["held"]
    assert requests.get(server.url + "/healthz", timeout=TIMEOUT).json()["evaluation"].startswith("WITH network")
    queries, updates = query_spellings(listener.base), update_spellings(listener.base)
    queries = queries[:-1]  # SERVICE ?var: pyoxigraph 0.5 never binds it, so never fetches
    replies = send_queries(server, queries) + send_updates(server, updates)
    heard = set(listener.hits)
    missed = [text for path, text in queries + updates if path not in heard]
    assert missed == []  # every spelling above is a real fetch when fetching is allowed
    assert any(MARKER in r.text for r in replies)  # SERVICE results come back when allowed


def test_remote_error_bodies_are_never_relayed(live_server_factory, listener, caplog):
    caplog.set_level(logging.WARNING, "dxkg.server")
    server = live_server_factory(update_token=TOKEN, allow_service=True)
    r = requests.get(
        server.url + "/sparql",
        params={"query": f"SELECT * WHERE {{ SERVICE <{listener.base}fail> {{ ?s ?p ?o }} }}"},
        timeout=TIMEOUT,
    )
    u = requests.post(
        server.url + "/sparql",
        data={"update": f"LOAD <{listener.base}fail.ttl>"},
        headers={"Authorization": f"Bearer {TOKEN}"},
        timeout=TIMEOUT,
    )
    assert listener.hits == ["/fail", "/fail.ttl"]
    for reply in (r, u):
        assert reply.status_code == 502
        assert MARKER not in reply.text and "payload" not in reply.text and "500" not in reply.text
        assert "details are in the server log" in reply.text
    logged = [r.getMessage() for r in caplog.records if "request_failed" in r.getMessage()]
    assert len(logged) == 2 and all(MARKER in line for line in logged)  # the detail is kept, server-side


# --- where the machine cannot give the sandbox, serve refuses unless told --------------
def _no_namespaces_prefix() -> list[str]:
    """Run a command in a user namespace whose limits forbid new network and user namespaces."""
    script = 'echo 0 > /proc/sys/user/max_net_namespaces && echo 0 > /proc/sys/user/max_user_namespaces && exec "$@"'
    prefix = ["unshare", "--user", "--map-root-user", "sh", "-c", script, "sh"]
    if not shutil.which("unshare") or subprocess.run([*prefix, "true"], capture_output=True).returncode:
        pytest.skip("cannot make a machine without namespaces here (unshare --user)")
    return prefix


def test_serve_refuses_to_start_without_the_sandbox(tmp_path):
    store = make_store(tmp_path / "store")
    cmd = [*_no_namespaces_prefix(), sys.executable, "-m", "dxkg.cli", "serve", "--store", str(store), "--port", "0"]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT)
    assert done.returncode == 1
    assert "did not start" in done.stderr and "cut off from the network" in done.stderr
    assert "--no-sandbox" in done.stderr and "Traceback" not in done.stderr


def test_serve_with_no_sandbox_starts_and_says_so(tmp_path):
    store = make_store(tmp_path / "store")
    cmd = [*_no_namespaces_prefix(), sys.executable, "-m", "dxkg.cli", "serve", "--store", str(store)]
    proc = subprocess.Popen(
        [*cmd, "--port", "0", "--no-sandbox", "--workers", "1"],
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1", "TMPDIR": str(tmp_path)},  # its snapshot stays here
    )
    try:
        line = ""
        for _ in range(50):  # the start-up lines; bounded
            line = proc.stderr.readline()
            if "dxkg serving" in line or not line:
                break
        assert "WITHOUT the network sandbox" in line
    finally:  # SIGTERM: SIGINT may be ignored when the tests run in a background job
        proc.terminate()
        proc.wait(TIMEOUT)


def test_policy_from_options():
    assert sandbox.policy(allow_service=False, sandbox=True) == sandbox.DENY
    assert sandbox.policy(allow_service=False, sandbox=False) == sandbox.OFF
    assert sandbox.policy(allow_service=True, sandbox=True) == sandbox.ALLOW
