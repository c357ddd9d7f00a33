"""The cross-format guarantee: one plan gives the same projects whatever file it arrives in.

Each seed plan (.txt) is rebuilt as a Word file with real merged cells and as an Excel workbook
with merged ranges and typed numbers, then varied (columns reordered, traditional↔simplified,
districts renamed). The readers must hand the understanding layer the same Document as the
text reader does, and the projects must come out the same (after the same renaming where
the variant renamed something).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import variants as v

from minsheng.ingest import api
from minsheng.ingest.normalize import to_simplified
from minsheng.ingest.readers import office_reader, read_docx, read_xlsx

ALL_SEEDS = ["000", "001", "002", "003", "004"]
# Seeds whose projects sit in tables: 001 (责任清单 + 区县任务分解表, pipe tables, traditional),
# 003 (one tab table per section), 004 (项目表 with a two-row header and funding columns).
TABLE_SEEDS = ["001", "003", "004"]


@pytest.fixture(scope="module")
def text_plans() -> dict[str, dict]:
    """Each seed imported from its .txt, the reference every variant is compared with."""
    return {p: api.import_file(v.seed_path(p)) for p in ALL_SEEDS}


# ------------------------------------------------------------------- Document-level equality


@pytest.mark.parametrize("prefix", ALL_SEEDS)
def test_docx_variant_reads_as_the_same_document(prefix: str, tmp_path: Path) -> None:
    doc = v.seed_document(prefix)
    path = v.write_docx(doc, tmp_path / "plan.docx")
    assert v.document_shape(read_docx(path)) == v.document_shape(doc)


@pytest.mark.parametrize("prefix", ALL_SEEDS)
def test_xlsx_variant_reads_as_the_same_document(prefix: str, tmp_path: Path) -> None:
    doc = v.seed_document(prefix)
    path = v.write_xlsx(doc, tmp_path / "plan.xlsx")
    assert v.document_shape(read_xlsx(path)) == v.document_shape(doc)


def test_variants_really_use_merged_cells(tmp_path: Path) -> None:
    """Guard against the builders degenerating into unmerged copies of the rows."""
    import docx
    import openpyxl
    from docx.oxml.ns import qn

    doc = v.seed_document("001")
    body = docx.Document(str(v.write_docx(doc, tmp_path / "p.docx"))).element.body
    assert len(body.findall(f".//{qn('w:vMerge')}")) > 20
    assert len(body.findall(f".//{qn('w:gridSpan')}")) > 2
    wb = openpyxl.load_workbook(v.write_xlsx(doc, tmp_path / "p.xlsx"))
    assert sum(len(ws.merged_cells.ranges) for ws in wb.worksheets) > 20
    assert any(isinstance(c.value, int | float) for ws in wb.worksheets for row in ws.iter_rows() for c in row)


def test_merge_plan_covers_every_cell_once() -> None:
    rows = [
        ["序号", "类别", "名称", ""],
        ["1", "养老", "甲", "x"],
        ["1", "养老", "乙", ""],
        ["（二）", "", "", ""],
        ["2", "医疗", "丙", "y"],
    ]
    rects = v.merge_plan(rows)
    seen = [[0] * 4 for _ in rows]
    for r0, c0, r1, c1 in rects:
        for r in range(r0, r1 + 1):
            for c in range(c0, c1 + 1):
                seen[r][c] += 1
    assert all(n == 1 for row in seen for n in row)
    assert (0, 2, 0, 3) in rects  # 名称 spans the empty header cell after it
    assert (1, 0, 2, 0) in rects and (1, 1, 2, 1) in rects  # 序号 and 类别 merged down
    assert (3, 0, 3, 3) in rects  # the heading row spans the table


# ------------------------------------------------------------------ projects-level equality


def _import(path: Path) -> dict:
    return api.import_file(path, name=path.name)


@pytest.mark.parametrize("prefix", ALL_SEEDS)
def test_docx_variant_gives_the_same_projects(prefix: str, text_plans, tmp_path: Path) -> None:
    path = v.write_docx(v.seed_document(prefix), tmp_path / f"{prefix}.docx")
    assert v.comparable_projects(_import(path)) == v.comparable_projects(text_plans[prefix])


@pytest.mark.parametrize("prefix", TABLE_SEEDS)
def test_xlsx_variant_gives_the_same_projects(prefix: str, text_plans, tmp_path: Path) -> None:
    path = v.write_xlsx(v.seed_document(prefix), tmp_path / f"{prefix}.xlsx")
    assert v.comparable_projects(_import(path)) == v.comparable_projects(text_plans[prefix])


@pytest.mark.parametrize("fmt", ["docx", "xlsx"])
@pytest.mark.parametrize("prefix", TABLE_SEEDS)
def test_reordered_columns_give_the_same_projects(prefix: str, fmt: str, text_plans, tmp_path: Path) -> None:
    doc = v.reorder_columns(v.seed_document(prefix))
    writer = v.write_docx if fmt == "docx" else v.write_xlsx
    path = writer(doc, tmp_path / f"{prefix}.{fmt}")
    got = v.comparable_projects(_import(path), order_free=True)
    assert got == v.comparable_projects(text_plans[prefix], order_free=True)


@pytest.mark.parametrize("prefix", ALL_SEEDS)
def test_swapped_script_gives_the_same_projects(prefix: str, text_plans, tmp_path: Path) -> None:
    """Traditional seeds written in simplified script and simplified ones in traditional."""
    doc = v.swap_script(v.seed_document(prefix))
    path = v.write_docx(doc, tmp_path / f"{prefix}.docx")
    assert v.comparable_projects(_import(path)) == v.comparable_projects(text_plans[prefix])


def _regions(plan: dict) -> set[str]:
    return {a["region"] for p in plan["projects"] for a in (p.get("allocations") or []) if a.get("region")}


@pytest.mark.parametrize("fmt", ["docx", "xlsx"])
def test_other_citys_districts_give_the_same_projects_renamed(fmt: str, text_plans, tmp_path: Path) -> None:
    """The same plan for another city: its districts in the columns and in the text."""
    reference = text_plans["001"]
    doc = v.map_text(v.seed_document("001"), to_simplified)
    text = " ".join(str(b) for b in doc.blocks)
    mapping = v.region_mapping(_regions(reference), avoid=text)
    assert len(mapping) >= 10, "the seed's decomposition table should name its districts"
    renamed = v.substitute_regions(doc, mapping)
    writer = v.write_docx if fmt == "docx" else v.write_xlsx
    path = writer(renamed, tmp_path / f"renamed.{fmt}")
    got = v.comparable_projects(_import(path))
    assert got == v.comparable_projects(v.substitute_json(reference, mapping))
    assert _regions({"projects": got}) >= set(mapping.values())


@pytest.mark.skipif(
    office_reader.find_libreoffice() is None, reason="LibreOffice (soffice) is not installed: cannot make the PDFs"
)
@pytest.mark.parametrize("prefix", ["000", "002"])
def test_pdf_of_a_numbered_list_plan_gives_the_same_document_and_projects(
    prefix: str, text_plans, tmp_path: Path
) -> None:
    """The plans written as numbered paragraphs, printed to PDF: wrapped lines become paragraphs again.

    (Table plans are not held to this: a wide table printed on a portrait page breaks its rows
    across pages, which the PDF reader does not rejoin.)
    """
    doc = v.seed_document(prefix)
    source = v.write_docx(doc, tmp_path / f"{prefix}.docx")
    pdf = office_reader.convert_with_libreoffice(source, "pdf", tmp_path, source.name)
    assert v.document_shape(api.read_document(pdf)) == v.document_shape(doc)
    assert v.comparable_projects(_import(pdf)) == v.comparable_projects(text_plans[prefix])
