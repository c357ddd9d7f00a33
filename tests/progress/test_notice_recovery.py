"""A notice whose worker died mid-way: detected as stale, shown as retryable, rebuilt under its number."""

from __future__ import annotations

import datetime
import io
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone
from docx import Document

from minsheng import cli
from minsheng.plans.models import Plan
from minsheng.progress import services
from minsheng.progress.models import Notice
from minsheng.progress.notice import create_notice, generate_notice, is_stale, stale_notices
from minsheng.progress.tasks import MAX_AUTO_ATTEMPTS, sweep_stale_notices
from tests.helpers import GOLD, login

TIMEOUT = 600


@pytest.fixture(autouse=True)
def _settings(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.MINSHENG_NOTICE_TIMEOUT = TIMEOUT


@pytest.fixture
def plan(db) -> Plan:
    return Plan.objects.get(region__name="杭州市")


@pytest.fixture
def june(plan):
    return next(p for p in services.ensure_periods(plan, datetime.date(2024, 12, 31)) if p.month == 6)


def crashed(notice: Notice, seconds_ago: int) -> Notice:
    """What a worker killed while building leaves: 生成中, taken once, last heard of ``seconds_ago``."""
    then = timezone.now() - datetime.timedelta(seconds=seconds_ago)
    Notice.objects.filter(pk=notice.pk).update(attempts=1, started_at=then, heartbeat_at=then)
    notice.refresh_from_db()
    return notice


def _text(field) -> str:
    field.open("rb")
    try:
        return "\n".join(p.text for p in Document(io.BytesIO(field.read())).paragraphs)
    finally:
        field.close()


def test_a_notice_left_building_past_the_timeout_is_stale_and_a_live_one_is_not(plan, june, users):
    dead = crashed(create_notice(plan, june, users["coordinator"]), TIMEOUT + 60)
    alive = crashed(create_notice(plan, june, users["coordinator"]), TIMEOUT - 60)
    assert is_stale(dead) and not is_stale(alive)
    assert list(stale_notices(plan)) == [dead]
    # A worker that finds the live one already taken leaves it alone.
    assert generate_notice(alive.pk).state == Notice.State.QUEUED
    alive.refresh_from_db()
    assert alive.attempts == 1


def test_the_page_shows_it_failed_and_retry_rebuilds_it_under_the_same_number(
        client, plan, june, users, django_capture_on_commit_callbacks):
    dead = crashed(create_notice(plan, june, users["coordinator"]), TIMEOUT + 60)
    assert dead.number == 1
    login(client, users["coordinator"])
    page = client.get(f"/staff/progress/plans/{plan.pk}/notices/").content.decode()
    assert "失败（可重试）" in page and "生成中断：超过10分钟没有进展" in page
    assert 'name="action" value="retry"' in page
    dead.refresh_from_db()
    assert dead.state == Notice.State.QUEUED  # the page only shows it; a GET writes nothing

    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/staff/progress/notices/{dead.pk}/action/", {"action": "retry"})
    dead.refresh_from_db()
    assert dead.state == Notice.State.READY, dead.error
    assert (dead.number, dead.attempts) == (1, 2)
    assert "第1期" in _text(dead.docx)
    # The number was never given away: the next notice is the second.
    assert create_notice(plan, june, users["coordinator"]).number == 2


def test_a_notice_still_building_cannot_be_retried(client, plan, june, users):
    alive = crashed(create_notice(plan, june, users["coordinator"]), 5)
    login(client, users["coordinator"])
    page = client.get(f"/staff/progress/plans/{plan.pk}/notices/").content.decode()
    assert "失败（可重试）" not in page and "生成中" in page
    client.post(f"/staff/progress/notices/{alive.pk}/action/", {"action": "retry"})
    alive.refresh_from_db()
    assert (alive.state, alive.attempts) == (Notice.State.QUEUED, 1)


def test_the_sweep_marks_stale_notices_failed_and_with_retry_rebuilds_them(
        plan, june, users, django_capture_on_commit_callbacks):
    first = crashed(create_notice(plan, june, users["coordinator"]), TIMEOUT + 60)
    second = crashed(create_notice(plan, june, users["coordinator"]), TIMEOUT + 60)
    out = io.StringIO()
    call_command("notices_sweep", stdout=out)
    assert "处理中断的通报 2 份" in out.getvalue()
    first.refresh_from_db()
    assert first.state == Notice.State.FAILED and "生成中断" in first.error

    Notice.objects.filter(pk=first.pk).update(state=Notice.State.QUEUED)  # crashed again, as before
    with django_capture_on_commit_callbacks(execute=True):
        swept = sweep_stale_notices(retry=True)
    assert [n.pk for n in swept] == [first.pk]  # second is FAILED now, no longer 生成中
    first.refresh_from_db()
    assert (first.state, first.number, first.attempts) == (Notice.State.READY, 1, 2)
    second.refresh_from_db()
    assert second.state == Notice.State.FAILED and second.number == 2


def test_a_notice_that_keeps_killing_its_worker_is_not_retried_for_ever(plan, june, users):
    notice = crashed(create_notice(plan, june, users["coordinator"]), TIMEOUT + 60)
    Notice.objects.filter(pk=notice.pk).update(attempts=MAX_AUTO_ATTEMPTS)
    sweep_stale_notices(retry=True)
    notice.refresh_from_db()
    assert notice.state == Notice.State.FAILED and notice.attempts == MAX_AUTO_ATTEMPTS


def test_the_worker_picks_up_what_a_killed_worker_left(plan, june, users, capsys,
                                                       django_capture_on_commit_callbacks):
    notice = crashed(create_notice(plan, june, users["coordinator"]), TIMEOUT + 60)
    with django_capture_on_commit_callbacks(execute=True):
        assert cli.main(["worker"]) == 0
    assert f"中断的通报：{notice.title}" in capsys.readouterr().out
    notice.refresh_from_db()
    assert (notice.state, notice.number) == (Notice.State.READY, 1)


# ------------------------------------------------------------------ a real kill -9


SETUP = """
import json, sys
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from minsheng.core.models import User
from minsheng.plans.services import load_plan_document
plan = load_plan_document(json.load(open(sys.argv[1], encoding="utf-8"))).plan
User.objects.create_superuser("root", "root@example.gov.cn", "x")
print(plan.pk, plan.year)
"""


def _row(db: Path, number: int):
    with sqlite3.connect(db, timeout=5) as con:
        return con.execute("select state, attempts, started_at from progress_notice where number = ?",
                           (number,)).fetchone()


def test_kill_9_during_generation_then_the_notice_is_rebuilt_under_its_number(tmp_path):
    """`minsheng notice` is killed (SIGKILL) once it has taken the notice and before it finishes."""
    db = tmp_path / "db.sqlite3"
    env = {**os.environ, "MINSHENG_DATA_DIR": str(tmp_path), "DATABASE_URL": f"sqlite:///{db}",
           "DJANGO_SETTINGS_MODULE": "minsheng.settings", "MINSHENG_TASKS": "immediate",
           "MINSHENG_NOTICE_TIMEOUT": "3600"}
    env.pop("REDIS_URL", None)
    gold = next(p for p in GOLD if p.name.startswith("002"))
    setup = subprocess.run([sys.executable, "-c", SETUP, str(gold)], env=env, capture_output=True, text=True,
                           timeout=900)
    assert setup.returncode == 0, setup.stderr
    plan_id, year = setup.stdout.split()[-2:]
    minsheng = Path(sys.executable).with_name("minsheng")

    killed_at = None
    for number in (1, 2, 3):  # the kill must land mid-way; a run that finishes first is tried again
        proc = subprocess.Popen([str(minsheng), "notice", "--plan", plan_id, "--period", f"{year}-06",
                                 "--out", str(tmp_path / "n.docx")], env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            while proc.poll() is None:
                try:
                    row = _row(db, number)
                except sqlite3.OperationalError:  # the writer holds the lock for a moment
                    row = None
                if row and row[0] == "queued" and row[2]:
                    os.kill(proc.pid, signal.SIGKILL)
                    break
                time.sleep(0.005)
        finally:
            proc.wait(timeout=600)
        if proc.returncode == -signal.SIGKILL and _row(db, number)[0] == "queued":
            killed_at = number
            break
    assert killed_at is not None, "the notice finished before it could be killed three times in a row"
    assert _row(db, killed_at)[:2] == ("queued", 1)  # left 生成中 by the dead process

    def sweep(*args, timeout: str) -> str:
        done = subprocess.run([str(minsheng), "manage", "notices_sweep", *args],
                              env={**env, "MINSHENG_NOTICE_TIMEOUT": timeout}, capture_output=True, text=True,
                              timeout=900)
        assert done.returncode == 0, done.stderr
        return done.stdout

    # Within the timeout it could still be alive: nothing is touched.
    assert "处理中断的通报 0 份" in sweep(timeout="3600")
    assert _row(db, killed_at)[0] == "queued"
    # Past it (a timeout of 0 makes "now" past it), the sweep rebuilds it under the same number.
    assert "处理中断的通报 1 份" in sweep("--retry", timeout="0")
    state, attempts, _ = _row(db, killed_at)
    assert (state, attempts) == ("ready", 2)
    with sqlite3.connect(db) as con:
        numbers = [n for (n,) in con.execute("select number from progress_notice order by number")]
        docx = con.execute("select docx from progress_notice where number = ?", (killed_at,)).fetchone()[0]
    assert numbers == list(range(1, killed_at + 1))
    text = "\n".join(p.text for p in Document(tmp_path / "media" / docx).paragraphs)
    assert f"第{killed_at}期" in text
