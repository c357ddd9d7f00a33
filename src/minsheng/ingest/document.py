"""The format-neutral shape every reader produces.

A reader (plain text, .docx, .xlsx, .pdf, .doc via LibreOffice) yields the document's
blocks in reading order. Tables come with merged cells already resolved so that the
understanding layer never needs to know which file format a table came from:

* a vertically merged cell repeats its value in every row it spans;
* a horizontally merged cell keeps its value in the first column of the span and ``""``
  in the others (a category heading spanning the table is a row with one non-empty cell).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class Table:
    rows: tuple[tuple[str, ...], ...]
    # Where the table came from, for warnings shown in the preview ("Sheet1", "第3页").
    origin: str = ""


Block = Paragraph | Table


@dataclass
class Document:
    source: str
    blocks: list[Block] = field(default_factory=list)
    # Problems a reader met but could work around (an unreadable cell, a dropped image).
    warnings: list[str] = field(default_factory=list)


class IngestError(Exception):
    """A file that cannot be read as a plan; the message is shown to the user as is."""
