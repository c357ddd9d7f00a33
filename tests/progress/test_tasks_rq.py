"""Notices built through RQ on the Redis at 127.0.0.1:6379, as in production.

The job goes the whole real way: `request_notice` enqueues through the django.tasks API with the
django-tasks-rq backend, the job is serialised into Redis, an rq worker takes it from Redis and
runs it, and the result comes back through the django.tasks API.

The worker is rq's ``SimpleWorker`` (in this process, no fork) because the test's data lives in
the test's own connection: on SQLite the test database is in memory, so no other process can
see it at all, and on PostgreSQL the rows are in a transaction that is never committed. A forked
work horse would get a copy of the SQLite memory (its writes lost) or share the parent's
PostgreSQL socket. What a forked worker adds, `minsheng worker` (rqworker with the
django-tasks-rq Job class) does on a real deployment.

Each test uses a queue of its own, so parallel test processes (xdist, or a colleague's run on
the same Redis) never take each other's jobs.
"""

from __future__ import annotations

import datetime
import io
import os
import uuid

import django_rq
import pytest
import redis
from django_tasks import TaskResultStatus, default_task_backend
from django_tasks_rq import Job
from docx import Document
from rq import SimpleWorker

from minsheng.plans.models import Plan
from minsheng.progress import services
from minsheng.progress.models import Notice
from minsheng.progress.tasks import request_notice

pytestmark = pytest.mark.django_db
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


@pytest.fixture
def rq_queue(settings, tmp_path):
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3).ping()
    except redis.exceptions.RedisError as exc:
        # Not a skip: CI provides Redis, and a silently skipped queue test proves nothing.
        pytest.fail(f"Redis at {REDIS_URL} is unreachable ({exc}). CI provides it; locally start "
                    f"`redis-server` (Debian: apt-get install redis-server) or set TEST_REDIS_URL.")
    name = f"minsheng-test-{uuid.uuid4().hex[:12]}"
    settings.MEDIA_ROOT = tmp_path / "media"
    # django-tasks-rq fetches results through django_rq's connection named "default": it must exist,
    # though no job of ours goes to that queue.
    settings.RQ_QUEUES = {name: {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 120}, "default": {"URL": REDIS_URL}}
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": [name]}}
    queue = django_rq.get_queue(name, job_class=Job)
    yield queue
    queue.delete(delete_jobs=True)


@pytest.fixture
def june():
    plan = Plan.objects.get(region__name="杭州市")
    return plan, next(p for p in services.ensure_periods(plan, datetime.date(2024, 7, 10)) if p.month == 6)


def _work(queue) -> None:
    worker = SimpleWorker([queue], connection=queue.connection, job_class=Job)
    worker.work(burst=True, with_scheduler=False)


def test_a_notice_is_built_by_an_rq_worker_from_redis(rq_queue, june, users, django_capture_on_commit_callbacks):
    plan, period = june
    with django_capture_on_commit_callbacks(execute=True):
        notice = request_notice(plan, period, users["coordinator"])
    assert notice.state == Notice.State.QUEUED  # waiting in Redis, not built in the request
    assert rq_queue.count == 1
    job_id = rq_queue.job_ids[0]

    _work(rq_queue)

    notice.refresh_from_db()
    assert notice.state == Notice.State.READY, notice.error
    document = Document(io.BytesIO(notice.docx.read()))
    assert any("第1期" in p.text for p in document.paragraphs)
    assert notice.figures["total"] == plan.projects.count()
    result = default_task_backend.get_result(job_id)
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == "ready"
    assert rq_queue.count == 0


def test_a_failing_job_marks_the_notice_and_the_task_failed(settings, rq_queue, june, users, tmp_path,
                                                           django_capture_on_commit_callbacks):
    plan, period = june
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    settings.MEDIA_ROOT = blocker
    with django_capture_on_commit_callbacks(execute=True):
        notice = request_notice(plan, period, users["coordinator"])
    job_id = rq_queue.job_ids[0]

    _work(rq_queue)

    notice.refresh_from_db()
    assert notice.state == Notice.State.FAILED and "not-a-folder" in notice.error
    result = default_task_backend.get_result(job_id)
    assert result.status == TaskResultStatus.FAILED
    assert result.errors[-1].exception_class_path == "minsheng.progress.tasks.NoticeFailed"


def test_an_unreachable_queue_fails_the_notice_instead_of_leaving_it_queued(settings, june, users,
                                                                           django_capture_on_commit_callbacks):
    plan, period = june
    # Port 1 on loopback: nothing listens, the connection is refused at once.
    settings.RQ_QUEUES = {"default": {"URL": "redis://127.0.0.1:1/0", "DEFAULT_TIMEOUT": 60}}
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    with django_capture_on_commit_callbacks(execute=True):
        notice = request_notice(plan, period, users["coordinator"])
    notice.refresh_from_db()
    assert notice.state == Notice.State.FAILED
    assert notice.error.startswith("无法提交后台任务")
