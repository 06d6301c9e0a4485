"""Named-query parameters: bound in one pass, typed as declared, never changing the query's shape."""

from __future__ import annotations

import subprocess
import sys

import pyoxigraph as ox
import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dxkg.kg import queries
from dxkg.server import sparql_text

NAMED = queries.load_all()
WITH_PARAMS = sorted(n for n, q in NAMED.items() if q.params)
# values a person could type, and values built to break out: other parameters' names,
# quotes of every kind, backslashes, escapes, newlines, comment and brace characters
TRICKY = st.sampled_from(
    ['"', "'", '"""', "\\", '\\"', "\\u0022", "\n", "#", "}", "{", "$", "?", "<", ">", " . ", "UNION", "SERVICE"]
)
PARAM_NAMES = st.sampled_from(sorted({f"${p}" for q in NAMED.values() for p in q.params}))
TEXT = st.lists(st.one_of(st.text(max_size=8), TRICKY, PARAM_NAMES), max_size=6).map("".join)


def _value(kind: str):
    """Values for a parameter of ``kind``: mostly fitting, sometimes not."""
    if kind in ("integer", "count"):
        return st.one_of(st.integers(-10, 10).map(str), TEXT)
    if kind.startswith("enum("):
        return st.one_of(st.sampled_from(kind[5:-1].split("|")), TEXT)
    if kind in ("iri", "term"):
        iri = st.builds(lambda s: "https://w3id.org/dxkg/id/" + s, st.from_regex(r"[A-Za-z0-9/_.~%-]*", fullmatch=True))
        return st.one_of(iri, TEXT, st.builds(lambda t: "http://e/" + t, TEXT))
    return TEXT


@st.composite
def bindings(draw):
    q = NAMED[draw(st.sampled_from(WITH_PARAMS))]
    names = draw(st.lists(st.sampled_from(sorted(q.params)), unique=True))
    names = sorted(set(names) | q.required)
    return q, {n: draw(_value(q.params[n][0])) for n in names}


def _read_back(token: str) -> str:
    """The value pyoxigraph reads from a bound token."""
    solution = next(iter(ox.Store().query(f"SELECT ?v {{ BIND({token} AS ?v) }}")))
    return solution["v"].value


@settings(max_examples=400, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(case=bindings())
def test_a_value_never_changes_another_parameter_or_the_query_shape(case):
    q, values = case
    try:
        bound = q.bind(values)
    except queries.QueryError as e:
        assert "parameter" in str(e)
        for name, raw in values.items():  # some value really does not fit its kind
            try:
                queries.term(raw, q.params[name][0])
            except queries.QueryError:
                return
        raise AssertionError(f"refused values that all fit: {values}") from e
    given = {**q.defaults, **values}  # a parameter not given takes its declared default (the page)
    expected = []  # the template's tokens, each bound $name replaced by its value's tokens
    for tok in sparql_text.significant(q.template(given)):
        name = tok.text[1:]
        if tok.kind == "var" and tok.text.startswith("$") and name in given:
            value = [t.text for t in sparql_text.significant(queries.term(given[name], q.params[name][0]))]
            assert len(value) == 1 or (value[0] == "-" and len(value) == 2), value  # one term
            expected += value
        else:
            expected.append(tok.text)
    assert [t.text for t in sparql_text.significant(bound)] == expected
    for name, raw in values.items():  # each value arrives intact, as one term
        kind = q.params[name][0]
        read = _read_back(queries.term(raw, kind))
        assert read == (str(int(raw)) if kind in ("integer", "count") else raw)
    ox.Store().query(bound)  # pyoxigraph parses the bound query


def test_a_value_holding_another_parameter_name_stays_a_literal():
    q = NAMED["system-dependencies"]
    bound = q.bind({"system": "$scope", "scope": 'Hà Nam") || true || ("'})
    assert '"$scope"' in bound and '"Hà Nam\\") || true || (\\""' in bound
    assert "$scope" not in bound.replace('"$scope"', "")


@pytest.mark.parametrize(
    "name, values, message",
    [
        ("system-dependencies", {"system": "NGSP", "depth": "deep"}, "depth: expected a whole number"),
        ("system-dependencies", {"system": "NGSP", "direction": "sideways"}, "expected one of up, down"),
        ("tasks", {"plan": "not an iri"}, "plan: expected an absolute IRI"),
        ("tasks", {"plan": "http://e/a>"}, "plan: expected an absolute IRI"),
    ],
)
def test_invalid_typed_values_are_refused_clearly(live_server, name, values, message):
    with pytest.raises(queries.QueryError, match=message):
        NAMED[name].bind(values)
    r = requests.get(f"{live_server.url}/api/queries/{name}", params=values, timeout=30)
    assert r.status_code == 400 and message in r.text


def test_the_cli_names_the_parameter_that_does_not_fit(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "dxkg.cli", "query", "system-dependencies", "--store", str(tmp_path / "none")]
        + ["--param", "system=NGSP", "--param", "direction=sideways"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert "parameter direction: expected one of up, down, got 'sideways'" in done.stderr


def test_every_parameter_line_is_read():
    for q in NAMED.values():
        declared = [line for line in q.text.splitlines() if line.startswith("# param:")]
        assert len(declared) == len(q.params), q.name
