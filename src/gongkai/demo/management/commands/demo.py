from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from gongkai.audit.services import audit_record
from gongkai.demo import applications, catalog, channels, column, keyworks, participation, township

# In order: later loaders find the organisations and items of earlier ones.
LOADERS = [
    township.load,
    catalog.load,
    column.load,
    applications.load,
    keyworks.load,
    channels.load,
    participation.load,
]


class Command(BaseCommand):
    help = "载入演示乡镇（渠口乡）及其数据；可重复运行，第二次运行不做任何更改。"

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("生产环境（GONGKAI_PRODUCTION=1）不能载入演示数据和演示账号")
        loader = township.Loader()
        with transaction.atomic():
            for load in LOADERS:
                load(loader)
            if loader.created:
                audit_record(
                    actor="演示数据",
                    action="demo.load",
                    object_type="demo",
                    object_repr=f"新增 {len(loader.created)} 项",
                    after={"created": loader.created[:200]},
                )
        if loader.created:
            self.stdout.write(f"演示数据已载入：新增 {len(loader.created)} 项。")
        else:
            self.stdout.write("演示数据已是最新，未做任何更改。")
        self.stdout.write(f"演示账号密码：{township.DEMO_PASSWORD}（账号见 README）")
