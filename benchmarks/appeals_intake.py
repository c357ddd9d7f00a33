"""Appeal intake throughput and latency on PostgreSQL, through the real HTTP stack.

Creates a scratch database, migrates it, seeds regions, the calendar and an Open311 key, starts
``minsheng serve`` (gunicorn) on loopback and posts a bounded number of Open311 requests from
concurrent clients. Prints requests per second and latency percentiles; asserts nothing. Stops by
itself and drops the scratch database.

    .venv/bin/python benchmarks/appeals_intake.py [--requests 400] [--clients 8] [--workers 2]

PostgreSQL: BENCH_PG_URL (default postgres://postgres@127.0.0.1:5432/postgres) names the server;
the scratch database beside it is minsheng_bench_appeals.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = ROOT / ".venv" / "bin"
SCRATCH = "minsheng_bench_appeals"
SEED = """
from minsheng import demo
from minsheng.appeals.services import issue_key
from minsheng.core.calendar import seed_calendar
from minsheng.core.models import Region
seed_calendar(); demo.seed_regions()
print(issue_key("bench", Region.objects.get(name="杭州市")))
"""


def scratch_url(server_url: str) -> str:
    parts = urllib.parse.urlsplit(server_url)
    return urllib.parse.urlunsplit(parts._replace(path=f"/{SCRATCH}"))


def recreate(server_url: str, drop_only: bool = False) -> None:
    import psycopg

    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {SCRATCH} WITH (FORCE)")
        if not drop_only:
            conn.execute(f"CREATE DATABASE {SCRATCH}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def post(url: str, fields: dict) -> tuple[float, int]:
    data = urllib.parse.urlencode(fields).encode()
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(urllib.request.Request(url, data=data), timeout=30) as response:
            status = response.status
            response.read()
    except urllib.error.HTTPError as exc:
        status = exc.code
    return time.perf_counter() - started, status


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    server_url = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    recreate(server_url)
    env = {**os.environ, "DATABASE_URL": scratch_url(server_url), "MINSHENG_SECURE": "0",
           "MINSHENG_DATA_DIR": str(ROOT / "test-output" / "bench-appeals")}
    subprocess.run([BIN / "minsheng", "manage", "migrate", "-v", "0"], env=env, check=True)
    seed = subprocess.run([BIN / "minsheng", "manage", "shell", "-c", SEED], env=env, check=True,
                          capture_output=True, text=True)
    key = seed.stdout.strip().splitlines()[-1]

    port = free_port()
    server = subprocess.Popen([BIN / "minsheng", "serve", "--bind", f"127.0.0.1:{port}", "--workers",
                               str(args.workers)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}/open311/v2"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{base}/services.json", timeout=2).read()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    print("server did not start", file=sys.stderr)
                    return 1
                time.sleep(0.3)

        def one(i: int) -> tuple[float, int]:
            return post(f"{base}/requests.json", {
                "api_key": key, "service_code": ("consult", "complaint", "utility")[i % 3],
                "address_string": f"杭州市西湖区文三路 {i} 号", "phone": f"139{i:08d}",
                "description": f"压测诉求第 {i} 件：小区路灯不亮，晚上出行不便，希望尽快维修。",
            })

        for i in range(min(20, args.requests)):  # warm the workers: imports, connections, jieba
            one(-1 - i)
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=args.clients) as pool:
            results = list(pool.map(one, range(args.requests)))
        elapsed = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(timeout=30)
        recreate(server_url, drop_only=True)

    latencies = sorted(t for t, _ in results)
    statuses = {s: sum(1 for _, x in results if x == s) for s in {s for _, s in results}}
    p = statistics.quantiles(latencies, n=100)
    print(f"appeal intake (Open311 POST) on PostgreSQL, gunicorn {args.workers} workers, "
          f"{args.clients} concurrent clients, {args.requests} requests")
    print(f"  statuses: {statuses}")
    print(f"  throughput: {args.requests / elapsed:.1f} requests/s over {elapsed:.1f} s")
    print(f"  latency ms: p50 {p[49] * 1000:.0f}  p95 {p[94] * 1000:.0f}  p99 {p[98] * 1000:.0f}  "
          f"max {latencies[-1] * 1000:.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
