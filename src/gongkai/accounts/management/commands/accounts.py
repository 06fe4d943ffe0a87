from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from gongkai.accounts.services import users_disable_inactive
from gongkai.core.errors import DomainError


class Command(BaseCommand):
    help = "账户：disable_inactive 停用长期未登录的账户（每日任务，等保 8.1.4.2 c）。"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        inactive = sub.add_parser("disable_inactive", help="停用连续 N 天未登录的账户并结束其会话（审计）")
        inactive.add_argument(
            "--days",
            type=int,
            default=None,
            help=f"未登录天数（默认 GONGKAI_ACCOUNT_INACTIVE_DAYS，即 {settings.ACCOUNT_INACTIVE_DAYS}）",
        )

    def handle(self, *args, **options):
        days = options["days"] if options["days"] is not None else settings.ACCOUNT_INACTIVE_DAYS
        try:
            disabled = users_disable_inactive(days=days)
        except DomainError as exc:
            raise CommandError(exc.message) from None
        for username in disabled:
            self.stdout.write(f"已停用：{username}")
        self.stdout.write(f"共停用 {len(disabled)} 个连续 {days} 天未登录的账户")
