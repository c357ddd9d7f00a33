"""Requests per second and p95 of the portal's project page and the leaders' cockpit, on the demo.

    .venv/bin/python benchmarks/portal_speed.py [-n 200] [--data-dir DIR]

Prepares the demo (five seed plans, reports simulated to September) in a temporary SQLite data
dir, or reuses ``--data-dir`` if it already holds one, then requests through the Django test
client (no network, one process): the public project page cold (cache cleared before each
request, every figure computed) and warm (cached per published revision, as visitors get it),
the plan map, and the cockpit as the demo's leader. Not a test: it prints, it asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def _setup(data_dir: str) -> None:
    os.environ["MINSHENG_DATA_DIR"] = data_dir
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    os.environ.setdefault("MINSHENG_TASKS", "immediate")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minsheng.settings")
    import django

    django.setup()


def _p(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def measure(label: str, fn: Callable[[], int], n: int) -> str:
    samples = []
    for _ in range(n):
        start = time.perf_counter()
        status = fn()
        samples.append(time.perf_counter() - start)
        if status != 200:
            return f"| {label} | HTTP {status} | | |"
    rps = len(samples) / sum(samples)
    return f"| {label} | {rps:.1f} | {_p(samples, 0.5) * 1000:.1f} | {_p(samples, 0.95) * 1000:.1f} | {n} |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=200, help="requests per row (cold rows use n/10)")
    parser.add_argument("--data-dir", help="reuse a prepared demo data dir")
    args = parser.parse_args()
    _setup(args.data_dir or tempfile.mkdtemp(prefix="minsheng-bench-"))

    from django.core.cache import cache
    from django.core.management import call_command
    from django.test import Client

    from minsheng import demo
    from minsheng.core.models import User
    from minsheng.plans.models import Plan

    call_command("migrate", verbosity=0)
    if not Plan.objects.exists():
        start = time.perf_counter()
        demo.prepare()
        print(f"demo prepared in {time.perf_counter() - start:.1f}s")
    plan = Plan.objects.get(region__name="杭州市")
    project = plan.projects.filter(sites__isnull=False, public=True).order_by("position").first()
    public, leader = Client(), Client()
    leader.force_login(User.objects.get(username="leader"), backend="django.contrib.auth.backends.ModelBackend")
    project_url, map_url = f"/projects/{project.pk}/", f"/plans/{plan.pk}/map/"
    cockpit_url = f"/staff/cockpit/plans/{plan.pk}/"

    def cold(client: Client, url: str) -> Callable[[], int]:
        def run() -> int:
            cache.clear()
            return client.get(url).status_code
        return run

    def warm(client: Client, url: str) -> Callable[[], int]:
        client.get(url)
        return lambda: client.get(url).status_code

    n, few = args.n, max(5, args.n // 10)
    print(f"{plan.title}: {plan.projects.count()} projects; project page {project_url}\n")
    print("| request | req/s | p50 ms | p95 ms | n |")
    print("| --- | --- | --- | --- | --- |")
    print(measure("portal project page, cold (no cache)", cold(public, project_url), few))
    print(measure("portal project page, cached per revision", warm(public, project_url), n))
    print(measure("portal map, cached per revision", warm(public, map_url), n))
    print(measure("cockpit, cold (timeline recomputed)", cold(leader, cockpit_url), few))
    print(measure("cockpit, timeline cached", warm(leader, cockpit_url), max(few, n // 4)))


if __name__ == "__main__":
    main()
