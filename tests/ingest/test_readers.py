"""Each reader on small files built here, asserting the exact Document blocks it yields."""

from __future__ import annotations

import copy
import datetime as dt
import shutil
import subprocess
from pathlib import Path

import docx
import openpyxl
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from PIL import Image

from minsheng.ingest.document import IngestError, Paragraph, Table
from minsheng.ingest.readers import docx_reader, office_reader, read_docx, read_office, read_pdf, read_xlsx
from minsheng.ingest.readers.xlsx_reader import format_cell

SOFFICE = office_reader.find_libreoffice()
needs_soffice = pytest.mark.skipif(
    SOFFICE is None, reason="LibreOffice (soffice) is not installed: cannot build .pdf/.doc fixtures"
)


def texts(doc):
    return [b.text if isinstance(b, Paragraph) else b.rows for b in doc.blocks]


# --------------------------------------------------------------------------------------- docx


def _grid_table(d, rows, cols):
    table = d.add_table(rows=rows, cols=cols)
    table.style = "Table Grid"
    return table


def _fill(table, values):
    for r, row in enumerate(values):
        for c, v in enumerate(row):
            if v is not None:
                table.cell(r, c).text = v


def test_docx_body_order_and_merges(tmp_path: Path) -> None:
    d = docx.Document()
    d.add_paragraph("2024年民生实事项目责任清单")
    t = _grid_table(d, 5, 4)
    _fill(t, [
        ["类别", "项目名称", "牵头单位", "完成时限"],
        [None, "新增托位1680个", "市卫健委", "11月底"],
        [None, "新增学位1260个", "市教育局", "9月底"],
        [None, "改造老旧小区200个", None, None],
        [None, "新建公园65个", "市园文局", "12月底"],
    ])
    # 类别 merged down rows 1-3 (vMerge restart + continue), a 2x2 block in rows 3-4.
    t.cell(1, 0).merge(t.cell(3, 0)).text = "一、幼有善育"
    t.cell(4, 0).text = "二、宜居"
    t.cell(3, 2).merge(t.cell(4, 3)).text = "市建委"
    d.add_paragraph("附件2")
    path = tmp_path / "plan.docx"
    d.save(path)

    doc = read_docx(path)
    assert doc.source == "plan.docx"
    assert texts(doc) == [
        "2024年民生实事项目责任清单",
        (
            ("类别", "项目名称", "牵头单位", "完成时限"),
            ("一、幼有善育", "新增托位1680个", "市卫健委", "11月底"),
            ("一、幼有善育", "新增学位1260个", "市教育局", "9月底"),
            ("一、幼有善育", "改造老旧小区200个", "市建委", ""),
            ("二、宜居", "新建公园65个", "市建委", ""),
        ),
        "附件2",
    ]


def test_docx_horizontal_span_category_row(tmp_path: Path) -> None:
    d = docx.Document()
    t = _grid_table(d, 3, 3)
    _fill(t, [["序号", "项目名称", "责任单位"], [None, None, None], ["1", "建设青年之家14个", "团市委"]])
    t.cell(1, 0).merge(t.cell(1, 2)).text = "（一）服务青年乐业乐享"
    d.add_paragraph("")
    path = tmp_path / "span.docx"
    d.save(path)
    (table,) = read_docx(path).blocks
    assert table.rows == (
        ("序号", "项目名称", "责任单位"),
        ("（一）服务青年乐业乐享", "", ""),
        ("1", "建设青年之家14个", "团市委"),
    )
    tc = d.tables[0].rows[1].cells[0]._tc
    assert tc.tcPr.find(qn("w:gridSpan")).get(qn("w:val")) == "3"


def test_docx_vmerge_under_gridspan_and_grid_before(tmp_path: Path) -> None:
    """A merged block two columns wide keeps its value in the first column of every row."""
    d = docx.Document()
    t = _grid_table(d, 3, 4)
    _fill(t, [["A", "B", "C", "D"], [None, None, None, "x"], [None, None, None, "y"]])
    t.cell(1, 0).merge(t.cell(2, 1)).text = "合并"
    t.cell(1, 2).text = "c1"
    t.cell(2, 2).text = "c2"
    # A row that starts one grid column in (w:gridBefore) has its cells shifted right.
    row = t.rows[0]._tr
    row.remove(row.tc_lst[0])
    trpr = row.get_or_add_trPr()
    trpr.append(parse_xml(f'<w:gridBefore {nsdecls("w")} w:val="1"/>'))
    d.add_paragraph("")
    path = tmp_path / "block.docx"
    d.save(path)
    (table,) = read_docx(path).blocks
    assert table.rows == (
        ("", "B", "C", "D"),
        ("合并", "", "c1", "x"),
        ("合并", "", "c2", "y"),
    )


def test_docx_nested_table_is_flattened_into_its_cell(tmp_path: Path) -> None:
    d = docx.Document()
    t = _grid_table(d, 2, 2)
    _fill(t, [["项目名称", "进度安排"], ["新增床位1000张", None]])
    cell = t.cell(1, 1)
    cell.text = "分季度推进："
    inner = cell.add_table(rows=2, cols=2)
    _fill(inner, [["一季度", "完成30%"], ["二季度", "完成60%"]])
    d.add_paragraph("")
    path = tmp_path / "nested.docx"
    d.save(path)
    (table,) = read_docx(path).blocks
    assert table.rows == (
        ("项目名称", "进度安排"),
        ("新增床位1000张", "分季度推进：\n一季度 完成30%\n二季度 完成60%"),
    )


def test_docx_layout_frame_table_is_unwrapped(tmp_path: Path) -> None:
    """A one-column table drawn around the whole body gives the body, not a 1-cell table."""
    d = docx.Document()
    frame = _grid_table(d, 1, 1)
    cell = frame.cell(0, 0)
    cell.text = "市政府关于印发民生实事项目的通知"
    cell.add_paragraph("附件1")
    inner = cell.add_table(rows=2, cols=2)
    _fill(inner, [["序号", "项目名称"], ["1", "新增托位100个"]])
    cell.add_paragraph("")
    d.add_paragraph("")
    path = tmp_path / "frame.docx"
    d.save(path)
    assert texts(read_docx(path)) == [
        "市政府关于印发民生实事项目的通知",
        "附件1",
        (("序号", "项目名称"), ("1", "新增托位100个")),
    ]


def _add_chinese_numbering(d) -> str:
    numbering = d.part.numbering_part.element
    abstract = parse_xml(
        f'<w:abstractNum {nsdecls("w")} w:abstractNumId="90">'
        '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/>'
        '<w:lvlText w:val="%1、"/></w:lvl>'
        '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/>'
        '<w:lvlText w:val="（%2）"/></w:lvl>'
        '<w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimal"/>'
        '<w:lvlText w:val="%3."/></w:lvl>'
        "</w:abstractNum>"
    )
    first_num = numbering.find(qn("w:num"))
    if first_num is not None:
        first_num.addprevious(abstract)
    else:
        numbering.append(abstract)
    numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))
    return "90"


def _numbered(d, text, num_id, level):
    p = d.add_paragraph(text)
    ppr = p._p.get_or_add_pPr()
    ppr.append(parse_xml(
        f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{level}"/><w:numId w:val="{num_id}"/></w:numPr>'
    ))
    return p


def test_docx_automatic_numbering_is_rendered(tmp_path: Path) -> None:
    d = docx.Document()
    num = _add_chinese_numbering(d)
    _numbered(d, "主要任务", num, 0)
    _numbered(d, "着力实现幼有善育", num, 1)
    _numbered(d, "免费开展新生儿疾病筛查。", num, 2)
    _numbered(d, "新增托位1680个。", num, 2)
    _numbered(d, "服务青年乐业乐享", num, 1)
    _numbered(d, "建设青年之家14个。", num, 2)
    for _ in range(10):
        _numbered(d, "保障措施", num, 0)
    d.add_paragraph("第一项", style="List Number")
    path = tmp_path / "numbered.docx"
    d.save(path)
    lines = texts(read_docx(path))
    assert lines[:6] == [
        "一、主要任务",
        "（一）着力实现幼有善育",
        "1.免费开展新生儿疾病筛查。",
        "2.新增托位1680个。",
        "（二）服务青年乐业乐享",
        "1.建设青年之家14个。",
    ]
    assert lines[6] == "二、保障措施"
    assert lines[14] == "十、保障措施"
    assert lines[15] == "十一、保障措施"
    assert lines[16] == "1.第一项"


@pytest.mark.parametrize(
    ("n", "fmt", "expected"),
    [(1, "chineseCounting", "一"), (10, "chineseCounting", "十"), (21, "chineseCounting", "二十一"),
     (105, "chineseCountingThousand", "一百零五"), (3, "ideographTraditional", "丙"),
     (4, "decimalEnclosedCircle", "④"), (14, "upperRoman", "XIV"), (28, "lowerLetter", "bb"),
     (2, "chineseLegalSimplified", "贰")],
)
def test_numbering_formats(n: int, fmt: str, expected: str) -> None:
    assert docx_reader.format_number(n, fmt) == expected


def test_docx_tracked_deletions_hidden_text_and_breaks(tmp_path: Path) -> None:
    d = docx.Document()
    p = d.add_paragraph("新增托位")
    p._p.append(parse_xml(
        f'<w:del {nsdecls("w")} w:id="1" w:author="x" w:date="2024-01-01T00:00:00Z">'
        "<w:r><w:delText>1000</w:delText></w:r></w:del>"
    ))
    p._p.append(parse_xml(
        f'<w:ins {nsdecls("w")} w:id="2" w:author="x" w:date="2024-01-01T00:00:00Z">'
        "<w:r><w:t>1680</w:t></w:r></w:ins>"
    ))
    p.add_run("个")
    hidden = p.add_run("（内部备注）")
    hidden.font.hidden = True
    q = d.add_paragraph("第一行")
    q.add_run().add_break()
    q.add_run("第二行")
    path = tmp_path / "tracked.docx"
    d.save(path)
    assert texts(read_docx(path)) == ["新增托位1680个", "第一行", "第二行"]


def test_docx_text_box_read_once(tmp_path: Path) -> None:
    """A DrawingML text box and its VML fallback copy give the text once, after the host."""
    d = docx.Document()
    host = d.add_paragraph("正文")
    host._p.append(parse_xml(
        '<w:r xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
        ' xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006">'
        "<mc:AlternateContent><mc:Choice Requires=\"wps\"><w:drawing><w:txbxContent>"
        "<w:p><w:r><w:t>文本框标题</w:t></w:r></w:p></w:txbxContent></w:drawing></mc:Choice>"
        "<mc:Fallback><w:pict><w:txbxContent><w:p><w:r><w:t>文本框标题</w:t></w:r></w:p>"
        "</w:txbxContent></w:pict></mc:Fallback></mc:AlternateContent></w:r>"
    ))
    path = tmp_path / "box.docx"
    d.save(path)
    assert texts(read_docx(path)) == ["正文", "文本框标题"]


def test_macro_enabled_and_template_documents(tmp_path: Path) -> None:
    import zipfile

    d = docx.Document()
    d.add_paragraph("宏文档正文")
    plain = tmp_path / "plain.docx"
    d.save(plain)
    for ext, ctype in (
        ("docm", "application/vnd.ms-word.document.macroEnabled.main+xml"),
        ("dotx", "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"),
    ):
        path = tmp_path / f"x.{ext}"
        with zipfile.ZipFile(plain) as src, zipfile.ZipFile(path, "w") as dst:
            for item in src.infolist():
                data = src.read(item.filename)
                if item.filename == "[Content_Types].xml":
                    data = data.replace(
                        b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
                        ctype.encode(),
                    )
                dst.writestr(item, data)
        assert texts(read_docx(path)) == ["宏文档正文"]


def test_docx_corrupt_part_is_ingest_error(tmp_path: Path) -> None:
    d = docx.Document()
    d.add_paragraph("x")
    good = tmp_path / "good.docx"
    d.save(good)
    bad = tmp_path / "bad.docx"
    import zipfile

    with zipfile.ZipFile(good) as src, zipfile.ZipFile(bad, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "word/document.xml":
                data = data[: len(data) // 2]
            dst.writestr(item, data)
    with pytest.raises(IngestError, match="bad.docx"):
        read_docx(bad)


# --------------------------------------------------------------------------------------- xlsx


@pytest.mark.parametrize(
    ("value", "fmt", "expected"),
    [
        (1260.0, "General", "1260"),
        (0.1 + 0.2, "General", "0.3"),
        (69911.5, "General", "69911.5"),
        (1e16, "General", "10000000000000000"),
        (3, "0.00", "3"),
        (3.14159, "0.00", "3.14"),
        (0.83, "0%", "83%"),
        (0.835, "0.0%", "83.5%"),
        (227, '0"个"', "227个"),
        (110.0, '#,##0.00"万元"', "110万元"),
        (-5.0, "General", "-5"),
        (dt.datetime(2024, 11, 30), "yyyy-mm-dd", "2024-11-30"),
        (dt.datetime(2024, 2, 4, 9, 30), "yyyy-mm-dd h:mm", "2024-02-04 09:30"),
        (dt.datetime(2024, 11, 1), 'yyyy"年"m"月"', "2024年11月"),
        (dt.date(2024, 3, 31), "yyyy/m/d", "2024-03-31"),
        (dt.time(14, 0), "h:mm", "14:00"),
        (True, "General", "TRUE"),
        ("  市民政局\r\n市财政局 ", "@", "市民政局\n市财政局"),
        (None, "General", ""),
    ],
)
def test_format_cell(value, fmt, expected) -> None:
    assert format_cell(value, fmt) == expected


def test_xlsx_merges_numbers_dates_and_sheets(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "项目表"
    ws.append(["2024年县政府民生实事项目表"])
    ws.merge_cells("A1:E1")
    ws.append(["类别", "序号", "项目名称", "计划投资", "完成时限"])
    ws.append(["一、教育惠民", 1, "提升幼儿保教质量", 110.0, dt.datetime(2024, 11, 30)])
    ws.append([None, 2, "新增公办幼儿园学位1260个", 0.1 + 0.2, dt.datetime(2024, 9, 30)])
    ws.merge_cells("A3:A4")
    ws.append(["二、医疗卫生"])
    ws.merge_cells("A5:E5")
    ws.append(["二、医疗卫生", 3, "新增床位", 0.835, None])
    ws["D6"].number_format = "0.0%"
    ws.append([])
    ws.append(["注：投资单位为万元。"])
    second = wb.create_sheet("区县分解")
    second.append(["项目名称", "上城区", "拱墅区"])
    second.append(["新增助餐点", 10, 15])
    hidden = wb.create_sheet("下拉选项")
    hidden.append(["新增实施", "连续实施"])
    hidden.sheet_state = "hidden"
    path = tmp_path / "plan.xlsx"
    wb.save(path)

    doc = read_xlsx(path)
    assert texts(doc) == [
        "2024年县政府民生实事项目表",
        (
            ("类别", "序号", "项目名称", "计划投资", "完成时限"),
            ("一、教育惠民", "1", "提升幼儿保教质量", "110", "2024-11-30"),
            ("一、教育惠民", "2", "新增公办幼儿园学位1260个", "0.3", "2024-09-30"),
            ("二、医疗卫生", "", "", "", ""),
            ("二、医疗卫生", "3", "新增床位", "83.5%", ""),
        ),
        "注：投资单位为万元。",
        (("项目名称", "上城区", "拱墅区"), ("新增助餐点", "10", "15")),
    ]
    assert [b.origin for b in doc.blocks if isinstance(b, Table)] == ["项目表", "区县分解"]
    assert any("下拉选项" in w for w in doc.warnings)


def test_xlsx_repeated_header_starts_a_new_table(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    header = ["序号", "目标名称", "牵头单位"]
    ws.append(["一、主要预期目标"])
    ws.append(header)
    ws.append([1, "地区生产总值增长5.5%", "发改局"])
    ws.append(["二、推进产业强区"])
    ws.append(header)
    ws.append([1, "新增规上工业企业60家", "工信局"])
    path = tmp_path / "sections.xlsx"
    wb.save(path)
    assert texts(read_xlsx(path)) == [
        "一、主要预期目标",
        (tuple(header), ("1", "地区生产总值增长5.5%", "发改局")),
        "二、推进产业强区",
        (tuple(header), ("1", "新增规上工业企业60家", "工信局")),
    ]


def test_xlsx_blank_row_inside_table_does_not_split_it(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["序号", "项目名称"])
    ws.append([1, "甲"])
    ws.append([])
    ws.append(["（二）类别"])
    ws.append([2, "乙"])
    path = tmp_path / "gap.xlsx"
    wb.save(path)
    assert texts(read_xlsx(path)) == [(("序号", "项目名称"), ("1", "甲"), ("（二）类别", ""), ("2", "乙"))]


def test_xlsx_wrong_dimension_and_far_formatting(tmp_path: Path) -> None:
    """A sheet claiming A1:XFD1048576 and a styled cell far away reads as its real content."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["项目名称", "数量"])
    ws.append(["新增托位", 100])
    ws["AZ5000"].number_format = "0.00"
    path = tmp_path / "dim.xlsx"
    wb.save(path)
    import zipfile

    patched = tmp_path / "dim2.xlsx"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(patched, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                data = data.replace(b'<dimension ref="A1:AZ5000"/>', b'<dimension ref="A1:XFD1048576"/>')
            dst.writestr(item, data)
    assert texts(read_xlsx(patched)) == [(("项目名称", "数量"), ("新增托位", "100"))]


def test_xlsx_garbage_is_ingest_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.xlsx"
    import zipfile

    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", "not xml at all")
    with pytest.raises(IngestError, match="bad.xlsx"):
        read_xlsx(path)


# ---------------------------------------------------------------------------------------- pdf


def _soffice_convert(src: Path, target: str, outdir: Path) -> Path:
    profile = (outdir / "lo-profile").as_uri()
    subprocess.run(
        [SOFFICE, "--headless", "--norestore", f"-env:UserInstallation={profile}",
         "--convert-to", target, "--outdir", str(outdir), str(src)],
        check=True, capture_output=True, timeout=180,
    )
    out = outdir / f"{src.stem}.{target.split(':')[0]}"
    assert out.is_file(), f"LibreOffice did not produce {out.name}"
    return out


LONG = (
    "为确保民生实事项目如期高质量完成，现将有关要求通知如下，请各单位认真贯彻落实，"
    "按时完成各项任务，确保群众满意，这一段文字足够长，会在页面上折成好几行。"
)


def _pdf_source_docx(path: Path) -> Path:
    d = docx.Document()
    d.add_paragraph("2024年民生实事项目表")
    d.add_paragraph(LONG)
    d.add_paragraph("1.新增老年助餐服务点227个。")
    t = _grid_table(d, 4, 4)
    _fill(t, [
        ["类别", "项目名称", "牵头单位", "进度安排"],
        [None, "新增老年助餐服务点227个", "市民政局", "3月底前确定点位；9月底前完成不少于100个；11月底全面完成。"],
        [None, "免费接种流感疫苗85.8万人次", "市卫生健康委员会", "11月底前全面完成"],
        ["综合", None, None, None],
    ])
    t.cell(1, 0).merge(t.cell(2, 0)).text = "养老"
    t.cell(3, 1).merge(t.cell(3, 3)).text = "合计：3项"
    d.add_paragraph("附件2")
    long_table = _grid_table(d, 61, 3)
    header_row = long_table.rows[0]
    header_row._tr.get_or_add_trPr().append(parse_xml(f'<w:tblHeader {nsdecls("w")}/>'))
    _fill(long_table, [["序号", "项目名称", "数量"]] + [[str(i), f"项目{i}", f"{i}个"] for i in range(1, 61)])
    d.add_paragraph("（此件公开发布）")
    d.save(path)
    return path


@pytest.fixture(scope="module")
def text_pdf(tmp_path_factory) -> Path:
    if SOFFICE is None:
        pytest.skip("LibreOffice (soffice) is not installed: cannot build the text PDF fixture")
    work = tmp_path_factory.mktemp("pdf")
    return _soffice_convert(_pdf_source_docx(work / "plan.docx"), "pdf", work)


def test_pdf_paragraphs_tables_and_merges(text_pdf: Path) -> None:
    doc = read_pdf(text_pdf, name="计划.pdf")
    assert doc.source == "计划.pdf"
    blocks = texts(doc)
    assert blocks[:3] == ["2024年民生实事项目表", LONG, "1.新增老年助餐服务点227个。"]
    assert blocks[3] == (
        ("类别", "项目名称", "牵头单位", "进度安排"),
        ("养老", "新增老年助餐服务点227个", "市民政局",
         "3月底前确定点位；9月底前完成不少于100个；11月底全面完成。"),
        ("养老", "免费接种流感疫苗85.8万人次", "市卫生健康委员会", "11月底前全面完成"),
        ("综合", "合计：3项", "", ""),
    )
    assert blocks[4] == "附件2"
    # The 60-row table runs over a page break with its header repeated: one table, one header.
    long_table = blocks[5]
    assert long_table[0] == ("序号", "项目名称", "数量")
    assert long_table[1:] == tuple((str(i), f"项目{i}", f"{i}个") for i in range(1, 61))
    assert blocks[6:] == ["（此件公开发布）"]
    assert isinstance(doc.blocks[3], Table) and doc.blocks[3].origin == "第1页"


def test_image_only_pdf_is_rejected_with_clear_message(tmp_path: Path) -> None:
    path = tmp_path / "scan.pdf"
    Image.new("RGB", (600, 800), "white").save(path, "PDF")
    with pytest.raises(IngestError, match="扫描件或图片PDF") as err:
        read_pdf(path)
    assert "scan.pdf" in str(err.value)


def test_pdf_with_image_pages_warns(text_pdf: Path, tmp_path: Path) -> None:
    import pypdfium2 as pdfium

    scan = tmp_path / "scan.pdf"
    Image.new("RGB", (600, 800), "white").save(scan, "PDF")
    merged = pdfium.PdfDocument(str(text_pdf))
    merged.import_pages(pdfium.PdfDocument(str(scan)))
    out = tmp_path / "mixed.pdf"
    merged.save(str(out))
    doc = read_pdf(out)
    assert any("只有图片" in w for w in doc.warnings)
    assert texts(doc)[0] == "2024年民生实事项目表"


def test_pdf_page_limit(text_pdf: Path) -> None:
    from minsheng.ingest.limits import Budget, Limits

    with pytest.raises(IngestError, match="页的导入上限"):
        read_pdf(text_pdf, budget=Budget(Limits(max_pages=1)))


def test_truncated_pdf_is_ingest_error(text_pdf: Path, tmp_path: Path) -> None:
    path = tmp_path / "cut.pdf"
    path.write_bytes(text_pdf.read_bytes()[:300])
    with pytest.raises(IngestError, match="cut.pdf"):
        read_pdf(path)


# ------------------------------------------------------------------------------ .doc via LibreOffice


@needs_soffice
def test_doc_and_wps_read_through_libreoffice(tmp_path: Path) -> None:
    d = docx.Document()
    d.add_paragraph("2024年民生实事项目表")
    t = _grid_table(d, 3, 3)
    _fill(t, [["类别", "项目名称", "牵头单位"], [None, "新增托位1680个", "市卫健委"], [None, "新增学位", "市教育局"]])
    t.cell(1, 0).merge(t.cell(2, 0)).text = "幼有善育"
    d.add_paragraph("（此件公开发布）")
    src = _soffice_convert(d.save(tmp_path / "plan.docx") or tmp_path / "plan.docx", "doc", tmp_path)
    expected = [
        "2024年民生实事项目表",
        (("类别", "项目名称", "牵头单位"), ("幼有善育", "新增托位1680个", "市卫健委"),
         ("幼有善育", "新增学位", "市教育局")),
        "（此件公开发布）",
    ]
    assert texts(read_office(src, name="计划.doc")) == expected
    wps = tmp_path / "upload.bin"
    shutil.copyfile(src, wps)
    doc = read_office(wps, name="计划.wps")
    assert doc.source == "计划.wps"
    assert texts(doc) == expected


HAS_CALC = SOFFICE is not None and office_reader.has_component("sc")


@pytest.mark.skipif(not HAS_CALC, reason="LibreOffice Calc is not installed: cannot build or convert .xls")
def test_xls_read_through_libreoffice(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["项目名称", "数量"])
    ws.append(["新增托位", 1680])
    wb.save(tmp_path / "t.xlsx")
    xls = _soffice_convert(tmp_path / "t.xlsx", "xls", tmp_path)
    assert texts(read_office(xls, spreadsheet=True)) == [(("项目名称", "数量"), ("新增托位", "1680"))]


@pytest.mark.skipif(SOFFICE is None or HAS_CALC, reason="only where LibreOffice lacks Calc")
def test_xls_without_calc_is_clear_error(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.active.append(["项目名称", "数量"])
    wb.save(tmp_path / "t.xlsx")
    with pytest.raises(IngestError, match="Calc") as err:
        read_office(tmp_path / "t.xlsx", name="旧表.xls", spreadsheet=True)
    assert "旧表.xls" in str(err.value)


def test_missing_libreoffice_is_clear_error(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(office_reader.shutil, "which", lambda name: None)
    path = tmp_path / "old.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)
    with pytest.raises(IngestError, match="LibreOffice") as err:
        read_office(path)
    assert "old.doc" in str(err.value)


@needs_soffice
def test_libreoffice_timeout_is_clear_error(tmp_path: Path, monkeypatch) -> None:
    d = docx.Document()
    d.add_paragraph("x")
    d.save(tmp_path / "a.docx")
    monkeypatch.setattr(office_reader, "LIBREOFFICE_TIMEOUT", 0.01)
    with pytest.raises(IngestError, match="超时"):
        read_office(tmp_path / "a.docx", name="慢.doc")


def test_readers_do_not_mutate_inputs(tmp_path: Path) -> None:
    d = docx.Document()
    d.add_paragraph("x")
    path = tmp_path / "a.docx"
    d.save(path)
    before = path.read_bytes()
    read_docx(path)
    assert path.read_bytes() == before
    assert copy.deepcopy(read_docx(path)) == read_docx(path)
