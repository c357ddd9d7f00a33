"""Bad uploads: every one ends in an IngestError whose Chinese message names the file and the problem."""

from __future__ import annotations

import io
import os
import re
import zipfile
from pathlib import Path

import docx
import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from minsheng.ingest import api
from minsheng.ingest.document import IngestError, Paragraph, Table
from minsheng.ingest.limits import Limits
from minsheng.ingest.readers import office_reader

SEEDS = Path(__file__).resolve().parents[2] / "src" / "minsheng" / "data" / "seeds"
CJK = re.compile(r"[\u4e00-\u9fff]")


def _error(path: Path, name: str | None = None, importing: bool = False) -> str:
    with pytest.raises(IngestError) as err:
        (api.import_file if importing else api.read_document)(path, name)
    message = str(err.value)
    assert CJK.search(message), message
    assert (name or path.name) in message, message
    return message


def _docx_bytes(*paragraphs: str, table: list[list[str]] | None = None) -> bytes:
    d = docx.Document()
    for text in paragraphs:
        d.add_paragraph(text)
    if table:
        t = d.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                t.cell(r, c).text = value
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def _xlsx_bytes() -> bytes:
    wb = openpyxl.Workbook()
    wb.active.append(["项目名称", "数量"])
    wb.active.append(["新增托位", 100])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _pdf_image_bytes() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (300, 400), "white").save(buf, "PDF")
    return buf.getvalue()


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


# ------------------------------------------------------------------------------- size


def test_empty_file(tmp_path: Path) -> None:
    assert "空文件" in _error(_write(tmp_path, "计划.docx", b""))


def test_too_large(tmp_path: Path) -> None:
    path = tmp_path / "大文件.pdf"
    with open(path, "wb") as fh:
        fh.truncate(api.MAX_IMPORT_BYTES + 1)  # sparse: costs no disk
    message = _error(path)
    assert "超过" in message and "20.0 MB" in message


def test_exactly_the_limit_is_not_rejected_for_size(tmp_path: Path) -> None:
    path = tmp_path / "limit.txt"
    body = "民生实事\n".encode()
    path.write_bytes(body * (api.MAX_IMPORT_BYTES // len(body)))
    assert path.stat().st_size <= api.MAX_IMPORT_BYTES
    # The content limits are another matter (tests/ingest/test_limits.py): lifted here.
    doc = api.read_document(path, limits=Limits(max_text_chars=10**8, max_paragraphs=10**8))
    assert doc.blocks


def test_missing_file_and_directory(tmp_path: Path) -> None:
    assert "无法读取" in _error(tmp_path / "nope.docx")
    (tmp_path / "dir.docx").mkdir()
    assert "不是文件" in _error(tmp_path / "dir.docx")


# ---------------------------------------------------------------------- wrong extension


@pytest.mark.parametrize(
    ("name", "data", "phrase"),
    [
        ("计划.docx", b"%PDF-1.4\n%fake\n", "文件扩展名为.docx，但内容不是Word文档"),
        ("计划.docx", "一、民生实事项目\n1.新增托位100个".encode(), "文件扩展名为.docx，但内容不是Word文档"),
        ("计划.docx", _xlsx_bytes(), "文件扩展名为.docx，但内容不是Word文档"),
        ("项目表.xlsx", _docx_bytes("x"), "文件扩展名为.xlsx，但内容不是Excel工作簿"),
        ("计划.pdf", _docx_bytes("x"), "文件扩展名为.pdf，但内容不是PDF文件"),
        ("计划.doc", b"%PDF-1.4\n", "文件扩展名为.doc，但内容不是Word/WPS文档"),
        ("计划.txt", _docx_bytes("x"), "文件扩展名为.txt，但内容不是文本文件"),
    ],
)
def test_extension_that_lies(tmp_path: Path, name: str, data: bytes, phrase: str) -> None:
    message = _error(_write(tmp_path, "upload.bin", data), name=name)
    assert phrase in message
    assert "实际内容是" in message


def test_renamed_docx_as_doc_is_read(tmp_path: Path) -> None:
    """A .docx saved under .doc is still a Word document: read it rather than refuse it."""
    data = _docx_bytes("2024年民生实事项目", table=[["序号", "项目名称"], ["1", "新增托位"]])
    path = _write(tmp_path, "计划.doc", data)
    doc = api.read_document(path)
    assert doc.source == "计划.doc"
    assert doc.blocks == [Paragraph("2024年民生实事项目"), Table((("序号", "项目名称"), ("1", "新增托位")))]


def test_no_extension_dispatches_on_content(tmp_path: Path) -> None:
    assert isinstance(api.read_document(_write(tmp_path, "upload", _xlsx_bytes())).blocks[0], Table)
    doc = api.read_document(_write(tmp_path, "upload2", _docx_bytes("正文")))
    assert doc.blocks == [Paragraph("正文")]


def test_upload_name_used_for_messages_and_source(tmp_path: Path) -> None:
    path = _write(tmp_path, "tmp3f9a", b"")
    assert "民生实事.docx" in _error(path, name="民生实事.docx")


# --------------------------------------------------------------------------- corruption


def test_truncated_docx(tmp_path: Path) -> None:
    data = _docx_bytes("正文" * 200)
    message = _error(_write(tmp_path, "坏文件.docx", data[: len(data) // 2]))
    assert "损坏" in message


def test_zip_without_office_parts(tmp_path: Path) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("readme.txt", "hello")
    assert "文件扩展名为.docx，但内容不是Word文档" in _error(_write(tmp_path, "a.docx", buf.getvalue()))
    assert "压缩包" in _error(_write(tmp_path, "a", buf.getvalue()))


def test_docx_with_broken_xml(tmp_path: Path) -> None:
    src = io.BytesIO(_docx_bytes("正文"))
    out = io.BytesIO()
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(out, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            zout.writestr(item, b"<w:document><unclosed" if item.filename == "word/document.xml" else data)
    _error(_write(tmp_path, "坏.docx", out.getvalue()))


def test_zip_bomb_is_refused(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(api, "MAX_UNCOMPRESSED_BYTES", 1024 * 1024)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", b"\0" * (2 * 1024 * 1024))
    assert "过大" in _error(_write(tmp_path, "炸弹.docx", buf.getvalue()))


def test_encrypted_office_file(tmp_path: Path) -> None:
    # Password-protected .docx/.xlsx are OLE2 containers with an EncryptedPackage stream.
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 500 + "EncryptedPackage".encode("utf-16-le") + b"\0" * 500
    assert "加密" in _error(_write(tmp_path, "加密.docx", data))


def test_unknown_ole_file(tmp_path: Path) -> None:
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 1024
    assert "无法识别" in _error(_write(tmp_path, "x.bin", data))


def test_image_only_pdf(tmp_path: Path) -> None:
    message = _error(_write(tmp_path, "扫描件.pdf", _pdf_image_bytes()))
    assert "没有可提取的文字层" in message


def test_truncated_pdf(tmp_path: Path) -> None:
    _error(_write(tmp_path, "半个.pdf", b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog"))


def test_random_bytes(tmp_path: Path) -> None:
    import random

    rng = random.Random(7)
    data = bytes(rng.randrange(256) for _ in range(5000))
    for name in ("随机.txt", "随机", "随机.docx", "随机.xlsx", "随机.pdf", "随机.doc"):
        _error(_write(tmp_path, name, data))


def test_binary_with_text_extension(tmp_path: Path) -> None:
    message = _error(_write(tmp_path, "a.txt", b"\x00\x01\x02\x03" * 100))
    assert "内容不是文本文件" in message and "二进制" in message
    assert "不是可识别的文档" in _error(_write(tmp_path, "a", b"\x00\x01\x02\x03" * 100))


def test_legacy_without_libreoffice(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(office_reader.shutil, "which", lambda name: None)
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 500 + "WordDocument".encode("utf-16-le") + b"\0" * 500
    assert "LibreOffice" in _error(_write(tmp_path, "旧版.doc", ole))
    html = "<html><body><table><tr><td>项目</td></tr></table></body></html>".encode()
    assert "LibreOffice" in _error(_write(tmp_path, "网页版.doc", html))


# ---------------------------------------------------------------------------- text files


def test_gbk_text_reads_like_utf8(tmp_path: Path) -> None:
    text = (SEEDS / "002_b32ee5a4fa5c90c7.txt").read_text(encoding="utf-8")
    utf8 = api.read_document(_write(tmp_path, "a.txt", text.encode("utf-8")))
    gbk = api.read_document(_write(tmp_path, "b.txt", text.encode("gb18030")))
    assert utf8.blocks == gbk.blocks


def test_text_naming_a_local_file_is_not_followed(tmp_path: Path) -> None:
    secret = _write(tmp_path, "secret.txt", "机密内容".encode())
    upload = _write(tmp_path, "upload.txt", str(secret).encode())
    doc = api.read_document(upload)
    assert doc.blocks == [Paragraph(str(secret))]


def test_csv_is_one_table(tmp_path: Path) -> None:
    path = _write(tmp_path, "表.csv", "序号,项目名称,数量\n1,新增托位,100\n".encode())
    assert api.read_document(path).blocks == [Table((("序号", "项目名称", "数量"), ("1", "新增托位", "100")), "表.csv")]


# ---------------------------------------------------------------------------- not a plan


def test_not_a_plan(tmp_path: Path) -> None:
    data = _docx_bytes("关于召开季度工作例会的通知", "各部门：", "定于下周一上午九点在三楼会议室召开例会，请准时参加。")
    message = _error(_write(tmp_path, "会议通知.docx", data), importing=True)
    assert message.startswith("未识别到任何项目")


def test_spreadsheet_that_is_not_a_plan(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.active.append(["姓名", "电话"])
    wb.active.append(["张三", "13800000000"])
    buf = io.BytesIO()
    wb.save(buf)
    assert "未识别到任何项目" in _error(_write(tmp_path, "通讯录.xlsx", buf.getvalue()), importing=True)


def test_parser_failure_is_wrapped(tmp_path: Path, monkeypatch) -> None:
    from minsheng.ingest import plan_parser

    def boom(doc):
        raise ValueError("unexpected shape")

    monkeypatch.setattr(plan_parser, "document_to_plan", boom)
    message = _error(_write(tmp_path, "计划.docx", _docx_bytes("x")), importing=True)
    assert "识别其中的计划内容时出错" in message


def test_seed_imports(tmp_path: Path) -> None:
    seed = next(SEEDS.glob("002_*.txt"))
    plan = api.import_file(seed, name="宜昌.txt")
    assert plan["schema"] == "minsheng.plan/1"
    assert plan["source"] == "宜昌.txt"
    assert plan["projects"]


# -------------------------------------------------------------------------------- fuzzing

EXTENSIONS = ["", ".txt", ".csv", ".docx", ".xlsx", ".pdf", ".doc", ".wps", ".xls", ".html"]
VALID = [_docx_bytes("一、民生实事", table=[["序号", "项目名称"], ["1", "新增托位100个"]]), _xlsx_bytes()]
MAGIC = [b"PK\x03\x04", b"%PDF-1.4\n", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"{\\rtf1 ", b"<html>", b"\xef\xbb\xbf"]


@st.composite
def uploads(draw) -> bytes:
    kind = draw(st.sampled_from(["raw", "magic", "mutated", "mutated-part", "text"]))
    if kind == "raw":
        return draw(st.binary(max_size=3000))
    if kind == "magic":
        return draw(st.sampled_from(MAGIC)) + draw(st.binary(max_size=3000))
    if kind == "text":
        return draw(st.text(max_size=800)).encode("utf-8")
    if kind == "mutated-part":
        # A sound zip around a damaged XML part: gets past the zip layer into lxml and the readers.
        src = zipfile.ZipFile(io.BytesIO(draw(st.sampled_from(VALID))))
        names = src.namelist()
        victim = draw(st.sampled_from([n for n in names if n.endswith(".xml")]))
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as zout:
            for name in names:
                part = bytearray(src.read(name))
                if name == victim:
                    for _ in range(draw(st.integers(1, 6))):
                        part[draw(st.integers(0, len(part) - 1))] = draw(st.sampled_from(b"<>/=\"' x0"))
                zout.writestr(name, bytes(part))
        return out.getvalue()
    # A real document with a few bytes changed or cut: reaches the format libraries' parsers.
    data = bytearray(draw(st.sampled_from(VALID)))
    for _ in range(draw(st.integers(1, 8))):
        data[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
    return bytes(data[: draw(st.integers(1, len(data)))])


FUZZ = settings(
    max_examples=int(os.environ.get("MINSHENG_FUZZ_EXAMPLES", "60")),
    deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)


@FUZZ
@given(data=uploads(), ext=st.sampled_from(EXTENSIONS))
def test_fuzz_read_document_raises_only_ingest_error(tmp_path: Path, monkeypatch, data: bytes, ext: str) -> None:
    # LibreOffice takes a second per file; what its output goes through is fuzzed via .docx/.xlsx.
    monkeypatch.setattr(office_reader.shutil, "which", lambda name: None)
    path = tmp_path / f"fuzz{ext}"
    path.write_bytes(data)
    try:
        api.read_document(path)
    except IngestError as exc:
        assert CJK.search(str(exc))


@FUZZ
@given(data=uploads(), ext=st.sampled_from(EXTENSIONS))
def test_fuzz_import_file_raises_only_ingest_error(tmp_path: Path, monkeypatch, data: bytes, ext: str) -> None:
    monkeypatch.setattr(office_reader.shutil, "which", lambda name: None)
    path = tmp_path / f"fuzz{ext}"
    path.write_bytes(data)
    try:
        plan = api.import_file(path)
    except IngestError as exc:
        assert CJK.search(str(exc))
    else:
        assert plan["projects"]
