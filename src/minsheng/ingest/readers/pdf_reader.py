"""PDF with a text layer → Document.

A PDF has no paragraphs or tables, only positioned characters and ruling lines. Ruled tables
are found with pdfplumber; the text around them is rebuilt into paragraphs from line geometry
(a line that runs to the right margin continues on the next unindented line), so that a
numbered item wrapped over three printed lines is one Paragraph, as it is in the Word original.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..document import Document, IngestError, Paragraph, Table
from ..limits import Budget

# Printed page numbers and running footers ("— 3 —", "- 12 -", "第 2 页 共 9 页").
_PAGE_NUMBER = re.compile(r"^[\s\-—–－―]*(\d{1,4}|第\s*\d+\s*页(\s*[,，/]?\s*共\s*\d+\s*页)?)[\s\-—–－―]*$")
# A line opening with an ordinal starts a new item even when not indented.
_ITEM_START = re.compile(
    r"^\s*(附件|[一二三四五六七八九十]+、|[(（][一二三四五六七八九十\d]+[)）]|\d+[.、．](?!\d)|[①-⑳])"
)
_CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]")
# More than this share of undecodable glyphs means the text layer is unusable (fonts without
# a ToUnicode map yield "(cid:123)" for every character).
_MAX_CID_SHARE = 0.3


@dataclass
class _Line:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float


# What layout moves to the next line as one piece: a number or Latin word, or one character,
# with the opening punctuation that may not end a line and the closing punctuation that may
# not start one (kinsoku), and a number right after that punctuation, which line breakers
# keep with it.
_FIRST_UNIT = re.compile(
    r"^[“‘「『（(《〈【〔]*([A-Za-z0-9.%+\-,:/]+|.)[”’」』）)》〉】〕。，、；：！？,.;:!?]*[0-9.%]*"
)


def _wrapped(prev: _Line, following: str, right: float, size: float) -> bool:
    """Whether ``prev`` ended only because ``following``'s first piece did not fit on it."""
    # The previous line may stop well short of the margin when the piece that follows is a
    # long number or a character dragging closing punctuation with it; what matters is whether
    # that piece would have fitted.
    m = _FIRST_UNIT.match(following)
    unit = m.group() if m else following[:1]
    needed = sum(0.6 if ch.isascii() else 1.0 for ch in unit) * size
    # The slack covers line breakers that keep a little more together than the unit above
    # (a character with the number after it); a first line indent still ends a paragraph.
    return right - prev.x1 < needed + 1.2 * size


def _join(a: str, b: str) -> str:
    if not a or not b:
        return a + b
    # Chinese wraps anywhere without a space; Latin words wrapped at a line end need one back.
    if _CJK.match(a[-1]) or _CJK.match(b[0]):
        return a + b
    return f"{a} {b}"


def _lines(chars: list[dict[str, Any]]) -> list[_Line]:
    from pdfplumber.utils.text import chars_to_textmap

    if not chars:
        return []
    lines = []
    for line in chars_to_textmap(chars).extract_text_lines(return_chars=False):
        text = line["text"].strip()
        if text:
            lines.append(_Line(text, line["x0"], line["x1"], line["top"], line["bottom"]))
    return lines


def _size(lines: list[_Line]) -> float:
    heights = sorted(ln.bottom - ln.top for ln in lines if ln.bottom > ln.top)
    return heights[len(heights) // 2] if heights else 10.0


def _center_in(obj: dict[str, Any], bbox: tuple[float, float, float, float]) -> bool:
    x = (obj["x0"] + obj["x1"]) / 2
    y = (obj["top"] + obj["bottom"]) / 2
    return bbox[0] <= x < bbox[2] and bbox[1] <= y < bbox[3]


def _cell_text(chars: list[dict[str, Any]], bbox: tuple[float, float, float, float]) -> str:
    lines = _lines(chars)
    if not lines:
        return ""
    size = _size(lines)
    text = lines[0].text
    for prev, line in zip(lines, lines[1:], strict=False):
        # A line that reaches the cell's right edge was wrapped by the layout, not by the author.
        if _wrapped(prev, line.text, bbox[2] - 0.3 * size, size) and not _ITEM_START.match(line.text):
            text = _join(text, line.text)
        else:
            text += "\n" + line.text
    return text.strip()


def _resolve_table(table: Any, chars: list[dict[str, Any]]) -> list[list[str]]:
    """Rows with merged cells resolved as Document requires (see document.py)."""
    cells = [c for c in table.cells]
    if not cells:
        return []
    xs = sorted({c[0] for c in cells})
    tol = 1.0
    by_cell: dict[tuple[float, float, float, float], list[dict[str, Any]]] = {c: [] for c in cells}
    for ch in chars:
        for c in cells:
            if _center_in(ch, c):
                by_cell[c].append(ch)
                break
    # owner[col] = (bottom of the cell covering that column, value the column shows there)
    owner: dict[int, tuple[float, str]] = {}
    grid: list[list[str]] = []
    for row in table.rows:
        present = [c for c in row.cells if c is not None]
        if not present:
            continue
        top = min(c[1] for c in present)
        out: list[str] = []
        for col, cell in enumerate(row.cells):
            if cell is not None:
                value = _cell_text(by_cell.get(cell, []), cell)
                out.append(value)
                owner[col] = (cell[3], value)
                for other in range(col + 1, len(xs)):
                    if xs[other] < cell[2] - tol:
                        owner[other] = (cell[3], "")
                continue
            below, value = owner.get(col, (-1.0, ""))
            # A column with no cell starting in this row is covered either by a cell from a row
            # above (vertical merge: repeat its value) or by one to the left (horizontal: "").
            out.append(value if below > top + tol else "")
        grid.append(out)
    return grid


def _align_columns(columns: list[float], previous: list[float], rows: list[list[str]]) -> list[list[str]] | None:
    """``rows`` laid out on the ``previous`` part's columns, or None when the columns differ."""
    if not previous:
        return None
    tol = 2.0
    index = []
    for x in columns:
        match = [j for j, px in enumerate(previous) if abs(px - x) <= tol]
        if not match:
            return None
        index.append(match[0])
    out = []
    for row in rows:
        placed = [""] * len(previous)
        for value, j in zip(row, index, strict=False):
            placed[j] = value
        out.append(placed)
    return out


def _page_count(path: Path) -> int | None:
    """The page count from the page tree's root, without parsing the pages (None if unreadable)."""
    try:
        import pypdfium2 as pdfium

        with pdfium.PdfDocument(str(path)) as pdf:
            return len(pdf)
    except Exception:  # a damaged or encrypted file: pdfplumber reports it with its own message
        return None


def read_pdf(path: Path, name: str | None = None, budget: Budget | None = None) -> Document:
    """Read a text-layer PDF: paragraphs and ruled tables in page order."""
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    display = name or Path(path).name
    budget = budget or Budget(display=display)
    # pdfminer parses about 20 pages a second and pdfplumber lists every page when it opens the
    # file: a file of thousands of pages is refused before that.
    pages = _page_count(Path(path))
    if pages is not None and pages > budget.limits.max_pages:
        raise _too_many_pages(display, pages, budget)
    try:
        pdf = pdfplumber.open(str(path))
    except (PDFPasswordIncorrect, PDFEncryptionError) as exc:
        raise IngestError(f"PDF文件“{display}”已加密，无法读取。请提供未加密的文件。") from exc
    except Exception as exc:  # pdfminer raises PDFSyntaxError, PSEOF, ValueError… on damaged files
        raise IngestError(f"无法打开PDF文件“{display}”，文件可能已损坏：{type(exc).__name__}") from exc
    document = Document(source=display)
    try:
        with pdf:
            _read_pages(pdf, document, display, budget)
    except IngestError:
        raise
    except Exception as exc:
        if type(exc).__name__ in ("PDFPasswordIncorrect", "PDFEncryptionError"):
            raise IngestError(f"PDF文件“{display}”已加密，无法读取。请提供未加密的文件。") from exc
        raise IngestError(
            f"读取PDF文件“{display}”时出错，文件可能已损坏：{type(exc).__name__}: {exc}"
        ) from exc
    return document


def _too_many_pages(display: str, pages: int, budget: Budget) -> IngestError:
    return IngestError(
        f"PDF文件“{display}”共{pages}页，超过了{budget.limits.max_pages}页的导入上限"
        "（MINSHENG_IMPORT_MAX_PAGES）。请只上传计划正文及附件。"
    )


def _read_pages(pdf: Any, document: Document, display: str, budget: Budget) -> None:
    total_chars = 0
    cid_chars = 0
    image_pages: list[int] = []
    blocks = document.blocks
    # State carried across pages so a paragraph or table broken by a page break is rejoined:
    # the last line of the paragraph still open, with its page's right margin and type size.
    tail: tuple[_Line, float, float] | None = None
    last_table_ended_page = False
    last_columns: list[float] = []
    if len(pdf.pages) > budget.limits.max_pages:
        raise _too_many_pages(display, len(pdf.pages), budget)
    for number, page in enumerate(pdf.pages, 1):
        budget.check_time()
        try:
            tail, last_columns, last_table_ended_page, counts = _read_page(
                page, number, blocks, tail, last_columns, last_table_ended_page, budget
            )
        finally:
            # pdfplumber keeps every parsed page in memory otherwise.
            page.close()
        total_chars += counts[0]
        cid_chars += counts[1]
        if counts[2]:
            image_pages.append(number)
    _check_text_layer(document, display, total_chars, cid_chars, image_pages)


def _read_page(
    page: Any,
    number: int,
    blocks: list[Paragraph | Table],
    tail: tuple[_Line, float, float] | None,
    last_columns: list[float],
    last_table_ended_page: bool,
    budget: Budget,
) -> tuple[tuple[_Line, float, float] | None, list[float], bool, tuple[int, int, bool]]:
    """Append one page's blocks; returns the carried state and (chars, cid chars, image-only)."""
    chars = [c for c in page.chars if c.get("text", "").strip()]
    # Before the table finder and line building, whose work grows with the characters.
    budget.spend("max_text_chars", len(chars))
    counts = (len(chars), sum(1 for c in chars if c["text"].startswith("(cid:")), not chars and bool(page.images))
    if not chars:
        return tail, last_columns, last_table_ended_page, counts
    tables = [t for t in page.find_tables() if t.cells]
    bboxes = [t.bbox for t in tables]
    outside = [c for c in chars if not any(_center_in(c, b) for b in bboxes)]
    lines = _lines(outside)
    size = _size(lines) if lines else _size(_lines(chars))
    # Running page numbers sit at the very top or bottom of the page; drop them there only.
    for idx in (-1, 0):
        if lines and _PAGE_NUMBER.match(lines[idx].text):
            lines.pop(idx)
    left = min((ln.x0 for ln in lines), default=0.0)
    # A page of short lines (a title page) must not make its widest line count as "full".
    right = max(max((ln.x1 for ln in lines), default=0.0), page.width - left - 2 * size)
    items: list[tuple[float, int, Any]] = [(ln.top, 0, ln) for ln in lines]
    items += [(t.bbox[1], 1, t) for t in tables]
    items.sort(key=lambda it: (it[0], it[1]))
    prev: _Line | None = None
    for pos, (_top, kind, obj) in enumerate(items):
        if kind == 1:
            rows = _resolve_table(obj, [c for c in chars if _center_in(c, obj.bbox)])
            rows = [r for r in rows if any(r)]
            if not rows:
                continue
            columns = sorted({c[0] for c in obj.cells})
            last = blocks[-1] if blocks else None
            placed = (
                _align_columns(columns, last_columns, rows)
                if pos == 0 and last_table_ended_page and isinstance(last, Table)
                else None
            )
            if placed is not None and isinstance(last, Table):
                # The table continues from the previous page (a part whose empty columns lost
                # their ruling lines still lines up by x); a repeated header row is dropped.
                if placed and placed[0] == list(last.rows[0]):
                    placed = placed[1:]
                blocks[-1] = Table(last.rows + tuple(tuple(r) for r in placed), last.origin)
            else:
                blocks.append(Table(tuple(tuple(r) for r in rows), f"第{number}页"))
                last_columns = columns
            tail = None
            prev = None
            continue
        line: _Line = obj
        continues = (
            tail is not None
            and isinstance(blocks[-1] if blocks else None, Paragraph)
            and line.x0 <= left + 0.8 * size
            and not _ITEM_START.match(line.text)
            and (prev is None or line.top - prev.bottom < 1.2 * size)
            and _wrapped(tail[0], line.text, tail[1], tail[2])
        )
        if continues:
            last_text = blocks[-1].text if isinstance(blocks[-1], Paragraph) else ""
            blocks[-1] = Paragraph(_join(last_text, line.text))
        else:
            blocks.append(Paragraph(line.text))
        tail = (line, right, size)
        prev = line
    return tail, last_columns, bool(items) and items[-1][1] == 1, counts


def _check_text_layer(
    document: Document, display: str, total_chars: int, cid_chars: int, image_pages: list[int]
) -> None:
    if total_chars == 0:
        if image_pages:
            raise IngestError(
                f"“{display}”是扫描件或图片PDF，没有可提取的文字层，无法识别其中的内容。"
                "请提供Word、Excel或可复制文字的PDF原件。"
            )
        raise IngestError(f"PDF文件“{display}”中没有任何文字内容。")
    if cid_chars > _MAX_CID_SHARE * total_chars:
        raise IngestError(
            f"PDF文件“{display}”的文字无法正确提取（字体缺少编码信息，提取出的是乱码）。"
            "请提供Word或Excel原件。"
        )
    if image_pages:
        pages = "、".join(str(n) for n in image_pages)
        document.warnings.append(f"第{pages}页只有图片、没有文字层，其中的内容未能读取。")
