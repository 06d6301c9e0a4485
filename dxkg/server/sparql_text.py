"""Just enough SPARQL lexing to police and adjust request text before it reaches the engine.

pyoxigraph parses the real grammar; here we only need to know where keywords are *as
keywords*, not inside strings, IRIs or comments. ``mask`` blanks those out (keeping every
offset), so a plain regex over the masked text finds ``SERVICE`` in
``SERVICE <x> {…}`` but not in ``"a SERVICE desk"`` or ``<http://x/SERVICE>``.
"""

from __future__ import annotations

import re

_LEXEME = re.compile(
    r"""
    \#[^\n\r]*                                  # comment
  | '''(?:[^'\\]|\\.|'(?!''))*'''               # long strings
  | \"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
  | '(?:[^'\\\n\r]|\\.)*'                       # short strings
  | "(?:[^"\\\n\r]|\\.)*"
  | <[^<>"{}|^`\\\x00-\x20]*>                   # IRI reference
""",
    re.VERBOSE | re.DOTALL,
)

_DELETE_BEFORE = re.compile(r"(?<![\w:?$\-])DELETE\s*$", re.IGNORECASE)
IRI = re.compile(r"[^<>\"{}|^`\\\x00-\x20]+")


def mask(text: str) -> str:
    """``text`` with comments, strings and IRIs replaced by spaces of the same length."""
    return _LEXEME.sub(lambda m: " " * len(m.group(0)), text)


def _keyword(word: str) -> re.Pattern:
    # not part of a prefixed name (ex:load, load:x), a variable (?load) or a longer word
    return re.compile(r"(?<![\w:?$\-])" + word + r"(?![\w:\-])", re.IGNORECASE)


def has_keyword(text: str, word: str) -> bool:
    return bool(_keyword(word).search(mask(text)))


def federated(text: str) -> str | None:
    """The keyword that would make the engine fetch a remote URL (``SERVICE``, ``LOAD``), if any."""
    masked = mask(text)
    for word in ("SERVICE", "LOAD"):
        if _keyword(word).search(masked):
            return word
    return None


def add_using(update: str, using: list[str], using_named: list[str]) -> str:
    """Apply the protocol's ``using-graph-uri``/``using-named-graph-uri`` to every operation.

    SPARQL 1.1 Protocol §2.2.3: the parameters act as ``USING``/``USING NAMED`` clauses, and a
    request that also has ``USING``/``USING NAMED``/``WITH`` in its text must be refused.
    ``DELETE WHERE {Q}`` cannot carry ``USING``, so it is spelled out as
    ``DELETE {Q} USING … WHERE {Q}``, which means the same.
    """
    if not using and not using_named:
        return update
    for iri in using + using_named:
        if not IRI.fullmatch(iri):
            raise ValueError(f"not an IRI: {iri!r}")
    masked = mask(update)
    for word in ("USING", "WITH"):
        if _keyword(word).search(masked):
            raise ValueError(
                f"the update has a {word} clause and the request gives "
                "using-graph-uri/using-named-graph-uri; send only one of them"
            )
    clause = " ".join([f"USING <{g}>" for g in using] + [f"USING NAMED <{g}>" for g in using_named])
    out, last = [], 0
    for m in _keyword("WHERE").finditer(masked):
        if _depth(masked, m.start()):
            continue
        if _DELETE_BEFORE.search(masked, 0, m.start()):
            open_ = masked.index("{", m.end())
            close = _matching_brace(masked, open_)
            pattern = update[open_ : close + 1]
            out.append(update[last : m.start()] + f"{pattern} {clause} WHERE ")
        else:
            out.append(update[last : m.start()] + clause + " WHERE")
        last = m.end()
    out.append(update[last:])
    return "".join(out)


def _depth(masked: str, pos: int) -> int:
    return masked.count("{", 0, pos) - masked.count("}", 0, pos)


def _matching_brace(masked: str, open_: int) -> int:
    depth = 0
    for i in range(open_, len(masked)):
        depth += {"{": 1, "}": -1}.get(masked[i], 0)
        if depth == 0:
            return i
    raise ValueError("unbalanced braces in the update")
