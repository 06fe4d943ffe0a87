"""`gongkai catalog purge_uploads`: the periodic housekeeping of proactive disclosure."""

from django.core.management.base import BaseCommand

from gongkai.catalog.uploads import upload_previews_purge


class Command(BaseCommand):
    help = "主动公开的定期任务：purge_uploads（删除已过期的名单上传临时数据）"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("purge_uploads", help="删除已过期的名单公示上传临时数据（含身份证号等个人信息）")

    def handle(self, *args, action, **options):
        if action == "purge_uploads":
            self.stdout.write(f"已删除过期的上传临时数据 {upload_previews_purge()} 份。")
