"""Named SPARQL queries from ``dxkg/queries/*.rq``.

A named query is a plain SPARQL file whose leading comment lines describe it::

    # title: Tasks and their agencies
    # description: one row per task …
    # param: task iri  — the task (IRI), optional
    # param: system term required — a parameter the query cannot do without
    # param: q string  — text to search, optional
    # param: direction enum(up|down) — one of the listed words
    # param: depth integer — a whole number

Parameters are written in the query as ``$name`` (a legal SPARQL variable), so an
unbound parameter simply matches everything; binding one replaces ``$name`` by the
value as one IRI, literal or number token. This works the same on every store, local or
remote (pyoxigraph's ``substitutions`` would not travel to a remote store, and would also
replace ``?name``, which the queries use as the same variable on purpose).

All parameters are bound in one pass over the query text: a value is never read again, so
a value holding ``$other`` stays a literal and cannot change another parameter or the
query's shape. ``$name`` inside the query's strings, IRIs and comments is left alone.
A line ending with ``#if $name`` is kept only when ``name`` is given: a filter that would
otherwise cost a test per row when it has nothing to filter by.

A parameter may declare a default (``# param: limit count default 1000 — rows per page``):
services bind it when the caller does not (``bind(values)``), so a listing answers one page
at a time; ``bind(values, defaults=False)`` leaves it out, for complete exports (``dxkg query``
writes every row unless given ``--param limit=…``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from dxkg.kg.paths import QUERIES_DIR

_KIND = r"iri|string|integer|count|term|enum\([\w-]+(?:\|[\w-]+)*\)"
_PARAM = re.compile(
    rf"^#\s*param:\s*(\w+)\s+({_KIND})(?!\S)\s*(required\b)?\s*(?:default\s+(\S+)\s*)?(?:[—-]+\s*(.*))?$"
)
# one pass: the query's own strings, IRIs and comments are skipped whole; $name is a parameter
_SUBSTITUTABLE = re.compile(
    r"""(?P<skip>'''(?:(?:''|')?(?:[^'\\]|\\.))*'''|\"\"\"(?:(?:""|")?(?:[^"\\]|\\.))*\"\"\"
        |'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|<[^<>"{}|^`\\\x00-\x20]*>|\#[^\n]*)
      |\$(?P<name>\w+)""",
    re.VERBOSE | re.DOTALL,
)
_INTEGER = re.compile(r"-?[0-9]{1,18}")


class QueryError(ValueError):
    """Unknown query name or a parameter that does not fit."""


@dataclass
class NamedQuery:
    name: str
    text: str
    title: str = ""
    description: str = ""
    params: dict = field(default_factory=dict)  # name -> (kind, description)
    required: set = field(default_factory=set)  # parameters without which the query means nothing
    defaults: dict = field(default_factory=dict)  # name -> value bound when the caller gives none

    def example(self) -> str:
        """The query as a person would start from it (only defaults bound, e.g. the first
        page), e.g. in the console."""
        return self.bind({}, check=False)

    def template(self, given) -> str:
        """The query text for the parameters ``given``, before their values are put in:
        each ``#if $name`` line kept only when ``name`` is given."""
        return "\n".join(_conditional_lines(self.text, given))

    def bind(self, values: dict | None = None, *, defaults: bool = True, check: bool = True) -> str:
        """The query text with every ``$param`` replaced by its value, in one pass; the
        declared defaults of parameters not given too, unless ``defaults`` is false."""
        values = values or {}
        unknown = set(values) - set(self.params)
        missing = self.required - set(values)
        if defaults:
            values = {**self.defaults, **values}
        if missing and check:
            raise QueryError(f"query '{self.name}' needs parameter {', '.join(sorted(missing))}")
        if unknown:
            raise QueryError(
                f"query '{self.name}' has no parameter {', '.join(sorted(unknown))}; "
                f"it takes: {', '.join(self.params) or 'none'}"
            )
        terms = {}
        for name, raw in values.items():
            try:
                terms[name] = term(raw, self.params[name][0])
            except QueryError as e:
                raise QueryError(f"query '{self.name}', parameter {name}: {e}") from None
        text = self.template(values)

        def substitute(m: re.Match) -> str:
            name = m.group("name")
            return terms[name] if name in terms else m.group()

        return _SUBSTITUTABLE.sub(substitute, text)


_IF_BOUND = re.compile(r"\s*#if \$(\w+)\s*$")


def _conditional_lines(text: str, values: dict):
    for line in text.splitlines():
        m = _IF_BOUND.search(line)
        if not m:
            yield line
        elif m.group(1) in values:
            yield line[: m.start()]


def term(raw: str, kind: str) -> str:
    """One SPARQL token for a parameter value of ``kind``; refuses values that do not fit.

    ``iri``: an absolute IRI; ``string``: any text, as an escaped literal; ``integer``: a whole
    number; ``count``: a whole number of 0 or more (rows per page, rows to skip); ``enum(a|b)``: one of the words, as a literal; ``term``: an IRI when the value is an
    absolute http(s) IRI, else a literal.
    """
    if kind == "term":
        kind = "iri" if re.match(r"https?://\S+$", raw) else "string"
    if kind == "integer":
        if not _INTEGER.fullmatch(raw):
            raise QueryError(f"expected a whole number, got {raw!r}")
        return str(int(raw))
    if kind == "count":  # LIMIT and OFFSET take no sign
        if not _INTEGER.fullmatch(raw) or raw.startswith("-"):
            raise QueryError(f"expected a number of rows (0 or more), got {raw!r}")
        return str(int(raw))
    if kind == "iri":
        try:
            node = ox.NamedNode(raw)
        except ValueError:
            raise QueryError(f"expected an absolute IRI such as https://…, got {raw!r}") from None
        if not re.fullmatch(r"[^<>\"{}|^`\\\x00-\x20]+", raw):
            raise QueryError(f"expected an IRI without spaces, quotes or angle brackets, got {raw!r}")
        return str(node)
    if kind.startswith("enum("):
        allowed = kind[5:-1].split("|")
        if raw not in allowed:
            raise QueryError(f"expected one of {', '.join(allowed)}, got {raw!r}")
        return str(ox.Literal(raw))
    if kind == "string":
        return str(ox.Literal(raw))
    raise QueryError(f"unknown parameter kind {kind!r}")


def parse(name: str, text: str) -> NamedQuery:
    q = NamedQuery(name=name, text=text)
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        m = _PARAM.match(line.strip())
        if m:
            q.params[m.group(1)] = (m.group(2), (m.group(5) or "").strip())
            if m.group(3):
                q.required.add(m.group(1))
            if m.group(4) is not None:
                term(m.group(4), m.group(2))  # a default that does not fit its kind is a mistake in the file
                q.defaults[m.group(1)] = m.group(4)
        elif line.lower().startswith("# param:"):
            raise QueryError(f"{name}.rq: cannot read the parameter line {line!r}")
        elif line.lower().startswith("# title:"):
            q.title = line.split(":", 1)[1].strip()
        elif line.lower().startswith("# description:"):
            q.description = (q.description + " " + line.split(":", 1)[1].strip()).strip()
    return q


def load_all(folder: Path = QUERIES_DIR) -> dict[str, NamedQuery]:
    return {p.stem: parse(p.stem, p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.rq"))}


def get(name: str, folder: Path = QUERIES_DIR) -> NamedQuery:
    path = folder / f"{name}.rq"
    if not re.fullmatch(r"[\w-]+", name) or not path.is_file():
        known = ", ".join(load_all(folder)) or "none"
        raise QueryError(f"no named query '{name}' (known: {known})")
    return parse(name, path.read_text(encoding="utf-8"))
