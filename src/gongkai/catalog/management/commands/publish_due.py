from django.core.management.base import BaseCommand

from gongkai.catalog.services import disclosures_publish_due
from gongkai.catalog.uploads import upload_previews_purge


class Command(BaseCommand):
    help = "发布定时发布时间已到的已审批信息（由 cron 或 Celery beat 每分钟运行）。"

    def handle(self, *args, **options):
        published = disclosures_publish_due()
        for disclosure in published:
            self.stdout.write(f"已发布：{disclosure.index_no} {disclosure.title}")
        self.stdout.write(f"共发布 {len(published)} 条。")
        # Every minute anyway: expired 公示 list uploads (personal data) go as soon as they expire.
        purged = upload_previews_purge()
        if purged:
            self.stdout.write(f"已删除过期的上传临时数据 {purged} 份。")
