"""What the staff browser tests share: signing in as a demo account, a real one-pixel photo."""

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde"
       b"\x00\x00\x00\x0cIDATx\x9cc\xf8\xcf\xc0\x00\x00\x03\x01\x01\x00\xc9\xfe\x92\xef\x00\x00\x00\x00IEND\xaeB`\x82")


def sign_in(page, base: str, username: str) -> None:
    """Sign in as a demo account, dropping whoever was signed in before."""
    page.context.clear_cookies()
    page.goto(f"{base}/staff/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill("minsheng-demo")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/staff/**")
