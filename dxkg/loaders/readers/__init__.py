"""Readers for documents as provinces publish them: Word, PDF (with a text layer or
scanned) and images of pages. Each turns a document into the lines the text parsers read
(see ``source.render``) plus a map from line to page and table row.

| suffix | reader | library |
|---|---|---|
| .docx | ``docx`` | python-docx (cell properties for merged cells) |
| .pdf | ``pdf`` | pdfplumber (words with positions, ruled and unruled tables); pages without a text layer go to ``ocr`` |
| .png .jpg .jpeg .tif .tiff | ``ocr`` | Tesseract (``-l vie``) through pytesseract; PDF pages rasterised by pypdfium2 |
"""

from __future__ import annotations

from pathlib import Path

from .source import Source

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".tif", ".tiff"}
BINARY_SUFFIXES = {".docx", ".pdf"} | IMAGE_SUFFIXES


def read_binary(path: Path) -> Source:
    """The document at ``path`` laid out as text; the reader is picked by the suffix
    (imported only when needed: PDF and OCR libraries are slow to load)."""
    suffix = path.suffix.lower()
    if suffix == ".docx":
        from . import docx

        return docx.read(path)
    if suffix == ".pdf":
        from . import pdf

        return pdf.read(path)
    from . import ocr

    return ocr.read_image(path)
