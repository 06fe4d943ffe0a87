from django.core.management.base import BaseCommand

from gongkai.audit.checkpoints import checkpoint_path
from gongkai.audit.services import CheckpointRefused, audit_checkpoint, audit_purge, audit_verify_full


class Command(BaseCommand):
    help = "审计日志：verify 校验哈希链并与检查点比对；checkpoint 写入签名检查点；purge 按保留期清理（不少于180天）。"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("verify", help="重新计算哈希链并与检查点比对，发现被修改、删除或清空的记录")
        checkpoint = sub.add_parser("checkpoint", help="校验后把签名检查点追加到检查点文件（及 syslog）")
        checkpoint.add_argument(
            "--syslog",
            default=None,
            help="同时发送到 syslog：/dev/log 或 主机:端口（默认 GONGKAI_AUDIT_SYSLOG）",
        )
        sub.add_parser("purge", help="删除早于保留期（GONGKAI_AUDIT_RETENTION_DAYS）的记录")

    def handle(self, *args, **options):
        if options["action"] == "verify":
            self.verify()
        elif options["action"] == "checkpoint":
            self.checkpoint(options["syslog"])
        else:
            count = audit_purge()
            self.stdout.write(f"已清理 {count} 条超过保留期的审计记录")

    def verify(self):
        result = audit_verify_full()
        for warning in result.warnings:
            self.stderr.write(f"警告：{warning}")
        for problem in result.problems:
            where = f"记录 #{problem.event_id}：" if problem.event_id is not None else "日志："
            self.stdout.write(f"{where}{problem.message}")
        if result.problems:
            self.stderr.write(f"校验失败：共检查 {result.checked} 条，发现 {len(result.problems)} 处问题")
            raise SystemExit(1)
        if result.checkpoints:
            self.stdout.write(
                f"校验通过：共 {result.checked} 条记录，哈希链完整，与 {result.checkpoints} 个检查点一致"
            )
        else:
            self.stdout.write(f"校验通过：共 {result.checked} 条记录，哈希链完整")
            self.stderr.write(
                f"警告：{checkpoint_path()} 中没有检查点，无法发现尾部删除或整表清空；"
                "请定时运行 gongkai audit checkpoint（docs/operations.md）"
            )

    def checkpoint(self, syslog):
        try:
            checkpoint = audit_checkpoint(syslog_address=syslog)
        except CheckpointRefused as exc:
            for problem in exc.problems:
                where = f"记录 #{problem.event_id}：" if problem.event_id is not None else "日志："
                self.stdout.write(f"{where}{problem.message}")
            self.stderr.write(str(exc))
            raise SystemExit(1) from None
        self.stdout.write(
            f"已写入检查点：共 {checkpoint.count} 条，最后 #{checkpoint.last_id}，"
            f"哈希 {checkpoint.last_hash[:16]}…，文件 {checkpoint_path()}"
        )
