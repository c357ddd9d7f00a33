"""What the staff browser tests share: signing in as a demo account, posting a form and waiting for
its answer, a real one-pixel photo."""

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde"
       b"\x00\x00\x00\x0cIDATx\x9cc\xf8\xcf\xc0\x00\x00\x03\x01\x01\x00\xc9\xfe\x92\xef\x00\x00\x00\x00IEND\xaeB`\x82")


def sign_in(page, base: str, username: str) -> None:
    """Sign in as a demo account, dropping whoever was signed in before."""
    page.context.clear_cookies()
    page.goto(f"{base}/staff/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill("minsheng-demo")
    submit(page.get_by_role("button", name="登录"))


def submit(button) -> None:
    """Click a button that posts a form and wait for the answer page: a test that goes on at once
    (a goto, another sign-in, a look at the state) would otherwise cancel the POST or read the old page."""
    with button.page.expect_navigation():
        button.click()
