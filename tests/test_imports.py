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

    assert 'name="target" value="new" checked' in preview  # no plan of that title: a new one
    saved = coordinator.post(f"/staff/imports/{draft.pk}/save/", {"target": "new"})
    plan = Plan.objects.get(title=title)
    assert saved["Location"] == f"/staff/plans/{plan.pk}/"
    first = plan.projects.order_by("position").first()
    assert first.name == "改造提升老旧小区（已核对）"
    assert [(t.value, t.unit) for t in first.targets.all()] == [(120, "个")]
    assert coordinator.post(f"/staff/imports/{draft.pk}/save/", {"target": "new"}).status_code == 302
    assert Plan.objects.filter(title=title).count() == 1

    # The same document again: an update of the plan, with what changes listed before saving.
    projects = Project.objects.count()
    response = _upload(coordinator, YICHANG)
    again = PlanImport.objects.latest("created_at")
    preview = coordinator.get(response["Location"]).content.decode()
    assert "与系统中已有计划相比" in preview
    assert "新增 0 个项目，修改 1 个，删除 0 个" in preview
    assert f'name="target" value="{plan.pk}" checked' in preview  # suggested, the coordinator confirms
    coordinator.post(f"/staff/imports/{again.pk}/save/", {"target": plan.pk})
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


# --- one government cannot touch another's plans through the importer ------------------------------

HANGZHOU = next(SEEDS.glob("001_*.txt"))
WUXI = next(SEEDS.glob("000_*.txt"))


def _footprint(plan: Plan) -> tuple:
    """Everything an import could change on a plan, history included."""
    plan.refresh_from_db()
    return (
        plan.title,
        plan.doc_number,
        list(plan.projects.order_by("position").values_list("name", "ref", "deadline")),
        plan.history.count(),
        Project.history.filter(plan_id=plan.pk).count(),
    )


@pytest.mark.django_db
def test_another_citys_document_neither_shows_nor_changes_that_citys_plan(client, users, hangzhou_plan):
    before = _footprint(hangzhou_plan)
    wuxi = login(client, users["wuxi"])
    response = _upload(wuxi, HANGZHOU)
    draft = PlanImport.objects.latest("created_at")
    assert draft.document["plan"]["region"] == "杭州市" and draft.region is None

    for url in (response["Location"], f"{response['Location']}?target={hangzhou_plan.pk}"):
        preview = wuxi.get(url).content.decode()
        assert "文件中的区划“杭州市”不在您负责的区划（无锡市及其下辖区划）内" in preview
        assert 'id="changes"' not in preview and "与系统中已有计划相比" not in preview
        assert f'value="{hangzhou_plan.pk}"' not in preview and "更新已有计划" not in preview

    # Neither into Hangzhou's plan, nor as a new plan in Hangzhou, whatever the form sends.
    refused = wuxi.post(f"/staff/imports/{draft.pk}/save/", {"target": hangzhou_plan.pk}, follow=True)
    assert "所选的计划不属于本次导入的区划，或不在您负责的区划内" in refused.content.decode()
    refused = wuxi.post(f"/staff/imports/{draft.pk}/save/", {"target": "new"}, follow=True)
    assert "不在您负责的区划" in refused.content.decode()
    draft.refresh_from_db()
    assert draft.status == PlanImport.Status.DRAFT
    assert Plan.objects.filter(title=hangzhou_plan.title).count() == 1
    assert _footprint(hangzhou_plan) == before

    # Hangzhou's coordinator cannot reach Wuxi's draft because the document names Hangzhou.
    hangzhou = login(client, users["coordinator"])
    assert hangzhou.get(f"/staff/imports/{draft.pk}/").status_code == 404
    assert hangzhou.get(f"/staff/imports/{draft.pk}/projects/0/?edit=1").status_code == 404
    assert hangzhou.post(f"/staff/imports/{draft.pk}/save/", {"target": hangzhou_plan.pk}).status_code == 404
    assert hangzhou.post(f"/staff/imports/{draft.pk}/discard/").status_code == 404
    draft.refresh_from_db()
    assert draft.status == PlanImport.Status.DRAFT
    assert _footprint(hangzhou_plan) == before

    # Wuxi's coordinator may take the content as a plan of their own city, as a new plan.
    wuxi = login(client, users["wuxi"])
    plan_fields = {**draft.document["plan"], "region": "无锡市", "version": draft.version}
    plan_fields = {k: v for k, v in plan_fields.items() if v is not None}
    wuxi.post(f"/staff/imports/{draft.pk}/", plan_fields)
    draft.refresh_from_db()
    assert draft.region.name == "无锡市"
    preview = wuxi.get(f"/staff/imports/{draft.pk}/").content.decode()
    assert "不在您负责的区划" not in preview and "导入到区划：无锡市" in preview
    wuxi_plan = Plan.objects.get(region__name="无锡市")
    # Wuxi's own plan may be chosen, but its title differs: not suggested, a new plan by default.
    assert f'name="target" value="{wuxi_plan.pk}">' in preview
    assert 'name="target" value="new" checked' in preview
    saved = wuxi.post(f"/staff/imports/{draft.pk}/save/", {"target": "new"})
    created = Plan.objects.get(region__name="无锡市", title=hangzhou_plan.title)
    assert saved["Location"] == f"/staff/plans/{created.pk}/"
    assert created.projects.count() == len(draft.document["projects"])
    assert _footprint(hangzhou_plan) == before


@pytest.mark.django_db
def test_a_plan_of_the_same_title_elsewhere_is_never_offered_or_updated(client, users, hangzhou_plan):
    """Wuxi's document carrying Hangzhou's title (as a near-copy would): only Wuxi's plans are candidates."""
    from minsheng.plans import imports

    before = _footprint(hangzhou_plan)
    wuxi_user = users["wuxi"]
    doc = gold("000")
    doc["plan"]["title"] = hangzhou_plan.title
    draft = PlanImport.objects.create(
        created_by=wuxi_user, file_name="无锡.txt", file_sha256="0" * 64, document=doc,
        region=imports.resolve_import_region("无锡市", wuxi_user),
    )
    wuxi_plan = Plan.objects.get(region__name="无锡市")
    assert imports.candidate_plans(draft, wuxi_user) == [wuxi_plan]
    assert imports.suggested_plan(draft, wuxi_user) is None
    with pytest.raises(imports.ImportRefused):
        imports.commit_import(draft, wuxi_user, hangzhou_plan)
    # Another year's plan is not "updated" into this year's document either.
    with pytest.raises(imports.ImportRefused, match="不同年度的计划请新建"):
        imports.commit_import(draft, wuxi_user, Plan(pk=wuxi_plan.pk, region=wuxi_plan.region, year=2023))
    result = imports.commit_import(draft, wuxi_user, None)
    assert result.plan_created and result.plan.region.name == "无锡市"
    assert _footprint(hangzhou_plan) == before


@pytest.mark.django_db
def test_region_names_resolve_only_among_the_users_regions(users):
    from minsheng.plans.imports import resolve_import_region

    wuxi, hangzhou, admin, liaison = (users[n] for n in ("wuxi", "coordinator", "admin", "liaison"))
    assert resolve_import_region("杭州市", wuxi) is None
    assert resolve_import_region("宜昌市", wuxi) is None
    assert resolve_import_region("杭州市", hangzhou).name == "杭州市"
    district = resolve_import_region("西湖区", hangzhou)
    assert district.name == "西湖区" and district.parent.name == "杭州市"
    assert resolve_import_region("西湖区", wuxi) is None
    assert resolve_import_region("宜昌市", admin).name == "宜昌市"
    assert resolve_import_region("杭州市", liaison) is None  # not a coordinator at all


@pytest.mark.django_db
def test_own_plan_is_suggested_and_updated_only_when_confirmed(client, users):
    wuxi = login(client, users["wuxi"])
    wuxi_plan = Plan.objects.get(region__name="无锡市")
    projects = wuxi_plan.projects.count()
    response = _upload(wuxi, WUXI)
    draft = PlanImport.objects.latest("created_at")
    assert draft.region == wuxi_plan.region
    preview = wuxi.get(response["Location"]).content.decode()
    assert f'name="target" value="{wuxi_plan.pk}" checked' in preview
    assert "新增 0 个项目，修改 0 个，删除 0 个" in preview

    # No choice sent: nothing is saved, whatever the suggestion was.
    refused = wuxi.post(f"/staff/imports/{draft.pk}/save/", follow=True)
    assert "请选择“新建计划”或要更新的已有计划后再保存" in refused.content.decode()
    # "New plan" when the same plan exists: refused with the way out, not a silent update.
    refused = wuxi.post(f"/staff/imports/{draft.pk}/save/", {"target": "new"}, follow=True)
    assert "如需更新它，请选择“更新已有计划”" in refused.content.decode()
    draft.refresh_from_db()
    assert draft.status == PlanImport.Status.DRAFT

    saved = wuxi.post(f"/staff/imports/{draft.pk}/save/", {"target": wuxi_plan.pk})
    assert saved["Location"] == f"/staff/plans/{wuxi_plan.pk}/"
    assert Plan.objects.filter(region__name="无锡市").count() == 1
    assert wuxi_plan.projects.count() == projects


@pytest.mark.django_db
def test_a_document_that_unpacks_to_millions_of_paragraphs_is_refused_and_nothing_is_saved(coordinator, tmp_path):
    from tests.ingest.test_limits import _docx_with_body

    bomb = _docx_with_body(tmp_path / "bomb.docx", "<w:p/>" * 3_000_000)
    drafts, plans, projects = PlanImport.objects.count(), Plan.objects.count(), Project.objects.count()
    response = _upload(coordinator, bomb, name="2024年民生实事.docx")
    assert response.status_code == 200
    assert "段落超过了50000个的上限（MINSHENG_IMPORT_MAX_PARAGRAPHS）" in response.content.decode()
    assert (PlanImport.objects.count(), Plan.objects.count(), Project.objects.count()) == (drafts, plans, projects)


@pytest.mark.django_db
def test_the_upload_is_read_within_the_configured_limits(coordinator, settings):
    from minsheng.ingest.limits import Limits

    settings.IMPORT_LIMITS = Limits(max_table_rows=50)
    response = _upload(coordinator, HANGZHOU)  # 116 table rows
    assert "表格行超过了50行的上限" in response.content.decode()
    assert PlanImport.objects.count() == 0
