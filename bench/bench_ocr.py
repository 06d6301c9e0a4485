"""How long reading a scanned plan takes: the sample plan (tests/fixtures/plans), its task
table lengthened to fill four pages, printed to PDF by headless Chromium, scanned (200 dpi,
askew, noisy), then read by dxkg (Tesseract -l vie per page, ruled grid, table reader).
Measured, not asserted (goal: a 4-page plan under 60 s on a 2-core machine).

    python -m bench.bench_ocr [--pages 4] [--runs 1]   (from the repository root)

Prints one Markdown table row: pages, seconds in total and per page, tasks read / written,
references recalled (folded: OCR may get capitals wrong), and the same for the born-digital
PDF read through its text layer, as the peer.
"""

from __future__ import annotations

import argparse
import re
import statistics
import tempfile
import time
from pathlib import Path

from dxkg.domain.text import fold
from dxkg.loaders.document import parse_document
from tests.sample_documents import PLAN, plan_html, print_pdf, scan_pdf  # the test fixtures' generator

HEADER = (
    "| pages | scan: read (s) | s / page | tasks read / written | refs recalled | text-layer PDF: read (s) |\n"
    "|---|---|---|---|---|---|"
)


def longer_plan(copies: int) -> str:
    """The sample plan with its task rows written ``copies`` times (the copies numbered on
    in the last group), so the table runs over more pages; the Cộng row adds them up."""
    lines = PLAN.read_text(encoding="utf-8").splitlines()
    tasks = [line for line in lines if re.match(r"\| \d+ \|", line)]
    last_number = int(re.match(r"\| (\d+) \|", tasks[-1]).group(1))
    more = []
    for k in range(1, copies):
        for i, row in enumerate(tasks):
            more.append(re.sub(r"^\| \d+ \|", f"| {last_number + (k - 1) * len(tasks) + i + 1} |", row))
    total_line = lines[-1]
    total = re.search(r"\| ([\d.]+) \|\s*$", total_line).group(1)
    value = int(total.replace(".", "")) * copies
    new_total = total_line.replace(total, f"{value:,}".replace(",", "."))
    return "\n".join(lines[:-1] + more + [new_total]) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=4)
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        copies = 1
        while True:
            source = folder / "plan.md"
            source.write_text(longer_plan(copies), encoding="utf-8")
            pdf = print_pdf(plan_html(source), folder / "plan.pdf")
            import pypdfium2 as pdfium

            pages = len(pdfium.PdfDocument(str(pdf)))
            if pages >= args.pages or copies > 10:
                break
            copies += 1
        scan_pdf(pdf, folder)
        text = parse_document(source)
        times, doc = [], None
        for _ in range(args.runs):
            t0 = time.perf_counter()
            doc = parse_document(folder / "scan.pdf")
            times.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        parse_document(pdf)
        digital = time.perf_counter() - t0
        wanted = {fold(r.symbol) for r in text.refs if r.symbol}
        found = {fold(r.symbol) for r in doc.refs if r.symbol}
        seconds = statistics.median(times)
        print(HEADER)
        print(
            f"| {pages} | {seconds:.1f} | {seconds / pages:.1f} | {len(doc.tasks)} / {len(text.tasks)} "
            f"| {len(wanted & found)}/{len(wanted)} | {digital:.2f} |"
        )


if __name__ == "__main__":
    main()
