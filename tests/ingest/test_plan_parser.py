"""Document → minsheng.plan/1: the rules of docs/plan-schema.md and docs/import-rules.md on
small synthetic documents (none of them a seed), plus a property test that nothing raises."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from minsheng.ingest.document import Document, Paragraph, Table
from minsheng.ingest.plan_parser import document_to_plan
from minsheng.ingest.text_reader import read_text
from minsheng.plans.plan_json import validation_errors


def plan_of(text: str) -> dict:
    return document_to_plan(read_text(text, name="t.txt"))


def by_name(plan: dict) -> dict[str, dict]:
    return {p["name"]: p for p in plan["projects"]}


def word_table(*rows: list[str]) -> str:
    return "\n\n".join("\n".join("\t" + c for c in r) for r in rows) + "\n"


# ----------------------------------------------------------------------------- metadata

NOTICE = """\
某某市人民政府办公室关于印发某某市2025年民生实事项目实施方案的通知
某政办发〔2025〕7号
各区人民政府，市政府各部门：
现将《某某市2025年民生实事项目实施方案》印发给你们，请认真贯彻落实。
某某市人民政府办公室
2025年3月5日
某某市2025年民生实事项目实施方案
一、总体要求
各项目原则上于10月底前全面完成年度目标任务。
二、主要任务
（一）教育提质
1.新建幼儿园6所，新增学位1800个。（牵头单位：市教育局；配合单位：市财政局、各区人民政府）
2.义务教育提质工程。改造薄弱学校10所，新增教师200名。（责任单位：市教育局、市人社局）
（二）健康服务
3.为65岁以上老年人免费体检20万人次。（责任单位：市卫健委牵头，市财政局、市医保局按职责分工负责）
4.推进城乡医疗资源均衡布局。（牵头单位：市卫健委）
三、保障措施
（一）加强领导。各区要高度重视。
"""


def test_metadata_of_a_notice_issuing_a_plan() -> None:
    plan = plan_of(NOTICE)["plan"]
    assert plan == {
        "title": "某某市2025年民生实事项目实施方案",
        "issuer": "某某市人民政府办公室",
        "doc_number": "某政办发〔2025〕7号",
        "year": 2025,
        "issued_on": "2025-03-05",
        "region": "某某市",
        # 各项目原则上于10月底前全面完成年度目标任务: the document-wide deadline ends every curve.
        "settings": {"deadline": "2025-10-31"},
    }


def test_numbered_items_units_categories_and_titles() -> None:
    plan = plan_of(NOTICE)
    assert plan["schema"] == "minsheng.plan/1" and plan["source"] == "t.txt"
    ps = plan["projects"]
    assert [p["ref"] for p in ps] == ["1", "2", "3", "4"]
    assert [p["category"] for p in ps] == ["教育提质", "教育提质", "健康服务", "健康服务"]
    assert all(p["section"] is None for p in ps)
    p1, p2, p3, p4 = ps
    # an untitled item: the whole text is the name
    assert p1["name"] == "新建幼儿园6所,新增学位1800个。" and p1["content"] is None
    assert p1["lead_units"] == ["市教育局"]
    assert p1["partner_units"] == ["市财政局", "各区人民政府"]
    # a titled item: title sentence → name, details → content; a bare 责任单位 list → lead
    assert p2["name"] == "义务教育提质工程" and p2["content"] == "改造薄弱学校10所,新增教师200名。"
    assert p2["lead_units"] == ["市教育局", "市人社局"] and p2["partner_units"] == []
    assert [(t["value"], t["unit"]) for t in p2["targets"]] == [(10, "所"), (200, "名")]
    # "X牵头，Y、Z按职责分工负责"
    assert p3["lead_units"] == ["市卫健委"] and p3["partner_units"] == ["市财政局", "市医保局"]
    assert p4["targets"] == []
    # the document-wide deadline applies to every item
    assert {p["deadline"] for p in ps} == {"2025-10-31"}
    # the body's own numbered paragraphs are no projects
    assert "加强领导" not in json.dumps(ps, ensure_ascii=False)


def test_deadline_defaults_to_the_end_of_the_plan_year() -> None:
    text = "某县2026年民生实事项目\n1.新建公厕10座。（责任单位：县城管局）\n2.改造道路5公里。（责任单位：县交通局）"
    plan = plan_of(text)
    assert plan["plan"]["year"] == 2026
    assert [p["deadline"] for p in plan["projects"]] == ["2026-12-31", "2026-12-31"]


def test_traditional_input_and_layout_spaces() -> None:
    text = (
        "某某市2024年民生實事項目責任清單\n"
        "1.新增養老床位500張。（牽頭單位：市衛生健康 委員會；配合單位：市財政局、各區、縣（市）政府）\n"
        "2.建設社區食堂30個。（責任單位：市民政局）\n"
    )
    plan = plan_of(text)
    p = plan["projects"][0]
    assert plan["plan"]["title"] == "某某市2024年民生实事项目责任清单"
    assert p["name"] == "新增养老床位500张。"
    assert p["lead_units"] == ["市卫生健康委员会"]
    assert p["partner_units"] == ["市财政局", "各区、县(市)政府"]


def test_attachments_are_sections() -> None:
    text = """\
某某县人民政府关于下达2024年为民办实事项目的通知
附件：1．重点民生实事项目
2．一般民生实事项目
某某县人民政府
2024年1月20日
附件1
重点民生实事项目
一、教育扩容工程。新建学校2所。（责任单位：县教育局）
二、医疗提升工程。新建医院1所。（责任单位：县卫健局）
附件2
一般民生实事项目
一、城乡建设方面
1．改造老旧小区12个。（责任单位：县住建局）
2．新建停车位800个。（责任单位：县城管局）
"""
    plan = plan_of(text)
    ps = plan["projects"]
    assert [(p["section"], p["ref"], p["category"], p["name"]) for p in ps] == [
        ("附件1", "1", None, "教育扩容工程"),
        ("附件1", "2", None, "医疗提升工程"),
        ("附件2", "1", "城乡建设方面", "改造老旧小区12个。"),
        ("附件2", "2", "城乡建设方面", "新建停车位800个。"),
    ]
    assert plan["plan"]["title"] == "重点民生实事项目"
    assert plan["plan"]["region"] == "某某县"


# ----------------------------------------------------------------------------- tables

HEADER = ["序号", "项目类别", "项目名称", "任务明细", "项目类型", "完成时限", "牵头单位", "配合单位", "分管领导"]
ROW1 = ["1", "一、教育惠民", "提升保教质量", "创建优质幼儿园3所。", "新增实施", "2024年10月", "教体局", "财政局"]
ROWS = [
    [*ROW1, "王  刚"],
    ["2", "", "关爱困难学生", "资助学生1000人。", "连续实施", "", "", "民政局\n财政局", ""],
    ["3", "二、医疗健康", "提升急救能力", "新建急救站2个。", "新增实施", "9月底", "卫健委\n\n红十\n字会", "——"]
    + ["李 强 赵 敏"],
]


def table_plan(header: list[str], rows: list[list[str]]) -> dict:
    return plan_of("2024年县政府民生实事项目表\n" + word_table(header, *rows))


def test_project_table_by_header_words() -> None:
    ps = table_plan(HEADER, ROWS)["projects"]
    assert [p["ref"] for p in ps] == ["1", "2", "3"]
    p1, p2, p3 = ps
    assert (p1["category"], p1["name"], p1["content"], p1["kind"]) == (
        "教育惠民",
        "提升保教质量",
        "创建优质幼儿园3所。",
        "新增实施",
    )
    assert p1["deadline"] == "2024-10-31"
    assert p1["leaders"] == ["王刚"]
    # merged cells: category, deadline, lead unit and leader come from the row above
    assert p2["category"] == "教育惠民" and p2["deadline"] == "2024-10-31"
    assert p2["lead_units"] == ["教体局"] and p2["partner_units"] == ["民政局", "财政局"]
    assert p2["leaders"] == ["王刚"]
    # a name a cell wrapped is put back together; "——" means none; two people in one cell
    assert p3["lead_units"] == ["卫健委", "红十字会"] and p3["partner_units"] == []
    assert p3["leaders"] == ["李强", "赵敏"]
    assert p3["deadline"] == "2024-09-30"


def test_columns_in_another_order_read_the_same() -> None:
    order = [8, 0, 7, 2, 6, 3, 1, 5, 4]
    reordered = table_plan([HEADER[i] for i in order], [[r[i] for i in order] for r in ROWS])
    assert reordered["projects"] == table_plan(HEADER, ROWS)["projects"]


def test_same_table_as_a_reader_would_give_it() -> None:
    """plan_parser needs no text-file quirks: a Document built by hand reads the same."""
    resolved = [
        ROWS[0],
        [
            "2",
            "一、教育惠民",
            "关爱困难学生",
            "资助学生1000人。",
            "连续实施",
            "2024年10月",
            "教体局",
            "民政局\n财政局",
            "王  刚",
        ],
        ROWS[2],
    ]
    doc = Document(
        source="t.txt",
        blocks=[Paragraph("2024年县政府民生实事项目表"), Table(rows=tuple(map(tuple, [HEADER, *resolved])))],
    )
    assert document_to_plan(doc)["projects"] == table_plan(HEADER, ROWS)["projects"]


def test_goal_table_whose_name_column_groups_several_work_rows() -> None:
    text = "某区2023年政府工作报告责任分解\n一、主要目标\n" + word_table(
        ["序号", "目标名称", "工作标准", "牵头领导", "牵头单位", "责任单位"],
        ["1", "稳增长", "地区生产总值增长5%", "张三", "发改局", "各街道"],
        ["", "", "新增规上企业20家", "", "工信局", ""],
        ["2", "惠民生", "新增就业1万人", "李四", "人社局", "——"],
    )
    ps = plan_of(text)["projects"]
    assert [(p["ref"], p["category"], p["name"], p["content"]) for p in ps] == [
        ("1", "稳增长", "地区生产总值增长5%", None),
        ("1", "稳增长", "新增规上企业20家", None),
        ("2", "惠民生", "新增就业1万人", None),
    ]
    assert ps[1]["lead_units"] == ["工信局"] and ps[1]["partner_units"] == ["各街道"]
    assert ps[2]["partner_units"] == []


def test_funding_columns_in_wan_yuan() -> None:
    text = "2024年县民生实事项目表\n" + word_table(
        ["序号", "项目名称", "投资规模及资金筹措（单位：万元）", "", "", "", "责任单位"],
        ["", "", "总投资", "2024年计划投资", "上级补助", "自筹资金", ""],
        ["1", "建设养老中心", "1200.5", "800", "", "400", "民政局"],
        ["2", "改造农贸市场", "300", "300", "100", "", "商务局"],
    )
    a, b = plan_of(text)["projects"]
    assert a["funding"] == {
        "unit": "万元",
        "total": 1200.5,
        "annual": 800,
        "superior": None,
        "local": None,
        "social": None,
        "self": 400,
    }
    assert b["funding"]["superior"] == 100 and b["funding"]["self"] is None
    assert a["lead_units"] == ["民政局"]


def test_quarter_columns_are_a_schedule() -> None:
    text = "2024年区民生实事\n" + word_table(
        ["序号", "项目名称", "一季度", "二季度", "三季度", "四季度", "责任单位"],
        ["1", "新建口袋公园8个", "完成2个", "完成4个", "完成6个", "完成8个", "园林局"],
    )
    (p,) = plan_of(text)["projects"]
    assert [m["due"] for m in p["milestones"]] == ["2024-03-31", "2024-06-30", "2024-09-30", "2024-12-31"]


# ----------------------------------------------------------------------------- decomposition

TWO_LISTS = (
    "某某市2024年民生实事\n"
    "附件1\n民生实事项目责任清单\n"
    "序号 | 项目名称 | 牵头单位 | 完成时间 |\n"
    "1 | 新增普惠托位600个 | 市卫健委 | 11月底 |\n"
    "2 | 建设“家门口”体育设施100处、绿道50公里 | 市体育局 | 10月底 |\n"
    "3 | 全市统筹推进就业帮扶 | 市人社局 | 12月底 |\n"
    "附件2\n任务分解表\n"
    "序号 | 项目名称 | 量化目标 | 牵头单位 | 市本级 | 东湖区 | 西山县 | 南岭市 |\n"
    "1 | 新增普惠托位600个 | 600个 | 市卫健委 | 100个 | 5(4)个 | -- | 491个 |\n"
    "2 | 建设家门口体育设施100处、绿道50公里 | 100处 | 市体育局 | -- | 60处 | 40处 | |\n"
    "50公里 | -- | -- | 20公里 | 30公里 | |||\n"
    "3 | 全市统筹推进就业帮扶 | -- | 市人社局 | 全市作为一个整体完成，不分解。 | ||||\n"
)


def test_decomposition_lands_in_the_projects_it_decomposes() -> None:
    plan = plan_of(TWO_LISTS)
    ps = plan["projects"]
    assert [(p["section"], p["name"]) for p in ps] == [
        ("附件1", "新增普惠托位600个"),
        ("附件1", "建设“家门口”体育设施100处、绿道50公里"),
        ("附件1", "全市统筹推进就业帮扶"),
    ]
    a, b, c = ps
    # 市本级 is a region, 5(4) is 9, -- is absent, regions come from the table's own header
    assert [(x["region"], x["value"], x["target"]) for x in a["allocations"]] == [
        ("市本级", 100, 0),
        ("东湖区", 9, 0),
        ("南岭市", 491, 0),
    ]
    # a sub-row measures the project's second target
    assert [(x["region"], x["value"], x["unit"], x["target"]) for x in b["allocations"]] == [
        ("东湖区", 60, "处", 0),
        ("西山县", 40, "处", 0),
        ("西山县", 20, "公里", 1),
        ("南岭市", 30, "公里", 1),
    ]
    # a figure for the whole city only gives none
    assert c["allocations"] == []


def test_decomposition_alone_becomes_the_project_list() -> None:
    text = (
        "2024年民生实事任务分解表\n"
        "序号 | 项目名称 | 量化目标 | 牵头单位 | 甲区 | 乙区 |\n"
        "1 | 新建公厕20座 | 20座 | 城管局 | 12座 | 8座 |\n"
    )
    (p,) = plan_of(text)["projects"]
    assert p["name"] == "新建公厕20座" and p["lead_units"] == ["城管局"]
    assert [(x["region"], x["value"]) for x in p["allocations"]] == [("甲区", 12), ("乙区", 8)]


# ----------------------------------------------------------------------------- robustness


def test_empty_and_odd_documents() -> None:
    for text in ["", "\n\n", "|", "\t", "附件1", "1.", "一、", "| a | b |\n| --- | --- |", "\t序号\n\t名称\n\n\t1"]:
        plan = plan_of(text)
        assert plan["schema"] == "minsheng.plan/1"
        json.dumps(plan, ensure_ascii=False)
    assert document_to_plan(Document(source="x", blocks=[Table(rows=())]))["projects"] == []
    ragged = Table(rows=(("序号", "项目名称", "责任单位"), ("1",), ("2", "新建学校2所", "教育局", "多余")))
    (p,) = document_to_plan(Document(source="x", blocks=[ragged]))["projects"]
    assert p["name"] == "新建学校2所"


_ALPHABET = st.sampled_from(
    list("|\t\n 　1234567890.、，。：:；()（）〔〕-—%个所万亿年月日底季度一二三四五六七八九十")
    + list("附件序号名称单位牵头责任配合领导区县市本级")
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=_ALPHABET, max_size=400) | st.text(max_size=200))
def test_never_raises_on_arbitrary_text(text: str) -> None:
    plan = document_to_plan(read_text(text, name="x.txt"))
    assert plan["schema"] == "minsheng.plan/1"
    json.dumps(plan, ensure_ascii=False)
    assert validation_errors(plan) == []


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.lists(st.text(alphabet=_ALPHABET, max_size=12), min_size=0, max_size=8),
        min_size=0,
        max_size=8,
    )
)
def test_never_raises_on_arbitrary_tables(rows: list[list[str]]) -> None:
    header = ("序号", "项目名称", "牵头单位", "甲区", "乙区")
    doc = Document(source="x", blocks=[Table(rows=(header, *map(tuple, rows)))])
    plan = document_to_plan(doc)
    json.dumps(plan, ensure_ascii=False)
    assert validation_errors(plan) == []


def test_a_document_that_names_nothing_still_gives_a_valid_plan() -> None:
    plan = plan_of("1.新建学校。（责任单位：教育局）\n2.新建医院。（责任单位：卫健委）")
    assert validation_errors(plan) == []
    assert plan["plan"]["title"] == "t" and plan["plan"]["region"] == "未识别地区"
    assert len(plan["projects"]) == 2


def test_sheet_with_title_and_unit_rows_above_its_header() -> None:
    rows = [
        ("乙县2024年民生实事项目表", "", "", "", ""),
        ("单位：万元", "", "", "", ""),
        ("序号", "项目名称", "建设内容", "总投资", "责任单位"),
        ("一、教育（2项）", "", "", "", ""),
        ("1", "新建幼儿园", "新建幼儿园2所", "1200", "县教育局"),
        ("2", "改造操场", "改造操场5个", "300", "县教育局"),
        ("二、卫生", "", "", "", ""),
        ("3", "建急救站", "新建急救站2个", "200", "县卫健委"),
    ]
    plan = document_to_plan(Document(source="y.xlsx", blocks=[Table(rows=tuple(rows), origin="Sheet1")]))
    assert plan["plan"]["title"] == "乙县2024年民生实事项目表" and plan["plan"]["region"] == "乙县"
    assert [(p["ref"], p["category"], p["name"], p["funding"]["total"]) for p in plan["projects"]] == [
        ("1", "教育", "新建幼儿园", 1200),
        ("2", "教育", "改造操场", 300),
        ("3", "卫生", "建急救站", 200),
    ]


def test_pipe_table_with_a_merged_category_after_the_number() -> None:
    text = (
        "甲市2024年民生实事项目清单\n"
        "序号 | 类别 | 项目名称 | 牵头单位 | 配合单位 | 完成时间 |\n"
        "1 | 一、养老服务 | 新增养老床位500张 | 市民政局 | 市财政局 | 11月底 |\n"
        "2 | 新建社区食堂20个 | 市民政局 | 各区政府 | 10月底 | |\n"
        "3 | 二、教育 | 新建学校3所 | 市教育局 | 市财政局、市住建局 | 12月底 |\n"
    )
    ps = plan_of(text)["projects"]
    assert [(p["ref"], p["category"], p["deadline"]) for p in ps] == [
        ("1", "养老服务", "2024-11-30"),
        ("2", "养老服务", "2024-10-31"),
        ("3", "教育", "2024-12-31"),
    ]
    assert ps[1]["partner_units"] == ["各区政府"]


def test_items_cut_by_a_line_break_or_with_their_units_below() -> None:
    text = (
        "丙市2024年民生实事\n"
        "1.新建幼儿园6所，新增学位1800\n个。（牵头单位：市教育局）\n"
        "2.新建公园3个。\n责任单位：市园林局\n"
        "3.改造学校食堂5个（市教育局牵头，市财政局配合）。\n"
    )
    ps = plan_of(text)["projects"]
    assert [(p["name"], p["lead_units"], p["partner_units"]) for p in ps] == [
        ("新建幼儿园6所,新增学位1800个。", ["市教育局"], []),
        ("新建公园3个。", ["市园林局"], []),
        ("改造学校食堂5个", ["市教育局"], ["市财政局"]),
    ]


def test_item_with_a_details_paragraph_and_a_unit_line() -> None:
    text = (
        "丁市2024年十件民生实事\n"
        "（一）推进学前教育发展。\n"
        "新建幼儿园10所，新增学位3000个。\n"
        "牵头单位：市教育局；配合单位：市财政局\n"
        "（二）提升养老服务。\n"
        "新增养老床位800张。\n"
        "牵头单位：市民政局\n"
    )
    ps = plan_of(text)["projects"]
    assert [(p["ref"], p["name"], p["content"], p["lead_units"], p["partner_units"]) for p in ps] == [
        ("1", "推进学前教育发展", "新建幼儿园10所,新增学位3000个。", ["市教育局"], ["市财政局"]),
        ("2", "提升养老服务", "新增养老床位800张。", ["市民政局"], []),
    ]


def test_a_preparatory_step_is_not_the_document_deadline() -> None:
    text = (
        "戊县2024年民生实事\n"
        "各单位要在3月底前完成全部前期工作，确保11月底前全面完成年度目标任务。\n"
        "1.新建公厕10座。（责任单位：县城管局）\n"
    )
    (p,) = plan_of(text)["projects"]
    assert p["deadline"] == "2024-11-30"
