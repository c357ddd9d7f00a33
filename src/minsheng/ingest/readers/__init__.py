"""File-format readers: each turns one kind of file into a :class:`~minsheng.ingest.document.Document`.

The readers trust that :mod:`minsheng.ingest.api` has already checked the file's real content
and size; they still turn every library failure into an ``IngestError`` so that a reader called
directly never lets a third-party exception reach the user.
"""

from __future__ import annotations

from .docx_reader import read_docx
from .office_reader import convert_with_libreoffice, find_libreoffice, read_office
from .pdf_reader import read_pdf
from .xlsx_reader import read_xlsx

__all__ = [
    "convert_with_libreoffice",
    "find_libreoffice",
    "read_docx",
    "read_office",
    "read_pdf",
    "read_xlsx",
]
