"""Build other-format variants of a seed plan, for the cross-format guarantee.

A seed's text is read into a Document by the text reader; the Document is then written out as a
real .docx (tables with vMerge/gridSpan merges wherever the resolved table repeats a value down
a column or leaves a heading alone in its row) or as an .xlsx (merged ranges, numbers stored as
numbers, percentages and dates as formatted cells), optionally after reordering columns,
swapping traditional and simplified script, or renaming the districts. Reading a variant back
must give the same projects as the text, because the readers resolve merges exactly as the
Document contract says.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import replace
from decimal import Decimal, InvalidOperation
from pathlib import Path

from minsheng.ingest.document import Block, Document, Paragraph, Table

SEEDS = Path(__file__).resolve().parents[2] / "src" / "minsheng" / "data" / "seeds"


def seed_path(prefix: str) -> Path:
    return next(SEEDS.glob(f"{prefix}*.txt"))


def seed_document(prefix: str) -> Document:
    from minsheng.ingest.text_reader import read_text

    path = seed_path(prefix)
    return read_text(path, name=path.name)


# ------------------------------------------------------------------------------- rectangles


def _rectangular(table: Table) -> list[list[str]]:
    width = max((len(r) for r in table.rows), default=0)
    return [list(r) + [""] * (width - len(r)) for r in table.rows]


def merge_plan(rows: list[list[str]]) -> list[tuple[int, int, int, int]]:
    """Disjoint merge rectangles (r0, c0, r1, c1) that read back as exactly ``rows``.

    A value followed by empty cells in its row becomes a horizontal merge (it reads back as the
    value and ``""``); equal values stacked in a column with the same horizontal extent become
    one vertical merge (it reads back repeated). Every cell belongs to exactly one rectangle.
    """
    height = len(rows)
    width = len(rows[0]) if rows else 0
    spans: list[list[int]] = []  # spans[r][c] = width of the horizontal span starting at c, 0 inside one
    for row in rows:
        s = [1] * width
        c = 0
        while c < width:
            end = c + 1
            if row[c]:
                while end < width and not row[end]:
                    end += 1
            s[c] = end - c
            for k in range(c + 1, end):
                s[k] = 0
            c = end
        spans.append(s)
    rects = []
    used = [[False] * width for _ in range(height)]
    for r in range(height):
        for c in range(width):
            if used[r][c] or spans[r][c] == 0:
                continue
            w = spans[r][c]
            r1 = r
            while (
                rows[r][c]
                and r1 + 1 < height
                and rows[r1 + 1][c] == rows[r][c]
                and spans[r1 + 1][c] == w
                and not used[r1 + 1][c]
            ):
                r1 += 1
            for rr in range(r, r1 + 1):
                for cc in range(c, c + w):
                    used[rr][cc] = True
            rects.append((r, c, r1, c + w - 1))
    return rects


# ------------------------------------------------------------------------------------ .docx


def write_docx(doc: Document, path: Path, merge: bool = True) -> Path:
    """Write ``doc`` as a Word file: body paragraphs, and tables with real merged cells."""
    import docx

    out = docx.Document()
    for block in doc.blocks:
        if isinstance(block, Paragraph):
            out.add_paragraph(block.text)
            continue
        rows = _rectangular(block)
        if not rows or not rows[0]:
            continue
        table = out.add_table(rows=len(rows), cols=len(rows[0]))
        table.style = "Table Grid"
        rects = merge_plan(rows) if merge else [
            (r, c, r, c) for r in range(len(rows)) for c in range(len(rows[0]))
        ]
        # python-docx's table.cell() walks the whole grid on every call; take the grid once.
        flat = table._cells
        ncols = len(rows[0])
        cells = [flat[r * ncols : (r + 1) * ncols] for r in range(len(rows))]
        for r0, c0, r1, c1 in rects:
            cell = cells[r0][c0]
            if (r0, c0) != (r1, c1):
                cell = cell.merge(cells[r1][c1])
            if rows[r0][c0]:
                cell.text = rows[r0][c0]
        # Word joins two tables that touch; a paragraph keeps them apart as they are in doc.
        out.add_paragraph("")
    out.save(str(path))
    return path


# ------------------------------------------------------------------------------------ .xlsx

_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
_PERCENT = re.compile(r"^-?\d+(\.\d+)?%$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _typed(value: str) -> tuple[object, str | None]:
    """The cell value a spreadsheet author would have typed, and its number format."""
    from minsheng.ingest.readers.xlsx_reader import format_cell

    if _NUMBER.match(value) and not (len(value) > 1 and value.startswith("0") and value[1] != "."):
        try:
            number: object = int(value) if "." not in value else float(value)
        except ValueError:
            return value, None
        if format_cell(number, "General") == value:
            return number, None
    if _PERCENT.match(value):
        digits = value[:-1]
        decimals = len(digits.split(".")[1]) if "." in digits else 0
        try:
            number = float(Decimal(digits) / 100)
        except InvalidOperation:
            return value, None
        fmt = "0%" if decimals == 0 else "0." + "0" * decimals + "%"
        if format_cell(number, fmt) == value:
            return number, fmt
    if _ISO_DATE.match(value):
        try:
            return dt.datetime.fromisoformat(value), "yyyy-mm-dd"
        except ValueError:
            return value, None
    return value, None


def _sheet_title(text: str, used: set[str]) -> str:
    title = re.sub(r"[\\/*?:\[\]：]", "", text)[:25] or "Sheet"
    base, n = title, 2
    while title in used:
        title = f"{base[:22]}({n})"
        n += 1
    used.add(title)
    return title


def write_xlsx(doc: Document, path: Path, merge: bool = True, typed: bool = True) -> Path:
    """Write ``doc`` as a workbook: one sheet per table with the paragraphs before it as
    title rows above it; paragraphs after the last table go to a final sheet."""
    import openpyxl

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    used: set[str] = set()
    pending: list[str] = []
    for block in doc.blocks:
        if isinstance(block, Paragraph):
            pending.append(block.text)
            continue
        rows = _rectangular(block)
        if not rows or not rows[0]:
            continue
        ws = wb.create_sheet(_sheet_title(block.origin or f"表{len(used) + 1}", used))
        for text in pending:
            ws.append([text])
        pending = []
        top = ws.max_row + 1 if ws.max_row > 1 or ws["A1"].value is not None else 1
        rects = merge_plan(rows) if merge else []
        covered = {(r, c) for r0, c0, r1, c1 in rects for r in range(r0, r1 + 1)
                   for c in range(c0, c1 + 1) if (r, c) != (r0, c0)}
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if (r, c) in covered or not value:
                    continue
                cell = ws.cell(row=top + r, column=c + 1)
                stored, fmt = _typed(value) if typed else (value, None)
                cell.value = stored
                if fmt:
                    cell.number_format = fmt
                elif isinstance(stored, str):
                    # Text that looks like a formula must stay text.
                    cell.data_type = "s"
        for r0, c0, r1, c1 in rects:
            if (r0, c0) != (r1, c1):
                ws.merge_cells(start_row=top + r0, start_column=c0 + 1, end_row=top + r1, end_column=c1 + 1)
    if pending or not wb.worksheets:
        ws = wb.create_sheet(_sheet_title("正文", used))
        for text in pending:
            ws.append([text])
    wb.save(str(path))
    return path


# ------------------------------------------------------------------------------ transforms


def map_text(doc: Document, fn: Callable[[str], str]) -> Document:
    blocks: list[Block] = []
    for block in doc.blocks:
        if isinstance(block, Paragraph):
            blocks.append(Paragraph(fn(block.text)))
        else:
            blocks.append(replace(block, rows=tuple(tuple(fn(v) for v in row) for row in block.rows)))
    return Document(source=doc.source, blocks=blocks, warnings=list(doc.warnings))


def swap_script(doc: Document) -> Document:
    """Traditional text becomes simplified and simplified becomes traditional (OpenCC)."""
    from opencc import OpenCC

    t2s, s2t = OpenCC("t2s"), OpenCC("s2t")
    text = "".join(b.text for b in doc.blocks if isinstance(b, Paragraph))[:5000]
    traditional = t2s.convert(text) != text
    converter = t2s if traditional else s2t
    return map_text(doc, converter.convert)


def _column_groups(rows: list[list[str]]) -> list[list[int]]:
    """Columns that must move together: a header cell and the empty header cells it spans."""
    header = rows[0]
    groups: list[list[int]] = []
    for c, value in enumerate(header):
        if value or not groups:
            groups.append([c])
        else:
            groups[-1].append(c)
    return groups


def reorder_columns(doc: Document) -> Document:
    """Every table's column groups after the first in reverse order.

    The first column stays first: it holds the category headings that span a row, which the
    Document contract puts in the first column.
    """
    blocks: list[Block] = []
    for block in doc.blocks:
        if not isinstance(block, Table) or not block.rows:
            blocks.append(block)
            continue
        rows = _rectangular(block)
        groups = _column_groups(rows)
        order = [c for g in groups[:1] + groups[:0:-1] for c in g]
        blocks.append(replace(block, rows=tuple(tuple(row[c] for c in order) for row in rows)))
    return Document(source=doc.source, blocks=blocks, warnings=list(doc.warnings))


# Districts, counties and county-level cities of other prefectures, to rename a plan's regions.
OTHER_REGIONS = {
    "区": ["锦江区", "青羊区", "金牛区", "武侯区", "成华区", "龙泉驿区", "青白江区", "新都区", "温江区",
          "双流区", "郫都区", "新津区", "玄武区", "秦淮区", "建邺区", "栖霞区", "雨花台区", "江宁区"],
    "县": ["金堂县", "大邑县", "蒲江县", "长丰县", "肥东县", "肥西县", "庐江县", "宁乡县"],
    "市": ["都江堰市", "彭州市", "邛崃市", "崇州市", "简阳市", "巢湖市"],
}


def region_mapping(regions: Iterable[str], avoid: str) -> dict[str, str]:
    """Each named region → an unused region of another city with the same ending (区/县/市)."""
    pools = {k: [n for n in v if n not in avoid] for k, v in OTHER_REGIONS.items()}
    mapping: dict[str, str] = {}
    for region in sorted(set(regions), key=len, reverse=True):
        suffix = region[-1]
        if suffix not in pools or "本级" in region or len(region) < 3 or not pools[suffix]:
            continue
        mapping[region] = pools[suffix].pop(0)
    return mapping


def _compact(text: str) -> str:
    from minsheng.ingest.normalize import to_simplified

    return re.sub(r"\s+", "", to_simplified(text))


def substitute(text: str, mapping: dict[str, str]) -> str:
    for old, new in sorted(mapping.items(), key=lambda kv: len(kv[0]), reverse=True):
        text = text.replace(old, new)
    return text


def substitute_regions(doc: Document, mapping: dict[str, str]) -> Document:
    """Rename regions in a (simplified) Document: whole cells that name a region even when layout
    spaced them out (``上 城 區``), and the names inside running text."""

    def fn(value: str) -> str:
        compact = _compact(value)
        if compact in mapping:
            return mapping[compact]
        return substitute(value, mapping)

    return map_text(doc, fn)


def substitute_json(obj: object, mapping: dict[str, str]) -> object:
    return json.loads(substitute(json.dumps(obj, ensure_ascii=False), mapping))


# ----------------------------------------------------------------------------- comparison


def comparable_projects(plan: dict, order_free: bool = False) -> list[dict]:
    """The projects of a plan, for comparing two readings of one plan.

    ``order_free`` sorts what a column reordering may legitimately reorder: allocations
    (one per region column) and unit lists.
    """
    projects = json.loads(json.dumps(plan.get("projects", []), ensure_ascii=False))
    if order_free:
        for p in projects:
            if isinstance(p.get("allocations"), list):
                p["allocations"].sort(key=lambda a: json.dumps(a, ensure_ascii=False, sort_keys=True))
    return projects


def document_shape(doc: Document) -> list:
    """Blocks as plain lists, for readable assertion diffs."""
    return [b.text if isinstance(b, Paragraph) else [list(r) for r in b.rows] for b in doc.blocks]
