"""Run from cron every few minutes: raise overdue appeals to the coordinator, then to the leader."""

from django.core.management.base import BaseCommand

from minsheng.appeals.services import escalate_overdue


class Command(BaseCommand):
    help = "超期诉求升级督办"

    def handle(self, *args, **options) -> None:
        self.stdout.write(f"升级 {escalate_overdue()} 件")
