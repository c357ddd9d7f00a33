"""Excel 2007+ (.xlsx/.xlsm) → Document.

Every visible sheet is read in workbook order. A sheet is usually one table with a title row
above it, but sheets also hold several tables one after another (one per heading, each with
its own header row); both shapes are split back into paragraphs and tables so that the
understanding layer sees what it would see in the Word version of the same plan.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import warnings
import zipfile
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import iterparse

from ..document import Block, Document, IngestError, Paragraph, Table
from ..limits import Budget

_SHEET_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def _strip_format_section(fmt: str) -> str:
    """The first (positive-number) section of a number format, without colours and locale tags."""
    section: list[str] = []
    quoted = False
    for ch in fmt:
        if ch == '"':
            quoted = not quoted
        if ch == ";" and not quoted:
            break
        section.append(ch)
    return re.sub(r"\[[^\]]*\]", "", "".join(section))


def _format_literals(section: str) -> tuple[str, str]:
    """Literal text printed before and after the number (``0"个"`` → ``("", "个")``)."""
    tokens = re.findall(r'"[^"]*"|\\.|_.|\*.|[0#?.,%Ee+\-]+|.', section)
    prefix: list[str] = []
    suffix: list[str] = []
    seen_digit = False
    for tok in tokens:
        if tok.startswith('"'):
            text = tok[1:-1]
        elif tok.startswith("\\"):
            text = tok[1:]
        elif tok[0] in "_*":
            # Padding and fill characters only align columns on screen.
            continue
        elif re.fullmatch(r"[0#?.,%Ee+\-]+", tok):
            if any(c in "0#?" for c in tok):
                seen_digit = True
            continue
        elif tok in ("@", "G", "e", "n", "r", "a", "l") or tok.isspace():
            continue
        else:
            text = tok
        (suffix if seen_digit else prefix).append(text)
    if "General" in section:
        return "", ""
    return "".join(prefix).strip(), "".join(suffix).strip()


def _plain_number(value: float | int | Decimal, decimals: int | None = None) -> str:
    """A number as a person writes it: no exponent, no trailing ``.0``, no float noise."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    try:
        # 15 significant digits is what Excel itself keeps, which also hides 0.1+0.2 noise.
        d = Decimal(f"{float(value):.15g}")
    except (InvalidOperation, ValueError, OverflowError):
        return str(value)
    if not d.is_finite():
        return str(value)
    if decimals is not None:
        d = d.quantize(Decimal(1).scaleb(-decimals)) if d.adjusted() < 28 else d
    text = format(d, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _decimals(section: str) -> int | None:
    body = re.sub(r'"[^"]*"|\\.', "", section)
    m = re.search(r"[0#?]\.([0#?]*)", body)
    if m:
        return len(m.group(1))
    if re.search(r"[0#?]", body):
        return 0
    return None


def format_cell(value: Any, number_format: str | None = "General") -> str:
    """A cell's value as text, close to what Excel displays, without spurious ``.0``."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.replace("_x000D_", "").replace("\r\n", "\n").replace("\r", "\n").strip()
    fmt = number_format or "General"
    if isinstance(value, dt.datetime):
        if _month_only(fmt):
            return f"{value.year}年{value.month}月"
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="seconds" if value.second else "minutes")
    if isinstance(value, dt.date):
        if _month_only(fmt):
            return f"{value.year}年{value.month}月"
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.isoformat(timespec="seconds" if value.second else "minutes")
    if isinstance(value, dt.timedelta):
        return str(value)
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if not isinstance(value, int | float | Decimal):
        return str(value).strip()
    section = _strip_format_section(fmt)
    if section.strip() in ("", "General", "@"):
        return _plain_number(value)
    unquoted = re.sub(r'"[^"]*"|\\.', "", section)
    decimals = _decimals(section)
    if "E" in unquoted.upper() and re.search(r"[0#]E", unquoted, re.IGNORECASE):
        decimals = None
    prefix, suffix = _format_literals(section)
    if "%" in unquoted:
        number = _plain_number(Decimal(f"{float(value):.15g}") * 100, decimals)
        return f"{prefix}{number}%{suffix.replace('%', '', 1)}"
    return f"{prefix}{_plain_number(value, decimals)}{suffix}"


def _month_only(fmt: str) -> bool:
    # A date shown as "2024年11月" means the month (a deadline "by November"), not its first day;
    # the plan's deadline rules read the month form correctly, an ISO date would move it.
    body = re.sub(r'"[^"]*"|\\.|\[[^\]]*\]', "", fmt).lower()
    return "y" in body and "m" in body and "d" not in body and "h" not in body and "s" not in body


def _merged_ranges(wb: Any, ws: Any) -> list[tuple[int, int, int, int]]:
    """(min_row, min_col, max_row, max_col), 1-based, of every merged range of the sheet."""
    ranges: list[str] = []
    merged = getattr(ws, "merged_cells", None)
    if merged is not None:
        ranges = [str(r) for r in merged.ranges]
    else:
        # Read-only worksheets do not expose merges; they sit in <mergeCells> at the end of the
        # sheet XML, so a streaming pass finds them without loading the sheet.
        archive = getattr(wb, "_archive", None)
        part = getattr(ws, "_worksheet_path", None)
        if archive is None or part is None:
            return []
        with archive.open(part) as src:
            for _event, el in iterparse(src, events=("end",)):
                if el.tag == f"{{{_SHEET_NS}}}mergeCell":
                    ranges.append(el.get("ref", ""))
                elif el.tag == f"{{{_SHEET_NS}}}row":
                    el.clear()
    from openpyxl.utils.cell import range_boundaries

    out = []
    for ref in ranges:
        try:
            min_col, min_row, max_col, max_row = range_boundaries(ref)
        except (ValueError, TypeError):
            continue
        if None in (min_col, min_row, max_col, max_row):
            continue
        out.append((min_row, min_col, max_row, max_col))
    return out


def _sheet_grid(wb: Any, ws: Any, budget: Budget) -> list[list[str]]:
    if hasattr(ws, "reset_dimensions"):
        # Trust the cells, not the <dimension> element: a wrong one (A1:XFD1048576) would make
        # openpyxl pad every row to 16384 columns.
        ws.reset_dimensions()
    grid: list[list[str]] = []
    for row in ws.iter_rows():
        # A sheet whose styles reach column XFD makes openpyxl materialise millions of empty
        # cells: counted as they stream, so it stops early instead of running for minutes.
        budget.spend("max_table_rows")
        budget.spend("max_table_cells", len(row))
        values = [format_cell(getattr(c, "value", None), getattr(c, "number_format", None)) for c in row]
        while values and not values[-1]:
            values.pop()
        grid.append(values)
    merges = _merged_ranges(wb, ws)
    # A merge reaching column XFD would pad every row it covers to 16384 cells.
    budget.check_grid(len(grid), max((m[3] for m in merges if m[0] <= len(grid)), default=0))
    for min_row, min_col, max_row, max_col in merges:
        if min_row > len(grid):
            continue
        top = grid[min_row - 1]
        value = top[min_col - 1] if min_col - 1 < len(top) else ""
        for r in range(min_row - 1, min(max_row, len(grid))):
            row = grid[r]
            if len(row) < max_col:
                row.extend([""] * (max_col - len(row)))
            row[min_col - 1] = value
            for c in range(min_col, max_col):
                row[c] = ""
    width = max((len(r) for r in grid), default=0)
    budget.check_grid(len(grid), width)
    for r in grid:
        r.extend([""] * (width - len(r)))
    # Drop columns that are empty everywhere (a blank first column is common layout).
    keep = [c for c in range(width) if any(r[c] for r in grid)]
    return [[r[c] for c in keep] for r in grid]


def _non_empty(row: list[str]) -> int:
    return sum(1 for v in row if v)


def _first(row: list[str]) -> str:
    return next((v for v in row if v), "")


def _split_blocks(grid: list[list[str]], origin: str) -> list[Block]:
    """Paragraphs and tables of one sheet, in order.

    Rows with a single value above a table are its title and notes (they become paragraphs); a
    row that repeats the table's header row starts a new table, the single-value rows just before
    it being that table's heading.
    """
    blocks: list[Block] = []
    current: list[list[str]] = []
    header: list[str] | None = None
    pending: list[list[str]] = []  # single-value rows not yet known to be inside a table

    def flush_table() -> None:
        nonlocal current, header
        if current:
            blocks.append(Table(tuple(tuple(r) for r in current), origin))
        current, header = [], None

    for row in grid:
        count = _non_empty(row)
        if count == 0:
            continue
        if count == 1 and not current:
            blocks.append(Paragraph(_first(row)))
            continue
        if count == 1:
            pending.append(row)
            continue
        if header is not None and row == header:
            # The header again: the previous table ended; single-value rows in between are the
            # new table's heading, not rows of either table.
            flush_table()
            blocks.extend(Paragraph(_first(r)) for r in pending)
            pending = []
        current.extend(pending)
        pending = []
        if not current:
            header = row
        current.append(row)
    current_pending = pending
    if current_pending and current:
        # Single-value rows at the end of a table are usually category rows with nothing
        # below yet, but "注：" notes are text under the table.
        tail: list[list[str]] = []
        while current_pending and _first(current_pending[-1]).startswith(("注", "备注", "说明")):
            tail.insert(0, current_pending.pop())
        current.extend(current_pending)
        flush_table()
        blocks.extend(Paragraph(_first(r)) for r in tail)
    else:
        flush_table()
        blocks.extend(Paragraph(_first(r)) for r in current_pending)
    return blocks


def read_xlsx(path: Path, name: str | None = None, budget: Budget | None = None) -> Document:
    """Read every visible sheet of an .xlsx/.xlsm workbook, merged ranges resolved."""
    import openpyxl

    display = name or Path(path).name
    budget = budget or Budget(display=display)
    document = Document(source=display)
    try:
        fh = open(path, "rb")  # noqa: SIM115 - closed in finally; openpyxl checks names, not streams
    except OSError as exc:
        raise IngestError(f"无法打开文件“{display}”：{exc.strerror or exc}") from exc
    wb = None
    try:
        try:
            with warnings.catch_warnings():
                # openpyxl warns about features it drops (data validation, conditional formats,
                # odd defined names); none of them matters for reading a plan.
                warnings.simplefilter("ignore")
                wb = openpyxl.load_workbook(fh, read_only=True, data_only=True)
        except zipfile.BadZipFile as exc:
            raise IngestError(f"“{display}”不是有效的Excel工作簿，文件可能已损坏。") from exc
        except Exception as exc:  # openpyxl raises KeyError, ValueError, lxml errors… on bad parts
            raise IngestError(f"无法打开Excel工作簿“{display}”，文件可能已损坏或格式不受支持：{exc}") from exc
        for ws in wb.worksheets:
            if getattr(ws, "sheet_state", "visible") != "visible":
                document.warnings.append(f"已跳过隐藏的工作表“{ws.title}”。")
                continue
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    grid = _sheet_grid(wb, ws, budget)
            except IngestError:
                raise
            except Exception as exc:
                raise IngestError(
                    f"读取“{display}”的工作表“{ws.title}”时出错，文件可能已损坏：{exc}"
                ) from exc
            document.blocks.extend(_split_blocks(grid, ws.title))
        if getattr(wb, "chartsheets", None):
            document.warnings.append("工作簿中的图表页不含表格数据，已忽略。")
    finally:
        if wb is not None:
            # Closing a broken archive must not mask the error that is being reported.
            with contextlib.suppress(Exception):
                wb.close()
        fh.close()
    return document
