"""Background tasks of the progress app, through the django.tasks API (django-tasks backport).

Which backend runs them is a setting (TASKS, chosen by MINSHENG_TASKS / REDIS_URL): the code
here only says what a task does and which queue it goes to, and puts notices on that queue
(requested, retried, or swept up after a worker died); ``notice`` builds them and knows no queue.
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, TaskResult, task

from minsheng.plans.models import Plan
from minsheng.progress import notice as notices
from minsheng.progress.models import Notice, Period
from minsheng.progress.notice import NoticeError, create_notice, stale_message, stale_notices, stale_q

logger = logging.getLogger(__name__)

# A notice that keeps killing its worker (out of memory…) is retried automatically this many times only.
MAX_AUTO_ATTEMPTS = 3


class NoticeFailed(Exception):
    """Raised after the failure is recorded on the Notice, so the queue's own log shows it too."""


def work_queue() -> str:
    """The queue our tasks go to: the first one the backend lists (`minsheng worker` listens there).

    The task decorator checks its queue against the backend configured at import, and enqueueing
    reads it again, so a deployment (or a test) that names its own queue gets its tasks there.
    """
    queues = settings.TASKS.get(DEFAULT_TASK_BACKEND_ALIAS, {}).get("QUEUES") or ["default"]
    return queues[0]


@task(queue_name=work_queue())
def build_notice(notice_id: int) -> str:
    result = notices.generate_notice(notice_id)
    if result.state == Notice.State.FAILED:
        raise NoticeFailed(f"notice {notice_id}: {result.error}")
    return str(result.state)


def enqueue_notice(notice_id: int) -> TaskResult:
    return build_notice.using(queue_name=work_queue()).enqueue(notice_id)


def sweep_stale_notices(plan: Plan | None = None, retry: bool = False,
                        now: datetime.datetime | None = None) -> list[Notice]:
    """Stale 生成中 notices become 生成失败 with the reason, to be retried under the same number.

    With ``retry`` (the worker on start-up) each is queued again instead, unless it has already
    been tried MAX_AUTO_ATTEMPTS times (a notice that kills its worker must not loop for ever).
    """
    swept = []
    for notice in stale_notices(plan, now).order_by("pk"):
        if retry and notice.attempts < MAX_AUTO_ATTEMPTS:
            if _requeue(notice, now):
                swept.append(notice)
            continue
        failed = Notice.objects.filter(stale_q(now), pk=notice.pk, attempts=notice.attempts).update(
            state=Notice.State.FAILED, error=stale_message())
        if failed:
            swept.append(notice)
    for notice in swept:
        notice.refresh_from_db()
    return swept


def _enqueue(notice_id: int) -> None:
    try:
        enqueue_notice(notice_id)
    except Exception as exc:
        # The queue is down (Redis unreachable…): say so on the notice instead of leaving it queued forever.
        logger.exception("could not enqueue notice %s", notice_id)
        Notice.objects.filter(pk=notice_id, state=Notice.State.QUEUED).update(
            state=Notice.State.FAILED, error=f"无法提交后台任务：{type(exc).__name__}: {exc}")


def request_notice(plan: Plan, period: Period, user) -> Notice:
    """Create the next numbered notice and have it built in the background.

    The task is enqueued once the surrounding transaction commits, so a worker in another
    process never looks for a notice that is not there yet. Outside a transaction that is at
    once, and with the immediate backend the notice returned is already READY or FAILED.
    """
    notice = create_notice(plan, period, user)
    transaction.on_commit(lambda: _enqueue(notice.pk))
    notice.refresh_from_db()
    return notice


def _requeue(notice: Notice, now: datetime.datetime | None = None) -> bool:
    """Queue a failed or stale notice again (same row, same number); False if it is neither."""
    retryable = Q(state=Notice.State.FAILED) | stale_q(now)
    updated = Notice.objects.filter(retryable, pk=notice.pk).update(
        state=Notice.State.QUEUED, error="", started_at=None, heartbeat_at=timezone.now())
    if updated:
        transaction.on_commit(lambda: _enqueue(notice.pk))
    return bool(updated)


def retry_notice(notice: Notice) -> Notice:
    """Build a FAILED (or stale 生成中) notice again under the same number."""
    if not _requeue(notice):
        raise NoticeError("只有生成失败或已中断的通报可以重新生成")
    notice.refresh_from_db()
    return notice
