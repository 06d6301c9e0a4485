"""Read one plan document into a ``ParsedDocument``.

The steps are independent readers over the same lines (structure, tables, references,
systems); a failure in one step is recorded as a ``ParseIssue`` naming the file and the
step, and the others still contribute, so one odd table never costs the whole document.
A file that cannot be read at all (missing, binary, not UTF-8 text) raises
``DocumentError`` with the file and the reason.

Word, PDF and scanned documents are first laid out as text by ``loaders.readers`` (one
paragraph per line, real tables as HTML tables), with a map from each line to its page
and table row, so every step below reads them as it reads a text export.
"""

from __future__ import annotations

import traceback
from pathlib import Path

from dxkg.domain.text import nfc
from dxkg.loaders import agencies, appendix, guard, references, structure, systems, tables
from dxkg.loaders.attached import attached_start, shift_spans
from dxkg.loaders.readers import BINARY_SUFFIXES, columns, read_binary
from dxkg.loaders.readers.source import DocumentError, Source
from dxkg.loaders.records import AgencyMention, Header, ParsedDocument, ParseIssue, Span

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
    return doc


def agencies_in_text(lines: list[str], file: str) -> list[AgencyMention]:
    """Catalogued agencies named in running text, each with its line (table lines are
    left to the table readers, which know which column — lead or cooperating — they are in)."""
    return [
        AgencyMention(a, Span(file, n, n, line.strip()))
        for n, line in enumerate(lines, 1)
        if line.strip() and not structure.is_table_line(line)
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
