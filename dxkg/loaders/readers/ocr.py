"""Scanned pages (image-only PDFs, PNG/JPEG/TIFF) through Tesseract (``-l vie``).

A page is rasterised at 200 dpi (pypdfium2, already a pdfplumber dependency, so no
poppler at run time), straightened (the angle that makes the rows of text sharpest), and
its ruling lines are found in the image: long dark runs across the page are the rules of a
table. The rules give the table's grid, and a rule missing between two grid cells joins
them — the merged cells of the original (a group title spanning the columns, a lead agency
spanning several tasks) come back as one cell with its colspan/rowspan, exactly as the PDF
reader gets them from pdfplumber. The rules are then painted out and the page is read once
by Tesseract; each word goes to the cell its centre falls in, the other words become lines
and paragraphs (``columns``), and a table printed without rules is found from the word
positions there too. Tesseract reads "942/QĐ-TTg" right but sometimes capitals inside
words wrong ("ThỦ tướng"), which the reference reader compares case-insensitively.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageOps, UnidentifiedImageError

from dxkg.domain.text import nfc

from . import columns
from .source import Cell, DocumentError, Paragraph, Source, TableBlock, Word, join_wrapped, render

DPI = 200
LANG = "vie"
DARK = 150  # grey level below which a pixel is ink
RULE_SHARE = 0.5  # a rule covers at least this share of the table (or page) across
MAX_SKEW = 2.0  # degrees tried either way when straightening a page
NUMBER_CHARS = "0123456789IVXLCabcdđ.)"  # what a row-number cell (STT) holds


def read_image(path: Path) -> Source:
    """An image of one or more pages (multi-page TIFF)."""
    try:
        image = Image.open(path)
    except (UnidentifiedImageError, OSError) as e:
        raise DocumentError(path.name, 0, f"not a readable image: {e}") from e
    blocks = []
    with image:
        for number in range(getattr(image, "n_frames", 1)):
            image.seek(number)
            blocks += page_blocks(image.copy(), number + 1)
    source = render(blocks, "ocr")
    if not any(line.strip() for line in source.lines):
        raise DocumentError(path.name, 0, "no text found by OCR")
    return source


def render_page(pdf: Path, index: int, dpi: int = DPI) -> Image.Image:
    """Page ``index`` (0-based) of a PDF as a greyscale image at ``dpi``."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(pdf))
    try:
        return document[index].render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
    finally:
        document.close()


def page_blocks(image: Image.Image, page: int) -> list:
    """Tables (ruled: from the grid; unruled: from word positions) and paragraphs of a page."""
    gray = straighten(ImageOps.exif_transpose(image).convert("L"))
    grids = ruled_grids(gray)
    clean = gray.copy()
    for grid in grids:
        grid.paint_out(clean)
    words = ocr_words(clean)
    placed: list[tuple[float, TableBlock | Paragraph]] = []
    rest = []
    for word in words:
        holder = next((g for g in grids if g.contains(word)), None)
        if holder:
            holder.words.append(word)
        else:
            rest.append(word)
    for grid in grids:
        grid.reread_first_column(clean)
    placed += [(grid.ys[0], grid.table(page)) for grid in grids]
    placed += columns.word_blocks(rest, page)
    return [block for _, block in sorted(placed, key=lambda x: x[0])]


def ocr_words(image: Image.Image, config: str = "--psm 3", offset: tuple[int, int] = (0, 0)) -> list[Word]:
    """Words Tesseract reads in ``image``, with their boxes (shifted by ``offset``)."""
    import pytesseract

    data = pytesseract.image_to_data(image, lang=LANG, config=config, output_type=pytesseract.Output.DICT)
    dx, dy = offset
    words = []
    for text, left, top, width, height, conf in zip(
        data["text"], data["left"], data["top"], data["width"], data["height"], data["conf"], strict=True
    ):
        text = nfc(text.strip())
        if text and float(conf) >= 0:
            words.append(Word(text, left + dx, left + width + dx, top + dy, top + height + dy))
    return words


# ---------------------------------------------------------------- straightening


def straighten(gray: Image.Image) -> Image.Image:
    """The page turned by the angle (within ±2°, steps of 0.1°) at which its rows of ink
    are sharpest: a scan fed slightly askew."""
    small = gray.resize((max(1, gray.width // 4), max(1, gray.height // 4)), Image.Resampling.BILINEAR)
    ink = small.point(lambda p: 255 if p < DARK else 0)
    best, best_angle = -1.0, 0.0
    for step in range(-int(MAX_SKEW * 10), int(MAX_SKEW * 10) + 1):
        angle = step / 10
        rows = _profile(ink.rotate(angle, resample=Image.Resampling.BILINEAR), axis="rows")
        score = sum((a - b) ** 2 for a, b in zip(rows, rows[1:], strict=False))
        if score > best:
            best, best_angle = score, angle
    if best_angle == 0:
        return gray
    return gray.rotate(best_angle, resample=Image.Resampling.BICUBIC, fillcolor=255)


def _profile(image: Image.Image, axis: str) -> list[int]:
    """Mean ink (0–255) of each row or each column of a binary image."""
    size = (1, image.height) if axis == "rows" else (image.width, 1)
    return [
        int(v) for v in image.resize(size, Image.Resampling.BOX).get_flattened_data() if isinstance(v, (int, float))
    ]


# ---------------------------------------------------------------- ruled tables


@dataclass
class Grid:
    """A ruled table found in a page image: rule positions and which rules are drawn."""

    xs: list[int]  # vertical rules, left to right
    ys: list[int]  # horizontal rules, top to bottom
    vertical: list[list[bool]]  # [row][k]: is rule xs[k] drawn along row band ``row``
    horizontal: list[list[bool]]  # [k][col]: is rule ys[k] drawn along column band ``col``

    def __post_init__(self):
        self.words: list[Word] = []

    def contains(self, w: Word) -> bool:
        x, y = (w.x0 + w.x1) / 2, (w.top + w.bottom) / 2
        return self.xs[0] <= x <= self.xs[-1] and self.ys[0] <= y <= self.ys[-1]

    def paint_out(self, image: Image.Image, width: int = 3) -> None:
        draw = ImageDraw.Draw(image)
        for x in self.xs:
            draw.rectangle([x - width, self.ys[0] - width, x + width, self.ys[-1] + width], fill=255)
        for y in self.ys:
            draw.rectangle([self.xs[0] - width, y - width, self.xs[-1] + width, y + width], fill=255)

    def reread_first_column(self, image: Image.Image) -> None:
        """Row numbers ("1", "II") stand alone in a narrow column, where reading the whole
        page misses them; the column is read again by itself as a block of short lines,
        with only the characters of row numbers allowed (so "III" is not read "IH")."""
        x0, x1 = self.xs[0], self.xs[1]
        if x1 - x0 > 0.12 * (self.xs[-1] - self.xs[0]):
            return
        strip = image.crop((x0 + 3, self.ys[0] + 3, x1 - 2, self.ys[-1] - 2))
        again = ocr_words(strip, f"--psm 6 -c tessedit_char_whitelist={NUMBER_CHARS}", (x0 + 3, self.ys[0] + 3))
        self.words = [w for w in self.words if not x0 <= (w.x0 + w.x1) / 2 <= x1] + again

    def table(self, page: int) -> TableBlock:
        rows, cols = len(self.ys) - 1, len(self.xs) - 1
        owner: dict[tuple[int, int], tuple[int, int]] = {}
        for r in range(rows):
            for c in range(cols):
                if c > 0 and not self.vertical[r][c]:
                    owner[r, c] = owner[r, c - 1]
                elif r > 0 and not self.horizontal[r][c]:
                    owner[r, c] = owner[r - 1, c]
                else:
                    owner[r, c] = (r, c)
        texts: dict[tuple[int, int], list[Word]] = {}
        for w in self.words:
            x, y = (w.x0 + w.x1) / 2, (w.top + w.bottom) / 2
            r = max(i for i in range(rows) if self.ys[i] <= y)
            c = max(i for i in range(cols) if self.xs[i] <= x)
            texts.setdefault(owner[r, c], []).append(w)
        out = []
        for r in range(rows):
            row = []
            for c in range(cols):
                if owner[r, c] != (r, c):
                    continue
                cells = [k for k, v in owner.items() if v == (r, c)]
                rowspan = len({k[0] for k in cells})
                colspan = len({k[1] for k in cells})
                row.append(Cell(_cell_text(texts.get((r, c), [])), rowspan=rowspan, colspan=colspan))
            out.append(row)
        return TableBlock(out, [page] * len(out))


def _cell_text(words: list[Word]) -> str:
    if not words:
        return ""
    lines = columns.lines_of(words)
    return join_wrapped([" ".join(w.text for w in sorted(line.words, key=lambda w: w.x0)) for line in lines])


def ruled_grids(gray: Image.Image) -> list[Grid]:
    """Ruled tables of a page: runs of long horizontal rules with vertical rules between."""
    ink = gray.point(lambda p: 255 if p < DARK else 0)
    ys = _runs(_solid_lines(ink, across=True, share=0.25))
    grids = []
    for group in _tables(ys, gray.height):
        top, bottom = group[0], group[-1]
        band = ink.crop((0, top, gray.width, bottom + 1))
        xs = _runs(_solid_lines(band, across=False, share=RULE_SHARE))
        if len(xs) < 3:
            continue
        left, right = xs[0], xs[-1]
        full = [y for y in group if _drawn(ink, (left, y - 2, right, y + 3), across=True) >= RULE_SHARE]
        if len(full) < 2:
            continue
        vertical = [
            [_drawn(ink, (x - 2, a + 4, x + 3, b - 3), across=False) >= 0.6 for x in xs]
            for a, b in zip(full, full[1:], strict=False)
        ]
        horizontal = [
            [_drawn(ink, (a + 4, y - 2, b - 3, y + 3), across=True) >= 0.6 for a, b in zip(xs, xs[1:], strict=False)]
            for y in full
        ]
        grids.append(Grid(xs, full, vertical, horizontal))
    return grids


def _solid_lines(ink: Image.Image, across: bool, share: float, block: int = 16) -> list[int]:
    """Pixel rows (``across``) or columns holding a rule: ink solid over blocks of
    ``block`` pixels in a continuous run of at least ``share`` of the width (rows), or in
    runs of four blocks and more covering ``share`` of the height (columns, which merged
    cells interrupt). Text, even bold, leaves gaps between its letters, and the stems of
    left-aligned lines of text stop between the lines."""
    w, h = ink.size
    if across:
        small = ink.resize((max(1, w // block), h), Image.Resampling.BOX).filter(ImageFilter.MaxFilter(3))
    else:
        small = ink.filter(ImageFilter.MaxFilter(3)).resize((w, max(1, h // block)), Image.Resampling.BOX)
    px = small.load()
    if px is None:
        raise ValueError("no pixels to read")
    out = []
    length, other = (small.width, small.height) if across else (small.height, small.width)
    for i in range(other):
        runs, run = [], 0
        for j in range(length):
            value = px[j, i] if across else px[i, j]
            if isinstance(value, (int, float)) and value >= 190:
                run += 1
            else:
                runs.append(run)
                run = 0
        runs.append(run)
        solid = max(runs) if across else sum(r for r in runs if r >= 4)
        if solid >= share * length:
            out.append(i)
    return out


def _runs(positions: list[int], gap: int = 3) -> list[int]:
    """Centres of runs of adjacent positions (a rule is a few pixels thick)."""
    runs: list[list[int]] = []
    for p in positions:
        if runs and p - runs[-1][-1] <= gap:
            runs[-1].append(p)
        else:
            runs.append([p])
    return [(r[0] + r[-1]) // 2 for r in runs]


def _tables(ys: list[int], height: int) -> list[list[int]]:
    """Horizontal rules grouped into tables: rules closer than a third of the page."""
    groups: list[list[int]] = []
    for y in ys:
        if groups and y - groups[-1][-1] < height / 3:
            groups[-1].append(y)
        else:
            groups.append([y])
    return [g for g in groups if len(g) >= 2]


def _drawn(ink: Image.Image, box: tuple, across: bool) -> float:
    """Share of a thin strip along which a rule is drawn (ink in any of its pixel lines)."""
    x0, y0, x1, y1 = (int(v) for v in box)
    if x1 <= x0 or y1 <= y0:
        return 0.0
    strip = ink.crop((x0, y0, x1, y1))
    profile = _profile(strip, "columns" if across else "rows")
    # a position counts as drawn when the strip has ink there in at least one pixel line
    thick = strip.height if across else strip.width
    return sum(v * thick >= 255 * 0.9 for v in profile) / len(profile)
