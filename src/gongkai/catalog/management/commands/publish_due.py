from django.core.management.base import BaseCommand

from gongkai.catalog.services import disclosures_publish_due


class Command(BaseCommand):
    help = "发布定时发布时间已到的已审批信息（由 cron 或 Celery beat 每分钟运行）。"

    def handle(self, *args, **options):
        published = disclosures_publish_due()
        for disclosure in published:
            self.stdout.write(f"已发布：{disclosure.index_no} {disclosure.title}")
        self.stdout.write(f"共发布 {len(published)} 条。")
