"""Uploading a plan document, correcting the preview, saving, and importing it again."""

import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from minsheng.plans.import_checks import check_document
from minsheng.plans.models import Plan, PlanImport, Project
from tests.helpers import gold, login

SEEDS = Path(__file__).resolve().parents[1] / "src" / "minsheng" / "data" / "seeds"
YICHANG = next(SEEDS.glob("002_*.txt"))


def test_checks_flag_allocations_that_do_not_add_up_unknown_units_and_missing_figures():
    doc = gold("001")
    project = doc["projects"][0]
    project["allocations"][0]["value"] += 5
    project["lead_units"] = ["市民政局", "市新设办公室"]
    doc["projects"][1]["targets"] = [{"value": None, "unit": "张", "op": ">="}]
    warnings = check_document(doc, known_units={"市民政局"})
    def messages(project, field):
        return [w.message for w in warnings if (w.project, w.field) == (project, field)]

    assert messages(0, "allocations") == ["区县分解合计 232个，与目标 227个 不一致"]
    assert messages(1, "targets") == ["指标“张”缺少数值"]
    assert "单位“市新设办公室”与已知单位不匹配，保存时将新建并标记为待确认" in messages(0, "units")
    clean = [w for w in check_document(gold("001"), {u for p in gold("001")["projects"]
                                                   for u in p["lead_units"] + p["partner_units"]})
             if w.field != "targets"]
    assert clean == []


def _upload(client, path: Path, name: str | None = None, data: bytes | None = None):
    upload = SimpleUploadedFile(name or path.name, data if data is not None else path.read_bytes())
    return client.post("/staff/imports/new/", {"file": upload})


@pytest.fixture
def coordinator(client, users):
    return login(client, users["admin"])


@pytest.mark.django_db
def test_upload_preview_correct_save_and_reimport(coordinator):
    title = gold("002")["plan"]["title"]
    Plan.objects.filter(title=title).delete()

    response = _upload(coordinator, YICHANG)
    assert response.status_code == 302
    draft = PlanImport.objects.latest("created_at")
    preview = coordinator.get(response["Location"]).content.decode()
    assert len(re.findall(r'<tr id="import-project-\d+"', preview)) == len(draft.document["projects"]) > 50
    assert not Plan.objects.filter(title=title).exists()  # nothing saved before the coordinator says so

    url = f"/staff/imports/{draft.pk}/projects/0/"
    form = coordinator.get(url + "?edit=1").content.decode()
    assert 'name="name"' in form
    project = draft.document["projects"][0]
    post = {
        "version": draft.version,
        "name": "改造提升老旧小区（已核对）",
        "category": project["category"] or "",
        "ref": project["ref"] or "",
        "content": project["content"] or "",
        "lead_units": "、".join(project["lead_units"]),
        "partner_units": "、".join(project["partner_units"]),
        "leaders": "",
        "unit_leaders": "",
        "deadline": project["deadline"],
        "kind": "",
        "targets-TOTAL_FORMS": "1",
        "targets-INITIAL_FORMS": "0",
        "targets-0-op": ">=",
        "targets-0-value": "120",
        "targets-0-unit": "个",
    }
    row = coordinator.post(url, post).content.decode()
    assert "改造提升老旧小区（已核对）" in row and "≥ 120个" in row

    stale = coordinator.post(url, {**post, "name": "另一个名字"})
    assert stale.status_code == 409
    assert "另一位同事刚刚修改了这份导入结果" in stale.content.decode()
    draft.refresh_from_db()
    assert draft.document["projects"][0]["name"] == "改造提升老旧小区（已核对）"

    saved = coordinator.post(f"/staff/imports/{draft.pk}/save/")
    plan = Plan.objects.get(title=title)
    assert saved["Location"] == f"/staff/plans/{plan.pk}/"
    first = plan.projects.order_by("position").first()
    assert first.name == "改造提升老旧小区（已核对）"
    assert [(t.value, t.unit) for t in first.targets.all()] == [(120, "个")]
    assert coordinator.post(f"/staff/imports/{draft.pk}/save/").status_code == 302
    assert Plan.objects.filter(title=title).count() == 1

    # The same document again: an update of the plan, with what changes listed before saving.
    projects = Project.objects.count()
    response = _upload(coordinator, YICHANG)
    again = PlanImport.objects.latest("created_at")
    preview = coordinator.get(response["Location"]).content.decode()
    assert "与系统中已有计划相比" in preview
    assert "新增 0 个项目，修改 1 个，删除 0 个" in preview
    coordinator.post(f"/staff/imports/{again.pk}/save/")
    assert Project.objects.count() == projects
    first.refresh_from_db()
    assert first.name == again.document["projects"][0]["name"] != "改造提升老旧小区（已核对）"
    assert first.history.count() >= 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name, data, message",
    [
        ("plan.docx", b"", "空"),
        ("plan.docx", b"PK\x03\x04 broken zip", "损坏"),
        ("plan.pdf", b"just some text, not a pdf", "不是PDF"),
        ("notice.txt", "关于召开会议的通知\n请各单位准时参加。\n".encode(), "未识别到任何项目"),
    ],
)
def test_bad_files_get_a_clear_message_and_save_nothing(coordinator, name, data, message):
    drafts, plans = PlanImport.objects.count(), Plan.objects.count()
    response = _upload(coordinator, Path(name), name=name, data=data)
    assert response.status_code == 200
    body = response.content.decode()
    assert message in body
    assert (PlanImport.objects.count(), Plan.objects.count()) == (drafts, plans)


@pytest.mark.django_db
def test_too_large_upload_is_refused(coordinator):
    big = b"1." + "新建社区食堂20个。".encode() * 1_300_000
    response = _upload(coordinator, Path("big.txt"), name="big.txt", data=big)
    assert "超过 20 MB 的上限" in response.content.decode()
    assert PlanImport.objects.count() == 0


@pytest.mark.django_db
def test_import_pages_are_for_coordinators_of_the_plan(client, users, coordinator):
    _upload(coordinator, YICHANG)
    draft = PlanImport.objects.latest("created_at")
    login(client, users["liaison"])
    assert client.get("/staff/imports/new/").status_code == 403
    assert client.get(f"/staff/imports/{draft.pk}/").status_code == 404
    login(client, users["coordinator"])  # Hangzhou's coordinator, the plan is Yichang's
    assert client.get(f"/staff/imports/{draft.pk}/").status_code == 404
    assert client.post(f"/staff/imports/{draft.pk}/save/").status_code == 404


@pytest.mark.django_db
def test_what_the_reader_skipped_is_shown_in_the_preview(coordinator, tmp_path):
    from openpyxl import load_workbook

    from tests.ingest.variants import seed_document, write_xlsx

    path = write_xlsx(seed_document("004"), tmp_path / "plan.xlsx")
    book = load_workbook(path)
    hidden = book.create_sheet("内部备注")
    hidden["A1"] = "不公开"
    hidden.sheet_state = "hidden"
    book.save(path)
    response = _upload(coordinator, path, name="涟水县项目表.xlsx")
    preview = coordinator.get(response["Location"]).content.decode()
    assert "已跳过隐藏的工作表“内部备注”" in preview
