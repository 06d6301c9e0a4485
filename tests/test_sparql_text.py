"""The SPARQL text lexer against pyoxigraph: what pyoxigraph runs as SERVICE or LOAD, the lexer flags.

pyoxigraph does not expose its parse, so the oracle is behaviour: every generated query's
SERVICE (and update's LOAD) points at a listener on 127.0.0.1 that counts requests, and the
query runs in an in-memory store. A request reaching the listener means pyoxigraph read a
SERVICE/LOAD keyword; the lexer must have flagged that text. Queries whose only "SERVICE"s
are decoys (in strings, IRIs, comments, variables, local names) must not be flagged.
"""

from __future__ import annotations

import http.server
import subprocess
import sys
import textwrap
import threading
import uuid

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dxkg.server import sparql_text


class _Listener(http.server.BaseHTTPRequestHandler):
    paths: list[str] = []

    def _answer(self) -> None:
        self.paths.append(self.path)
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if "sparql-results" in self.headers.get("Accept", "") or "query=" in self.path:
            body, ctype = b'{"head":{"vars":[]},"results":{"bindings":[{}]}}', "application/sparql-results+json"
        else:
            body, ctype = b"", "application/n-triples"
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _answer

    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def listener():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Listener)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def _fetches(text: str, url: str, update: bool = False) -> tuple[bool, bool]:
    """(pyoxigraph parsed the text, pyoxigraph made a request to ``url``, which is unique to the
    example, so a late request of another example cannot be counted)."""
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("http://e/s"), ox.NamedNode("http://e/p"), ox.NamedNode("http://e/o")))
    path = url.split("/", 3)[3]
    try:
        if update:
            store.update(text)
        else:
            result = store.query(text)
            if not isinstance(result, ox.QueryBoolean):
                list(result)
        parsed = True
    except SyntaxError:
        parsed = False
    except (OSError, RuntimeError, ValueError):  # the listener's answer did not suit: it was asked all the same
        parsed = True
    return parsed, any(p.lstrip("/").startswith(path) for p in _Listener.paths)


# --- generators -----------------------------------------------------------------------------
def _case(word: str):
    return st.lists(st.booleans(), min_size=len(word), max_size=len(word)).map(
        lambda ups: "".join(c.upper() if u else c.lower() for c, u in zip(word, ups, strict=True))
    )


SEPARATORS = st.sampled_from(["", " ", "\n", "\t", "  ", "#c\n", " # SERVICE <http://127.0.0.1:9/> {}\n", "\r\n"])
DECOY_TEXT = st.sampled_from(
    ["x", "SERVICE <http://127.0.0.1:9/> {}", 'a\\"b', "#", "\\\\", "\\u0022 } SERVICE", "' }", "LOAD <x>", "\\t"]
)


@st.composite
def literal(draw) -> str:
    body = draw(DECOY_TEXT)
    quote = draw(st.sampled_from(['"', "'", '"""', "'''"]))
    if len(quote) == 1:
        body = body.replace(quote, "\\" + quote)
    else:
        body = body.replace(quote[0], "\\" + quote[0])
    suffix = draw(st.sampled_from(["", "@en", "@vi-VN", "^^xsd:string", "^^<http://www.w3.org/2001/XMLSchema#string>"]))
    return quote + body + quote + suffix


TERMS = st.one_of(
    st.sampled_from(
        [
            "?o",
            "$o",
            "<http://e/o>",
            "<http://e/SERVICE>",
            "<http://e/\\u0053ERVICE>",
            "<http://e/\\U00000023x>",
            "ex:o",
            "ex:SERVICE",
            "ex:a\\#b",
            "ex:a\\.SERVICE",
            "ex:a%23b",
            "ex:o.o",
            ":o",
            "ex:",
            "_:b",
            "_:SERVICE",
            "[]",
            "[ ?q ?r ]",
            "()",
            "(1 2)",
            "1",
            "-1",
            "+1",
            "1.5",
            ".5",
            "1e5",
            "1.E-2",
            "true",
            "false",
            "?SERVICE",
            "$LOAD",
        ]
    ),
    literal(),
)
# things that can stand right before a group-pattern element, glued to it or not
PRECEDING = st.one_of(
    st.just(""),
    st.builds(lambda t, dot: f"?s ?p {t}{dot}", TERMS, st.sampled_from(["", " .", "."])),
    st.sampled_from(
        [
            "FILTER(?a<?b)",
            "FILTER(?a<1)",
            "FILTER(true)",
            "FILTER(?o = 1)",
            'FILTER regex(?o, "SERVICE")',
            "BIND(1 AS ?x)",
            "BIND(<http://e/x> AS ?x)",
            "OPTIONAL {}",
            "OPTIONAL { ?s ?p ?o }",
            "MINUS {}",
            "{}",
            "{ ?s ?p ?o } UNION {}",
            "GRAPH ?g { ?s ?p ?o }",
            "VALUES ?x { UNDEF }",
            "VALUES ?x { 1 }",
            "?s ex:p? ?o",
            "?s ex:p/ex:q ?o",
            "?s ^ex:p ?o",
            "?s ?p ?o ; ?q ?r",
            "?s ?p ?o , ?r",
            "?s a ?o",
        ]
    ),
)


@st.composite
def service_query(draw, url: str) -> str:
    target = draw(
        st.sampled_from([f"<{url}>", f"<\\u0068ttp{url[4:]}>", f"<{url}\\u0078>", ":x", "ex:x", "ex:a\\#b", "ex:%41"])
    )
    silent = draw(st.one_of(st.just(""), _case("SILENT").map(lambda s: s)))
    sep = [draw(SEPARATORS) for _ in range(4)]
    pre = draw(PRECEDING)
    kw = draw(_case("SERVICE"))
    group = f"{pre}{sep[0]}{kw}{sep[1]}{silent}{sep[2] if silent else ''}{target}{sep[3]}{{}}"
    prefixes = f"PREFIX : <{url}> PREFIX ex: <{url}> PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>\n"
    return (
        prefixes
        + draw(st.sampled_from(["SELECT * WHERE {", "SELECT*{", "ASK{", "CONSTRUCT {} WHERE {"]))
        + f" {group} }}"
    )


@st.composite
def load_update(draw, url: str) -> str:
    target = draw(st.sampled_from([f"<{url}>", f"<\\u0068ttp{url[4:]}>", ":x", "ex:x", "ex:a\\#b"]))
    silent = draw(st.one_of(st.just(""), _case("SILENT")))
    sep = [draw(SEPARATORS) for _ in range(3)]
    before = draw(
        st.sampled_from(
            [
                "",
                "CLEAR DEFAULT;",
                "CLEAR SILENT GRAPH <http://e/g> ;",
                'INSERT DATA { <http://e/s> <http://e/p> "LOAD <x>" } ;',
                "INSERT DATA { <http://e/s> <http://e/p> true };",
                "INSERT DATA { <http://e/s> <http://e/p> 1 };",
                "# LOAD <http://127.0.0.1:9/>\n",
            ]
        )
    )
    into = draw(st.sampled_from(["", " INTO GRAPH <http://e/g>", "INTO GRAPH ex:g"]))
    kw = draw(_case("LOAD"))
    prefixes = f"PREFIX : <{url}> PREFIX ex: <{url}>\n"
    return f"{prefixes}{before}{sep[0]}{kw}{sep[1]}{silent}{sep[2] if silent else ''}{target}{into}"


@st.composite
def decoy_query(draw) -> str:
    triples = draw(st.lists(st.builds(lambda t: f"?s ?p {t} .", TERMS), min_size=1, max_size=4))
    comment = draw(st.sampled_from(["", "# SERVICE <http://127.0.0.1:9/> {}\n", "#LOAD <x>\n"]))
    return f"PREFIX ex: <http://e/> PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>\nSELECT * {{ {comment}{' '.join(triples)} }}"


SETTINGS = settings(max_examples=300, deadline=None, database=None, suppress_health_check=list(HealthCheck))


@SETTINGS
@given(data=st.data())
def test_what_pyoxigraph_runs_as_service_is_flagged(listener, data):
    url = f"{listener}{uuid.uuid4().hex}/"
    query = data.draw(service_query(url))
    parsed, fetched = _fetches(query, url)
    if parsed:  # what pyoxigraph parses, the lexer reads without error
        assert sparql_text.survey(query, None, ("SERVICE",)).federated == "SERVICE" or not fetched, query
    if fetched:
        assert sparql_text.survey(query, None, ("SERVICE",)).federated == "SERVICE", query


@SETTINGS
@given(data=st.data())
def test_what_pyoxigraph_runs_as_load_is_flagged(listener, data):
    url = f"{listener}{uuid.uuid4().hex}/"
    update = data.draw(load_update(url))
    parsed, fetched = _fetches(update, url, update=True)
    if fetched:
        assert sparql_text.survey(update, None, sparql_text.FEDERATED).federated == "LOAD", update
    if parsed:
        sparql_text.survey(update, None, sparql_text.FEDERATED)  # reads without error


@SETTINGS
@given(data=st.data())
def test_service_inside_an_update_is_flagged(listener, data):
    url = f"{listener}{uuid.uuid4().hex}/"
    query = data.draw(service_query(url))
    update = query.replace("SELECT * WHERE {", "INSERT { <http://e/a> <http://e/b> <http://e/c> } WHERE {", 1)
    parsed, fetched = _fetches(update, url, update=True)
    if fetched:
        assert sparql_text.survey(update, None, sparql_text.FEDERATED).federated == "SERVICE", update


@settings(max_examples=200, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(query=decoy_query())
def test_service_in_strings_iris_comments_and_names_is_not_flagged(listener, query):
    url = f"{listener}{uuid.uuid4().hex}/"
    parsed, fetched = _fetches(query.replace("http://127.0.0.1:9/", url), url)
    assert not fetched
    if parsed:
        assert sparql_text.survey(query, None, sparql_text.FEDERATED).federated is None, query


@pytest.mark.parametrize(
    "text",
    [
        "SELECT * { SERVICESILENT<URL> {} }",
        "PREFIX : <URL> SELECT * { SERVICE:x {} }",
        "PREFIX ex: <URL> SELECT * { SERVICEex:x {} }",
        "SELECT * { ?s ?p 1SERVICE <URL> {} }",
        "SELECT * { ?s ?p trueSERVICE <URL> {} }",
        "SELECT * { ?s ?p <http://e/\\u0041> SERVICE <URL> {} }",
        "PREFIX ex: <http://e/> SELECT * { ?s ?p ex:a\\#b SERVICE <URL> {} }",
        "LOADSILENT<URL>",
        "PREFIX : <URL> LOAD:x",
        "PREFIX ex: <http://e/> SELECT * { ?s ?p ex:o.o.service<URL>{} }",
    ],
)
def test_the_reported_bypasses_are_flagged(listener, text):
    url = f"{listener}{uuid.uuid4().hex}/"
    text = text.replace("URL", url)
    assert _fetches(text, url, update="LOAD" in text)[1]  # pyoxigraph does fetch
    assert sparql_text.survey(text, None, sparql_text.FEDERATED).federated in ("SERVICE", "LOAD")


def test_keywords_are_tokens():
    assert sparql_text.has_keyword("SELECT * FROM <http://e/g> { ?s ?p ?o }", "FROM")
    assert not sparql_text.has_keyword('SELECT * { ?s ?p "FROM" . ?s <http://e/FROM> ?from } # FROM', "FROM")
    kinds = [t.kind for t in sparql_text.significant("?x <a> 'b' 1.5e3 ex:c\\#d _:e @en ^^ .")]
    assert kinds == ["var", "iri", "string", "number", "name", "bnode", "langtag", "punct", "punct"]


@pytest.mark.parametrize(
    "text, where",
    [('SELECT * { ?s ?p "abc }', "line 1, column 18"), ("SELECT *\n{ ?s ?p '''abc }", "line 2, column 9")],
)
def test_unterminated_strings_are_reported_with_their_place(text, where):
    with pytest.raises(sparql_text.SparqlTextError, match=where):
        list(sparql_text.tokens(text))


def test_nesting_beyond_the_limit_is_refused_and_at_the_limit_accepted():
    sparql_text.survey("SELECT * " + "{" * 10 + "}" * 10, 10)
    for deep in ("{" * 11, "SELECT * { FILTER(" + "(" * 10 + "1" + ")" * 11 + " }", "[" * 11, "<" + "(" * 11 + ">"):
        with pytest.raises(sparql_text.SparqlTextError, match="more than 10 levels"):
            sparql_text.survey(deep, 10)


def test_using_parameters_apply_to_every_operation():
    update = 'DELETE WHERE { ?s ?p "WHERE {" } ; INSERT { <a> <b> <c> } WHERE { ?s ?p ?o } # WHERE'
    assert sparql_text.add_using(update, ["http://e/g"], []) == (
        'DELETE { ?s ?p "WHERE {" } USING <http://e/g> WHERE  { ?s ?p "WHERE {" } ; '
        "INSERT { <a> <b> <c> } USING <http://e/g> WHERE { ?s ?p ?o } # WHERE"
    )


# Inputs that made the old keyword masker quadratic, and others built to defeat a lexer that
# re-reads text: unterminated strings and IRIs, runs of dots and escapes, deep nesting.
PATHOLOGICAL = {
    "quote-backslash": '"\\' * 200_000,
    "open-long-string": "'''" + "''a" * 130_000,
    "open-iri": "<" + "a" * 400_000,
    "iri-starts": "<a" * 200_000,
    "iri-uchar": "<\\u0041" * 60_000,
    "dotted-names": "a." * 200_000,
    "dotted-local": "ex:a." * 80_000,
    "escaped-local": "ex:\\#" * 80_000,
    "numbers": "1." * 200_000,
    "variables": "?a" * 200_000,
    "comments": "#\n" * 200_000,
    "braces": "{" * 400_000,
    "parens-in-iri": "<" + "(" * 400_000 + ">",
}


def test_pathological_text_is_lexed_in_linear_time():
    """Each input (about 400,000 characters) is lexed in a child process bounded to 60 s.

    A lexer that re-reads the rest of the text at each position needs hours for these (the
    old masker took 13 s for 48,000 characters of ``"\\``); a linear one needs well under a
    second each. The token count also shows each step consumed text.
    """
    script = textwrap.dedent(
        """
        import sys
        from dxkg.server import sparql_text
        from tests.test_sparql_text import PATHOLOGICAL
        for name, text in PATHOLOGICAL.items():
            steps = 0
            try:
                for _ in sparql_text.tokens(text):
                    steps += 1
                sparql_text.survey(text, 64)
                sparql_text.survey(text, None, sparql_text.FEDERATED)
            except sparql_text.SparqlTextError:
                pass
            assert steps <= len(text), name
            print(name, len(text), steps)
        """
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, cwd=_repo_root())
    assert done.returncode == 0, done.stderr
    assert len(done.stdout.splitlines()) == len(PATHOLOGICAL)


def _repo_root() -> str:
    from pathlib import Path

    return str(Path(__file__).resolve().parents[1])
