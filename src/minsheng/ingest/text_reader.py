"""Plain text → :class:`~minsheng.ingest.document.Document`.

Government plans reach us as text in three layouts, often mixed in one file:

* running paragraphs, one per line (numbered items, headings, the notice itself);
* **pipe tables** as web pages render them: ``a | b | c |``. A row only lists the cells that
  start in it, so a cell merged down from the row above is simply missing, and the row is
  padded at its end with bare ``|`` (``a | b | ||``). A cell may run over several lines.
* **Word tables flattened to tab-indented cells**: every cell starts on a line beginning
  with a tab, lines without a tab continue the cell above, a blank line followed by a tab
  line starts a new row, and an empty cell is a vertically merged one.

Both kinds of table are turned into rectangular :class:`Table` blocks with merged cells
resolved as ``document.py`` describes. Which column a short row's cells belong to is decided
by aligning them with what the table's complete rows hold in each column (numbers with units,
unit names, long text, ``--``...), so a merged column in the middle of a row is found too.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from .document import Document, Paragraph, Table
from .limits import Budget
from .normalize import to_simplified

__all__ = ["read_text", "decode_bytes"]

# ---------------------------------------------------------------------------- decoding


def decode_bytes(data: bytes) -> str:
    """Decode a text file: UTF-8 (with or without BOM), UTF-16 with BOM, else GB18030."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        return data.decode("utf-8", errors="replace")


def read_text(source: str | Path, name: str | None = None, budget: Budget | None = None) -> Document:
    """Read plain text into a Document: a ``Path`` is a file to read, a ``str`` is the text itself.

    A string is never taken for a file name: text that happens to read "/etc/passwd" must not
    make the importer open that file.
    """
    if isinstance(source, Path):
        path = source
        text = decode_bytes(path.read_bytes())
        src = name or path.name
    else:
        text = source
        src = name or "<text>"
    doc = Document(source=src)
    budget = budget or Budget(display=src)
    budget.spend("max_text_chars", len(text))
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n").replace("\ufeff", "")
    text = text.replace("\u2028", "\n").replace("\u2029", "\n")
    lines = text.split("\n")
    # Every line becomes a paragraph or a table cell's line; a plan has a few thousand.
    budget.spend("max_paragraphs", len(lines))
    doc.blocks = _blocks(lines, doc.warnings, budget)
    return doc


# ---------------------------------------------------------------------------- block split

_HEADING = re.compile(
    r"^\s*(附件\s*[0-9一二三四五六七八九十]*\s*[:：]?\s*$|[一二三四五六七八九十]+\s*[、.．]|[（(][一二三四五六七八九十]+[)）]|第[一二三四五六七八九十]+[章节部分])"
)
_TERMINAL = '。；;：:！？!?）)〕]】」』”"|'


def _blocks(lines: list[str], warnings: list[str], budget: Budget) -> list:
    blocks: list = []
    para_lines: list[str] = []
    n = len(lines)
    i = 0
    while i < n:
        budget.tick()
        line = lines[i]
        if _is_tsv_line(line) and i + 1 < n and _is_tsv_line(lines[i + 1]):
            k = i
            rows = []
            while k < n and _is_tsv_line(lines[k]):
                rows.append([c.strip() for c in lines[k].rstrip().split("\t")])
                k += 1
            width = max(len(r) for r in rows)
            budget.check_grid(len(rows), width)
            blocks.append(
                Table(rows=tuple(tuple(r) for r in _resolve_tab([r + [""] * (width - len(r)) for r in rows])))
            )
            i = k
            continue
        if line.startswith("\t") and _starts_tab_table(lines, i):
            table, i = _read_tab_table(lines, i, budget)
            if table is not None:
                blocks.append(table)
            continue
        if _is_pipe_line(line):
            table, i = _read_pipe_table(lines, i, budget)
            if table is not None:
                blocks.append(table)
            continue
        stripped = line.strip()
        if stripped:
            para_lines.append(stripped)
            blocks.append(Paragraph(stripped))
        i += 1
    return _join_wrapped(blocks)


def _is_tsv_line(line: str) -> bool:
    """A row copied from a spreadsheet: cells separated by tabs on one line."""
    body = line[1:] if line.startswith("\t") else line
    return body.count("\t") >= 2 and bool(body.strip())


def _join_wrapped(blocks: list) -> list:
    """Re-join paragraphs that a fixed-width export cut in the middle of a sentence.

    Only lines that fill the page width (close to the longest line) and do not end a
    sentence are joined with the line that follows, unless that line starts a new item.
    """
    lengths = sorted(len(b.text) for b in blocks if isinstance(b, Paragraph))
    if len(lengths) < 8:
        return blocks
    width = lengths[int(len(lengths) * 0.9)]
    if width < 20 or lengths[-1] > width * 1.3:
        # lines of very different lengths: one paragraph per line, nothing was wrapped
        return blocks
    out: list = []
    for b in blocks:
        prev = out[-1] if out else None
        if (
            isinstance(b, Paragraph)
            and isinstance(prev, Paragraph)
            and len(prev.text) >= width * 0.9
            and prev.text[-1] not in _TERMINAL
            and not _HEADING.match(b.text)
            and not re.match(r"^\s*[0-9]+\s*[.．、]", b.text)
        ):
            out[-1] = Paragraph(prev.text + b.text)
        else:
            out.append(b)
    return out


# ---------------------------------------------------------------------------- cell types

_UNIT_END = "局委会办府院团司队部心室所站社联处组厅校馆行区县市镇乡道园网台署"
_DASH = re.compile(r"^[-—–－_/\\、…]+$|^无$|^/$")
_INT = re.compile(r"^\d{1,3}(?:[-－.]\d{1,3})?$")
_DATEISH = re.compile(r"(?:\d{1,2}|[一二三四五六七八九十]{1,3})\s*(?:月|季度)|年底|年内|年末|全年")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_FIG = re.compile(r"^\d[\d.,]*[万亿千]?(?:[(（]\d+(?:\.\d+)?[)）])?[^\d，,。；;、]{0,8}$")
_HEADER_WORDS = (
    "序号",
    "编号",
    "名称",
    "类别",
    "主题",
    "单位",
    "部门",
    "领导",
    "时限",
    "时间",
    "内容",
    "标准",
    "明细",
    "进度",
    "计划",
    "类型",
    "投资",
    "资金",
    "备注",
    "目标",
    "任务",
    "责任",
    "方面",
    "领域",
    "项目",
    "季度",
    "分解",
    "本级",
    "合计",
)


def _cell_type(text: str) -> str:
    t = re.sub(r"\s+", "", text)
    if not t:
        return "empty"
    if _DASH.match(t):
        return "dash"
    if _INT.match(t):
        return "int"
    if len(t) <= 14 and _DATEISH.search(t) and not re.search(r"[，,。；;]", t):
        return "date"
    if _FIG.match(t) and "年" not in t:
        return "fig"
    if len(t) > 40 or (len(t) > 12 and re.search(r"[，,。；;：:]", t)):
        return "text"
    cjk = len(_CJK.findall(t))
    if t[-1] in _UNIT_END or "、" in t:
        return "unit" if cjk >= 2 else "mid"
    if len(t) <= 4 and cjk == len(t):
        return "short"
    if len(t) > 20:
        return "text"
    return "mid"


_SIMILAR = {
    ("fig", "int"): 0.5,
    ("fig", "dash"): 0.8,
    ("dash", "empty"): 0.8,
    ("text", "mid"): 0.5,
    ("unit", "mid"): 0.4,
    ("short", "mid"): 0.5,
    ("short", "unit"): 0.3,
    ("date", "mid"): 0.3,
    ("date", "fig"): 0.2,
    ("int", "dash"): 0.2,
    ("empty", "fig"): 0.3,
    ("empty", "int"): 0.2,
}


_COLSPAN_COST = {"text": 0.3, "mid": 0.45, "unit": 0.5, "short": 0.5}


def _sim(a: str, b: str) -> float:
    if a == b:
        return 1.0
    return _SIMILAR.get((a, b)) or _SIMILAR.get((b, a)) or 0.0


class _Profile:
    """What a table's complete data rows hold in each column."""

    def __init__(self, n: int, rows: list[list[str]]):
        self.n = n
        self.counts = [Counter() for _ in range(n)]
        for r in rows:
            for j in range(min(n, len(r))):
                self.counts[j][_cell_type(r[j])] += 1
        self.total = [sum(c.values()) for c in self.counts]

    def compat(self, cell_type: str, j: int) -> float:
        tot = self.total[j] if j < self.n else 0
        if not tot:
            return 0.5
        return sum(cnt * _sim(cell_type, t) for t, cnt in self.counts[j].items()) / tot

    def numeric_share(self, j: int) -> float:
        tot = self.total[j] if j < self.n else 0
        if not tot:
            return 0.0
        c = self.counts[j]
        return (c["fig"] + c["int"] + c["dash"]) / tot

    def numeric(self, j: int) -> bool:
        c = self.counts[j]
        filled = sum(v for k, v in c.items() if k not in ("empty", "dash"))
        return filled > 0 and (c["fig"] + c["int"]) / filled >= 0.8


def _align(cells: list[str], n: int, profile: _Profile, allow_rowspan: bool, identity: list[bool]) -> list:
    """Place a short row's cells into ``n`` columns at the least cost.

    Returns per column either ``("cell", text)``, ``("rowspan", None)`` (merged from the row
    above: take its value) or ``("colspan", None)`` (merged with the cell to its left: ``""``).
    A cell costs how badly it fits what the column holds elsewhere; a merge from above is
    cheap in the leading columns (rows of a group share their first columns) and in columns
    whose header names an identity (序号, 名称, 单位...); a merge to the right is cheap after
    text and dear after a figure.
    """
    m = len(cells)
    if m >= n:
        return [("cell", c) for c in cells[:n]]
    types = [_cell_type(c) for c in cells]
    inf = float("inf")
    # state (j columns done, i cells used, mode): mode 0 = only merges from above so far
    best: dict[tuple[int, int, int], tuple[float, tuple | None, str]] = {(0, 0, 0): (0.0, None, "")}

    def push(key: tuple[int, int, int], cost: float, prev: tuple, what: str) -> None:
        if cost < best.get(key, (inf,))[0]:
            best[key] = (cost, prev, what)

    for j in range(n):
        for i in range(0, min(j, m) + 1):
            for mode in (0, 1):
                cur = best.get((j, i, mode))
                if cur is None:
                    continue
                cost = cur[0]
                prev = (j, i, mode)
                if i < m and (m - i) <= (n - j):
                    push((j + 1, i + 1, 1), cost + 1.0 - profile.compat(types[i], j), prev, "cell")
                if (m - i) > (n - j - 1):
                    continue
                if allow_rowspan:
                    r = (0.1 if identity[j] else 0.4) if mode == 0 else (0.5 if identity[j] else 1.0)
                    push((j + 1, i, mode), cost + r, prev, "rowspan")
                if i == m and mode == 1:
                    # after the row's last cell a missing column may just be an empty cell
                    push((j + 1, i, 1), cost + 1.0 - profile.compat("empty", j), prev, "colspan")
                if mode == 1:
                    last = types[i - 1]
                    c = _COLSPAN_COST.get(last, 0.9)
                    if last != "text" and profile.numeric_share(j) >= 0.8:
                        c += 0.4  # only a long note spans the figure columns
                    push((j + 1, i, 1), cost + c, prev, "colspan")
    ends = [(best[k][0], k) for k in ((n, m, 0), (n, m, 1)) if k in best]
    if not ends:  # cannot happen, but never fail on odd input
        return [("cell", c) for c in cells] + [("colspan", None)] * (n - m)
    state: tuple | None = min(ends)[1]
    out: list = []
    while state is not None and state != (0, 0, 0):
        _, prev, what = best[state]
        out.append(("cell", cells[prev[1]]) if what == "cell" else (what, None))
        state = prev
    out.reverse()
    return out


def _count_header_rows(raw: list[list[str]], n: int) -> int:
    """Leading rows that are column headers (a header row and its sub-header rows)."""
    if not raw or not _is_header_row(raw[0]):
        return 0
    k = 1
    while k < len(raw) and k < 3:
        cells = [c for c in raw[k] if c.strip()]
        if not cells or any(_cell_type(c) in ("fig", "int", "date") or len(c.strip()) > 20 for c in cells):
            break
        if not (_is_header_row(raw[k]) or len(raw[k - 1]) < n):
            break
        k += 1
    return k


def _is_header_row(cells: list[str]) -> bool:
    real = [c for c in cells if c.strip()]
    if not real:
        return False
    for c in real:
        t = _cell_type(c)
        if t in ("fig", "int", "date") or len(c) > 40:
            return False
    words = sum(1 for c in real if any(w in to_simplified(re.sub(r"\s+", "", c)) for w in _HEADER_WORDS))
    return words >= max(1, len(real) // 3)


_IDENTITY_WORDS = (
    "序号",
    "编号",
    "类别",
    "主题",
    "名称",
    "领导",
    "单位",
    "部门",
    "时间",
    "时限",
    "方面",
    "领域",
    "目标",
    "项目",
    "类型",
)


def _identity_columns(header: list[str], n: int) -> list[bool]:
    out = []
    for j in range(n):
        h = to_simplified(re.sub(r"\s+", "", header[j])) if j < len(header) else ""
        out.append(any(w in h for w in _IDENTITY_WORDS))
    return out


# ---------------------------------------------------------------------------- pipe tables

_SEPARATOR_CELL = re.compile(r"^\s*:?-{3,}:?\s*$")


def _is_pipe_line(line: str) -> bool:
    s = line.strip()
    if "|" not in s:
        return False
    if s.count(" | ") >= 2:
        return True
    return s.endswith("|") and (" | " in s or s.startswith("|"))


def _split_pipe(buf: str) -> tuple[list[str], int]:
    """Cells of one pipe row and how many columns the row leaves out (its padding)."""
    s = buf.strip()
    if s.startswith("|") and not s.startswith("||"):
        s = s[1:]
    if s.endswith("|"):
        s = s[:-1]
    parts = [p.strip() for p in s.split("|")]
    while len(parts) > 1 and parts[-1] == "":
        parts.pop()
    total = len(s.split("|"))
    if parts == [""]:
        return [], total
    return parts, total - len(parts)


def _read_pipe_table(lines: list[str], start: int, budget: Budget) -> tuple[Table | None, int]:
    raw: list[tuple[list[str], int]] = []
    n_cols: int | None = None
    i = start
    n = len(lines)
    while i < n and _is_pipe_line(lines[i]):
        buf = lines[i].strip()
        i += 1
        while True:
            cells, pad = _split_pipe(buf)
            width = len(cells) + pad
            ends = buf.endswith("|")
            if ends and (n_cols is None or width >= n_cols):
                break
            # look for the line that closes this row
            k = i
            while k < n and k - i < 4 and lines[k].strip() and "|" not in lines[k]:
                k += 1
            if k >= n or "|" not in lines[k] or not lines[k].strip():
                break
            if ends and k == i:
                break  # the next line is a row of its own
            cand = buf + "\n" + "\n".join(x.strip() for x in lines[i : k + 1])
            c2, p2 = _split_pipe(cand)
            if n_cols is not None and len(c2) > n_cols:
                break
            buf = cand
            i = k + 1
        cells, pad = _split_pipe(buf)
        if cells and all(_SEPARATOR_CELL.match(c) for c in cells):
            continue
        if n_cols is None:
            n_cols = len(cells) + pad
        raw.append((cells, pad))
    if not raw:
        return None, max(i, start + 1)
    n_cols = max(n_cols or 0, max(len(c) for c, _ in raw))
    budget.check_grid(len(raw), n_cols)
    return Table(rows=tuple(tuple(r) for r in _resolve_pipe(raw, n_cols))), i


_GROUP_WORDS = ("分解", "其中", "筹措", "投资", "资金", "进度", "季度", "情况", "明细", "构成", "安排")


def _resolve_pipe(raw: list[tuple[list[str], int]], n: int) -> list[list[str]]:
    rows: list[list[str]] = []
    # header rows: leading rows that look like headers
    n_head = _count_header_rows([c for c, _ in raw], n)
    full_data = [c for c, _ in raw[n_head:] if len(c) >= n]
    profile = _Profile(n, full_data)
    header0 = raw[0][0] if n_head else []
    identity = _identity_columns(header0, n)
    for idx, (cells, _pad) in enumerate(raw):
        if len(cells) >= n:
            rows.append(list(cells[:n]))
            continue
        if idx < n_head:
            rows.append(_align_pipe_header(idx, cells, raw, rows, n))
            continue
        if len(cells) == 1 and not rows:
            rows.append(cells + [""] * (n - 1))
            continue
        placed = _align(cells, n, profile, allow_rowspan=bool(rows), identity=identity)
        row = []
        for j, (what, val) in enumerate(placed):
            if what == "cell":
                row.append(val)
            elif what == "rowspan":
                row.append(rows[-1][j] if rows else "")
            else:
                row.append("")
        rows.append(row)
    return rows


def _align_pipe_header(idx: int, cells: list[str], raw: list, done: list[list[str]], n: int) -> list[str]:
    if idx == 0:
        # the first header row: which cell spans the sub-header row below?
        sub = raw[1][0] if len(raw) > 1 and _count_header_rows([c for c, _ in raw[:2]], n) == 2 else None
        m = len(cells)
        span = n - m + 1
        if sub is None or len(sub) != span:
            return cells + [""] * (n - m)
        k = m - 1
        for p, c in enumerate(cells):
            if any(w in to_simplified(re.sub(r"\s+", "", c)) for w in _GROUP_WORDS):
                k = p
                break
        return cells[:k] + [cells[k]] + [""] * (span - 1) + cells[k + 1 :]
    above = done[-1]
    m = len(cells)
    span_starts = [j for j in range(1, n) if above[j] == "" and above[j - 1] != ""]
    # the sub-header fills the columns of the spanning cell above, the rest repeat above
    for j0 in span_starts:
        start = j0 - 1
        end = start + 1
        while end < n and above[end] == "":
            end += 1
        if end - start == m:
            return above[:start] + cells + above[end:]
    return above[: n - m] + cells


# ---------------------------------------------------------------------------- tab tables


def _starts_tab_table(lines: list[str], i: int) -> bool:
    """A first row of at least two short tab-started cells that reads like a header."""
    cells: list[str] = []
    k = i
    while k < len(lines) and lines[k].strip() and len(cells) < 40:
        if lines[k].startswith("\t"):
            cells.append(lines[k].strip())
        elif cells:
            cells[-1] += lines[k].strip()
        k += 1
    if len(cells) < 2:
        return False
    short = [c for c in cells if len(c) <= 30]
    if len(short) < len(cells) * 0.6:
        return False
    words = sum(1 for c in cells if any(w in to_simplified(c) for w in _HEADER_WORDS))
    if words >= 1:
        return True
    # no header words: accept a regular grid of rows of the same width
    return _grid_like(lines, i)


def _grid_like(lines: list[str], i: int) -> bool:
    widths = []
    k, cur = i, 0
    while k < len(lines) and len(widths) < 4:
        line = lines[k]
        if line.startswith("\t"):
            if cur and k > 0 and not lines[k - 1].strip():
                widths.append(cur)
                cur = 0
            cur += 1
        elif line.strip() and cur == 0:
            break
        k += 1
    if cur:
        widths.append(cur)
    return len(widths) >= 3 and len(set(widths)) == 1 and widths[0] >= 3


def _read_tab_table(lines: list[str], start: int, budget: Budget) -> tuple[Table | None, int]:
    rows: list[list[list[str]]] = []  # rows of cells of lines
    i = start
    n = len(lines)
    blank = 0
    while i < n:
        line = lines[i]
        if line.startswith("\t"):
            if not rows or blank > 0:
                rows.append([])
            rows[-1].append([line[1:]])
            blank = 0
        elif not line.strip():
            blank += 1
        else:
            if not rows or not rows[-1]:
                break
            if blank >= 2:
                break
            if blank == 1 and _HEADING.match(line) and _row_complete(rows):
                break
            cell = rows[-1][-1]
            cell.extend([""] * blank)
            cell.append(line)
            blank = 0
        i += 1
    # a blank line inside a cell followed by the next cell looks like a row break: a row that
    # is short by exactly the cells of the next one is the same row
    width = max((len(r) for r in rows), default=0)
    k = 0
    while k + 1 < len(rows):
        a, b = rows[k], rows[k + 1]
        if 2 <= len(a) < width and len(a) + len(b) == width and k > 0:
            rows[k] = a + b
            del rows[k + 1]
            continue
        k += 1
    cells_rows = [["\n".join(x.rstrip() for x in c).strip("\n").strip() for c in r] for r in rows]
    if not cells_rows:
        return None, max(i, start + 1)
    budget.check_grid(len(cells_rows), max(len(r) for r in cells_rows))
    return Table(rows=tuple(tuple(r) for r in _resolve_tab(cells_rows))), i


def _row_complete(rows: list[list[list[str]]]) -> bool:
    if len(rows) < 2:
        return True
    width = max(len(r) for r in rows[:-1])
    return len(rows[-1]) >= width


_NO_INHERIT_WORDS = (
    "投资",
    "资金",
    "补助",
    "统筹",
    "资本",
    "自筹",
    "金额",
    "预算",
    "万元",
    "数量",
    "季度",
    "合计",
    "小计",
    "备注",
)


def _resolve_tab(raw: list[list[str]]) -> list[list[str]]:
    n = max(len(r) for r in raw)
    n_head = _count_header_rows(raw, n)
    full = [r for r in raw[n_head:] if len(r) == n]
    profile = _Profile(n, full)
    rows: list[list[str]] = []
    colspan: list[list[bool]] = []
    for idx, cells in enumerate(raw):
        if len(cells) == n:
            rows.append(list(cells))
            colspan.append([False] * n)
            continue
        if idx < n_head:
            rows.append(_expand_tab_header(cells, raw[idx + 1] if idx + 1 < len(raw) else None, n))
            colspan.append([False] * n)
            continue
        if len(cells) == 1:
            rows.append(cells + [""] * (n - 1))
            colspan.append([False] + [True] * (n - 1))
            continue
        placed = _align(cells, n, profile, allow_rowspan=False, identity=[False] * n)
        rows.append([v if w == "cell" else "" for w, v in placed])
        colspan.append([w != "cell" for w, _ in placed])
    # header cells: a vertically merged header cell repeats the one above
    for r in range(1, n_head):
        for j in range(n):
            if not rows[r][j].strip():
                rows[r][j] = rows[r - 1][j]
    header = [" ".join(dict.fromkeys(rows[r][j] for r in range(n_head))) for j in range(n)]
    inherit = []
    for j in range(n):
        h = to_simplified(re.sub(r"\s+", "", header[j]))
        if any(w in h for w in ("序号", "编号")):
            inherit.append(True)
        elif any(w in h for w in _NO_INHERIT_WORDS) or profile.numeric(j):
            inherit.append(False)
        else:
            inherit.append(True)
    # merged cells: an empty data cell takes the value above it in the same column
    heading = [sum(1 for c in rows[r] if c.strip()) <= 1 and all(colspan[r][1:]) for r in range(len(rows))]
    for r in range(n_head + 1, len(rows)):
        if heading[r] or heading[r - 1]:
            continue
        for j in range(n):
            if not rows[r][j].strip() and not colspan[r][j] and inherit[j]:
                rows[r][j] = rows[r - 1][j]
    return rows


def _expand_tab_header(cells: list[str], below: list[str] | None, n: int) -> list[str]:
    """A header row with horizontally merged cells, placed over the sub-header row below."""
    m = len(cells)
    if below is None or len(below) != n:
        return cells + [""] * (n - m)
    out: list[str] = []
    p = 0
    j = 0
    while j < n and p < m:
        if below[j].strip():
            end = j
            while end < n and below[end].strip():
                end += 1
            out.append(cells[p])
            out.extend([""] * (end - j - 1))
            j = end
        else:
            out.append(cells[p])
            j += 1
        p += 1
    if len(out) != n or p != m:
        return cells + [""] * (n - m)
    return out
