"""Deterministic IRIs: rebuilding the same documents gives the same IRIs.

Patterns (ELI style for legal documents, scope in the path for provincial issuers):
  id/eli/{issuer}/{type}/{year|nd}/{number}   ttg/qd/2020/749, ubnd-ha-nam/qd/2022/1516
  id/eli/{issuer}/luat/{year}/{title-slug}    laws cited by name and date
  id/source/{file-stem}                       ingested document without a number
  id/place/{slug}                             viet-nam, ha-nam
  id/agency/{scope}/{slug}, id/group/{scope}/{slug}, id/enterprise/{slug}
  id/system/{scope}/{key}
  id/task/{stem}/{appendix}/L{line}, id/indicator/…, id/service/…
"""

from __future__ import annotations

from dxkg.domain.text import slug
from dxkg.kg.namespaces import GRAPH, ID

NATION = "Việt Nam"
NATION_SLUG = "viet-nam"


def place(province: str | None) -> str:
    return f"{ID}place/{slug(province) if province else NATION_SLUG}"


def scope_slug(national: bool, province: str | None) -> str:
    return NATION_SLUG if national or not province else slug(province)


def graph(stem: str) -> str:
    return f"{GRAPH}{slug(stem, 120)}"


def source(stem: str) -> str:
    return f"{ID}source/{slug(stem, 120)}"


def legal(issuer_key: str, type_code: str, year: int | None, number: str) -> str:
    return f"{ID}eli/{issuer_key}/{slug(type_code)}/{year or 'nd'}/{slug(number)}"


def agency(kind: str, name: str, national: bool, province: str | None) -> str:
    if kind == "enterprise":
        return f"{ID}enterprise/{slug(name)}"
    folder = "group" if kind == "group" else "agency"
    return f"{ID}{folder}/{scope_slug(national, province)}/{slug(name)}"


def system(key: str, national: bool, province: str | None) -> str:
    return f"{ID}system/{scope_slug(national, province)}/{slug(key)}"


def row_entity(kind: str, stem: str, appendix: str, line: int) -> str:
    return f"{ID}{kind}/{slug(stem, 120)}/{slug(appendix or 'bang')}/L{line}"


def code(scheme: str, notation: str) -> str:
    return f"{ID}code/{scheme}-{slug(notation)}"
