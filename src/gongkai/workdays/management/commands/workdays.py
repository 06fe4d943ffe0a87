"""`gongkai workdays recompute YEAR`: after chinesecalendar is upgraded to a version that knows YEAR, recompute the
dates stored on the calendar (the catalog's due dates and 公示期) so that their 暂定 marks go."""

from django.core.management.base import BaseCommand, CommandError

from gongkai.core.errors import DomainError
from gongkai.workdays.services import calendar_recompute


class Command(BaseCommand):
    help = "工作日历：recompute YEAR（数据包更新后，按新的日历重新计算该年相关的已存期限）"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        recompute = sub.add_parser("recompute", help="按当前日历重新计算涉及该年的已存期限（全国范围）")
        recompute.add_argument("year", type=int)

    def handle(self, *args, action, **options):
        if action == "recompute":
            try:
                calendar_recompute(year=options["year"], actor=None)
            except DomainError as exc:
                raise CommandError(exc.message) from None
            self.stdout.write(f"已按当前日历重新计算涉及{options['year']}年的已存期限。")
