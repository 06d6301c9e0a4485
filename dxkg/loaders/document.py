"""Read one plan document into a ``ParsedDocument``.

The steps are independent readers over the same lines (structure, tables, references,
systems); a failure in one step is recorded as a ``ParseIssue`` naming the file and the
step, and the others still contribute, so one odd table never costs the whole document.
A file that cannot be read at all (missing, binary, not UTF-8 text) raises
``DocumentError`` with the file and the reason.

Word, PDF and scanned documents are first laid out as text by ``dxkg.loaders.readers`` (one
paragraph per line, real tables as HTML tables), with a map from each line to its page
and table row, so every step below reads them as it reads a text export.
"""

from __future__ import annotations

import traceback
from datetime import date
from pathlib import Path

from dxkg.domain.places import PROVINCE_MERGER_ACT
from dxkg.domain.text import nfc
from dxkg.loaders import agencies, appendix, guard, references, structure, systems, tables, values
from dxkg.loaders.attached import attached_start, shift_spans
from dxkg.loaders.layout import is_table_line
from dxkg.loaders.readers import BINARY_SUFFIXES, columns, read_binary
from dxkg.loaders.readers.source import DocumentError, Source
from dxkg.loaders.records import AgencyMention, Header, LegalRef, ParsedDocument, ParseIssue, Span

TEXT_SUFFIXES = {".txt", ".md", ".html", ".htm"}
DOCUMENT_SUFFIXES = TEXT_SUFFIXES | BINARY_SUFFIXES


def read_lines(path: Path) -> list[str]:
    """The file's lines (NFC, without line ends). Rejects binary and non-UTF-8 files."""
    try:
        data = path.read_bytes()
    except OSError as e:
        raise DocumentError(path.name, 0, f"cannot read file: {e.strerror or e}") from e
    if b"\x00" in data[:4096]:
        raise DocumentError(path.name, 1, "binary file, not a text export of a document")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise DocumentError(path.name, line, f"not UTF-8 text (byte 0x{data[e.start]:02x} at offset {e.start})") from e
    if not text.strip():
        raise DocumentError(path.name, 1, "empty document")
    return nfc(text).replace("\r\n", "\n").replace("\r", "\n").split("\n")


def read_source(path: Path) -> Source:
    """The document as text lines: Word, PDF and images through their readers; text as is,
    except tables laid out in fixed-width columns (``pdftotext -layout``), read as tables."""
    if path.suffix.lower() in BINARY_SUFFIXES:
        return read_binary(path)
    return columns.text_source(read_lines(path))


def parse_document(path: str | Path) -> ParsedDocument:
    """Every record the readers find in one file; a reader that fails adds a ``ParseIssue``
    instead of its records. Raises ``DocumentError`` only when the file cannot be read."""
    path = Path(path)
    source = read_source(path)
    lines = source.lines
    start = attached_start(lines)
    if not start:
        return read_document(path, lines, source=source)
    doc = read_document(path, lines[:start], source=source)
    part = read_document(path, lines[start:], parent=doc.header, source=source)
    shift_spans(part, start)
    part.part = "kem-theo-1"
    doc.lines = part.lines = lines
    doc.attached = [part]
    return doc


def _inherit_header(h: Header, parent: Header) -> None:
    """An attached plan prints no number or date of its own: its issuer, date, place and
    province are the decision's."""
    h.issuer = h.issuer or parent.issuer
    h.date = h.date or parent.date
    h.place = h.place or parent.place
    h.province = h.province or parent.province
    h.year = h.year or parent.year


def read_document(
    path: Path, lines: list[str], parent: Header | None = None, source: Source | None = None
) -> ParsedDocument:
    """Every record the readers find in ``lines`` of one file; ``parent`` is the header of
    the decision a document is attached to (its symbol is not a reference of the attached
    document, which is approved by it, not citing it); ``source`` tells how the file was
    read (Word, PDF, scan) and where each of its lines stands in the original."""
    doc = ParsedDocument(file=path.name, path=str(path), header=Header(), lines=lines)
    if source is not None:
        doc.reader, doc.places = source.reader, source.places

    def step(name, fn):
        try:
            return fn()
        except Exception as e:  # one reader failing must not lose the others' facts
            where = traceback.extract_tb(e.__traceback__)[-1]
            doc.issues.append(
                ParseIssue(
                    doc.file,
                    0,
                    f"{name} failed: {type(e).__name__}: {e} (in {Path(where.filename).name}:{where.lineno})",
                    reader=name,
                )
            )
            return None

    parsed = step("structure", lambda: structure.parse_structure(lines, doc.file))
    if parsed:
        doc.header, doc.sections, doc.appendices = parsed
    if parent:
        _inherit_header(doc.header, parent)
    province, year = doc.header.province, doc.header.year

    found = step("tables", lambda: tables.find_tables(lines, doc.file)) or []
    data = step("appendix tables", lambda: appendix.extract(lines, doc.file, province, doc.appendices, found, year))
    if data:
        doc.tasks, doc.indicators, doc.services, doc.totals = data.tasks, data.indicators, data.services, data.totals
        doc.issues.extend(data.issues)
    read = {r.table for r in doc.tasks + doc.indicators + doc.services}
    lost = step("lost tables", lambda: guard.lost_tables(lines, doc.file, doc.appendices, found, read))
    doc.issues.extend(lost or [])

    own = parent.symbol if parent else doc.header.symbol
    refs = step("references", lambda: references.find_references(lines, doc.file, province, own))
    if refs:
        doc.refs, doc.doc_relations = refs

    sysdata = step("systems", lambda: systems.find_systems(lines, doc.file, province))
    if sysdata:
        doc.systems, doc.system_links = sysdata
    step("systems in rows", lambda: systems_of_rows(doc, province))
    doc.agencies = step("agencies", lambda: agencies_in_text(lines, doc.file)) or []
    step("names and deadlines", lambda: read_for_graph(doc))
    return doc


def own_ref(doc: ParsedDocument) -> LegalRef | None:
    """The source document as a citable document, when its header has a number."""
    h = doc.header
    if not (h.number and h.symbol and h.type_code):
        return None
    issuer = h.symbol.split("-")[-1] if "-" in h.symbol else None
    return LegalRef(
        written=h.symbol,
        symbol=h.symbol,
        type_code=h.type_code,
        number=h.number,
        year=h.year,
        issuer_code=issuer,
        national=False,
        province=h.province,
        span=h.span or Span(doc.file, 1, 1),
        date=h.date,
        issuer_name=h.issuer,
    )


def resolve_issuers(ref: LegalRef) -> LegalRef:
    """The bodies a reference's issuer name and issuer code stand for, as canonical agencies."""
    ref.issuer = agencies.canonical_agency(ref.issuer_name) if ref.issuer_name else None
    ref.code_issuer = agencies.issuer_of_code(ref.issuer_code)
    return ref


def read_for_graph(doc: ParsedDocument) -> None:
    """What the graph builder needs read from the text besides the records: the document as a
    citable reference, every issuer as a canonical agency, deadlines as intervals, and the
    pillar each task group falls under (dxkg.kg parses nothing)."""
    h = doc.header
    doc.own = own_ref(doc)
    refs = list(doc.refs) + [r for rel in doc.doc_relations for r in (rel.subject, rel.object)]
    refs += [r for row in doc.tasks + doc.indicators for r in row.refs] + ([doc.own] if doc.own else [])
    for ref in refs:
        resolve_issuers(ref)
    h.issuer_agency = agencies.canonical_agency(h.issuer) if h.issuer else (doc.own.code_issuer if doc.own else None)
    for row in doc.tasks + doc.indicators:
        row.pillar = appendix.pillar(row.group[0]) if row.group else "other"
    for t in doc.tasks:
        t.due = values.parse_deadline(t.deadline, h.year, h.period) if t.deadline else None


# The 2025 province merger act, cited by the reorganisation events of the shared graph.
MERGER_ACT = resolve_issuers(
    LegalRef(
        written=PROVINCE_MERGER_ACT,
        symbol=PROVINCE_MERGER_ACT,
        type_code="NQ",
        number="202",
        year=2025,
        issuer_code="QH15",
        national=True,
        span=Span("", 0, 0),
        date=date(2025, 6, 12),
        issuer_name="Quốc hội",
        subject="về việc sắp xếp đơn vị hành chính cấp tỉnh năm 2025",
    )
)


def agencies_in_text(lines: list[str], file: str) -> list[AgencyMention]:
    """Catalogued agencies named in running text, each with its line (table lines are
    left to the table readers, which know which column — lead or cooperating — they are in)."""
    return [
        AgencyMention(a, Span(file, n, n, line.strip()))
        for n, line in enumerate(lines, 1)
        if line.strip() and not is_table_line(line)
        for a in agencies.find_agencies(line)
    ]


def systems_of_rows(doc: ParsedDocument, province: str | None) -> None:
    """The systems each task builds, upgrades or connects, and those a usage row names."""
    for task in doc.tasks:
        if not task.systems:
            task.systems = systems.systems_in_text(f"{task.title} {task.result or ''}", province)
    for svc in doc.services:
        if not svc.systems:
            svc.systems = systems.systems_in_text(svc.label, province)


def expand_paths(paths) -> tuple[list[Path], list[ParseIssue]]:
    """Files named, and the documents (text, Word, PDF, images) inside folders named, sorted for a stable order."""
    files, issues = [], []
    for p in map(Path, paths):
        if p.is_dir():
            files.extend(sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in DOCUMENT_SUFFIXES))
        elif p.is_file():
            files.append(p)
        else:
            issues.append(ParseIssue(str(p), 0, "no such file or folder", fatal=True))
    return files, issues
