"""Entry point of the importer: a file on disk → Document → ``minsheng.plan/1``.

Uploads arrive with names that lie (a PDF saved as .docx, a web page saved as .doc), so the
reader is chosen from the file's first bytes; the extension only decides which mismatches are
harmless (a .doc that is really .docx) and which are reported (a .docx that is a PDF). Every
failure reaching the caller is an :class:`IngestError` whose message can be shown as is.
"""

from __future__ import annotations

import codecs
import csv
import io
import logging
import zipfile
from pathlib import Path
from typing import Any

from .document import Document, IngestError, Table
from .limits import DEFAULT_LIMITS, Budget, Limits, scan_package

logger = logging.getLogger(__name__)

MAX_IMPORT_BYTES = 20 * 1024 * 1024
# A 20 MiB .docx/.xlsx can still inflate to gigabytes (a zip bomb, or a sheet styled down to
# row 1048576); plan documents stay far below this.
MAX_UNCOMPRESSED_BYTES = 256 * 1024 * 1024
MAX_ZIP_ENTRIES = 20_000

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

# What a file really is, as found from its content.
DOCX, XLSX, PDF, DOC, XLS, OLE_ENCRYPTED, OLE, ODT, ODS, RTF, HTML, ZIP, BAD_ZIP, TEXT, BINARY = (
    "docx", "xlsx", "pdf", "doc", "xls", "ole-encrypted", "ole", "odt", "ods", "rtf", "html", "zip",
    "bad-zip", "text", "binary",
)

_KIND_NAMES = {
    DOCX: "Word文档(.docx)",
    XLSX: "Excel工作簿(.xlsx)",
    PDF: "PDF文件",
    DOC: "旧版Word/WPS文档(.doc/.wps)",
    XLS: "旧版Excel/WPS表格(.xls/.et)",
    OLE_ENCRYPTED: "加密的Office文档",
    OLE: "Office二进制文件",
    ODT: "OpenDocument文本(.odt)",
    ODS: "OpenDocument表格(.ods)",
    RTF: "RTF文档",
    HTML: "网页(HTML)文件",
    ZIP: "压缩包",
    BAD_ZIP: "已损坏的压缩文件",
    TEXT: "纯文本文件",
    BINARY: "无法识别的二进制数据",
}

# Extension families: what the name promises, and which real contents keep that promise.
_WORD_EXT = {".docx", ".docm", ".dotx", ".dotm"}
_EXCEL_EXT = {".xlsx", ".xlsm", ".xltx", ".xltm"}
_LEGACY_WORD_EXT = {".doc", ".dot", ".wps", ".wpt", ".rtf", ".odt"}
_LEGACY_EXCEL_EXT = {".xls", ".xlt", ".et", ".ett", ".ods"}
_TEXT_EXT = {".txt", ".text", ".csv", ".tsv", ".md"}
_WEB_EXT = {".html", ".htm", ".mht", ".mhtml"}

_ACCEPTS: dict[frozenset[str], tuple[set[str], str]] = {
    # A Word document in an older or foreign Word format is still the promised Word document.
    # A damaged .docx is reported as damaged, not as "not a Word document".
    frozenset(_WORD_EXT): ({DOCX, DOC, RTF, ODT, BAD_ZIP}, "Word文档"),
    frozenset(_EXCEL_EXT): ({XLSX, XLS, ODS, BAD_ZIP}, "Excel工作簿"),
    frozenset({".pdf"}): ({PDF}, "PDF文件"),
    # Government sites routinely serve Word "web page" saves and renamed .docx files as .doc.
    frozenset(_LEGACY_WORD_EXT): ({DOC, DOCX, RTF, ODT, HTML, BAD_ZIP}, "Word/WPS文档"),
    # Web systems export HTML tables and tab-separated text as .xls.
    frozenset(_LEGACY_EXCEL_EXT): ({XLS, XLSX, ODS, HTML, TEXT, BAD_ZIP}, "Excel/WPS表格"),
    frozenset(_TEXT_EXT): ({TEXT}, "文本文件"),
    frozenset(_WEB_EXT): ({HTML, TEXT}, "网页文件"),
}


def _mib(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB"


def sniff(path: Path) -> str:
    """The real kind of the file at ``path`` (one of the module's kind constants)."""
    with open(path, "rb") as fh:
        head = fh.read(4096)
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return _sniff_zip(path)
    if b"%PDF-" in head[:1024]:
        return PDF
    if head.startswith(_OLE2):
        return _sniff_ole(path)
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{\\rtf"):
        return RTF
    low = head[:2048].lower()
    if b"<html" in low or b"<!doctype html" in low or (b"mime-version:" in low and b"multipart/related" in low):
        return HTML
    if b"xmlns:w=" in low and b"<w:worddocument" in low:
        # Word 2003 XML ("save as XML"), which LibreOffice reads like a .doc.
        return DOC
    return TEXT if _head_is_text(head) else BINARY


def _head_is_text(head: bytes) -> bool:
    if head.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return True
    for codec in ("utf-8", "gb18030"):
        # The 4 KiB head may end inside a multi-byte character: decode it as an unfinished stream.
        try:
            text = codecs.getincrementaldecoder(codec)().decode(head, final=False)
        except UnicodeDecodeError:
            continue
        return _looks_like_text(text)
    return False


def _sniff_zip(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as zf:
            names = zf.namelist()
            if "mimetype" in names:
                mimetype = zf.read("mimetype")[:100]
                if b"opendocument.text" in mimetype:
                    return ODT
                if b"opendocument.spreadsheet" in mimetype:
                    return ODS
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError):
        return BAD_ZIP
    if any(n.startswith("word/") for n in names):
        return DOCX
    if any(n.startswith("xl/") for n in names):
        return XLSX
    return ZIP


def _sniff_ole(path: Path) -> str:
    # The OLE2 directory stores stream names in UTF-16LE; scanning for them is enough to tell
    # Word from Excel without an OLE parser (the directory is small and near the start or end).
    with open(path, "rb") as fh:
        data = fh.read(MAX_IMPORT_BYTES + 1)

    def has(stream: str) -> bool:
        return stream.encode("utf-16-le") in data

    if has("EncryptedPackage") or has("EncryptionInfo"):
        return OLE_ENCRYPTED
    if has("WordDocument"):
        return DOC
    if has("Workbook") or has("Book"):
        return XLS
    return OLE


def _check_zip(path: Path, display: str) -> None:
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        raise IngestError(f"“{display}”已损坏：文件的压缩结构无效，无法打开。请重新导出或重新下载该文件。") from exc
    if len(infos) > MAX_ZIP_ENTRIES or sum(i.file_size for i in infos) > MAX_UNCOMPRESSED_BYTES:
        raise IngestError(f"“{display}”解压后的内容过大，不像是正常的计划文件，已拒绝导入。")


def decode_text(data: bytes, display: str) -> str:
    """Bytes of a text file → str; Chinese government text is UTF-8 or GB18030 (GBK)."""
    for bom, codec in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                       (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                return data.decode(codec)
            except UnicodeDecodeError as exc:
                raise IngestError(f"“{display}”的文字编码有误，无法读取。") from exc
    for codec in ("utf-8", "gb18030"):
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        if _looks_like_text(text):
            return text
        break
    raise IngestError(
        f"“{display}”不是可识别的文档：既不是Word、Excel、PDF文件，也不是可读的文本。"
        "请上传.docx、.xlsx、.pdf、.doc/.wps或.txt格式的计划文件。"
    )


def _looks_like_text(text: str) -> bool:
    if "\x00" in text:
        return False
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\n\r\f\v")
    # Private-use and unassigned-looking code points are what binary data decodes to in GB18030.
    odd = sum(1 for ch in text if "\ue000" <= ch <= "\uf8ff" or ch == "\ufffd")
    return controls <= len(text) * 0.01 and odd <= len(text) * 0.01


def _read_delimited(text: str, display: str, budget: Budget) -> Document:
    sample = text[:8192]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",\t;|")
    except csv.Error:
        dialect = "excel-tab" if sample.count("\t") > sample.count(",") else "excel"
    rows = [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text), dialect)]
    rows = [r for r in rows if any(r)]
    width = max((len(r) for r in rows), default=0)
    budget.check_grid(len(rows), width)
    document = Document(source=display)
    if rows:
        document.blocks.append(Table(tuple(tuple(r + [""] * (width - len(r))) for r in rows), display))
    return document


def _read_text_file(path: Path, display: str, delimited: bool, budget: Budget) -> Document:
    text = decode_text(path.read_bytes(), display)
    if not text.strip():
        raise IngestError(f"“{display}”中没有任何文字内容。")
    if delimited:
        budget.spend("max_text_chars", len(text))
        budget.spend("max_table_rows", text.count("\n"))
        return _read_delimited(text, display, budget)
    from .text_reader import read_text

    # The path, not the text: read_text takes a one-line str naming an existing file as a path,
    # and an uploaded text reading "/etc/passwd" must not make it read that file.
    return read_text(path, name=display, budget=budget)


def _extension_error(display: str, ext: str, promised: str, kind: str) -> IngestError:
    return IngestError(
        f"“{display}”：文件扩展名为{ext}，但内容不是{promised}（实际内容是{_KIND_NAMES.get(kind, kind)}）。"
        "请确认上传的是原始文件，或改用与内容相符的扩展名。"
    )


def read_document(path: Path, name: str | None = None, limits: Limits | None = None,
                  budget: Budget | None = None) -> Document:
    """Read any supported plan file into a Document, choosing the reader from its content.

    ``name`` is the file's name as the user knows it (an upload is stored under a temporary
    path); it is used for the extension check, in messages and as ``Document.source``.
    The work is bounded by ``limits`` (or a ``budget`` already running): beyond any of them
    the reading stops with an IngestError that names the limit.
    """
    path = Path(path)
    display = name or path.name
    budget = budget or Budget(limits or DEFAULT_LIMITS, display)
    ext = Path(display).suffix.lower()
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise IngestError(f"无法读取文件“{display}”：{exc.strerror or exc}") from exc
    if not path.is_file():
        raise IngestError(f"“{display}”不是文件，无法导入。")
    if size == 0:
        raise IngestError(f"“{display}”是空文件（0字节），没有可导入的内容。")
    if size > MAX_IMPORT_BYTES:
        raise IngestError(
            f"“{display}”大小为{_mib(size)}，超过了{_mib(MAX_IMPORT_BYTES)}的导入上限。"
            "请删除文件中的图片等与计划无关的内容后再上传。"
        )
    try:
        kind = sniff(path)
    except OSError as exc:
        raise IngestError(f"无法读取文件“{display}”：{exc.strerror or exc}") from exc

    for family, (accepted, promised) in _ACCEPTS.items():
        if ext in family and kind not in accepted:
            raise _extension_error(display, ext, promised, kind)

    try:
        document = _dispatch(path, display, ext, kind, budget)
        budget.check_blocks(document.blocks)
        return document
    except (IngestError, MemoryError):
        raise
    except Exception as exc:
        # A library failing on a malformed file must reach the user as a readable message.
        logger.warning("reading %s failed", display, exc_info=True)
        raise IngestError(f"读取“{display}”时出错，文件可能已损坏或格式不受支持（{type(exc).__name__}）。") from exc


def _dispatch(path: Path, display: str, ext: str, kind: str, budget: Budget) -> Document:
    from . import readers

    if kind in (DOCX, XLSX, ODT, ODS, ZIP, BAD_ZIP):
        _check_zip(path, display)
    if kind in (DOCX, XLSX, ODT, ODS):
        scan_package(path, budget)
    if kind == DOCX:
        return readers.read_docx(path, name=display, budget=budget)
    if kind == XLSX:
        return readers.read_xlsx(path, name=display, budget=budget)
    if kind == PDF:
        return readers.read_pdf(path, name=display, budget=budget)
    if kind in (DOC, RTF, ODT):
        return readers.read_office(path, name=display, spreadsheet=False, budget=budget)
    if kind in (XLS, ODS):
        return readers.read_office(path, name=display, spreadsheet=True, budget=budget)
    if kind == HTML:
        # LibreOffice reads a Word/Excel "web page" save like the original; which application
        # opens it follows the name the user gave it.
        spreadsheet = ext in _LEGACY_EXCEL_EXT or ext in _EXCEL_EXT
        return readers.read_office(path, name=display, spreadsheet=spreadsheet, budget=budget)
    if kind == OLE_ENCRYPTED:
        raise IngestError(f"“{display}”已设置打开密码（加密），无法读取。请取消密码后重新上传。")
    if kind == OLE:
        raise IngestError(f"“{display}”是无法识别的Office二进制文件，既不是Word文档也不是Excel表格。")
    if kind == ZIP:
        raise IngestError(f"“{display}”是压缩包或其他打包格式，不是Word或Excel文档。请解压后上传其中的计划文件。")
    if kind == BINARY:
        raise IngestError(
            f"“{display}”不是可识别的文档：既不是Word、Excel、PDF文件，也不是可读的文本。"
            "请上传.docx、.xlsx、.pdf、.doc/.wps或.txt格式的计划文件。"
        )
    delimited = ext in (".csv", ".tsv") or ext in _LEGACY_EXCEL_EXT
    return _read_text_file(path, display, delimited, budget)


def import_file(path: Path, name: str | None = None, limits: Limits | None = None) -> dict:
    """Read a plan file and understand it: the ``minsheng.plan/1`` dict of its projects."""
    return import_file_with_warnings(path, name, limits)[0]


def import_file_with_warnings(
    path: Path, name: str | None = None, limits: Limits | None = None
) -> tuple[dict, list[str]]:
    """Like :func:`import_file`, with what the reader could not read (shown in the preview).

    This runs in the calling process; an upload from the web goes through
    :func:`minsheng.ingest.isolation.import_file_isolated`, which runs it where it can be stopped.
    """
    budget = Budget(limits or DEFAULT_LIMITS, name or Path(path).name)
    document = read_document(path, name, budget=budget)
    display = document.source
    # The understanding step cannot be interrupted from inside; its input is bounded by now.
    budget.check_time()
    from .plan_parser import document_to_plan

    try:
        plan = document_to_plan(document)
    except (IngestError, MemoryError):
        raise
    except Exception as exc:
        # An unexpected document shape must not take the upload page down; the traceback goes
        # to the log so the parser can be fixed.
        logger.exception("understanding %s failed", display)
        raise IngestError(
            f"“{display}”已读取，但在识别其中的计划内容时出错（{type(exc).__name__}）。请联系管理员。"
        ) from exc
    if not isinstance(plan, dict) or not plan.get("projects"):
        raise IngestError(
            f"未识别到任何项目：“{display}”中没有找到民生实事项目清单、责任清单或项目表。"
            "请确认上传的是民生实事计划文件（通知正文及其附件）。"
        )
    if not plan.get("source"):
        plan["source"] = display
    return plan, list(document.warnings)
