"""A linear-time lexer for SPARQL 1.1 request text: keywords, shape limits, USING clauses.

pyoxigraph parses the real grammar; the HTTP process only needs to know, before a worker
spends time on a request, where keywords are *as keywords* (not inside strings, IRIs,
comments or prefixed names), how deeply the text nests, and where its WHERE clauses are.

Terminals follow https://www.w3.org/TR/sparql11-query/#terminals (IRIREF with UCHAR escapes,
prefixed names with PN_LOCAL escapes such as ``\\#`` and ``%23``, the four string forms,
comments, numbers, variables, language tags). Text that is not made of these terminals is a
``SparqlTextError`` at once: pyoxigraph would refuse it too, and a guess about what follows
an unterminated string is exactly how a keyword slips through.

Linear time: each step matches one token at the current position with a regular expression
whose repetitions cannot overlap, so a token is read once; every token consumes at least one
character, so there are at most ``len(text)`` steps, driven by ``finditer`` in C. An unterminated string or IRI fails once
(and ends lexing); a ``<`` that does not start an IRI is read as an operator, and the failed
IRI attempt stops at the next character that an IRI cannot hold, which no later attempt
re-reads.

pyoxigraph's parser (a PEG) matches keywords without requiring a word boundary, so
``SERVICESILENT<…>``, ``SERVICE:x`` (empty prefix), ``SERVICEex:x``, ``1SERVICE`` and
``trueSERVICE`` all start a SERVICE clause. ``federated`` therefore flags every name token
whose prefix part — after a glued ``true``/``false`` — begins with the keyword; a prefix
declared as ``service:`` or ``load:`` is refused too (rename it), which is the price of not
missing a glued keyword.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

_BASE = (
    "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
    "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
)
_U = _BASE + "_"
_CHARS = _U + r"\-0-9\u00b7\u0300-\u036f\u203f-\u2040"
_PLX = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"
_LOCAL_FIRST = rf"[{_U}:0-9]|{_PLX}"
_LOCAL_MID = rf"[{_CHARS}.:]|{_PLX}"
_LOCAL_LAST = rf"[{_CHARS}:]|{_PLX}"
_LOCAL = rf"(?:{_LOCAL_FIRST})(?:(?:{_LOCAL_MID})*(?:{_LOCAL_LAST}))?"
_PREFIX = rf"[{_BASE}](?:[{_CHARS}.]*[{_CHARS}])?"
_UCHAR = r"\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8}"

# one alternative per token kind; the first that matches at a position wins
_TOKEN = re.compile(
    rf"""
    (?P<ws>[ \t\r\n]+)
  | (?P<comment>\#[^\n\r]*)
  | (?P<iri><(?:[^<>"{{}}|^`\\\x00-\x20]|{_UCHAR})*>)
  | (?P<long_string>'''(?:(?:''|')?(?:[^'\\]|\\.))*'''|\"\"\"(?:(?:""|")?(?:[^"\\]|\\.))*\"\"\")
  | (?P<open_long_string>'''|\"\"\")
  | (?P<string>'(?:[^'\\\n\r]|\\[^\n\r])*'|"(?:[^"\\\n\r]|\\[^\n\r])*")
  | (?P<open_string>['"])
  | (?P<var>[?$][{_U}0-9][{_U}0-9\u00b7\u0300-\u036f\u203f-\u2040]*)
  | (?P<bnode>_:[{_U}0-9](?:[{_CHARS}.]*[{_CHARS}])?)
  | (?P<name>{_PREFIX}(?::(?:{_LOCAL})?)?|:(?:{_LOCAL})?)
  | (?P<langtag>@[a-zA-Z]+(?:-[a-zA-Z0-9]+)*)
  | (?P<number>[0-9]+\.?[0-9]*[eE][+-]?[0-9]+|\.[0-9]+[eE][+-]?[0-9]+|[0-9]*\.[0-9]+|[0-9]+)
  | (?P<punct>\^\^|&&|\|\||!=|<=|>=|[{{}}()\[\],;.*+\-/!=<>^|?$])
  | (?P<bad>.)
""",
    re.VERBOSE | re.DOTALL,
)
_OPENERS, _CLOSERS = "{([", "})]"
FEDERATED = ("SERVICE", "LOAD")
# what makes two evaluations of the same query over the same data differ: the time, random
# numbers, fresh identifiers and blank nodes, and data fetched from elsewhere (when allowed)
VOLATILE = ("NOW", "RAND", "UUID", "STRUUID", "BNODE", "SERVICE")
_VOLATILE_HINT = re.compile("|".join(VOLATILE))  # on the upper-cased name: none of them, no keyword
IRI = re.compile(r"[^<>\"{}|^`\\\x00-\x20]+")
_INNER_DOT = re.compile(r"(?<!\\)\.")


class SparqlTextError(ValueError):
    """The text is not SPARQL terminals, or breaks a shape limit; the message says where."""


@dataclass(frozen=True)
class Token:
    kind: str  # ws, comment, iri, string, var, bnode, name, langtag, number, punct
    text: str
    start: int


def _where(text: str, pos: int) -> str:
    line = text.count("\n", 0, pos) + 1
    return f"line {line}, column {pos - (text.rfind(chr(10), 0, pos) + 1) + 1}"


def _scan(text: str) -> Iterator[re.Match]:
    """One match per token, in order; every character belongs to exactly one (``bad`` catches
    the rest), so ``finditer`` never skips text and the scan runs at the regex engine's speed."""
    for m in _TOKEN.finditer(text):
        if m.lastgroup in _REFUSED:
            _refuse(text, m)
        yield m


_REFUSED = ("bad", "open_string", "open_long_string")


def _refuse(text: str, m: re.Match) -> None:
    if m.lastgroup == "bad":
        raise SparqlTextError(f"unexpected character {m.group()!r} at {_where(text, m.start())}")
    raise SparqlTextError(f"unterminated string starting at {_where(text, m.start())}")


def tokens(text: str) -> Iterator[Token]:
    """The tokens of ``text`` in order (whitespace and comments included)."""
    for m in _scan(text):
        kind = m.lastgroup or ""
        yield Token("string" if kind == "long_string" else kind, m.group(), m.start())


def significant(text: str) -> list[Token]:
    """The tokens without whitespace and comments."""
    return [t for t in tokens(text) if t.kind not in ("ws", "comment")]


def _starts_with_keyword(name: str, word: str) -> bool:
    """Whether pyoxigraph could read ``word`` as a keyword at the start of this name token."""
    prefix = name.split(":", 1)[0].upper()
    for glued in ("TRUE", "FALSE"):  # ``?s ?p trueSERVICE <x> {}`` is ``true`` then SERVICE
        if prefix.startswith(glued) and prefix != glued:
            prefix = prefix[len(glued) :]
            break
    return prefix.startswith(word)


def _pieces(name: str) -> Iterator[str]:
    """The name, and the start of every rest of it after an unescaped inner dot.

    pyoxigraph 0.5 may end a prefixed name at an inner dot and read what follows as new tokens
    (``ex:o.o.service<…>{}`` is ``ex:o.o`` ``.`` ``service<…>{}`` and fetches), so each rest is
    checked as if it started a token of its own. Only a short head of each rest is taken (enough
    for a glued ``false`` and the longest keyword), which keeps the scan linear.
    """
    yield name
    for m in _INNER_DOT.finditer(name):
        yield name[m.end() : m.end() + 16]


def has_keyword(text: str, word: str) -> bool:
    """Whether ``word`` is a whole keyword token of ``text`` (``FROM``, ``USING``…)."""
    word = word.upper()
    return any(t.kind == "name" and t.text.upper() == word for t in tokens(text))


def _glued_keyword(name: str, words: tuple[str, ...]) -> str | None:
    """The first of ``words`` pyoxigraph could read as a keyword in this name token."""
    return next((w for piece in _pieces(name) for w in words if _starts_with_keyword(piece, w)), None)


_BRACKET = re.compile(r"[{(\[]")  # an IRI without one cannot deepen the nesting


def _too_deep(text: str, pos: int, max_depth: int) -> None:
    raise SparqlTextError(
        f"the text nests brackets more than {max_depth} levels deep "
        f"(at {_where(text, pos)}); this service accepts at most that"
    )


@dataclass(frozen=True)
class Survey:
    federated: str | None  # the first of the words asked for that pyoxigraph could read as a keyword
    has_from: bool  # a FROM keyword: the query names its own dataset
    volatile: str | None  # the first ``VOLATILE`` word: its answer may differ per evaluation


def survey(text: str, max_depth: int | None, words: tuple[str, ...] = ()) -> Survey:
    """Everything the HTTP process checks in request text, in one pass over its tokens (a
    request is lexed once): ``SparqlTextError`` for text that is not SPARQL terminals or
    nests deeper than ``max_depth`` (``None``: no limit) — raised even after a federated
    word, so a malformed text is always a syntax error — then the first of ``words``
    (``federated``), whether ``FROM`` is a keyword of it, and the first ``VOLATILE`` word
    (``volatile``: ``NOW()``, ``RAND()``… — an answer not to be reused), read as generously as
    the federated words (a false alarm only costs an evaluation).

    Queries are checked for ``SERVICE``; updates for ``SERVICE`` (in WHERE) and ``LOAD``
    (``FEDERATED``). Depth is limited because pyoxigraph parses and evaluates recursively:
    thousands of nested groups exhaust a worker's stack, so such text is refused before it
    reaches one.
    """
    depth = 0
    word = None
    has_from = False
    volatile = None
    upper = [w.upper() for w in words]
    for m in _TOKEN.finditer(text):  # ``_scan`` inlined: this runs for every query served
        kind = m.lastgroup
        if kind == "ws":
            continue
        if kind == "name" or kind == "bnode":
            name = m.group().upper()
            if name == "FROM" and kind == "name":
                has_from = True
            if word is None:
                for w in upper:
                    # a piece is part of the name: a name without the word anywhere cannot start with it
                    if w in name:
                        word = _glued_keyword(m.group(), words)
                        break
            if volatile is None and _VOLATILE_HINT.search(name):
                volatile = _glued_keyword(m.group(), VOLATILE)
        elif max_depth is None:
            pass
        elif kind == "punct":  # one bracket, or an operator of two characters that holds none
            tok = m.group()
            if tok in _OPENERS:
                depth += 1
                if depth > max_depth:
                    _too_deep(text, m.start(), max_depth)
            elif tok in _CLOSERS:
                depth -= 1
        elif kind == "iri" and _BRACKET.search(m.group()):
            # an IRI-shaped ``<(((…)>`` may be read by pyoxigraph as ``<`` and nested parentheses
            before = depth
            for i, ch in enumerate(m.group()):
                if ch in _OPENERS:
                    depth += 1
                    if depth > max_depth:
                        _too_deep(text, m.start() + i, max_depth)
                elif ch in _CLOSERS:
                    depth -= 1
            depth = max(depth, before)
        elif kind in _REFUSED:
            _refuse(text, m)
    return Survey(word, has_from, volatile)


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
    toks = significant(update)
    for word in ("USING", "WITH"):
        if any(t.kind == "name" and t.text.upper() == word for t in toks):
            raise ValueError(
                f"the update has a {word} clause and the request gives "
                "using-graph-uri/using-named-graph-uri; send only one of them"
            )
    clause = " ".join([f"USING <{g}>" for g in using] + [f"USING NAMED <{g}>" for g in using_named])
    out, last, depth = [], 0, 0
    for i, tok in enumerate(toks):
        if tok.kind == "punct" and tok.text in _OPENERS:
            depth += 1
        elif tok.kind == "punct" and tok.text in _CLOSERS:
            depth -= 1
        elif depth == 0 and tok.kind == "name" and tok.text.upper() == "WHERE":
            if i and toks[i - 1].kind == "name" and toks[i - 1].text.upper() == "DELETE":
                open_, close = _group_after(toks, i)
                pattern = update[open_.start : close.start + 1]
                out.append(update[last : tok.start] + f"{pattern} {clause} WHERE ")
            else:
                out.append(update[last : tok.start] + clause + " WHERE")
            last = tok.start + len(tok.text)
    out.append(update[last:])
    return "".join(out)


def _group_after(toks: list[Token], i: int) -> tuple[Token, Token]:
    """The ``{`` after token ``i`` and the ``}`` that closes it."""
    depth = 0
    for j in range(i + 1, len(toks)):
        if toks[j].kind == "punct" and toks[j].text in _OPENERS:
            depth += 1
        elif toks[j].kind == "punct" and toks[j].text in _CLOSERS:
            depth -= 1
            if depth == 0:
                return toks[i + 1], toks[j]
    raise ValueError("unbalanced braces in the update")
