from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from gongkai.backup import crypto
from gongkai.backup.database import DatabaseToolError
from gongkai.backup.services import BackupRefused, backup_create


class Command(BaseCommand):
    help = (
        "备份整个实例（数据库一致快照、媒体文件、密钥指纹）到一个归档文件；设置 GONGKAI_BACKUP_KEY 时加密。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", "-o", help="归档文件路径（不会覆盖已有文件）")
        parser.add_argument("--work-dir", help="临时目录（默认系统临时目录；需能放下一份数据库快照）")
        parser.add_argument(
            "--generate-key", action="store_true", help="生成一个新的 GONGKAI_BACKUP_KEY 并退出"
        )

    def handle(self, *args, **options):
        if options["generate_key"]:
            self.stdout.write(crypto.generate_key())
            return
        if not options["output"]:
            raise CommandError("请用 --output 指定归档文件路径")
        work_dir = Path(options["work_dir"]) if options["work_dir"] else None
        try:
            manifest = backup_create(output=Path(options["output"]), work_dir=work_dir)
        except (BackupRefused, DatabaseToolError, crypto.BackupKeyError) as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(t["rows"] for t in manifest["tables"].values())
        media = sum(1 for name in manifest["files"] if name.startswith("media/"))
        self.stdout.write(
            f"备份完成：{options['output']}（{'已加密' if manifest['encrypted'] else '未加密'}），"
            f"{len(manifest['tables'])} 个表共 {rows} 行，{media} 个媒体文件，"
            f"审计日志 {manifest['audit_checkpoint']['count']} 条"
        )
        if not manifest["encrypted"]:
            self.stderr.write(
                "警告：未设置 GONGKAI_BACKUP_KEY，备份未加密；其中有申请人的个人信息（字段已加密）和全部业务数据"
            )
