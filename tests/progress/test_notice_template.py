"""The notice's Word template: the shipped one, and a plan's own uploaded in its place.

The shipped template is built by scripts/build_notice_template.py; an office edits it in WPS or
Word and uploads it on the notices page. A small plan is built here whose figures are worked out
by hand: two projects of 市民政局 with a target of 100 each, 甲 at 100 (done) and 乙 at 30 in June
(expected about half of the year: 20 points behind, 滞后). Mean completion (100 + 30) / 2 = 65.0%.
"""

from __future__ import annotations

import datetime
import io
import runpy
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from docx import Document

from minsheng.core.models import Region, Unit
from minsheng.plans.models import Category, Plan, Project, ProjectUnit, Target
from minsheng.progress import services
from minsheng.progress.models import Notice, NoticeTemplate
from minsheng.progress.notice import create_notice, generate_notice, notice_date, notice_figures
from minsheng.progress.notice_docx import (
    DEFAULT_TEMPLATE,
    NoticeTemplateError,
    check_template,
    default_template_bytes,
    render_docx,
    sample_figures,
)
from minsheng.progress.selectors import plan_progress
from tests.helpers import login

pytestmark = pytest.mark.django_db
TZ = datetime.timezone(datetime.timedelta(hours=8))
ON_TIME = datetime.datetime(2024, 7, 1, 10, tzinfo=TZ)  # June's reports are due 3 July 2024
ROOT = Path(__file__).resolve().parents[2]
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def _tables(data: bytes) -> list[list[list[str]]]:
    return [[[c.text for c in row.cells] for row in t.rows] for t in Document(io.BytesIO(data)).tables]


def _text(data: bytes) -> str:
    return "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)


def _edited(template: bytes, *replacements: tuple[str, str]) -> bytes:
    """The template as an office leaves it after editing its text (word/document.xml)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(template)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            blob = source.read(info.filename)
            if info.filename == "word/document.xml":
                xml = blob.decode("utf-8")
                for old, new in replacements:
                    assert old in xml, old
                    xml = xml.replace(old, new)
                blob = xml.encode("utf-8")
            target.writestr(info, blob)
    return out.getvalue()


def _upload(data: bytes, name: str = "本地模板.docx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=DOCX)


# ---------------------------------------------------------------- the shipped template


def test_shipped_template_is_what_the_script_builds():
    build = runpy.run_path(str(ROOT / "scripts" / "build_notice_template.py"))["build"]
    assert build() == DEFAULT_TEMPLATE.read_bytes(), "run scripts/build_notice_template.py and commit the .docx"


def test_default_template_renders_every_row_of_every_table():
    data = render_docx(sample_figures())
    text = _text(data)
    every_cell = "\n".join(c for t in _tables(data) for row in t for c in row)
    assert "{{" not in text + every_cell and "{%" not in text + every_cell
    assert "民生实事项目进展情况通报\n第1期\n示例市民生实事项目领导小组办公室　　　　　　2024年7月5日" in text
    assert ("截至2024年6月底，2024年示例市民生实事项目共3个项目，其中已完成1个、超前0个、正常推进0个、滞后0个、"
            "严重滞后1个、未报送1个，全部项目平均完成率40.0%。另有1个项目本期进展逾期未报送") in text
    assert "（2025年节假日安排尚未发布" in text
    # Chapters numbered as printed: key projects and districts are in the sample, so seven.
    for heading in ("一、总体进展", "二、分类推进情况", "三、重点项目及其子项目", "四、滞后项目", "五、区县推进情况",
                    "六、牵头单位排名", "七、下步工作要求"):
        assert heading in text.split("\n"), heading
    assert "（三）养老服务：1个项目，平均完成率0.0%，已完成0个，滞后（含严重滞后）0个。" in text
    assert "（一）改造老旧小区20个（人大票决）：1个子项目，完成率20.0%，序时进度50.0%，严重滞后。" in text

    tables = _tables(data)
    assert tables[0] == [["状态", "项目数", "占比"], ["已完成", "1", "33.3%"], ["超前", "0", "0.0%"],
                         ["正常", "0", "0.0%"], ["滞后", "0", "0.0%"], ["严重滞后", "1", "33.3%"],
                         ["未报送", "1", "33.3%"], ["合计", "3", "100.0%"]]
    # One table per category.
    assert tables[1][1] == ["1", "新建城市书房5家", "市文化广电旅游局", "5家", "100.0%", "50.0%", "已完成"]
    assert tables[2][1] == ["1", "改造老旧小区20个", "市住房和城乡建设局、各区政府", "20个", "20.0%", "50.0%",
                            "严重滞后"]
    assert tables[3][1] == ["1", "新增养老床位300张", "（未定牵头单位）", "—", "0.0%", "50.0%", "未报送"]
    assert tables[4] == [["序号", "子项目", "牵头单位", "完成率", "序时进度", "状态"],
                         ["2.1", "改造上城区老旧小区8个", "上城区政府", "25.0%", "50.0%", "严重滞后"]]
    # Lagging projects with their lead units and leaders, flagged ones marked.
    assert tables[5] == [["序号", "项目名称", "牵头单位", "分管领导", "完成率", "序时进度", "状态"],
                         ["1", "改造老旧小区20个（挂牌督办）", "市住房和城乡建设局、各区政府", "李四", "20.0%", "50.0%",
                          "严重滞后"]]
    assert tables[6][1:] == [["1", "新增养老床位300张", "（未定牵头单位）", "0.0%", "未报送"]]
    assert tables[7][1:] == [["1", "上城区", "1", "1", "25.0%", "50.0%", "严重滞后", "1"],
                             ["—", "下城区", "1", "0", "—", "50.0%", "未报送", "0"]]
    assert [row[:4] for row in tables[8][1:]] == [["1", "市文化广电旅游局", "1", "100.0%"],
                                                  ["2", "市住房和城乡建设局", "1", "20.0%"],
                                                  ["2", "各区政府", "1", "20.0%"],
                                                  ["4", "（未定牵头单位）", "1", "0.0%"]]
    assert tables[9][1:] == [["1", "市文化广电旅游局", "6", "6", "6", "0", "100.0%"],
                             ["2", "市住房和城乡建设局", "6", "4", "3", "2", "50.0%"],
                             ["—", "各区政府", "6", "0", "0", "6", "未报送"]]
    assert len(tables) == 10
    # The formulas of both rankings are printed under them.
    assert "注：完成率排名的计算方法（示例）。" in text and "注：报送及时率排名的计算方法（示例）。" in text


def test_sections_without_figures_drop_out_and_the_numbering_closes_up():
    figures = {**sample_figures(), "parents": [], "districts": [], "lagging": [], "overdue_reports": [],
               "unpublished_years": []}
    text = _text(render_docx(figures))
    assert "重点项目" not in text and "区县推进情况" not in text and "节假日安排" not in text
    assert "本期无滞后项目。" in text
    for heading in ("一、总体进展", "二、分类推进情况", "三、滞后项目", "四、牵头单位排名", "五、下步工作要求"):
        assert heading in text.split("\n"), heading


def test_names_with_markup_characters_are_printed_as_they_are():
    figures = sample_figures()
    figures["categories"][0]["projects"][0]["name"] = "A&B <新建> 书房"
    assert _tables(render_docx(figures))[1][1][1] == "A&B <新建> 书房"


def test_sample_figures_have_every_key_the_notice_has(hangzhou_plan):
    period = services.ensure_periods(hangzhou_plan, datetime.date(2024, 12, 31))[5]
    real = notice_figures(plan_progress(hangzhou_plan, notice_date(period)), 1, period)
    sample = sample_figures()
    assert set(sample) == set(real)
    real_row = real["categories"][0]["projects"][0]
    assert set(sample["categories"][0]["projects"][0]) == set(real_row)
    assert set(sample["units_by_punctuality"][0]) == set(real["units_by_punctuality"][0])
    assert set(sample["units_by_completion"][0]) == set(real["units_by_completion"][0])


@pytest.mark.parametrize(("broken", "named"), [
    ("{{ total }}", "{{ total }"),  # a brace lost while editing
    ("{%tr endfor %}", "{%tr endfo %}"),  # a misspelt tag
])
def test_a_template_with_a_broken_tag_is_refused_saying_why(broken, named):
    data = _edited(default_template_bytes(), (broken, named))
    with pytest.raises(NoticeTemplateError, match="模板中的标签有误"):
        check_template(data)


def test_a_template_naming_a_figure_the_notice_does_not_have_is_refused_with_the_name():
    data = _edited(default_template_bytes(), ("{{ total }}", "{{ totl }}"))
    with pytest.raises(NoticeTemplateError, match="“totl”不是通报的数据项"):
        check_template(data)


def test_a_template_cannot_reach_into_python():
    data = _edited(default_template_bytes(), ("{{ total }}", "{{ total.__class__.__mro__ }}"))
    with pytest.raises(NoticeTemplateError):
        check_template(data)


# ---------------------------------------------------------------- a plan's own template


@pytest.fixture
def small(users):
    region = Region.objects.get(name="杭州市")
    unit = Unit.objects.get(region=region, name="市民政局")
    plan = Plan.objects.create(region=region, year=2024, title="模板测试计划", status=Plan.Status.PUBLISHED)
    periods = {p.month: p for p in services.ensure_periods(plan, datetime.date(2024, 7, 10))}
    category = Category.objects.create(plan=plan, name="养老服务", position=1)
    user = users["coordinator"]
    for position, name, value in ((1, "甲 新增助餐点", 100), (2, "乙 改造适老化住房", 30)):
        project = Project.objects.create(plan=plan, position=position, name=name, category=category)
        ProjectUnit.objects.create(project=project, unit=unit, role=ProjectUnit.Role.LEAD, label="市民政局")
        target = Target.objects.create(project=project, value=Decimal(100), unit="个")
        report = services.open_report(project, unit, periods[6])
        services.save_report(report, user, report.version, {"progress_text": "推进中"},
                             {target.pk: {"value": Decimal(value), "over_target_confirmed": True}}, {})
        report.refresh_from_db()
        services.submit_report(report, user, now=ON_TIME)
        services.review_report(report, user)
        services.accept_report(report, user)
    return plan, periods[6]


CUSTOM = (("民生实事项目进展情况通报", "民生工程推进情况简报"),
          ("各有关单位：", "各县（市、区）民生实事办："),
          # Word splits a tag over runs when a part of it is retyped: docxtpl joins them again.
          ("第{{ number }}期", '第{{ num</w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t xml:space="preserve">ber }}期'))


def test_a_plan_s_uploaded_template_makes_its_notices_with_the_right_figures(client, users, small):
    plan, june = small
    login(client, users["coordinator"])
    page = f"/staff/progress/plans/{plan.pk}/notices/template/"
    start = client.get(f"/staff/progress/plans/{plan.pk}/notices/template.docx")
    assert start.status_code == 200 and b"".join(start.streaming_content) == default_template_bytes()

    response = client.post(page, {"template": _upload(_edited(default_template_bytes(), *CUSTOM))}, follow=True)
    assert "模板已上传" in response.content.decode()
    saved = NoticeTemplate.objects.get(plan=plan)
    assert saved.uploaded_by == users["coordinator"] and saved.name == "本地模板.docx"
    assert "本地模板.docx" in client.get(page).content.decode()

    notice = generate_notice(create_notice(plan, june, users["coordinator"]).pk)
    assert notice.state == Notice.State.READY, notice.error
    data = notice.docx.read()
    text = _text(data)
    assert text.startswith("民生工程推进情况简报\n第1期\n")
    assert "各县（市、区）民生实事办：" in text and "各有关单位：" not in text
    assert ("截至2024年6月底，模板测试计划共2个项目，其中已完成1个、超前0个、正常推进0个、滞后1个、严重滞后0个、"
            "未报送0个，全部项目平均完成率65.0%。") in text
    tables = _tables(data)
    assert tables[0][1:] == [["已完成", "1", "50.0%"], ["超前", "0", "0.0%"], ["正常", "0", "0.0%"],
                             ["滞后", "1", "50.0%"], ["严重滞后", "0", "0.0%"], ["未报送", "0", "0.0%"],
                             ["合计", "2", "100.0%"]]
    assert [row[:4] for row in tables[1][1:]] == [["1", "甲 新增助餐点", "市民政局", "100个"],
                                                  ["2", "乙 改造适老化住房", "市民政局", "100个"]]
    lagging = next(t for t in tables if t[0][:4] == ["序号", "项目名称", "牵头单位", "分管领导"])
    assert [row[1:4] for row in lagging[1:]] == [["乙 改造适老化住房", "市民政局", "—"]]
    completion = next(t for t in tables if t[0][:2] == ["名次", "牵头单位"])
    assert completion[1:] == [["1", "市民政局", "2", "65.0%", "1", "1"]]

    # The download gives the plan's template now, to be edited further.
    current = client.get(f"/staff/progress/plans/{plan.pk}/notices/template.docx")
    assert b"".join(current.streaming_content) == saved.file.open("rb").read()

    # Back to the default: the next notice has the shipped wording again; the history keeps both steps.
    client.post(page, {"action": "reset"})
    assert [bool(t.file) for t in plan.notice_templates.all()] == [False, True]
    again = generate_notice(create_notice(plan, june, users["coordinator"]).pk)
    text = _text(again.docx.read())
    assert text.startswith("民生实事项目进展情况通报\n第2期\n") and "各有关单位：" in text


@pytest.mark.parametrize(("upload", "message"), [
    (lambda: _upload(_edited(default_template_bytes(), ("{{ total }}", "{{ total }"))), "模板中的标签有误"),
    (lambda: _upload(_edited(default_template_bytes(), ("{{ total }}", "{{ totl }}"))), "“totl”不是通报的数据项"),
    (lambda: _upload(b"not a word document"), "不是 PDF、Word(.docx) 或 Excel(.xlsx) 文件"),
    (lambda: _upload(b"PK" + b"\0" * (5 * 1024 * 1024)), "超过 5 MB"),
])
def test_a_refused_template_saves_nothing_and_says_why(client, users, small, settings, upload, message):
    plan, _ = small
    login(client, users["coordinator"])
    response = client.post(f"/staff/progress/plans/{plan.pk}/notices/template/", {"template": upload()}, follow=True)
    body = response.content.decode()
    assert "模板未保存" in body and message in body
    assert not NoticeTemplate.objects.filter(plan=plan).exists()
    assert not (Path(settings.MEDIA_ROOT) / "notice_templates").exists()


@pytest.mark.parametrize("username", ["wuxi", "leader", "liaison"])
def test_only_the_plan_s_coordinators_see_or_replace_its_template(client, users, small, settings, username):
    plan, _ = small
    NoticeTemplate.objects.create(plan=plan, uploaded_by=users["coordinator"])  # some history to protect
    login(client, users[username])
    page = f"/staff/progress/plans/{plan.pk}/notices/template/"
    assert client.get(page).status_code == 404
    assert client.get(f"/staff/progress/plans/{plan.pk}/notices/template.docx").status_code == 404
    custom = _upload(_edited(default_template_bytes(), *CUSTOM))
    assert client.post(page, {"template": custom}).status_code == 404
    assert client.post(page, {"action": "reset"}).status_code == 404
    assert NoticeTemplate.objects.filter(plan=plan).count() == 1
    assert not (Path(settings.MEDIA_ROOT) / "notice_templates").exists()


def test_another_city_s_template_is_not_used(client, users, small):
    """无锡's coordinator uploads for 无锡's plan: 杭州's notices keep the shipped template."""
    plan, june = small
    wuxi_plan = Plan.objects.get(region__name="无锡市")
    login(client, users["wuxi"])
    client.post(f"/staff/progress/plans/{wuxi_plan.pk}/notices/template/",
                {"template": _upload(_edited(default_template_bytes(), *CUSTOM))})
    assert NoticeTemplate.objects.filter(plan=wuxi_plan).count() == 1
    notice = generate_notice(create_notice(plan, june, users["coordinator"]).pk)
    assert _text(notice.docx.read()).startswith("民生实事项目进展情况通报\n")
