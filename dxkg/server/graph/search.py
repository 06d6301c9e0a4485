"""Search as people type: words matched at word starts, diacritics ignored, abbreviations
expanded (TT&TT, UBND, CSDL, LGSP…), systems and documents first.

The index (every searchable node's labels, symbols, keys, titles and scope, normalised) is
built once per store generation (``source.cached``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import quote

from dxkg.domain.text import fold
from dxkg.server.graph.model import PREFIX_BLOCK, compact
from dxkg.server.graph.style import TYPE_LABELS, TYPE_ORDER, short_name

ABBREVIATIONS = {  # folded, "&" removed → folded expansion
    "tttt": "thong tin va truyen thong",
    "khdt": "ke hoach va dau tu",
    "khcn": "khoa hoc va cong nghe",
    "ubnd": "uy ban nhan dan",
    "hdnd": "hoi dong nhan dan",
    "vp": "van phong",
    "csdl": "co so du lieu",
    "dvc": "dich vu cong",
    "httt": "he thong thong tin",
    "cntt": "cong nghe thong tin",
    "tthc": "thu tuc hanh chinh",
    "cds": "chuyen doi so",
    "qd": "quyet dinh",
    "nq": "nghi quyet",
    "nd": "nghi dinh",
    "kh": "ke hoach",
    "ttg": "thu tuong",
    "cp": "chinh phu",
    "tu": "tinh uy",
    "ldtbxh": "lao dong thuong binh va xa hoi",
    "gtvt": "giao thong van tai",
    "tnmt": "tai nguyen va moi truong",
    "nnptnt": "nong nghiep va phat trien nong thon",
    "vhttdl": "van hoa the thao va du lich",
    "gddt": "giao duc va dao tao",
    "qlvb": "quan ly van ban",
    "ioc": "trung tam giam sat dieu hanh",
    "lgsp": "nen tang tich hop chia se du lieu",
    "ngsp": "nen tang tich hop chia se du lieu quoc gia",
    "tp": "thanh pho",
    "atttt": "an toan thong tin",
}
SEARCH_TYPES = {"system": 3, "document": 3, "plan": 3, "agency": 2, "place": 2, "appendix": 1, "task": 0}
KIND_WEIGHTS = {"key": 6, "symbol": 6, "label": 4, "alt": 3, "title": 2, "scope": 1}


def normalise(text: str) -> str:
    """Folded words separated by single spaces; "TT&TT" → "tttt" so both spellings meet."""
    f = re.sub(r"(?<=\w)\s*&\s*(?=\w)", "", fold(text))
    return " ".join(re.findall(r"[a-z0-9]+", f))


def with_expansions(text: str) -> str:
    """``text`` plus the long form of every abbreviation it contains (matched as words)."""
    extra = [ABBREVIATIONS[w] for w in text.split() if w in ABBREVIATIONS]
    return " ".join([text] + extra)


@dataclass
class Entry:
    iri: str
    kind: str
    label: str = ""
    scope: str = ""
    symbol: str = ""
    texts: list = field(default_factory=list)  # (field kind, normalised, with expansions)


def search_index(source) -> dict:
    def build(src):
        entries: dict = {}
        kinds = dict(TYPE_ORDER)
        types = " ".join(f"<{c}>" for c, k in TYPE_ORDER if k in SEARCH_TYPES)
        for r in src.select(
            PREFIX_BLOCK
            + f"""SELECT ?n ?t ?k ?text WHERE {{
              VALUES ?t {{ {types} }} ?n a ?t .
              {{ ?n rdfs:label|skos:prefLabel ?text BIND("label" AS ?k) }}
              UNION {{ ?n skos:altLabel|dx:writtenAs ?text BIND("alt" AS ?k) }}
              UNION {{ ?n dx:symbol ?text BIND("symbol" AS ?k) }}
              UNION {{ ?n dx:systemKey ?text BIND("key" AS ?k) }}
              UNION {{ ?n eli:title|dcterms:title ?text BIND("title" AS ?k) }}
              UNION {{ ?n dx:appendixLabel ?text BIND("key" AS ?k) }}
              UNION {{ ?n (dx:scope|eli:is_part_of/dx:scope)/skos:prefLabel ?text BIND("scope" AS ?k) }} }}"""
        ):
            e = entries.setdefault(r["n"], Entry(r["n"], "other"))
            kind = kinds.get(r["t"], "other")
            if SEARCH_TYPES.get(kind, -1) > SEARCH_TYPES.get(e.kind, -1) or (kind == "plan" and e.kind == "document"):
                e.kind = kind
            if r["k"] == "label" and (not e.label or len(r["text"]) < len(e.label)):
                e.label = r["text"]
            if r["k"] == "scope":
                e.scope = r["text"]
            if r["k"] == "symbol":
                e.symbol = r["text"]
            norm = normalise(r["text"])
            e.texts.append((r["k"], norm, with_expansions(norm)))
        return entries

    return source.cached("search", build)


def search(source, q: str, limit: int = 20, kinds: set | None = None) -> list[dict]:
    """Nodes whose label, alternative label, symbol or key match every word of ``q``,
    ignoring diacritics and expanding abbreviations (TT&TT, UBND, CSDL, DVC…), best first;
    only nodes of ``kinds`` (system, document, plan, agency, place, appendix, task) when given."""
    words = normalise(q).split()
    if not words:
        return []
    hits = []
    for e in search_index(source).values():
        if kinds and e.kind not in kinds:
            continue
        score = _score(e, words)
        if score is not None:
            hits.append((-score, len(e.label), e.label, e))
    hits.sort(key=lambda h: h[:3])
    return [_hit(e) | {"score": -score} for score, *_, e in hits[:limit]]


def _score(e: Entry, words: list) -> float | None:
    """None unless every word (or its long form) starts a word somewhere in the entry; then
    the better the fields matched (key, symbol > label > …), the higher. Words that appear
    together as typed ("ha nam"), an exact key/symbol/label, and systems and documents
    (what people look for) score more."""
    total = 0.0
    for w in words:
        alternatives = [" " + w] + ([" " + ABBREVIATIONS[w]] if w in ABBREVIATIONS else [])
        best = max((_weight(kind, text, alternatives) for kind, _, text in e.texts), default=0)
        if not best:
            return None
        total += best
    whole = " ".join(words)
    if len(words) > 1:
        total += 2 * sum(
            any(f" {a} {b}" in " " + text for _, _, text in e.texts) for a, b in zip(words, words[1:], strict=False)
        )
    if any(norm == whole for kind, norm, _ in e.texts if kind in ("key", "symbol", "label")):
        total += 8
    elif any(norm.startswith(whole) for kind, norm, _ in e.texts if kind in ("symbol", "label")):
        total += 3
    return total + SEARCH_TYPES.get(e.kind, 0)


def _weight(kind: str, text: str, alternatives: list) -> int:
    """How much a word found in this field counts; in a symbol only its number is specific
    ("123/KH-UBND" is not about the UBND)."""
    padded = " " + text
    if not any(alt in padded for alt in alternatives):
        return 0
    if kind == "symbol" and not any(padded.startswith(alt) for alt in alternatives):
        return 1
    return KIND_WEIGHTS[kind]


def _hit(e: Entry) -> dict:
    ref = compact(e.iri)
    local = "/id/" + ref[5:] if ref.startswith("dxid:") else None
    url = (
        {
            "system": f"/graph/systems?system={ref}",
            "place": f"/graph/systems?scope={quote(e.label)}",
        }.get(e.kind)
        or local
        or f"/graph/node?node={ref}"
    )
    return {
        "id": e.iri,
        "ref": ref,
        "label": e.label or short_name(e.iri),
        "type": e.kind,
        "type_label": TYPE_LABELS.get(e.kind, e.kind),
        "scope": e.scope,
        "symbol": e.symbol,
        "url": url,
    }
