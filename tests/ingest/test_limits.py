"""Documents that cost far more work than their size: each is refused by the limit it passes,
with a message naming that limit, and a reading that runs away is stopped in its child process."""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import docx
import openpyxl
import pytest

from minsheng.ingest import api
from minsheng.ingest.document import IngestError
from minsheng.ingest.isolation import import_file_isolated, run_isolated
from minsheng.ingest.limits import DEFAULT_LIMITS, Limits

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _replace_part(package: bytes, part: str, data: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(package)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            dst.writestr(item.filename, data if item.filename == part else src.read(item.filename))
    return out.getvalue()


def _docx_with_body(path: Path, body: str) -> Path:
    """A real Word package (python-docx's own) whose body is ``body``."""
    blank = io.BytesIO()
    docx.Document().save(blank)
    xml = f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{W_NS}"><w:body>{body}</w:body></w:document>'
    path.write_bytes(_replace_part(blank.getvalue(), "word/document.xml", xml.encode()))
    return path


def _xlsx_with_sheet(path: Path, sheet_data: str, merges: str = "") -> Path:
    blank = io.BytesIO()
    book = openpyxl.Workbook()
    book.active["A1"] = "x"
    book.save(blank)
    ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    xml = f'<?xml version="1.0"?><worksheet xmlns="{ns}"><sheetData>{sheet_data}</sheetData>{merges}</worksheet>'
    path.write_bytes(_replace_part(blank.getvalue(), "xl/worksheets/sheet1.xml", xml.encode()))
    return path


@pytest.fixture(scope="module")
def paragraph_bomb(tmp_path_factory) -> Path:
    """The reported file: a few hundred KB that unpack to three million empty paragraphs."""
    path = _docx_with_body(tmp_path_factory.mktemp("bomb") / "民生实事计划.docx", "<w:p/>" * 3_000_000)
    assert path.stat().st_size < 400_000
    with zipfile.ZipFile(path) as zf:
        assert zf.getinfo("word/document.xml").file_size > 18_000_000  # but well under the byte limits
    return path


def test_the_paragraph_bomb_is_refused_by_the_paragraph_limit(paragraph_bomb: Path) -> None:
    with pytest.raises(IngestError) as err:
        api.import_file(paragraph_bomb)
    assert str(err.value) == (
        "“民生实事计划.docx”内容过多：段落超过了50000个的上限（MINSHENG_IMPORT_MAX_PARAGRAPHS），"
        "不像是正常的计划文件，已停止读取。请只上传计划正文及附件。"
    )


def test_the_paragraph_bomb_is_refused_in_the_child_process_too(paragraph_bomb: Path) -> None:
    with pytest.raises(IngestError, match="段落超过了50000个的上限"):
        import_file_isolated(paragraph_bomb, name="民生实事计划.docx")


def test_many_elements_of_any_kind_are_refused(tmp_path: Path) -> None:
    path = _docx_with_body(tmp_path / "runs.docx", "<w:p>" + "<w:r/>" * 150_000 + "</w:p>")
    message = r"文档结构元素（XML元素）超过了100000个的上限（MINSHENG_IMPORT_MAX_XML_ELEMENTS）"
    with pytest.raises(IngestError, match=message):
        api.read_document(path, limits=Limits(max_xml_elements=100_000))


def test_spanned_cells_count_as_the_cells_they_make(tmp_path: Path) -> None:
    # 600 <w:tc> in the file, 600 000 cells once each spans 1000 grid columns.
    cell = '<w:tc><w:tcPr><w:gridSpan w:val="1000"/></w:tcPr><w:p><w:r><w:t>x</w:t></w:r></w:p></w:tc>'
    rows = ("<w:tr>" + cell * 2 + "</w:tr>") * 300
    path = _docx_with_body(tmp_path / "spans.docx", f"<w:tbl>{rows}</w:tbl>")
    with pytest.raises(IngestError, match="表格单元格超过了200000个的上限（MINSHENG_IMPORT_MAX_TABLE_CELLS）"):
        api.read_document(path)


def test_a_declared_dtd_is_refused(tmp_path: Path) -> None:
    blank = io.BytesIO()
    docx.Document().save(blank)
    xml = (f'<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY a "aaaaaaaaaa">]>'
           f'<w:document xmlns:w="{W_NS}"><w:body><w:p><w:r><w:t>&a;</w:t></w:r></w:p></w:body></w:document>')
    path = tmp_path / "dtd.docx"
    path.write_bytes(_replace_part(blank.getvalue(), "word/document.xml", xml.encode()))
    with pytest.raises(IngestError, match="含有DTD声明"):
        api.read_document(path)


def test_xlsx_with_too_many_rows(tmp_path: Path) -> None:
    rows = "".join(f'<row r="{i}"><c r="A{i}" t="inlineStr"><is><t>{i}</t></is></c></row>' for i in range(1, 100_002))
    path = _xlsx_with_sheet(tmp_path / "rows.xlsx", rows)
    with pytest.raises(IngestError, match="表格行超过了100000行的上限（MINSHENG_IMPORT_MAX_TABLE_ROWS）"):
        api.read_document(path)


def test_xlsx_with_too_many_cells(tmp_path: Path) -> None:
    # 201 rows of 1000 filled cells: 201 000 cells.
    from openpyxl.utils import get_column_letter

    letters = [get_column_letter(c) for c in range(1, 1001)]
    rows = "".join(
        f'<row r="{r}">' + "".join(f'<c r="{col}{r}"><v>1</v></c>' for col in letters) + "</row>"
        for r in range(1, 202)
    )
    path = _xlsx_with_sheet(tmp_path / "cells.xlsx", rows)
    with pytest.raises(IngestError, match="表格单元格超过了200000个的上限"):
        api.read_document(path)


def test_xlsx_merge_to_the_last_column_does_not_pad_every_row(tmp_path: Path) -> None:
    # 50 small rows, one merged range as wide as the sheet: 50 x 16384 cells once padded.
    rows = "".join(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c><c r="B{r}"><v>1</v></c></row>' for r in range(1, 51))
    merges = '<mergeCells count="1"><mergeCell ref="A1:XFD50"/></mergeCells>'
    path = _xlsx_with_sheet(tmp_path / "merge.xlsx", rows, merges)
    with pytest.raises(IngestError, match="表格单元格超过了200000个的上限"):
        api.read_document(path)


def test_pdf_with_too_many_pages_is_refused_before_its_pages_are_parsed(tmp_path: Path) -> None:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument.new()
    for _ in range(601):
        pdf.new_page(200, 200)
    path = tmp_path / "长文件.pdf"
    pdf.save(str(path))
    with pytest.raises(IngestError) as err:
        api.read_document(path)
    assert str(err.value) == (
        "PDF文件“长文件.pdf”共601页，超过了600页的导入上限（MINSHENG_IMPORT_MAX_PAGES）。请只上传计划正文及附件。"
    )


def test_text_with_too_many_lines(tmp_path: Path) -> None:
    path = tmp_path / "lines.txt"
    path.write_text("一、民生实事\n" * 60_000, encoding="utf-8")
    with pytest.raises(IngestError, match="段落超过了50000个的上限"):
        api.read_document(path)


def test_a_pipe_table_as_wide_as_its_text_is_refused_before_it_is_padded(tmp_path: Path) -> None:
    # One row of 300 000 cells over 20 short rows would be 6 million cells once rectangular.
    wide = "| a " * 300_000 + "|"
    path = tmp_path / "wide.txt"
    path.write_text("\n".join([wide] + ["| 1 | 2 |"] * 20) + "\n", encoding="utf-8")
    with pytest.raises(IngestError, match="表格单元格超过了200000个的上限"):
        api.read_document(path)


def test_limits_come_from_the_environment() -> None:
    limits = Limits.from_environ({"MINSHENG_IMPORT_MAX_PARAGRAPHS": "80000", "MINSHENG_IMPORT_SECONDS": "12.5",
                                  "MINSHENG_IMPORT_MEMORY_MB": ""})
    assert (limits.max_paragraphs, limits.seconds, limits.memory_mb) == (80_000, 12.5, DEFAULT_LIMITS.memory_mb)
    with pytest.raises(ValueError, match="MINSHENG_IMPORT_MAX_PAGES must be a number"):
        Limits.from_environ({"MINSHENG_IMPORT_MAX_PAGES": "many"})


def test_a_lowered_limit_applies_to_an_ordinary_plan() -> None:
    """The counts are real: a seed plan passes the defaults and fails a limit set below it."""
    from tests.ingest.variants import seed_path

    seed = seed_path("003")
    assert len(api.import_file(seed)["projects"]) == 183
    with pytest.raises(IngestError, match="段落超过了1000个的上限"):
        api.import_file(seed, limits=Limits(max_paragraphs=1000))


# ------------------------------------------------------------------------------ the child process


def spin_forever() -> None:
    while True:
        pass


def allocate(megabytes: int) -> int:
    return len(bytearray(megabytes * 1024 * 1024))


def exit_abruptly() -> None:
    os._exit(3)


def test_a_runaway_is_killed_at_the_time_budget() -> None:
    with pytest.raises(IngestError) as err:
        run_isolated(spin_forever, [], Limits(seconds=1), "计划.docx")
    assert str(err.value) == (
        "识别“计划.docx”超过了1秒的时间上限（MINSHENG_IMPORT_SECONDS），已停止。"
        "文件可能过大或结构异常，请只上传计划正文及附件。"
    )


def test_the_child_cannot_take_more_memory_than_its_limit() -> None:
    with pytest.raises(IngestError, match="需要的内存超过了512 MB的上限（MINSHENG_IMPORT_MEMORY_MB）"):
        run_isolated(allocate, [1024], Limits(memory_mb=512), "计划.docx")
    # Within the limit the same work simply runs.
    assert run_isolated(allocate, [64], Limits(memory_mb=512), "计划.docx") == 64 * 1024 * 1024


def test_a_child_that_dies_without_an_answer_is_a_clear_error() -> None:
    with pytest.raises(IngestError, match="读取“计划.docx”的进程意外退出"):
        run_isolated(exit_abruptly, [], DEFAULT_LIMITS, "计划.docx")


def test_reading_in_the_child_gives_what_reading_in_process_gives(tmp_path: Path) -> None:
    from tests.ingest.variants import seed_document, write_docx

    path = write_docx(seed_document("001"), tmp_path / "upload.docx")
    assert import_file_isolated(path, name="杭州.docx") == api.import_file_with_warnings(path, name="杭州.docx")
