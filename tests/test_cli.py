"""The ``minsheng`` command: load, export, serve."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from minsheng.cli import main
from tests.helpers import gold

pytestmark = pytest.mark.django_db


def test_export_writes_the_plan_back_in_the_same_format(tmp_path, capsys):
    from minsheng.plans.services import load_plan_document

    plan = load_plan_document(gold("004")).plan
    out = tmp_path / "plan.json"
    assert main(["export", "--plan", str(plan.pk), "--json", "--out", str(out)]) == 0
    assert json.loads(out.read_text()) == gold("004")

    assert main(["export", "--plan", "999999", "--json"]) == 2
    assert "没有编号为 999999 的计划" in capsys.readouterr().err


@pytest.mark.parametrize("text", ["{pk}", " {pk} ", "杭州市 {year}", "杭州{year}年", "{year} 杭州市"])
def test_a_plan_is_named_by_its_number_or_its_region_and_year(tmp_path, hangzhou_plan, text):
    out = tmp_path / "plan.json"
    text = text.format(pk=hangzhou_plan.pk, year=hangzhou_plan.year)
    assert main(["export", "--plan", text, "--out", str(out)]) == 0
    assert json.loads(out.read_text())["plan"]["title"] == hangzhou_plan.title


def test_a_plan_nothing_matches_is_refused_with_every_plan_listed(capsys):
    from minsheng.plans.models import Plan

    assert main(["export", "--plan", "火星市 2026"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("没有与“火星市 2026”相符的计划。现有计划：")
    for plan in Plan.objects.select_related("region"):
        assert f"编号 {plan.pk}：{plan.region.name} {plan.year} 年《{plan.title}》" in err


def test_a_name_several_plans_match_is_refused_with_those_plans_listed(tmp_path, capsys, hangzhou_plan):
    from minsheng.plans.models import Plan

    same_year = list(Plan.objects.filter(year=hangzhou_plan.year).select_related("region"))
    other = Plan.objects.create(region=hangzhou_plan.region, year=hangzhou_plan.year - 1, title="上一年的计划")
    assert len(same_year) > 1  # the demo's five cities, all in one year
    assert main(["assess", "--plan", f"{hangzhou_plan.year}年"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"“{hangzhou_plan.year}年”对应 {len(same_year)} 个计划，请用编号指定其中一个：")
    assert all(f"编号 {plan.pk}：{plan.region.name}" in err for plan in same_year)
    assert f"编号 {other.pk}：" not in err
    # Both of 杭州市's plans answer to the region alone; the year tells them apart.
    assert main(["assess", "--plan", "杭州市"]) == 2
    assert "对应 2 个计划" in capsys.readouterr().err
    out = tmp_path / "plan.json"
    assert main(["export", "--plan", f"杭州市 {hangzhou_plan.year - 1}", "--out", str(out)]) == 0
    assert json.loads(out.read_text())["plan"]["title"] == "上一年的计划"


@pytest.mark.parametrize("command", [
    ["export"], ["simulate", "--until", "2024-09"], ["notice", "--period", "2024-06", "--out", "x.docx"],
    ["assess"],
])
def test_every_command_taking_a_plan_refuses_an_unknown_one_alike(capsys, command):
    assert main([*command, "--plan", "999999"]) == 2
    assert capsys.readouterr().err.startswith("没有编号为 999999 的计划。现有计划：")


def test_load_reports_what_it_did_and_rejects_a_malformed_file(tmp_path, capsys):
    doc = gold("002")
    doc["projects"][0]["name"] = "新名称：改造老旧小区"
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(doc, ensure_ascii=False))
    assert main(["load", str(path)]) == 0
    assert "修改 1 个" in capsys.readouterr().out

    doc["projects"][1]["targets"] = [{"value": "many"}]
    path.write_text(json.dumps(doc, ensure_ascii=False))
    assert main(["load", str(path)]) == 2
    assert "projects/1/targets/0/value" in capsys.readouterr().err

    path.write_text("{not json")
    assert main(["load", str(path)]) == 2
    assert "无法读取" in capsys.readouterr().err


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get_once_serving(proc: subprocess.Popen, url: str, log: Path) -> tuple:
    """The first answer of the server ``proc`` is starting: waits on readiness, not on a clock.

    Until gunicorn listens (after migrate) connections are refused and we poll; once it listens, the request
    waits in its backlog until a worker has booted. Either way the wait ends when the server answers or the
    process exits; the 300 s guard only keeps a hung process from holding the suite.
    """
    guard = time.monotonic() + 300
    while True:
        try:
            with urllib.request.urlopen(url, timeout=300) as response:
                return response.headers, response.read().decode()
        except urllib.error.HTTPError as exc:
            pytest.fail(f"{url} answered {exc.code}:\n{log.read_text()}")
        except OSError as exc:
            if proc.poll() is not None:
                pytest.fail(f"minsheng serve exited with {proc.returncode} before answering:\n{log.read_text()}")
            if time.monotonic() > guard:
                pytest.fail(f"minsheng serve still not answering after 300 s ({exc}):\n{log.read_text()}")
            time.sleep(0.2)


def test_serve_runs_gunicorn_with_production_settings(tmp_path):
    port = _free_port()
    env = {
        **os.environ,
        "MINSHENG_DATA_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "SECRET_KEY": "x" * 60,
        "ALLOWED_HOSTS": "127.0.0.1",
        "DEBUG": "0",
    }
    minsheng = Path(sys.executable).with_name("minsheng")
    log = tmp_path / "serve.log"
    # A file, not a pipe nobody reads: migrate's and gunicorn's output can neither fill it nor get lost.
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [str(minsheng), "serve", "--bind", f"127.0.0.1:{port}", "--workers", "1", "--migrate"],
            env=env, stdout=out, stderr=subprocess.STDOUT,
        )
    try:
        headers, body = _get_once_serving(proc, f"http://127.0.0.1:{port}/staff/login/", log)
        assert "工作人员登录" in body
        assert "Secure" in headers.get("Set-Cookie", "")  # CSRF cookie only over HTTPS in production
        assert headers["X-Frame-Options"] == "DENY"
        assert headers.get_all("Server") == ["minsheng"]  # not gunicorn and its version
        assert "default-src 'self'" in headers["Content-Security-Policy"]
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/static/minsheng/app.css", timeout=300) as response:
            assert response.status == 200
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def test_deploy_check_is_clean_with_production_environment(tmp_path):
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "MINSHENG_DATA_DIR": str(tmp_path),
        "SECRET_KEY": "k" * 60 + "Zq9!",
        "ALLOWED_HOSTS": "minsheng.example.gov.cn",
        "MINSHENG_HSTS_SECONDS": "31536000",
        "MINSHENG_SSL_REDIRECT": "1",
        "MINSHENG_HSTS_PRELOAD": "1",
        "DEBUG": "0",
    }
    minsheng = Path(sys.executable).with_name("minsheng")
    result = subprocess.run(
        [str(minsheng), "manage", "check", "--deploy", "--fail-level", "WARNING"],
        env=env, capture_output=True, text=True, timeout=300,  # against a hang only, not a speed limit
    )
    assert result.returncode == 0, result.stdout + result.stderr
