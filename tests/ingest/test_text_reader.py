"""Plain text → Document: paragraphs, pipe tables and flattened Word tables."""

from __future__ import annotations

from pathlib import Path

import pytest

from minsheng.ingest.document import Paragraph, Table
from minsheng.ingest.text_reader import decode_bytes, read_text


def tables(doc) -> list[Table]:
    return [b for b in doc.blocks if isinstance(b, Table)]


def paragraphs(doc) -> list[str]:
    return [b.text for b in doc.blocks if isinstance(b, Paragraph)]


# ----------------------------------------------------------------------------- encodings

TEXT = "关于印发2024年民生实事项目的通知\n1.新建幼儿园3所。（责任单位：市教育局）\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "utf-16"])
def test_encodings_are_detected(encoding: str, tmp_path: Path) -> None:
    path = tmp_path / "plan.txt"
    path.write_bytes(TEXT.encode(encoding))
    doc = read_text(path)
    assert paragraphs(doc) == ["关于印发2024年民生实事项目的通知", "1.新建幼儿园3所。（责任单位：市教育局）"]
    assert doc.source == "plan.txt"


def test_gb18030_that_is_not_utf8() -> None:
    data = "市衛生健康委員會".encode("gb18030")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    assert decode_bytes(data) == "市衛生健康委員會"


def test_text_and_path_and_name(tmp_path: Path) -> None:
    path = tmp_path / "x.txt"
    path.write_text(TEXT, encoding="utf-8")
    assert paragraphs(read_text(path)) == paragraphs(read_text(TEXT))
    # A string is text, never a file name: its content must not be read from disk.
    assert paragraphs(read_text(str(path))) == [str(path)]
    assert read_text(TEXT, name="上传.txt").source == "上传.txt"
    assert read_text(path, name="别名.txt").source == "别名.txt"


def test_crlf_and_blank_lines() -> None:
    doc = read_text("标题\r\n\r\n  正文第一段。\r\n\f第二段。")
    assert paragraphs(doc) == ["标题", "正文第一段。", "第二段。"]


# ----------------------------------------------------------------------------- pipe tables


def test_pipe_table_rows_missing_their_merged_leading_cells() -> None:
    # A web page lists only the cells that start in a row and pads the row at its end.
    text = "\n".join(
        [
            "序號 | 類別 | 項目名稱 | 牽頭單位 | 完成時限 |",
            "1 | 养老 | 新增助餐点20个 | 市民政局 | 11月底 |",
            "新增床位100张 | 市民政局 | 10月底 | ||",
            "新增护理员50人 | 市人社局 | 9月底 | ||",
            "2 | 教育 | 新建学校3所 | 市教育局 | 12月底 |",
        ]
    )
    (t,) = tables(read_text(text))
    assert t.rows == (
        ("序號", "類別", "項目名稱", "牽頭單位", "完成時限"),
        ("1", "养老", "新增助餐点20个", "市民政局", "11月底"),
        ("1", "养老", "新增床位100张", "市民政局", "10月底"),
        ("1", "养老", "新增护理员50人", "市人社局", "9月底"),
        ("2", "教育", "新建学校3所", "市教育局", "12月底"),
    )


def test_pipe_table_merged_column_in_the_middle() -> None:
    # 牵头单位 spans three rows: the two rows below lack it although it is not a leading cell.
    text = "\n".join(
        [
            "序号 | 项目名称 | 量化目标 | 牵头单位 | 市本级 | 甲区 | 乙县 |",
            "1 | 新增助餐点20个 | 20个 | 市民政局 | -- | 10个 | 10个 |",
            "2 | 新增床位100张 | 100张 | -- | 60张 | 40张 | |",
            "3 | 新增护理员50人 | 50人 | 5人 | 25人 | 20人 | |",
            "4 | 新建学校3所 | 3所 | 市教育局 | 1所 | 1所 | 1所 |",
        ]
    )
    (t,) = tables(read_text(text))
    assert t.rows[2] == ("2", "新增床位100张", "100张", "市民政局", "--", "60张", "40张")
    assert t.rows[3] == ("3", "新增护理员50人", "50人", "市民政局", "5人", "25人", "20人")


def test_pipe_table_sub_row_and_two_row_header() -> None:
    text = "\n".join(
        [
            "序 号 | 项目名称 | 量化 目标 | 市 本 级 | 各区县任务分解 | |",
            "甲 区 | 乙 县 | |||",
            "1 | 建公园5个、绿道30公里 | 5个 | -- | 3个 | 2个 |",
            "30公里 | 10公里 | 10公里 | 10公里 | ||",
        ]
    )
    (t,) = tables(read_text(text))
    assert [len(r) for r in t.rows] == [6, 6, 6, 6]
    assert t.rows[1][4:] == ("甲 区", "乙 县")
    assert t.rows[3] == ("1", "建公园5个、绿道30公里", "30公里", "10公里", "10公里", "10公里")


def test_pipe_cell_running_over_lines() -> None:
    text = "\n".join(
        [
            "序号 | 项目名称 | 进度安排 |",
            "1 | 新建学校3所 | 3月底前开工；",
            "9月底前完工。 |",
            "2 | 新增床位 | 6月底前完成 |",
            "此后是正文。",
        ]
    )
    doc = read_text(text)
    (t,) = tables(doc)
    assert t.rows[1] == ("1", "新建学校3所", "3月底前开工；\n9月底前完工。")
    assert paragraphs(doc) == ["此后是正文。"]


def test_key_value_header_table_and_prose_after_it() -> None:
    text = "文號: | 杭政辦函〔2024〕4號 | 成文日期: | 2024-02-04 |\n有效性: | 有效 |\n各區政府:\n正文。"
    doc = read_text(text)
    (t,) = tables(doc)
    assert t.rows[0] == ("文號:", "杭政辦函〔2024〕4號", "成文日期:", "2024-02-04")
    assert len(t.rows) == 2 and "有效" in t.rows[1]
    assert paragraphs(doc) == ["各區政府:", "正文。"]


# ----------------------------------------------------------------------------- Word tables


def word_table(*rows: list[str]) -> str:
    """Flatten rows the way Word's text export does: a tab before each cell, rows apart."""
    out = []
    for r in rows:
        out.append("\n".join("\t" + c for c in r))
    return "\n\n".join(out) + "\n"


def test_word_table_empty_cell_is_merged_from_above() -> None:
    text = "一、教育\n" + word_table(
        ["序号", "目标名称", "工作标准", "牵头领导", "牵头单位", "责任单位"],
        ["1", "学前教育", "新建幼儿园3所", "张三", "教育局", "各街道"],
        ["", "", "新增学位900个", "", "", ""],
        ["2", "义务教育", "新建小学1所", "李四", "", "——"],
        ["", "", "新增教师50名", "", "人社局", ""],
    )
    doc = read_text(text)
    (t,) = tables(doc)
    assert t.rows[2] == ("1", "学前教育", "新增学位900个", "张三", "教育局", "各街道")
    assert t.rows[3] == ("2", "义务教育", "新建小学1所", "李四", "教育局", "——")
    # "——" means none, and a row below that inherits it has none too
    assert t.rows[4] == ("2", "义务教育", "新增教师50名", "李四", "人社局", "——")
    assert paragraphs(doc) == ["一、教育"]


def test_word_table_first_data_row_inherits_nothing_and_each_table_starts_afresh() -> None:
    text = (
        word_table(["序号", "项目名称", "牵头单位"], ["1", "甲项目", "民政局"])
        + "\n\n二、医疗\n"
        + word_table(["序号", "项目名称", "牵头单位"], ["1", "乙项目", ""], ["2", "丙项目", "卫健委"])
    )
    t1, t2 = tables(read_text(text))
    assert t1.rows[1] == ("1", "甲项目", "民政局")
    assert t2.rows[1] == ("1", "乙项目", "")


def test_word_table_figures_are_not_inherited() -> None:
    text = word_table(
        ["序号", "项目名称", "总投资（万元）", "上级补助", "责任单位"],
        ["1", "甲项目", "110", "50", "教体局"],
        ["2", "乙项目", "200", "", ""],
    )
    (t,) = tables(read_text(text))
    assert t.rows[2] == ("2", "乙项目", "200", "", "教体局")


def test_word_table_multiline_cells_and_two_row_header() -> None:
    text = word_table(
        ["项目\n类别", "序号", "项目名称", "投资（万元）", "进度计划", "责任\n单位"],
        ["", "", "", "总投资", "上级补助", "", ""],
        ["一、教育", "1", "提升保教质量", "110", "60", "一季度：制定方案。\n\n二季度：完成创建。", "教体局\n团县委"],
    )
    (t,) = tables(read_text(text))
    assert [len(r) for r in t.rows] == [7, 7, 7]
    assert t.rows[0][3:5] == ("投资（万元）", "")
    assert t.rows[1][3:5] == ("总投资", "上级补助")
    assert t.rows[2][5] == "一季度：制定方案。\n\n二季度：完成创建。"
    assert t.rows[2][6] == "教体局\n团县委"


def test_word_row_with_a_horizontally_merged_note() -> None:
    text = word_table(
        ["序号", "目标名称", "工作标准", "牵头领导", "牵头单位", "责任单位"],
        ["1", "甲目标", "完成甲", "张三", "发改局", "各街道"],
        ["2", "乙目标", "完成乙", "李四", "财政局", "各街道"],
        ["3", "丙目标", "详见另表。这一项的说明很长，横跨了后面几列的位置，不是单位名称。"],
    )
    (t,) = tables(read_text(text))
    assert t.rows[3][:3] == ("3", "丙目标", "详见另表。这一项的说明很长，横跨了后面几列的位置，不是单位名称。")
    assert t.rows[3][3:] == ("", "", "")


def test_tab_indented_prose_is_not_a_table() -> None:
    text = (
        "\t为进一步做好民生工作，现将有关事项通知如下：请各地认真贯彻落实，确保各项任务按时完成。\n"
        "\t一是提高认识，加强领导，切实把民生实事办好办实，让群众有更多获得感和幸福感。\n"
    )
    doc = read_text(text)
    assert not tables(doc)
    assert len(paragraphs(doc)) == 2


def test_rows_copied_from_a_spreadsheet() -> None:
    text = "标题\n序号\t项目名称\t责任单位\t完成时限\n1\t新建学校2所\t教育局\t10月底\n2\t新建医院1所\t\t\n说明文字。"
    doc = read_text(text)
    (t,) = tables(doc)
    assert t.rows == (
        ("序号", "项目名称", "责任单位", "完成时限"),
        ("1", "新建学校2所", "教育局", "10月底"),
        ("2", "新建医院1所", "教育局", "10月底"),
    )
    assert paragraphs(doc) == ["标题", "说明文字。"]
