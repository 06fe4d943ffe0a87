from django.core.management.base import BaseCommand

from gongkai.audit.services import audit_purge, audit_verify


class Command(BaseCommand):
    help = "审计日志：verify 校验哈希链；purge 按保留期清理（不少于180天）。"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("verify", help="重新计算哈希链，发现被修改或删除的记录")
        sub.add_parser("purge", help="删除早于保留期（GONGKAI_AUDIT_RETENTION_DAYS）的记录")

    def handle(self, *args, **options):
        if options["action"] == "verify":
            checked, problems = audit_verify()
            for problem in problems:
                self.stdout.write(f"记录 #{problem.event_id}：{problem.message}")
            if problems:
                self.stderr.write(f"校验失败：共检查 {checked} 条，发现 {len(problems)} 处问题")
                raise SystemExit(1)
            self.stdout.write(f"校验通过：共 {checked} 条记录，哈希链完整")
        else:
            count = audit_purge()
            self.stdout.write(f"已清理 {count} 条超过保留期的审计记录")
