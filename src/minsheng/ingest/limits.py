"""How much work reading one document may cost, and the meter that enforces it.

Bytes alone do not bound the work: a 333 KB .docx that unpacks to three million empty
paragraphs once kept a worker busy for two minutes at 3 GB. So the counts that drive the
readers' work (paragraphs, table rows and cells, pages, characters, XML elements) and the time
spent are bounded too, each with a message that names the limit and the setting that raises it.
The defaults are far above any real plan (the largest seed, 183 projects, has 1 640 paragraphs,
208 rows, 1 654 cells and 28 000 XML elements) and far below what hurts a server.
"""

from __future__ import annotations

import time
import xml.parsers.expat
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import IO

from .document import Block, IngestError, Paragraph

ENV_PREFIX = "MINSHENG_IMPORT_"


@dataclass(frozen=True)
class Limits:
    max_paragraphs: int = 50_000
    max_table_rows: int = 100_000
    max_table_cells: int = 200_000
    max_pages: int = 600
    max_text_chars: int = 2_000_000
    max_xml_elements: int = 2_000_000
    # Reading and understanding one document, wall clock; also its process's CPU time.
    seconds: float = 60.0
    # Address space of the process that reads an upload (it starts at about 150 MB).
    memory_mb: int = 2048

    @classmethod
    def from_environ(cls, environ: Mapping[str, str]) -> Limits:
        """Defaults, each overridable as MINSHENG_IMPORT_<FIELD> (MINSHENG_IMPORT_MAX_PARAGRAPHS=80000)."""
        values = {}
        for f in fields(cls):
            raw = environ.get(ENV_PREFIX + f.name.upper())
            if raw:
                kind = float if f.name == "seconds" else int
                try:
                    values[f.name] = kind(raw)
                except ValueError as exc:
                    raise ValueError(f"{ENV_PREFIX}{f.name.upper()} must be a number, not {raw!r}") from exc
        return cls(**values)


DEFAULT_LIMITS = Limits()

# What each counted thing is called in the message, with its measure word.
_NAMES = {
    "max_paragraphs": ("段落", "个"),
    "max_table_rows": ("表格行", "行"),
    "max_table_cells": ("表格单元格", "个"),
    "max_pages": ("页数", "页"),
    "max_text_chars": ("文字", "字"),
    "max_xml_elements": ("文档结构元素（XML元素）", "个"),
}


def setting_name(field: str) -> str:
    return ENV_PREFIX + field.upper()


def too_much(display: str, field: str, limit: int) -> IngestError:
    what, measure = _NAMES[field]
    return IngestError(
        f"“{display}”内容过多：{what}超过了{limit}{measure}的上限（{setting_name(field)}），"
        "不像是正常的计划文件，已停止读取。请只上传计划正文及附件。"
    )


def too_slow(display: str, seconds: float) -> IngestError:
    return IngestError(
        f"识别“{display}”超过了{seconds:g}秒的时间上限（{setting_name('seconds')}），已停止。"
        "文件可能过大或结构异常，请只上传计划正文及附件。"
    )


def too_big(display: str, memory_mb: int) -> IngestError:
    return IngestError(
        f"识别“{display}”需要的内存超过了{memory_mb} MB的上限（{setting_name('memory_mb')}），已停止。"
        "文件可能过大或结构异常，请只上传计划正文及附件。"
    )


class Budget:
    """The work left for reading one document; readers draw on it and it raises when spent."""

    # Reading the clock for every counted item would cost more than the counting.
    _CLOCK_EVERY = 2048

    def __init__(self, limits: Limits = DEFAULT_LIMITS, display: str = "", started: float | None = None):
        self.limits = limits
        self.display = display
        self.deadline = (time.monotonic() if started is None else started) + limits.seconds
        self.used: dict[str, int] = {}
        self._since_clock = 0

    def spend(self, field: str, n: int = 1) -> None:
        """Count ``n`` more of ``field`` (a ``Limits`` field name); IngestError past the limit."""
        used = self.used.get(field, 0) + n
        self.used[field] = used
        limit = getattr(self.limits, field)
        if used > limit:
            raise too_much(self.display, field, limit)
        self.tick(n)

    def tick(self, n: int = 1) -> None:
        """A step of work done: now and then, whether the time is up."""
        self._since_clock += n
        if self._since_clock >= self._CLOCK_EVERY:
            self._since_clock = 0
            self.check_time()

    def check_grid(self, rows: int, width: int) -> None:
        """A table is padded to a rectangle: its rows times its widest row must fit the cell limit."""
        if rows * width > self.limits.max_table_cells:
            raise too_much(self.display, "max_table_cells", self.limits.max_table_cells)

    def check_time(self) -> None:
        if time.monotonic() > self.deadline:
            raise too_slow(self.display, self.limits.seconds)

    def remaining(self) -> float:
        return max(0.0, self.deadline - time.monotonic())

    def check_blocks(self, blocks: list[Block]) -> None:
        """What a reader produced, against the limits (for readers that could not count as they went)."""
        counts = {"max_paragraphs": 0, "max_table_rows": 0, "max_table_cells": 0, "max_text_chars": 0}
        for block in blocks:
            if isinstance(block, Paragraph):
                counts["max_paragraphs"] += 1
                counts["max_text_chars"] += len(block.text)
            else:
                counts["max_table_rows"] += len(block.rows)
                for row in block.rows:
                    counts["max_table_cells"] += len(row)
                    counts["max_text_chars"] += sum(len(cell) for cell in row)
        for field, count in counts.items():
            limit = getattr(self.limits, field)
            if count > limit:
                raise too_much(self.display, field, limit)
        self.check_time()


# Elements that make a reader's work grow, by local name. Without namespace processing (a third
# of the scan's time) ``a:p`` in a drawing counts as a paragraph too, which only errs on the safe side.
_COUNTED = {
    "p": "max_paragraphs",  # WordprocessingML
    "tr": "max_table_rows",
    "tc": "max_table_cells",
    "row": "max_table_rows",  # SpreadsheetML
    "c": "max_table_cells",
    "si": "max_table_cells",  # a shared string is a cell's text, loaded whole by openpyxl
}


def scan_package(path, budget: Budget) -> None:
    """Count the XML of an Office package as a stream, before any library builds it in memory.

    python-docx and openpyxl load whole parts into trees; three million ``<w:p/>`` cost seconds
    to count here and gigabytes there. Stops at the first limit passed, so the cost is bounded
    by the limits, not by the file.
    """
    counts: dict[str, int] = {}
    elements = 0
    text = 0

    def start(name: str, _attrs) -> None:
        nonlocal elements
        elements += 1
        if elements > budget.limits.max_xml_elements:
            raise too_much(budget.display, "max_xml_elements", budget.limits.max_xml_elements)
        field = _COUNTED.get(name.rpartition(":")[2])
        if field is not None:
            count = counts.get(field, 0) + 1
            counts[field] = count
            if count > getattr(budget.limits, field):
                raise too_much(budget.display, field, getattr(budget.limits, field))
        if not elements % Budget._CLOCK_EVERY:
            budget.check_time()

    def characters(data: str) -> None:
        nonlocal text
        text += len(data)
        if text > budget.limits.max_text_chars:
            raise too_much(budget.display, "max_text_chars", budget.limits.max_text_chars)

    def doctype(*_args) -> None:
        # Office XML never declares a DTD; one is how entity-expansion bombs are built.
        raise IngestError(f"“{budget.display}”的内部结构含有DTD声明，不是正常的Office文档，已拒绝导入。")

    with zipfile.ZipFile(path) as zf:
        for info in zf.infolist():
            if not info.filename.lower().endswith((".xml", ".rels", ".vml")):
                continue
            parser = xml.parsers.expat.ParserCreate()
            parser.buffer_text = True
            parser.StartElementHandler = start
            parser.CharacterDataHandler = characters
            parser.StartDoctypeDeclHandler = doctype
            with zf.open(info) as part:
                _feed(parser, part)


def _feed(parser, part: IO[bytes]) -> None:
    while chunk := part.read(1 << 16):
        try:
            parser.Parse(chunk, False)
        except xml.parsers.expat.ExpatError:
            # Malformed XML is the reading library's to report, with its own message.
            return
    try:
        parser.Parse(b"", True)
    except xml.parsers.expat.ExpatError:
        return
