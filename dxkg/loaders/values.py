"""Numbers, money, dates and deadlines as Vietnamese plans write them.

Vietnamese typography swaps the English separators: "14.960" is fourteen thousand nine
hundred and sixty, "1,5" is one and a half. Deadlines are written as quarters ("Quý IV/2025"),
years, year ranges, months, or as a frequency ("Thường xuyên", "Hằng năm"); the knowledge
graph wants them as date intervals, so they are turned into a ``Deadline`` here.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from dxkg.domain.text import fold

from .records import Deadline
from .text import clean

_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}


# ---------------------------------------------------------------- numbers

_NUMBER = re.compile(r"[+-]?\d[\d.,]*")


def _normalise_number(token: str) -> str | None:
    """A decimal string in Python notation from a Vietnamese-formatted number, or None.

    Rules: when both "." and "," occur, the later one is the decimal mark; a lone ","
    is a decimal mark unless it separates groups of three like "1,234,567"; a "." is a
    thousands separator when every group after it has three digits ("14.960"), else a
    decimal mark ("1.5").
    """
    t = re.sub(r"\s+", "", token)
    if not re.fullmatch(r"[+-]?\d[\d.,]*", t) or t[-1] in ".,":
        return None
    if "." in t and "," in t:
        dec = "." if t.rfind(".") > t.rfind(",") else ","
        thou = "," if dec == "." else "."
        intpart, _, frac = t.rpartition(dec)
        if not re.fullmatch(r"[+-]?\d{1,3}(?:" + re.escape(thou) + r"\d{3})*", intpart):
            return None
        return intpart.replace(thou, "") + "." + frac
    for sep in (".", ","):
        if sep in t:
            parts = t.split(sep)
            if len(parts) > 2 or (sep == "." and len(parts[1]) == 3):
                if all(len(p) == 3 for p in parts[1:]) and len(parts[0].lstrip("+-")) <= 3:
                    return "".join(parts)
                return None
            return parts[0] + "." + parts[1]
    return t


def parse_amount(text: str) -> Decimal | None:
    """The number a cell holds ("14.960" → 14960, "1,5" → 1.5), or None when the cell is
    not purely a number ("Thuê tư vấn", "", "x")."""
    s = clean(text).strip()
    if not s:
        return None
    norm = _normalise_number(s)
    if norm is None:
        return None
    try:
        return Decimal(norm)
    except InvalidOperation:
        return None


def parse_count(text: str) -> int | None:
    """A whole count such as "262.401.852" → 262401852 or "3" → 3; None if not a whole number."""
    value = parse_amount(text)
    if value is None or value != value.to_integral_value():
        return None
    return int(value)


def first_number(text: str) -> Decimal | None:
    """The first number written inside running text ("Tối thiểu 80" → 80)."""
    for m in _NUMBER.finditer(clean(text)):
        norm = _normalise_number(m.group().rstrip(".,"))
        if norm is not None:
            return Decimal(norm)
    return None


# ---------------------------------------------------------------- dates

# A date as the documents write it: "03/6/2020", "03.6.2020", "03 tháng 6 năm 2020" (also
# folded: "thang", "nam"). Named groups: d/m/y (numeric) or d2/m2/y2 (words); see match_date.
DATE = (
    r"(?:(?P<d>\d{1,2})\s*[/.-]\s*(?P<m>\d{1,2})\s*[/.-]\s*(?P<y>(?:19|20)\d\d)"
    r"|(?P<d2>\d{1,2})\s+th[áa]ng\s+(?P<m2>\d{1,2}),?\s+n[ăa]m\s+(?P<y2>(?:19|20)\d\d))(?!\d)"
)
_ANY_DATE = re.compile(rf"(?<!\w){DATE}")


def safe_date(y: int, m: int, d: int) -> date | None:
    """The date, or None when it does not exist ("31/11/2024" occurs: a wrong date is no date)."""
    try:
        return date(y, m, d)
    except ValueError:
        return None


def match_date(m: re.Match) -> date | None:
    """The date a match of ``DATE`` holds (numeric or worded form), or None if it does not exist."""
    d, mo, y = (
        (m.group("d"), m.group("m"), m.group("y")) if m.group("d") else (m.group("d2"), m.group("m2"), m.group("y2"))
    )
    return safe_date(int(y), int(mo), int(d))


def parse_vn_date(text: str) -> date | None:
    """The first valid date written as "03/6/2020" or "ngày 03 tháng 6 năm 2020"; None
    when the text has none or only a date with blanks ("ngày   /  /2024")."""
    dates = all_vn_dates(text)
    return dates[0] if dates else None


def all_vn_dates(text: str) -> list[date]:
    """Every valid date in the text (numeric or worded), in order of appearance."""
    f = fold(clean(text))
    return [d for d in map(match_date, _ANY_DATE.finditer(f)) if d]


# ---------------------------------------------------------------- deadlines

_FREQUENCIES = [
    (r"\b(?:hang|hung) quy\b", "quarterly"),
    (r"\b(?:hang|hung) thang\b", "monthly"),
    (r"\b(?:hang|hung) nam\b|\bhangnam\b", "yearly"),
    (r"\bthuong xuyen\b|\bca nam\b|\bquanh nam\b|\blien tuc\b", "continuous"),
]
_QUARTER = re.compile(
    r"\bquy\s+((?:[ivx]+|[1-4])\b(?:\s*(?:,|-|va|den)\s*(?:quy\s+)?(?:[ivx]+|[1-4])\b)*)"
    r"(?:\s*(?:/|nam)\s*(\d{4}))?"
)
_MONTH = re.compile(r"\bthang\s+(\d{1,2})(?:\s*(?:/|nam)\s*(\d{4}))?")
_HALF = re.compile(r"6 thang (dau|cuoi) nam(?:\s+(\d{4}))?")
_YEAR_RANGE = re.compile(r"\b((?:19|20)\d{2})\s*(?:-|–|den|toi)\s*(?:nam\s+)?((?:19|20)\d{2})\b")
_YEAR = re.compile(r"\b((?:19|20)\d{2})\b")


def _quarter_number(token: str) -> int | None:
    token = token.strip()
    return int(token) if token.isdigit() else _ROMAN.get(token)


def _month_end(y: int, m: int) -> date:
    return date(y, m, calendar.monthrange(y, m)[1])


def _year_interval(y: int | None) -> tuple[date | None, date | None]:
    return (date(y, 1, 1), date(y, 12, 31)) if y else (None, None)


def _quarters(f: str, default_year: int | None) -> Deadline | None:
    m = _QUARTER.search(f)
    if not m:
        return None
    qs = [q for q in (_quarter_number(t) for t in re.split(r",|-|va|den|quy", m.group(1))) if q]
    year = int(m.group(2)) if m.group(2) else (_first_year(f) or default_year)
    if not qs or not year:
        return Deadline()
    return Deadline(date(year, 3 * min(qs) - 2, 1), _month_end(year, 3 * max(qs)))


def _first_year(f: str) -> int | None:
    m = _YEAR.search(f)
    return int(m.group(1)) if m else None


def _month(f: str, default_year: int | None) -> Deadline | None:
    m = _MONTH.search(f)
    if not m or not 1 <= int(m.group(1)) <= 12:
        return None
    month = int(m.group(1))
    year = int(m.group(2)) if m.group(2) else (_first_year(f) or default_year)
    if not year:
        return Deadline()
    if _before(f):
        return Deadline(None, date(year, month, 1) - timedelta(days=1))
    return Deadline(date(year, month, 1), _month_end(year, month))


def _half_year(f: str, default_year: int | None) -> Deadline | None:
    """ "6 tháng đầu năm 2024" (January–June), "6 tháng cuối năm" (July–December)."""
    m = _HALF.search(f)
    year = (int(m.group(2)) if m.group(2) else default_year) if m else None
    if not m or not year:
        return None
    first = m.group(1) == "dau"
    return Deadline(date(year, 1 if first else 7, 1), _month_end(year, 6 if first else 12))


def _year_range(f: str, default_year: int | None) -> Deadline | None:
    m = _YEAR_RANGE.search(f)
    return Deadline(date(int(m.group(1)), 1, 1), date(int(m.group(2)), 12, 31)) if m else None


def _year(f: str, default_year: int | None) -> Deadline | None:
    year = _first_year(f)
    return Deadline(*_year_interval(year)) if year else None


def _before(f: str) -> bool:
    """ "trước tháng 9/2023" (ends 31/8), "chậm nhất …": only the end is known."""
    return bool(re.search(r"\btruoc\b|\bcham nhat\b|\bkhong muon hon\b", f))


def parse_deadline(text: str, default_year: int | None = None, period: tuple | None = None) -> Deadline:
    """An interval for a deadline cell as written.

    "Quý IV/2025" → 2025-10-01..2025-12-31; "Năm 2023" → the whole year; "2024-2025" →
    2024-01-01..2025-12-31; "Tháng 12/2023" → that month ("trước tháng 9/2023" keeps only
    the end); a full date is a one-day interval (or only its end after "trước").
    Frequencies ("Thường xuyên", "Cả năm" → continuous; "Hằng năm" → yearly; "Hằng quý",
    "Hằng tháng") cover the written year or, failing that, ``default_year`` — the
    plan's own year, which is what a standing duty in a yearly plan spans; in a plan for
    several years (``period``: first and last year) a standing duty spans them all. A
    quarter or month without a year also takes ``default_year``. Unreadable text gives an
    empty Deadline rather than an error.
    """
    f = fold(clean(text))
    if not f:
        return Deadline()
    frequency = next((name for rx, name in _FREQUENCIES if re.search(rx, f)), None)
    d = parse_vn_date(text)
    if d:
        return Deadline(None if _before(f) else d, d, frequency)
    # Each reader gives None when the text is not in its form (the next one is tried),
    # an empty Deadline when it is but no year can be known.
    for reader in (_quarters, _month, _half_year, _year_range, _year):
        found = reader(f, default_year)
        if found is not None:
            return Deadline(found.start, found.end, frequency)
    if frequency and period:
        return Deadline(date(period[0], 1, 1), date(period[1], 12, 31), frequency)
    return Deadline(*_year_interval(default_year), frequency) if frequency else Deadline()
