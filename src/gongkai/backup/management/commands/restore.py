from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from gongkai.backup.database import DatabaseToolError
from gongkai.backup.services import BackupRefused, RestoreVerificationFailed, backup_restore


class Command(BaseCommand):
    help = "把备份归档恢复到一个空实例，并校验行数、内容摘要、文件哈希、审计日志和搜索。"

    def add_arguments(self, parser):
        parser.add_argument("archive", help="gongkai backup 生成的归档文件")
        parser.add_argument("--work-dir", help="临时目录（默认系统临时目录）")

    def handle(self, *args, **options):
        work_dir = Path(options["work_dir"]) if options["work_dir"] else None
        try:
            report = backup_restore(archive=Path(options["archive"]), work_dir=work_dir)
        except BackupRefused as exc:
            raise CommandError(f"拒绝恢复：{exc}") from exc
        except RestoreVerificationFailed as exc:
            for problem in exc.problems:
                self.stdout.write(f"问题：{problem}")
            raise CommandError(f"恢复后的校验未通过（{len(exc.problems)} 处问题），请勿启用本实例") from exc
        except DatabaseToolError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"恢复完成并已校验：{report.tables} 个表共 {report.rows} 行（行数与内容摘要均与清单一致），"
            f"{report.files} 个媒体文件（SHA-256 一致），审计日志 {report.audit_rows} 条哈希链完整且与备份检查点一致，"
            f"搜索抽查 {report.search_probes} 条{'（已重建索引）' if report.reindexed else '均可搜到'}"
        )
        for warning in report.warnings:
            self.stderr.write(f"警告：{warning}")
