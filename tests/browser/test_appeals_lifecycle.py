"""An appeal's whole life in the browser: a citizen submits, the coordinator assigns, the unit answers,
the citizen rates 不满意, it reopens, the unit answers again, the citizen is satisfied and it closes.

Rating takes the secret shown once after submission (or the phone given): the public tracking code
alone no longer rates."""

import re

import pytest

from tests.browser.staff import submit

pytestmark = pytest.mark.browser
PASSWORD = "minsheng-demo"


def login(page, base: str, username: str) -> None:
    page.goto(f"{base}/staff/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    submit(page.get_by_role("button", name="登录"))
    page.wait_for_url(re.compile(r".*/staff/.*"))


def logout(page) -> None:
    submit(page.get_by_role("button", name="退出"))


def test_appeal_from_submission_to_closing(live_server, demo_data, page, shot):
    base = live_server.url

    # 1. A citizen, no account, on the public form.
    page.goto(f"{base}/appeals/new/")
    page.get_by_label("诉求类别").select_option(label="求助")
    page.get_by_label("所在区县").select_option(label="杭州市 西湖区")
    page.get_by_label("标题").fill("社区开设老年食堂")
    page.get_by_label("诉求内容").fill("我们社区独居老人多，希望开设老年食堂提供助餐服务。")
    page.get_by_label("地址", exact=True).fill("西湖区文三路 88 号")
    page.get_by_label("姓名 *").fill("孙八")
    page.get_by_label("手机号码").fill("13512345678")
    page.locator("#id_publish").check()
    shot(page, "appeal-form")
    submit(page.get_by_role("button", name="提交留言"))
    page.wait_for_url(re.compile(r".*/appeals/track/MS\w+/"))
    code = page.locator("#code").inner_text()
    secret = page.locator("#secret").inner_text()
    assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}", secret)
    assert page.locator("#state").inner_text() == "待受理"
    track_url = page.url
    shot(page, "appeal-tracking")
    page.reload()
    assert page.locator("#secret").count() == 0  # shown once only

    # 2. The coordinator accepts and assigns the suggested unit.
    login(page, base, "coordinator")
    page.goto(f"{base}/staff/appeals/?q={code}")
    page.get_by_role("link", name=code).click()
    assert "市民政局" in page.locator("#suggestion").inner_text()
    assert page.locator("#contact").inner_text().count("13512345678") == 1  # the coordinator sees it whole
    page.locator("#accept-form").get_by_label("承办单位").select_option(label="市民政局")
    submit(page.get_by_role("button", name="受理并交办"))
    page.wait_for_selector("text=已受理并交办。")
    assert page.locator("#state").inner_text() == "已受理"
    shot(page, "appeal-accepted")
    logout(page)

    # 3. The unit answers.
    login(page, base, "liaison")
    page.goto(f"{base}/staff/appeals/{code}/")
    submit(page.get_by_role("button", name="签收办理"))
    page.wait_for_selector("text=已签收，开始办理。")
    page.locator("#answer-form").get_by_label("答复内容").fill("已协调社区，老年食堂将于下月开业。")
    submit(page.locator("#answer-form").get_by_role("button", name="答复"))
    page.wait_for_selector("text=已答复，等待市民评价。")
    logout(page)

    # 4. Someone with the code only cannot rate; the citizen with the secret rates 不满意: back to the unit.
    page.goto(track_url)
    assert "老年食堂将于下月开业" in page.locator("#answer").inner_text()
    page.get_by_label("评价密码或联系电话").fill("AAAA-BBBB")
    page.get_by_label("满意", exact=True).check()
    page.get_by_label("已解决").check()
    submit(page.get_by_role("button", name="提交评价"))
    page.wait_for_selector("text=评价密码或联系电话不正确。")
    assert page.locator("#state").inner_text() == "已答复"
    page.get_by_label("评价密码或联系电话").fill(secret)
    page.get_by_label("不满意").check()
    page.get_by_label("未解决").check()
    page.get_by_label("评价意见").fill("没有具体开业时间")
    submit(page.get_by_role("button", name="提交评价"))
    page.wait_for_selector("text=感谢您的评价。")
    assert page.locator("#state").inner_text() == "重办"
    shot(page, "appeal-reopened")

    # 5. The unit answers again.
    login(page, base, "liaison")
    page.goto(f"{base}/staff/appeals/{code}/")
    page.locator("#answer-form").get_by_label("答复内容").fill("老年食堂定于 11 月 1 日开业，地址文三路 90 号。")
    submit(page.locator("#answer-form").get_by_role("button", name="答复"))
    page.wait_for_selector("text=已答复，等待市民评价。")
    logout(page)

    # 6. The citizen, with the phone they gave this time, is satisfied: it closes.
    page.goto(track_url)
    page.get_by_label("评价密码或联系电话").fill("135 1234 5678")
    page.get_by_label("满意", exact=True).check()
    page.get_by_label("已解决").check()
    submit(page.get_by_role("button", name="提交评价"))
    page.wait_for_selector("text=感谢您的评价。")
    assert page.locator("#state").inner_text() == "办结"
    shot(page, "appeal-closed")

    # Every step is on the record, with who did it.
    login(page, base, "coordinator")
    page.goto(f"{base}/staff/appeals/{code}/")
    events = page.locator("#events li").all_inner_texts()
    kinds = page.locator("#events li strong").all_inner_texts()
    assert kinds == ["提交", "受理交办", "签收办理", "答复", "评价", "重办", "答复", "评价", "办结"]
    assert "市政府督查室" in events[1] and "市民政局联络员" in events[2]
    shot(page, "appeal-record")
