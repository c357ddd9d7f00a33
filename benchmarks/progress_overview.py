"""How long the progress overview and the notice take, at the demo's size and at province scale.

    .venv/bin/python benchmarks/progress_overview.py [-n 20] [--plans 100 --projects 60 --allocations 15 --periods 12]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/SCRATCH .venv/bin/python benchmarks/progress_overview.py

1×: the demo (five seed plans, reports simulated to September). 100×: the scale generator's
province added to it. For each, p50/p95 seconds of ``plan_progress`` (the overview's computation),
of the coordinator overview page through the Django test client, and of building a notice
(.docx + .xlsx). Without DATABASE_URL it works in a temporary SQLite file; with one it needs an
empty scratch database (it refuses one that holds plans). Not a test: it asserts nothing.
"""

from __future__ import annotations

import argparse
import datetime
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def _setup(data_dir: str) -> None:
    # Before Django reads its settings: a throwaway data dir (SQLite file, notice files) and the
    # test client's host name.
    os.environ["MINSHENG_DATA_DIR"] = data_dir
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    os.environ.setdefault("MINSHENG_TASKS", "immediate")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minsheng.settings")
    import django

    django.setup()


def _times(fn: Callable[[], object], n: int) -> list[float]:
    out = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def _p(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _row(label: str, samples: list[float] | None) -> str:
    if not samples:
        return f"| {label} | n/a | n/a | 0 |"
    return f"| {label} | {_p(samples, 0.5):.3f} | {_p(samples, 0.95):.3f} | {len(samples)} |"


def measure(plans: list, n: int, notices: int) -> list[str]:
    from django.db import transaction
    from django.test import Client

    from minsheng.core.models import User
    from minsheng.progress.models import Period
    from minsheng.progress.selectors import plan_progress

    try:
        from minsheng.progress import notice as notice_module
    except ImportError:
        notice_module = None

    admin = User.objects.get(username="admin")
    client = Client()
    client.force_login(admin, backend="django.contrib.auth.backends.ModelBackend")
    overview, page, notice = [], [], []
    for plan in plans:
        on = datetime.date(plan.year, 10, 15)  # September's reports are due: the overview's busiest moment
        overview += _times(lambda plan=plan, on=on: plan_progress(plan, on), n)
        page += _times(lambda plan=plan, on=on: client.get(f"/staff/progress/plans/{plan.pk}/",
                                                           {"on": on.isoformat()}), n)
    if notice_module is not None:
        for plan in plans[:notices]:
            period = Period.objects.filter(plan=plan, month=9).first()
            if period is None:
                continue
            for _ in range(max(1, n // 5)):
                # Roll back each notice: the next run builds the same first issue again.
                with transaction.atomic():
                    created = notice_module.create_notice(plan, period, admin)
                    notice += _times(lambda created=created: notice_module.generate_notice(created.pk), 1)
                    transaction.set_rollback(True)
    return [_row("plan_progress (overview computation)", overview), _row("overview page (test client)", page),
            _row("notice (.docx + .xlsx)", notice if notice_module else None)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", type=int, default=10, help="runs per plan")
    parser.add_argument("--plans", type=int, default=100)
    parser.add_argument("--projects", type=int, default=60)
    parser.add_argument("--allocations", type=int, default=15)
    parser.add_argument("--periods", type=int, default=12)
    parser.add_argument("--sample", type=int, default=10, help="generated plans measured at 100×")
    parser.add_argument("--notices", type=int, default=3, help="plans whose notice is built at each size")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as data_dir:
        _setup(data_dir)
        from django.conf import settings
        from django.core.management import call_command

        from minsheng import demo
        from minsheng.plans.models import Plan
        from minsheng.progress.models import Report
        from minsheng.scale import generate

        engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
        call_command("migrate", verbosity=0)
        if Plan.objects.exists():
            sys.exit("The database already holds plans: point DATABASE_URL at an empty scratch database.")
        print(f"database: {engine}")

        start = time.perf_counter()
        demo.prepare()
        print(f"1×: demo prepared (five seed plans, simulated to September) in {time.perf_counter() - start:.1f}s, "
              f"{Report.objects.count()} reports")
        seeds = list(Plan.objects.order_by("id"))
        lines = ["| measure | p50 s | p95 s | samples |", "| --- | --- | --- | --- |"]
        lines += [line.replace("| ", "| 1× ", 1) for line in measure(seeds, args.n, args.notices)]

        start = time.perf_counter()
        scale = generate(plans=args.plans, projects=args.projects, allocations=args.allocations,
                         periods=args.periods, seed=1)
        print(f"100×: generated {args.plans} plans × {args.projects} projects × {args.allocations} districts × "
              f"{args.periods} periods = {scale.reports} reports, {scale.target_figures} target figures, "
              f"{scale.allocation_figures} district figures in {time.perf_counter() - start:.1f}s")
        step = max(1, len(scale.plans) // args.sample)
        sampled = scale.plans[::step][:args.sample]
        lines += [line.replace("| ", "| 100× ", 1) for line in measure(sampled, args.n, args.notices)]
        lines += [line.replace("| ", "| 100×, seed plans ", 1) for line in measure(seeds, args.n, 0)[:2]]
        print("\n".join(lines))


if __name__ == "__main__":
    main()
