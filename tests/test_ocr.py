"""Scans: the printed sample plan rasterised at 200 dpi, turned by a slight angle, with noise,
read back by Tesseract — the task count exact and references recalled (≥ 0.9); and the ruled
table grid (merged cells included) found in a page image without OCR."""

from __future__ import annotations

from PIL import Image, ImageDraw
from sample_documents import PLAN

from dxkg.domain.text import fold
from dxkg.loaders.document import parse_document
from dxkg.loaders.readers import ocr


def test_a_scanned_plan_gives_every_task_and_its_references(plan_scans):
    doc, text = parse_document(plan_scans["pdf"]), parse_document(PLAN)
    assert doc.reader == "ocr"
    assert [t.number for t in doc.tasks] == [t.number for t in text.tasks]
    wanted = {fold(r.symbol) for r in text.refs}
    found = {fold(r.symbol) for r in doc.refs if r.symbol}  # OCR may get capitals wrong: compared folded
    assert len(wanted & found) / len(wanted) >= 0.9
    assert [t.value for t in doc.totals] == [t.value for t in text.totals] and not [i for i in doc.issues if i.lost]
    last = doc.tasks[-1]
    assert doc.places[last.span.line].page == 3 and doc.places[last.span.line].where.startswith("bảng ")


def test_a_scanned_page_alone_reports_the_total_it_cannot_reproduce(plan_scans):
    """The last page holds the end of the table and the Cộng row: its rows are read, and the
    grand total (which counts the rows of the pages before) is reported as not reproduced."""
    doc = parse_document(plan_scans["pages"][-1])
    assert doc.reader == "ocr"
    assert [t.number for t in doc.tasks] == ["3", "4", "1", "2", "3"]
    assert [(i.line, i.lost) for i in doc.issues if i.lost] == [(doc.totals[0].span.line, True)]


def test_a_ruled_grid_with_merged_cells_is_found_in_an_image():
    """A table drawn like a scan: a title row spanning three columns, a cell spanning two rows."""
    image = Image.new("L", (900, 600), 255)
    draw = ImageDraw.Draw(image)
    xs, ys = [100, 200, 500, 800], [100, 200, 300, 400]
    for y in ys:
        draw.line([(xs[0], y), (xs[-1], y)], fill=0, width=2)
    draw.line([(xs[0], ys[0]), (xs[0], ys[-1])], fill=0, width=2)
    draw.line([(xs[-1], ys[0]), (xs[-1], ys[-1])], fill=0, width=2)
    for x in xs[1:-1]:
        draw.line([(x, ys[1]), (x, ys[-1])], fill=0, width=2)  # row 1 spans every column
    draw.rectangle([xs[2] + 3, ys[2] - 1, xs[3] - 3, ys[2] + 1], fill=255)  # column 3 spans rows 2-3
    [grid] = ocr.ruled_grids(image)
    assert (len(grid.xs), len(grid.ys)) == (4, 4)
    rows = grid.table(page=1).rows
    assert [[(c.rowspan, c.colspan) for c in row] for row in rows] == [
        [(1, 3)],
        [(1, 1), (1, 1), (2, 1)],
        [(1, 1), (1, 1)],
    ]


def test_straightening_finds_the_angle_of_a_turned_page():
    image = Image.new("L", (800, 1000), 255)
    draw = ImageDraw.Draw(image)
    for y in range(100, 900, 40):
        draw.rectangle([80, y, 720, y + 14], fill=0)  # rows of "text"
    turned = image.rotate(1.2, resample=Image.BICUBIC, fillcolor=255)
    rows = ocr._profile(ocr.straighten(turned).point(lambda p: 255 if p < 128 else 0), "rows")
    assert sum(v > 200 for v in rows) >= 0.8 * sum(
        v > 200 for v in ocr._profile(image.point(lambda p: 255 - p), "rows")
    )
