"""Background tasks of the progress app, through the django.tasks API (django-tasks backport).

Which backend runs them is a setting (TASKS, chosen by MINSHENG_TASKS / REDIS_URL): the code
here only says what a task does and which queue it goes to.
"""

from __future__ import annotations

from django.conf import settings
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, TaskResult, task

from minsheng.progress import notice as notices
from minsheng.progress.models import Notice


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
