"""Reading an uploaded document in a child process that can be stopped.

The readers count their work (``limits.py``), but a parser library can still run away inside
one call where no count reaches it. In the web worker that would take the worker down with it;
in a child process it only takes the child. The child runs with an address-space and a CPU-time
limit (``resource.setrlimit``), and the parent waits for it no longer than the time budget and
then kills it. Every outcome reaches the caller as an IngestError with a message for the user.

The child is a fresh interpreter (``python -m minsheng.ingest.isolation``), not a fork: it holds
none of the web worker's threads, locks or database connections, and it does not re-run the
parent's main script as multiprocessing's ``spawn`` would. Request and answer are JSON on its
stdin and stdout, so the parent never unpickles anything the child produced.
"""

from __future__ import annotations

import contextlib
import dataclasses
import importlib
import json
import logging
import math
import os
import select
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .document import IngestError
from .limits import DEFAULT_LIMITS, Limits, too_big, too_slow

logger = logging.getLogger(__name__)

# Starting the interpreter, before the budget's clock starts; generous because a busy server
# starts processes slowly, and nothing user-controlled has run yet. With the default budget of
# 60 s this keeps an upload well inside gunicorn's 120 s worker timeout.
STARTUP_SECONDS = 20.0
# The child's own clock gives the precise message ("段落超过…", "超过60秒"); the parent's, this
# much later, is the backstop for work no count reaches.
GRACE_SECONDS = 3.0
_STARTED = b"S"

# Signals a process dies of when memory runs out where Python cannot raise MemoryError: the
# kernel's OOM killer, or a C library that did not check what malloc returned.
_MEMORY_DEATHS = {signal.SIGKILL, signal.SIGSEGV, signal.SIGABRT, signal.SIGBUS}


# ------------------------------------------------------------------------------------- child


def _limit_resources(limits: Limits) -> None:
    try:
        import resource
    except ImportError:  # not a POSIX system: the parent's clock is the only limit
        return
    wanted = {
        resource.RLIMIT_AS: limits.memory_mb * 1024 * 1024,
        # CPU time can only be less than wall time in this single-threaded child; this limit
        # ends it (SIGXCPU) even if nobody were watching the clock.
        resource.RLIMIT_CPU: math.ceil(limits.seconds + GRACE_SECONDS),
    }
    for which, value in wanted.items():
        _soft, hard = resource.getrlimit(which)
        if hard != resource.RLIM_INFINITY:
            value = min(value, hard)
        try:
            # Only the soft limit: a helper this process starts (LibreOffice) may raise its own.
            resource.setrlimit(which, (value, hard))
        except (ValueError, OSError):
            logger.warning("could not set resource limit %s", which)


def _caused_by_memory(exc: BaseException | None) -> bool:
    for _ in range(20):
        if exc is None:
            return False
        if isinstance(exc, MemoryError):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def _outcome(request: dict) -> dict:
    module, _, name = request["target"].partition(":")
    target = getattr(importlib.import_module(module), name)
    try:
        return {"status": "ok", "result": target(*request["args"])}
    except MemoryError:
        return {"status": "memory"}
    except IngestError as exc:
        return {"status": "memory"} if _caused_by_memory(exc) else {"status": "error", "message": str(exc)}
    except Exception as exc:  # reported in the parent as a readable message; the traceback here
        logger.exception("reading in the child process failed")
        return {"status": "failed", "kind": type(exc).__name__}


def _child_main() -> None:
    request = json.loads(sys.stdin.buffer.read())
    limits = Limits(**request["limits"])
    _limit_resources(limits)
    out = sys.stdout.buffer
    out.write(_STARTED)
    out.flush()
    outcome = _outcome(request)
    try:
        answer = json.dumps(outcome, ensure_ascii=False).encode()
    except MemoryError:
        answer = b'{"status": "memory"}'
    out.write(answer)
    out.flush()


# ------------------------------------------------------------------------------------ parent


def _read_answer(proc: subprocess.Popen, limits: Limits, display: str) -> bytes | None:
    """The child's answer, or None when it ended without one; IngestError when time is up."""
    fd = proc.stdout.fileno()
    answer = bytearray()
    started = False
    deadline = time.monotonic() + STARTUP_SECONDS
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            if not started:
                raise IngestError(f"无法启动读取“{display}”的进程（服务器繁忙），请稍后重试。")
            raise too_slow(display, limits.seconds)
        ready, _, _ = select.select([fd], [], [], remaining)
        if not ready:
            continue
        chunk = os.read(fd, 1 << 16)
        if not chunk:
            return bytes(answer) if started and answer else None
        if not started:
            started = True
            chunk = chunk[len(_STARTED):]
            deadline = time.monotonic() + limits.seconds + GRACE_SECONDS
        answer += chunk


def run_isolated(target: Callable[..., Any], args: list, limits: Limits, display: str) -> Any:
    """``target(*args)`` in a child process bounded by ``limits``; its result, or IngestError.

    ``target`` is a module-level function; ``args`` and its result travel as JSON.
    """
    request = {
        "target": f"{target.__module__}:{target.__qualname__}",
        "args": args,
        "limits": dataclasses.asdict(limits),
    }
    with tempfile.TemporaryDirectory(prefix="minsheng-import-") as scratch:
        # The child finds the package (and a checkout run from source) where this process does;
        # its temporary files (LibreOffice's profile and output) go where they are removed even
        # when it is killed.
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p), "TMPDIR": scratch}
        proc = subprocess.Popen(
            [sys.executable, "-m", "minsheng.ingest.isolation"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env, start_new_session=True,
        )
        try:
            proc.stdin.write(json.dumps(request).encode())
            proc.stdin.close()
            answer = _read_answer(proc, limits, display)
        finally:
            if proc.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    proc.kill()
            proc.wait()
            proc.stdout.close()
    if answer is None:
        logger.warning("reading %s: child process ended with %s and no answer", display, proc.returncode)
        if proc.returncode == -getattr(signal, "SIGXCPU", -1):
            raise too_slow(display, limits.seconds)
        if -proc.returncode in _MEMORY_DEATHS:
            raise too_big(display, limits.memory_mb)
        raise IngestError(f"读取“{display}”的进程意外退出，文件可能已损坏或格式不受支持。")
    outcome = json.loads(answer)
    if outcome["status"] == "ok":
        return outcome["result"]
    if outcome["status"] == "memory":
        raise too_big(display, limits.memory_mb)
    if outcome["status"] == "error":
        raise IngestError(outcome["message"])
    raise IngestError(f"读取“{display}”时出错（{outcome['kind']}），文件可能已损坏或格式不受支持。")


def _import_in_child(path: str, name: str | None, limits: dict) -> list:
    from .api import import_file_with_warnings

    plan, warnings = import_file_with_warnings(Path(path), name, Limits(**limits))
    return [plan, warnings]


def import_file_isolated(
    path: Path, name: str | None = None, limits: Limits = DEFAULT_LIMITS
) -> tuple[dict, list[str]]:
    """:func:`~minsheng.ingest.api.import_file_with_warnings` in a child process bounded by ``limits``."""
    display = name or Path(path).name
    plan, warnings = run_isolated(
        _import_in_child, [str(Path(path).resolve()), name, dataclasses.asdict(limits)], limits, display
    )
    return plan, warnings


if __name__ == "__main__":
    _child_main()
