"""Word, PDF and scanned versions of the sample plan dxkg's tests are written against,
made at test time with real tools from the authored text version
(``fixtures/plans/*.md``, invented content), so no binary document is committed:

* ``.docx`` written with python-docx, as Word files come: the header row marked to repeat
  on every page (``w:tblHeader``) and also repeated as a plain row after a page break
  (as exports copy it), group rows spanning the columns (``w:gridSpan``), the lead agency
  of consecutive tasks merged vertically (``w:vMerge``);
* ``.html`` → ``.pdf`` printed by headless Chromium (Playwright ``page.pdf``): a ruled table
  whose header Chromium repeats on every page, group rows with ``colspan``, merged leads
  with ``rowspan``;
* scans: the PDF's pages rasterised at 200 dpi (pypdfium2), turned by a slight angle,
  with speckle noise (Pillow), saved as PNG pages and as an image-only PDF.
"""

from __future__ import annotations

import html
import random
import re
from pathlib import Path

from bench.browser import chromium

FIXTURES = Path(__file__).parent / "fixtures" / "plans"
PLAN = FIXTURES / "ke-hoach-cds-quang-tri-2025.md"

LEAD = "cơ quan chủ trì"


def plan_blocks(text: str) -> list[tuple[str, object]]:
    """("p", text) and ("table", rows) blocks of a Markdown plan (pipe tables only)."""
    blocks: list[tuple[str, object]] = []
    rows: list[list[str]] = []
    for line in text.splitlines():
        if line.startswith("|"):
            if not re.fullmatch(r"\|(\s*-+\s*\|)+", line.strip()):
                rows.append([c.strip() for c in line.strip().strip("|").split("|")])
            continue
        if rows:
            blocks.append(("table", rows))
            rows = []
        if line.strip():
            blocks.append(("p", line.strip()))
    if rows:
        blocks.append(("table", rows))
    return blocks


def _is_group(row: list[str]) -> bool:
    return bool(re.fullmatch(r"[IVX]+", row[0])) and not any(row[2:])


def _merged_leads(rows: list[list[str]]) -> list[int]:
    """For each row, how many rows its lead cell spans (0: covered by the cell above):
    consecutive tasks of a group with the same lead agency share one merged cell."""
    col = next(i for i, h in enumerate(rows[0]) if LEAD in h.lower())
    spans = [1] * len(rows)
    start = None
    for r in range(1, len(rows)):
        row = rows[r]
        if start is not None and not _is_group(row) and row[0] and row[col] == rows[start][col]:
            spans[start] += 1
            spans[r] = 0
        else:
            start = r if row[0] and not _is_group(row) else None
    return spans


# ---------------------------------------------------------------- Word


def write_docx(plan: Path, out: Path) -> Path:
    from docx import Document
    from docx.oxml import OxmlElement
    from docx.shared import Pt

    doc = Document()
    doc.styles["Normal"].font.name = "Times New Roman"
    doc.styles["Normal"].font.size = Pt(13)
    for kind, content in plan_blocks(plan.read_text(encoding="utf-8")):
        if kind == "p":
            if content.startswith("Phụ lục"):
                doc.add_page_break()  # the appendix starts on a new page: page 2
            doc.add_paragraph().add_run(content).bold = content.isupper()
            continue
        rows = content
        width = len(rows[0])
        spans = _merged_leads(rows)
        lead = next(i for i, h in enumerate(rows[0]) if LEAD in h.lower())
        body = rows[1:]  # a copy of the header row is inserted after the middle row, outside merges
        repeat_at = next(r for r in range(len(body) // 2 + 1, len(rows)) if spans[r] == 1 and spans[r - 1] <= 1)
        table = doc.add_table(rows=0, cols=width)
        table.style = "Table Grid"
        merges = []
        for r, cells in enumerate(rows):
            if r == repeat_at:
                _add_row(table, rows[0])
            tr = _add_row(table, cells, skip={lead} if spans[r] == 0 else set())
            if r == 0:
                tr._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
                for c in tr.cells:
                    for run in c.paragraphs[0].runs:
                        run.bold = True
            if _is_group(cells):
                tr.cells[1].merge(tr.cells[width - 1])
            if spans[r] > 1:
                merges.append((len(table.rows) - 1, spans[r]))
        for first, n in merges:
            table.cell(first, lead).merge(table.cell(first + n - 1, lead))
    doc.save(str(out))
    return out


def _add_row(table, cells: list[str], skip: set = frozenset()):
    row = table.add_row()
    for i, text in enumerate(cells):
        if i not in skip:
            row.cells[i].text = text
    return row


# ---------------------------------------------------------------- HTML and PDF


def plan_html(plan: Path) -> str:
    """The plan as a printable HTML page: paragraphs and a ruled table with a repeated header."""
    out = [
        "<!doctype html><html lang='vi'><head><meta charset='utf-8'><style>",
        "body{font-family:'DejaVu Serif',serif;font-size:12pt;line-height:1.3}",
        "p{margin:0 0 8pt 0;text-align:justify}",
        "table{border-collapse:collapse;width:100%;font-size:11pt}",
        "td,th{border:1px solid #000;padding:3pt 4pt;vertical-align:top}",
        "</style></head><body>",
    ]
    for kind, content in plan_blocks(plan.read_text(encoding="utf-8")):
        if kind == "p":
            weight = " style='font-weight:bold;text-align:center'" if content.isupper() else ""
            out.append(f"<p{weight}>{html.escape(content)}</p>")
            continue
        rows = content
        spans = _merged_leads(rows)
        lead = next(i for i, h in enumerate(rows[0]) if LEAD in h.lower())
        out.append(
            "<table><thead><tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in rows[0]) + "</tr></thead><tbody>"
        )
        for r in range(1, len(rows)):
            cells = rows[r]
            if _is_group(cells):
                tds = f"<td>{cells[0]}</td><td colspan='{len(cells) - 1}'>{html.escape(cells[1])}</td>"
            else:
                tds = ""
                for i, text in enumerate(cells):
                    if i == lead and spans[r] == 0:
                        continue
                    rowspan = f" rowspan='{spans[r]}'" if i == lead and spans[r] > 1 else ""
                    tds += f"<td{rowspan}>{html.escape(text)}</td>"
            out.append(f"<tr>{tds}</tr>")
        out.append("</tbody></table>")
    out.append("</body></html>")
    return "\n".join(out)


def print_pdf(html_text: str, out: Path) -> Path:
    """Print HTML to PDF with headless Chromium (A4, 2 cm margins), no network."""
    with chromium() as browser:
        page = browser.new_page()
        page.route(
            "**/*", lambda route: route.abort() if not route.request.url.startswith("data:") else route.continue_()
        )
        page.set_content(html_text)
        page.pdf(path=str(out), format="A4", margin={"top": "2cm", "bottom": "2cm", "left": "2cm", "right": "1.5cm"})
    return out


# ---------------------------------------------------------------- scans


def scan_pdf(pdf: Path, out_dir: Path, seed: int = 7, dpi: int = 200) -> list[Path]:
    """Each page of ``pdf`` as a scanned image: 200 dpi greyscale, turned by a slight angle,
    with speckle noise. Returns the PNG pages (and writes ``scan.pdf`` of the same images)."""
    import pypdfium2 as pdfium
    from PIL import Image

    rng = random.Random(seed)
    pages = []
    document = pdfium.PdfDocument(str(pdf))
    try:
        for n in range(len(document)):
            image = document[n].render(scale=dpi / 72).to_pil().convert("L")
            image = image.rotate(rng.uniform(-0.8, 0.8), resample=Image.BICUBIC, expand=False, fillcolor=255)
            pixels = image.load()
            for _ in range(image.width * image.height // 400):
                x, y = rng.randrange(image.width), rng.randrange(image.height)
                pixels[x, y] = rng.choice((0, 90, 200))
            path = out_dir / f"scan-page-{n + 1}.png"
            image.save(path, dpi=(dpi, dpi))
            pages.append(path)
    finally:
        document.close()
    images = [Image.open(p) for p in pages]
    images[0].save(out_dir / "scan.pdf", save_all=True, append_images=images[1:], resolution=dpi)
    return pages
