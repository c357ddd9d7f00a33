"""The ``minsheng`` command: demo, serve, load/export plans, and Django's own commands."""

from __future__ import annotations

import argparse
import datetime
import json
import os
import sys
from pathlib import Path


def _django(secure: bool | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minsheng.settings")
    if secure is not None:
        os.environ["MINSHENG_SECURE"] = "1" if secure else "0"
    import django

    django.setup()


class Refused(Exception):
    """A command cannot run as asked: its message goes to stderr and the command exits 2."""


def _plan(text: str):
    """The one plan ``--plan`` names, by number or by region and year (杭州市 2024); Refused otherwise."""
    from minsheng.plans.lookup import all_plans, describe, find_plans

    found = find_plans(text)
    if len(found) == 1:
        return found[0]
    if found:
        head = f"“{text}”对应 {len(found)} 个计划，请用编号指定其中一个："
    else:
        number = text.strip().isascii() and text.strip().isdigit()
        head = f"没有{f'编号为 {text.strip()} ' if number else f'与“{text}”相符'}的计划。现有计划："
        found = all_plans()[:30]
    raise Refused("\n".join([head, *([f"  {describe(p)}" for p in found] or ["  （无）"])]))


SERVER_HEADER = "minsheng"


def _gunicorn(bind: str, workers: int) -> None:
    import gunicorn.http.wsgi
    from gunicorn.app.wsgiapp import run

    # gunicorn writes its own name into every response's Server header and has no setting for it;
    # its responses read the module's SERVER when built, so naming the app here is inherited by the
    # forked workers. (A Django middleware cannot remove a header the server adds afterwards.)
    gunicorn.http.wsgi.SERVER = SERVER_HEADER

    sys.argv = ["gunicorn", "minsheng.wsgi:application", "--bind", bind, "--workers", str(workers),
                "--access-logfile", "-", "--timeout", "120"]
    run()


def cmd_demo(args: argparse.Namespace) -> int:
    # The demo runs over plain http on localhost: secure-only cookies would make login impossible.
    _django(secure=False)
    from django.core.management import call_command

    from minsheng import demo

    call_command("migrate", verbosity=0)
    from django.utils import timezone

    as_of = args.as_of or timezone.localdate()
    accounts = demo.prepare(as_of=as_of)
    from django.conf import settings

    print(f"演示数据已就绪：{settings.DATABASES['default']['NAME']}（演示日期 {as_of.isoformat()}）")
    print(f"演示账号（密码均为 {demo.DEMO_PASSWORD}）：")
    for username, role, scope in accounts:
        print(f"  {username:12s} {role}  {scope}")
    from minsheng.appeals.services import issue_key
    from minsheng.core.models import Region

    print(f"Open311 接口密钥（杭州市，/open311/v2/）：{issue_key('演示', Region.objects.get(name='杭州市'))}")
    if args.no_serve:
        return 0
    print(f"打开 http://127.0.0.1:{args.port}/staff/ 登录；公众页面 http://127.0.0.1:{args.port}/")
    _gunicorn(f"127.0.0.1:{args.port}", workers=2)
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    _django()
    from django.core.management import call_command

    if args.migrate:
        call_command("migrate", verbosity=1)
    _gunicorn(args.bind, args.workers)
    return 0


def _load(doc: dict, label: str, problem: str) -> int:
    """Save a minsheng.plan/1 document and say what it did; ``problem`` heads a rejection."""
    _django()
    from minsheng.plans.plan_json import PlanDocumentError
    from minsheng.plans.services import load_plan_document

    try:
        result = load_plan_document(doc)
    except PlanDocumentError as exc:
        print(f"{label} {problem}：", file=sys.stderr)
        for line in exc.errors:
            print(f"  {line}", file=sys.stderr)
        return 2
    print(result.summary())
    for name in result.created:
        print(f"  新增：{name}")
    for name, fields in result.changes.items():
        print(f"  修改：{name}（{'、'.join(fields)}）")
    for name in result.deleted:
        print(f"  删除：{name}")
    print(f"计划编号 {result.plan.pk}")
    return 0


def cmd_load(args: argparse.Namespace) -> int:
    try:
        doc = json.loads(Path(args.file).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        print(f"无法读取 {args.file}：{exc}", file=sys.stderr)
        return 2
    return _load(doc, args.file, "不符合 minsheng.plan/1")


def cmd_import(args: argparse.Namespace) -> int:
    # --json is pure reading: no settings, no database, so it runs anywhere the package does.
    from minsheng.ingest.document import IngestError
    from minsheng.ingest.isolation import import_file_isolated
    from minsheng.ingest.limits import Limits

    try:
        # The same bounded child process as a web upload, limits from the same MINSHENG_IMPORT_*.
        doc, _warnings = import_file_isolated(Path(args.file), limits=Limits.from_environ(os.environ))
    except IngestError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"无法读取 {args.file}：{exc.strerror or exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(doc, ensure_ascii=False, indent=2))
        return 0
    return _load(doc, args.file, "的识别结果不完整")


def cmd_export(args: argparse.Namespace) -> int:
    _django()
    from minsheng.plans.export import export_plan

    plan = _plan(args.plan)
    text = json.dumps(export_plan(plan), ensure_ascii=False, indent=2)
    if args.out:
        Path(args.out).write_text(text + "\n", encoding="utf-8")
    else:
        print(text)
    return 0


def cmd_remind(args: argparse.Namespace) -> int:
    _django()
    import datetime

    from django.utils import timezone

    from minsheng.progress.reminders import send_due_reminders

    day = datetime.date.fromisoformat(args.date) if args.date else timezone.localdate()
    print(f"已发送提醒 {send_due_reminders(day)} 条（{day}）")
    return 0


def cmd_simulate(args: argparse.Namespace) -> int:
    _django()
    from minsheng.progress.simulate import SimulationError, simulate_plan

    plan = _plan(args.plan)
    try:
        year, month = (int(x) for x in args.until.split("-"))
        result = simulate_plan(plan, (year, month), args.seed)
    except ValueError:
        print(f"--until 应为 年-月，如 2024-09：{args.until}", file=sys.stderr)
        return 2
    except SimulationError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    print(result.summary())
    return 0


def cmd_notice(args: argparse.Namespace) -> int:
    _django()
    import re

    from django.utils import timezone

    from minsheng.core.models import User
    from minsheng.progress.models import Notice
    from minsheng.progress.notice import create_notice, generate_notice
    from minsheng.progress.services import ensure_periods

    out = Path(args.out)
    if out.suffix.lower() not in (".docx", ".xlsx"):
        print(f"--out 应为 .docx 或 .xlsx 文件：{args.out}", file=sys.stderr)
        return 2
    plan = _plan(args.plan)
    match = re.fullmatch(r"(\d{4})-(\d{1,2})", args.period)
    # Periods are opened when first needed: a past month of the plan year may not exist yet.
    periods = ensure_periods(plan, timezone.localdate())
    period = next((p for p in periods if match and (p.year, p.month) == (int(match[1]), int(match[2]))), None)
    if period is None:
        print(f"计划“{plan.title}”没有报送周期 {args.period}（应为 年-月，如 {plan.year}-06）", file=sys.stderr)
        return 2
    user = (User.objects.filter(username=args.user).first() if args.user
            else User.objects.filter(is_superuser=True).order_by("id").first())
    if user is None:
        print(f"没有用户 {args.user or '（系统管理员）'}，请用 --user 指定生成人", file=sys.stderr)
        return 2
    notice = generate_notice(create_notice(plan, period, user).pk)
    if notice.state != Notice.State.READY:
        print(f"通报生成失败：{notice.error}", file=sys.stderr)
        return 1
    field = notice.docx if out.suffix.lower() == ".docx" else notice.xlsx
    with field.open("rb") as source:
        out.write_bytes(source.read())
    print(f"{notice.title} 已写入 {out}（通报编号 {notice.pk}）")
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    _django()
    from django.conf import settings
    from django.core.management import call_command

    from minsheng.progress.tasks import sweep_stale_notices

    config = settings.TASKS["default"]
    queues = config.get("QUEUES") or ["default"]
    # Notices a killed worker left 生成中 are queued again (or, tried too often, marked failed).
    for notice in sweep_stale_notices(retry=True):
        print(f"中断的通报：{notice.title}（{notice.get_state_display()}）")
    if config["BACKEND"].startswith("django_tasks_rq"):
        # django-tasks-rq needs its own Job class in the worker to run django.tasks tasks.
        call_command("rqworker", *queues, job_class="django_tasks_rq.Job", burst=args.burst, with_scheduler=True)
    elif config["BACKEND"].startswith("django_tasks_db"):
        call_command("db_worker", queue_name=",".join(queues), batch=args.burst, reload=False)
    else:
        print("后台任务当前为立即执行（在请求中完成），无需启动 worker；"
              "设置 REDIS_URL（RQ）或 MINSHENG_TASKS=db（数据库队列）后再运行。")
    return 0


def cmd_open311_key(args: argparse.Namespace) -> int:
    _django()
    from minsheng.appeals.services import issue_key
    from minsheng.core.models import Region

    region = Region.objects.filter(name=args.region).first()
    if region is None:
        print(f"没有名为 {args.region} 的区划", file=sys.stderr)
        return 2
    # Printed once: only the key's hash is stored.
    print(issue_key(args.create, region))
    return 0


def cmd_assess(args: argparse.Namespace) -> int:
    _django()
    import datetime

    from django.utils import timezone

    from minsheng.assessment.compute import as_json, assess

    plan = _plan(args.plan)
    try:
        on = datetime.date.fromisoformat(args.on) if args.on else min(timezone.localdate(),
                                                                      datetime.date(plan.year, 12, 31))
    except ValueError:
        print(f"--on 应为 年-月-日，如 {plan.year}-12-31：{args.on}", file=sys.stderr)
        return 2
    result = assess(plan, on)
    if args.json:
        print(json.dumps(as_json(result), ensure_ascii=False, indent=2))
        return 0
    for s in result.units:
        print(f"{s.rank:>3}  {s.total:>7}  {s.name}")
    return 0


def cmd_manage(args: argparse.Namespace) -> int:
    _django()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["minsheng", *args.rest])
    return 0


PLAN_HELP = "计划编号，或区划和年度，如 12、杭州市 2024"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="minsheng", description="民生实事项目管理系统")
    sub = parser.add_subparsers(dest="command", required=True)

    demo = sub.add_parser("demo", help="准备演示数据库并在本机启动")
    demo.add_argument("--port", type=int, default=8000)
    demo.add_argument("--no-serve", action="store_true", help="只准备数据，不启动服务")
    demo.add_argument("--as-of", type=datetime.date.fromisoformat, default=None, metavar="YYYY-MM-DD",
                      help="演示数据的“今天”：种子计划移到该年，并模拟到该日已截止的报送期（默认：今天）")
    demo.set_defaults(func=cmd_demo)

    serve = sub.add_parser("serve", help="以生产方式（gunicorn）启动")
    serve.add_argument("--bind", default=os.environ.get("MINSHENG_BIND", "127.0.0.1:8000"))
    serve.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "3")))
    serve.add_argument("--migrate", action="store_true", help="启动前执行数据库迁移")
    serve.set_defaults(func=cmd_serve)

    load = sub.add_parser("load", help="载入 minsheng.plan/1 JSON")
    load.add_argument("file")
    load.set_defaults(func=cmd_load)

    imp = sub.add_parser("import", help="导入计划文件（.docx/.xlsx/.pdf/.txt/.doc）")
    imp.add_argument("file")
    imp.add_argument("--json", action="store_true", help="只输出识别出的 minsheng.plan/1 JSON，不保存")
    imp.set_defaults(func=cmd_import)

    export = sub.add_parser("export", help="导出计划")
    export.add_argument("--plan", required=True, help=PLAN_HELP)
    export.add_argument("--json", action="store_true", help="minsheng.plan/1 JSON（默认）")
    export.add_argument("--out")
    export.set_defaults(func=cmd_export)

    remind = sub.add_parser("remind", help="发送报送提醒（每天运行一次）")
    remind.add_argument("--date", help="按哪一天计算，默认今天")
    remind.set_defaults(func=cmd_remind)

    simulate = sub.add_parser("simulate", help="为计划模拟各单位的月度报送（演示、测试用）")
    simulate.add_argument("--plan", required=True, help=PLAN_HELP)
    simulate.add_argument("--until", required=True, help="模拟到哪个月，如 2024-09")
    simulate.add_argument("--seed", type=int, default=1)
    simulate.set_defaults(func=cmd_simulate)

    notice = sub.add_parser("notice", help="生成进展情况通报（第N期）并写入 .docx 或 .xlsx")
    notice.add_argument("--plan", required=True, help=PLAN_HELP)
    notice.add_argument("--period", required=True, help="报送周期，年-月，如 2024-06")
    notice.add_argument("--out", required=True, help="输出文件 .docx 或 .xlsx")
    notice.add_argument("--user", help="记为生成人的用户名（默认第一个系统管理员）")
    notice.set_defaults(func=cmd_notice)

    worker = sub.add_parser("worker", help="运行后台任务 worker（RQ 或数据库队列，按配置）")
    worker.add_argument("--burst", action="store_true", help="处理完队列中的任务后退出")
    worker.set_defaults(func=cmd_worker)

    key = sub.add_parser("open311-key", help="签发 Open311 接口密钥（只显示一次）")
    key.add_argument("--create", metavar="NAME", required=True, help="密钥名称，如调用方系统名")
    key.add_argument("--region", default="杭州市", help="密钥所属辖区（默认 杭州市）")
    key.set_defaults(func=cmd_open311_key)

    assess = sub.add_parser("assess", help="计算年终考核得分（各单位得分及其构成）")
    assess.add_argument("--plan", required=True, help=PLAN_HELP)
    assess.add_argument("--on", help="考核截止日期，默认今天（不晚于计划年度年底）")
    assess.add_argument("--json", action="store_true", help="输出 JSON：每个单位的得分和各项构成")
    assess.set_defaults(func=cmd_assess)

    manage = sub.add_parser("manage", help="Django 管理命令，如 migrate、createsuperuser")
    manage.add_argument("rest", nargs=argparse.REMAINDER)
    manage.set_defaults(func=cmd_manage)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except Refused as exc:
        print(str(exc), file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
