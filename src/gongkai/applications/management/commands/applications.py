"""`gongkai applications digest|purge|rotate_keys`: the periodic jobs of 依申请公开."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from gongkai.applications import keys, mailing, queries, services
from gongkai.applications.clock import ClockState


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"日期格式应为 YYYY-MM-DD：{value}") from None


def digest_text(rows) -> str:
    lines = []
    for title, state in (("已超期", ClockState.OVERDUE), ("即将到期", ClockState.DUE_SOON)):
        matching = [r for r in rows if r.state == state]
        if not matching:
            continue
        lines.append(f"【{title}】{len(matching)}件")
        for row in matching:
            a = row.application
            lines.append(
                f"  {a.case_number}（{a.organisation.display_name}）答复期限 {row.clock.due_on.isoformat()}："
                f"{row.clock.next_step}"
            )
    return "\n".join(lines)


class Command(BaseCommand):
    help = "依申请公开的定期任务：digest（到期提醒邮件）、purge（按保存期限清除个人信息）、rotate_keys（更换加密密钥）"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        digest = sub.add_parser("digest", help="向承办人发送即将到期和已超期申请的提醒邮件")
        digest.add_argument("--today", type=_date)
        purge = sub.add_parser("purge", help="清除超过保存期限的申请人个人信息")
        purge.add_argument("--today", type=_date)
        sub.add_parser("rotate_keys", help="用最新密钥重新加密全部个人信息（GONGKAI_FIELD_KEYS 第一个密钥）")

    def handle(self, *args, action, **options):
        today = options.get("today") or timezone.localdate()
        if action == "digest":
            messages = []
            for user, rows in queries.due_for_digest(today=today).items():
                if not user.email:
                    self.stderr.write(f"{user.get_username()} 没有电子邮箱，未发送")
                    continue
                overdue = sum(1 for r in rows if r.state == ClockState.OVERDUE)
                messages.append(
                    (
                        user.email,
                        f"依申请公开提醒：{overdue}件已超期，{len(rows) - overdue}件即将到期",
                        f"{user.display_name or user.get_username()}：\n\n截至{today.isoformat()}，"
                        f"您承办的以下申请需要尽快办理：\n\n{digest_text(rows)}\n",
                    )
                )
            outcome = mailing.send_all(messages)
            self.stdout.write(f"已发送提醒邮件 {len(outcome.sent)} 封")
            if outcome.failed:
                for address, why in outcome.failed.items():
                    self.stderr.write(f"未能发送给 {address}：{why}")
                raise CommandError(
                    f"{len(outcome.failed)} 封提醒邮件未能发送（邮件服务器不可用或拒收），请稍后重试"
                )
        elif action == "purge":
            count = services.personal_data_purge(today=today)
            self.stdout.write(f"已清除 {count} 件申请的个人信息")
        elif action == "rotate_keys":
            result = keys.rotate_field_keys()
            self.stdout.write(f"已用最新密钥重新加密 {result.rotated} 件申请")
            if result.failed:
                self.stderr.write(
                    f"{len(result.failed)} 件申请的个人信息无法解密，未更换密钥（缺少原密钥或数据已损坏）："
                    + "、".join(result.failed)
                )
                raise CommandError("部分申请未能重新加密")
