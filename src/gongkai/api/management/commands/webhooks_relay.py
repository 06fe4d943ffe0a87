"""`gongkai webhooks_relay`: turn committed events (the audit log) and newly overdue cases into webhook deliveries
of the channels outbox; `gongkai dispatch` (or the Celery workers) then sends them. Run it every minute."""

from django.core.management.base import BaseCommand

from gongkai.api.webhooks import webhooks_relay


class Command(BaseCommand):
    help = "将新的事件（信息发布/撤回、申请收到/答复/超期、年报发布）转为 Webhook 投递"

    def handle(self, *args, **options):
        self.stdout.write(f"新建 Webhook 投递 {webhooks_relay()} 条。")
