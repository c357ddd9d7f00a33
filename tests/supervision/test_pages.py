"""The supervision and assessment pages through the test client, and the half-year report."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from docx import Document
from openpyxl import Workbook

from minsheng.assessment.models import Survey, SurveyResponse
from minsheng.core.models import Unit
from minsheng.progress.selectors import plan_progress
from minsheng.supervision import services
from minsheng.supervision.halfyear import halfyear_figures
from minsheng.supervision.models import Finding, Inspection
from tests.helpers import login, png

PNG = png()  # a real photo: uploads are decoded


@pytest.fixture
def civil(hangzhou_plan):
    return Unit.objects.get(region=hangzhou_plan.region, name="市民政局")


def test_record_answer_close_through_the_pages(client, hangzhou_plan, users, civil):
    plan = hangzhou_plan
    project = plan.projects.filter(unit_links__unit=civil).first()
    login(client, users["coordinator"])
    response = client.post(reverse("supervision:plan", args=[plan.pk]), {
        "kind": "unannounced", "date": "2024-06-12", "team": "督查室", "projects": [project.pk],
        "description": "台账不全", "severity": "major", "unit": civil.pk, "finding_project": project.pk,
        "deadline": "2024-06-28", "required_action": "补齐台账"})
    assert response.status_code == 302
    finding = Finding.objects.get(inspection__plan=plan)
    login(client, users["liaison"])
    assert "台账不全" in client.get(reverse("supervision:open")).content.decode()
    client.post(reverse("supervision:finding", args=[finding.pk]),
                {"note": "已补齐", "photo": SimpleUploadedFile("a.png", PNG, "image/png")})
    finding.refresh_from_db()
    assert finding.state == Finding.State.REPORTED
    # The unit cannot close its own item.
    client.post(reverse("supervision:finding", args=[finding.pk]), {"decision": "close"})
    finding.refresh_from_db()
    assert finding.state == Finding.State.REPORTED
    login(client, users["coordinator"])
    client.post(reverse("supervision:finding", args=[finding.pk]), {"decision": "close", "note": ""})
    finding.refresh_from_db()
    assert finding.state == Finding.State.CLOSED
    assert "台账不全" not in client.get(reverse("supervision:open")).content.decode()


def test_pages_answer_and_refuse(client, hangzhou_plan, users):
    plan = hangzhou_plan
    for name in ("supervision:plan", "supervision:flags", "supervision:congress", "assessment:plan",
                 "assessment:surveys", "assessment:evaluate"):
        login(client, users["coordinator"])
        assert client.get(reverse(name, args=[plan.pk])).status_code == 200, name
    login(client, users["liaison"])
    assert client.get(reverse("supervision:plan", args=[plan.pk])).status_code == 403
    assert client.post(reverse("assessment:compute", args=[plan.pk])).status_code == 403
    login(client, users["wuxi"])
    assert client.get(reverse("assessment:plan", args=[plan.pk])).status_code in (403, 404)


def test_flag_and_lift_pages(client, hangzhou_plan, users):
    plan = hangzhou_plan
    project = plan.projects.first()
    login(client, users["coordinator"])
    client.post(reverse("supervision:flags", args=[plan.pk]),
                {"project": project.pk, "reason": "滞后", "lift_criteria": "恢复正常"})
    flag = project.flags.get()
    client.post(reverse("supervision:lift", args=[flag.pk]), {"note": "已恢复"})
    flag.refresh_from_db()
    assert flag.state == "lifted"
    assert "摘牌：已恢复" in client.get(reverse("supervision:flags", args=[plan.pk])).content.decode()


def test_deputy_rates_on_their_own_account(client, hangzhou_plan, users):
    project = hangzhou_plan.projects.first()
    login(client, users["deputy"])
    client.post(reverse("assessment:evaluate", args=[hangzhou_plan.pk]),
                {"project": project.pk, "rating": "basic", "comment": "加快"})
    assert project.deputy_ratings.get().deputy == users["deputy"]
    login(client, users["coordinator"])
    response = client.post(reverse("assessment:evaluate", args=[hangzhou_plan.pk]),
                           {"project": project.pk, "rating": "satisfied"})
    assert response.status_code == 403


def test_public_survey_and_xlsx_import_with_row_errors(client, hangzhou_plan, users):
    project = hangzhou_plan.projects.filter(public=True).first()
    survey = Survey.objects.create(project=project, title="群众满意度", created_by=users["coordinator"])
    district = hangzhou_plan.region.children.first()
    response = client.post(reverse("surveys_public:answer", args=[survey.pk]),
                           {"rating": "satisfied", "region": district.pk})
    assert response.status_code == 200 and survey.responses.count() == 1

    def workbook(rows):
        wb = Workbook()
        for row in [("总体评价", "所在区县", "意见建议"), *rows]:
            wb.active.append(row)
        out = io.BytesIO()
        wb.save(out)
        return SimpleUploadedFile("a.xlsx", out.getvalue())

    login(client, users["coordinator"])
    url = reverse("assessment:surveys", args=[hangzhou_plan.pk])
    rows = [("满意", district.name, ""), ("很好", "", ""), ("不满意", "火星区", "")]
    page = client.post(url, {"import": "1", "survey": survey.pk, "file": workbook(rows)})
    text = page.content.decode()
    assert "第3行" in text and "第4行" in text and survey.responses.count() == 1
    client.post(url, {"import": "1", "survey": survey.pk, "file": workbook([("基本满意", district.name, "好")])})
    assert survey.responses.filter(source=SurveyResponse.Source.XLSX).count() == 1
    assert district.name in client.get(url).content.decode()


def test_halfyear_report_reads_back_as_the_database_says(client, hangzhou_plan, users, civil):
    plan = hangzhou_plan
    project = plan.projects.filter(unit_links__unit=civil).first()
    inspection = services.record_inspection(
        plan, users["coordinator"], kind=Inspection.Kind.DEPUTIES, date=datetime.date(2024, 5, 20), team="市人大代表",
        projects=[project], findings=[services.FindingInput("宣传不到位", "minor", civil, datetime.date(2024, 6, 10),
                                                            "加强宣传", project)])
    services.ask_question(plan, "王代表", civil, "助餐点何时全覆盖？", datetime.date(2024, 6, 20), project)
    plan.deputy_questions.update(answer="9月底前全覆盖")
    login(client, users["coordinator"])
    response = client.get(reverse("supervision:halfyear", args=[plan.pk]))
    doc = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in doc.paragraphs)
    progress = plan_progress(plan, datetime.date(2024, 6, 30))
    assert f"{len(progress.projects)}个项目平均完成{progress.mean_percent()}%" in text
    assert "督查发现问题1个" in text and "待整改1个" in text and "超期1个" in text
    projects_table, findings_table, questions_table = doc.tables
    assert len(projects_table.rows) - 1 == len(progress.projects)
    for row, p in zip(projects_table.rows[1:], progress.projects, strict=True):
        assert row.cells[0].text == p.project.name and float(row.cells[2].text) == p.percent_capped
    assert findings_table.rows[1].cells[2].text == "宣传不到位"
    assert [c.text for c in questions_table.rows[1].cells] == ["王代表", "市民政局", "助餐点何时全覆盖？",
                                                               "9月底前全覆盖"]
    assert halfyear_figures(plan)["rectification"]["total"] == inspection.findings.count()
