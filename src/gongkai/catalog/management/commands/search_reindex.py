from django.core.management.base import BaseCommand

from gongkai.catalog.indexing import reindex_all


class Command(BaseCommand):
    help = "重建全文检索索引（从已发布的政府信息）"

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=2000)

    def handle(self, *args, batch_size, **options):
        count = reindex_all(batch_size=batch_size)
        self.stdout.write(f"已索引 {count} 条政府信息。")
