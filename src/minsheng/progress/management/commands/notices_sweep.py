"""Run from cron (or by hand after a crash): notices left 生成中 by a killed worker become retryable."""

from django.core.management.base import BaseCommand

from minsheng.progress.tasks import sweep_stale_notices


class Command(BaseCommand):
    help = "将超时未完成的通报标记为生成失败（可重新生成，期数不变）；--retry 则直接重新排队生成"

    def add_arguments(self, parser) -> None:
        parser.add_argument("--retry", action="store_true", help="重新排队生成，而不只是标记为失败")

    def handle(self, *args, **options) -> None:
        swept = sweep_stale_notices(retry=options["retry"])
        for notice in swept:
            self.stdout.write(f"{notice.title}：{notice.get_state_display()}")
        self.stdout.write(f"处理中断的通报 {len(swept)} 份")
