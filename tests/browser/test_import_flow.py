"""A coordinator uploads a Word plan, corrects one project in the preview and saves it."""

import pytest

from tests.browser.staff import submit

pytestmark = pytest.mark.browser


def test_upload_docx_correct_a_field_and_save(live_server, demo_data, page, shot, tmp_path):
    from minsheng.plans.models import Plan
    from tests.ingest.variants import seed_document, write_docx

    docx_file = write_docx(seed_document("004"), tmp_path / "涟水县2024年民生实事项目.docx")
    plan = Plan.objects.get(region__name="涟水县")
    first = plan.projects.order_by("position").first()
    corrected = first.name + "（核对后）"

    page.goto(f"{live_server.url}/staff/login/")
    page.get_by_label("用户名").fill("admin")
    page.get_by_label("密码").fill("minsheng-demo")
    submit(page.get_by_role("button", name="登录"))
    page.get_by_role("link", name="导入计划").click()
    page.get_by_label("计划文件").set_input_files(str(docx_file))
    submit(page.get_by_role("button", name="上传并识别"))
    page.wait_for_url("**/staff/imports/*/")
    assert page.locator("tr[id^=import-project-]").count() == plan.projects.count()
    assert "与系统中已有计划相比" in page.content()

    page.get_by_role("button", name=f"修改 {first.name}").click()
    name_field = page.locator("#import-project-0 input[name=name]")
    name_field.fill(corrected)
    shot(page, "import-correcting", full_page=False)
    page.locator("#import-project-0").get_by_role("button", name="保存修改").click()
    page.wait_for_selector(f"#import-project-0 .p-name:text-is('{corrected}')")

    submit(page.get_by_role("button", name="确认无误，保存到系统"))
    page.wait_for_url(f"**/staff/plans/{plan.pk}/")
    assert "修改 1 个" in page.locator(".messages").inner_text()
    page.get_by_role("link", name=corrected).click()
    assert page.get_by_role("heading", level=1).inner_text() == corrected
    shot(page, "import-saved-project")
    assert plan.projects.get(pk=first.pk).name == corrected
