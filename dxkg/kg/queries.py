"""Named SPARQL queries from ``queries/*.rq``.

A named query is a plain SPARQL file whose leading comment lines describe it::

    # title: Tasks and their agencies
    # description: one row per task …
    # param: task iri  — the task (IRI), optional
    # param: system term required — a parameter the query cannot do without
    # param: q string  — text to search, optional

Parameters are written in the query as ``$name`` (a legal SPARQL variable), so an
unbound parameter simply matches everything; binding one replaces ``$name`` by the
value as an IRI or a literal. This works the same on every store, local or remote.
A line ending with ``#if $name`` is kept only when ``name`` is given: a filter that would
otherwise cost a test per row when it has nothing to filter by.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from dxkg.kg.paths import QUERIES_DIR

_PARAM = re.compile(r"^#\s*param:\s*(\w+)\s+(iri|string|integer|term)\b\s*(required\b)?\s*(?:[—-]+\s*(.*))?$")


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

    def example(self) -> str:
        """The query as a person would start from it (nothing bound), e.g. in the console."""
        return "\n".join(_conditional_lines(self.text, {}))

    def bind(self, values: dict | None = None) -> str:
        """The query text with ``$param`` replaced by the given values."""
        values = values or {}
        unknown = set(values) - set(self.params)
        missing = self.required - set(values)
        if missing:
            raise QueryError(f"query '{self.name}' needs parameter {', '.join(sorted(missing))}")
        if unknown:
            raise QueryError(
                f"query '{self.name}' has no parameter {', '.join(sorted(unknown))}; "
                f"it takes: {', '.join(self.params) or 'none'}"
            )
        text = "\n".join(_conditional_lines(self.text, values))
        for name, raw in values.items():
            kind = self.params[name][0]
            text = re.sub(r"\$" + name + r"\b", lambda _m: term(raw, kind), text)
        return text


_IF_BOUND = re.compile(r"\s*#if \$(\w+)\s*$")


def _conditional_lines(text: str, values: dict):
    for line in text.splitlines():
        m = _IF_BOUND.search(line)
        if not m:
            yield line
        elif m.group(1) in values:
            yield line[: m.start()]


def term(raw: str, kind: str) -> str:
    """A SPARQL term for a parameter value; refuses values that would break out of it."""
    if kind == "integer" or (kind == "term" and re.fullmatch(r"-?\d+", raw)):
        if not re.fullmatch(r"-?\d+", raw):
            raise QueryError(f"expected an integer, got {raw!r}")
        return raw
    if kind == "iri" or (kind == "term" and re.match(r"https?://", raw)):
        if not re.fullmatch(r"[^\s<>\"{}|^`\\]+", raw):
            raise QueryError(f"not an IRI: {raw!r}")
        return f"<{raw}>"
    esc = raw.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return f'"{esc}"'


def parse(name: str, text: str) -> NamedQuery:
    q = NamedQuery(name=name, text=text)
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        m = _PARAM.match(line.strip())
        if m:
            q.params[m.group(1)] = (m.group(2), (m.group(4) or "").strip())
            if m.group(3):
                q.required.add(m.group(1))
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
