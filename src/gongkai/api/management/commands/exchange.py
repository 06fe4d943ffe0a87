"""`gongkai exchange export|import`: the data exchange from the command line.

    gongkai exchange export --org qukou [--profile national] [--format json|xml] [--cursor C] > items.json
    gongkai exchange import --org qukou --user qukou_admin [--published] [--dry-run] PATH…
    gongkai exchange import-applications --org qukou --user qukou_clerk [--dry-run] applications.xlsx
    gongkai exchange import-report --org qukou --user qukou_admin --year 2024 [--dry-run] report-2024.pdf

PATH: an export file (.json, from `export`), a spreadsheet (.xlsx/.csv with the import columns), or a folder of
pages saved from the old site (every .htm/.html below it). The dry run lists every row's problems and writes
nothing; a real run imports all rows in one transaction or none."""

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from gongkai.accounts.models import User
from gongkai.api.history import applications_import
from gongkai.catalog import exchange, spreadsheets
from gongkai.catalog.importing import disclosures_import, rows_from_html_pages
from gongkai.core.errors import DomainError
from gongkai.orgs.models import Organisation
from gongkai.reports import services as report_services


class Command(BaseCommand):
    help = "信息元数据交换：导出（GB/T 21063.3、集约化）与导入（导出文件、表格、旧网站网页）"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        out = sub.add_parser("export")
        out.add_argument("--org", required=True)
        out.add_argument("--profile", default="national")
        out.add_argument("--format", choices=["json", "xml"], default="json")
        out.add_argument("--cursor", default=None)
        out.add_argument("--limit", type=int, default=exchange.MAX_PAGE)
        into = sub.add_parser("import")
        into.add_argument("--org", required=True)
        into.add_argument("--user", required=True, help="以该用户的身份导入（其角色决定能否导入）")
        into.add_argument("--published", action="store_true", help="记为已发布的历史信息（仅管理员）")
        into.add_argument("--dry-run", action="store_true")
        into.add_argument("--profile", default="national")
        into.add_argument("paths", nargs="+")
        past = sub.add_parser(
            "import-applications", help="导入历史依申请公开记录（表格，列见 api/history.py）"
        )
        past.add_argument("--org", required=True)
        past.add_argument("--user", required=True)
        past.add_argument("--dry-run", action="store_true")
        past.add_argument("path")
        report = sub.add_parser(
            "import-report", help="导入往年已发布的年度报告（其结转下年度作为下一年的上年结转）"
        )
        report.add_argument("--org", required=True)
        report.add_argument("--user", required=True)
        report.add_argument("--year", type=int, required=True)
        report.add_argument("--dry-run", action="store_true")
        report.add_argument("path")

    def handle(self, *args, action, org, **options):
        organisation = Organisation.objects.filter(code=org).first()
        if organisation is None:
            raise CommandError(f"没有代码为 {org} 的机构")
        try:
            if action == "export":
                self._export(organisation, **options)
            elif action == "import-report":
                self._import_report(organisation, **options)
            elif action == "import-applications":
                self._import_applications(organisation, **options)
            else:
                self._import(organisation, **options)
        except DomainError as exc:
            raise CommandError(exc.message) from None

    def _export(self, organisation, *, profile, format, cursor, limit, **_):
        page = exchange.export_page(
            organisation=organisation, profile_name=profile, cursor=cursor, limit=limit
        )
        if format == "xml":
            sys.stdout.buffer.write(exchange.as_xml(page))
        else:
            self.stdout.write(json.dumps(page, ensure_ascii=False, indent=1))
        self.stderr.write(f"{len(page['items'])} 条；下次增量导出请用 --cursor {page['next_cursor'] or ''}")

    def _rows(self, paths: list[str], profile: str) -> tuple[list[dict], list[str] | None]:
        rows, labels = [], []
        for name in paths:
            path = Path(name)
            if path.is_dir():
                pages = [
                    (p.relative_to(path).as_posix(), p.read_bytes()) for p in sorted(path.rglob("*.htm*"))
                ]
                found, names = rows_from_html_pages(pages, read_file=_folder_reader(path))
                rows += found
                labels += names
            elif path.suffix.lower() == ".json":
                found = exchange.rows_from_export(
                    json.loads(path.read_text(encoding="utf-8"))["items"], profile
                )
                rows += found
                labels += [f"{path.name}#{n}" for n in range(1, len(found) + 1)]
            else:
                headers, table = spreadsheets.read_table(path.read_bytes())
                found = spreadsheets.rows_as_dicts(headers, table)
                rows += found
                labels += [f"{path.name} 第{n}行" for n in range(2, len(found) + 2)]
        return rows, labels

    def _actor(self, username):
        actor = User.objects.filter(username=username, is_active=True).first()
        if actor is None:
            raise CommandError(f"没有用户 {username}")
        return actor

    def _import_applications(self, organisation, *, user, dry_run, path, **_):
        headers, table = spreadsheets.read_table(Path(path).read_bytes())
        result = applications_import(
            organisation=organisation,
            actor=self._actor(user),
            rows=spreadsheets.rows_as_dicts(headers, table),
            dry_run=dry_run,
        )
        for number, message in result.errors:
            self.stdout.write(f"  ✗ 第{number}行：{message}")
        verb = "可导入" if dry_run else "已导入"
        self.stdout.write(f"共{result.rows}行：{verb}{len(result.created)}件，有问题{len(result.errors)}行。")

    def _import_report(self, organisation, *, user, year, dry_run, path, **_):
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            raise CommandError(f"无法读取文件：{exc}") from None
        reading = report_services.past_report_import(
            actor=self._actor(user),
            organisation=organisation,
            year=year,
            name=path,
            data=data,
            confirm=not dry_run,
        )
        for finding in reading.findings:
            self.stdout.write(f"  · {finding.message}")
        carried = "，".join(f"{column} {value}" for column, value in reading.carried_out.items())
        verb = "试读（未保存）" if dry_run else "已导入"
        self.stdout.write(f"{year}年度报告（{reading.format_code}年版）{verb}：结转下年度继续办理 {carried}")

    def _import(self, organisation, *, user, published, dry_run, profile, paths, **_):
        actor = self._actor(user)
        rows, labels = self._rows(paths, profile)
        result = disclosures_import(
            organisation=organisation,
            actor=actor,
            rows=rows,
            dry_run=dry_run,
            published=published,
            row_labels=labels,
        )
        for _number, message in result.errors:
            self.stdout.write(f"  ✗ {message}")
        for label, file_name, status, detail in result.attachments:
            self.stdout.write(f"  附件 {label}：{file_name}（{status}{'：' + detail if detail else ''}）")
        verb = "可导入" if dry_run else "已导入"
        self.stdout.write(f"共{result.rows}行：{verb}{len(result.created)}行，有问题{len(result.errors)}行。")


def _folder_reader(folder: Path):
    """read_file for a saved site's folder: a file inside it (never outside, links and all), or None."""
    root = folder.resolve()

    def read(relative: str) -> bytes | None:
        target = (root / relative).resolve()
        if not target.is_relative_to(root) or not target.is_file():
            return None
        return target.read_bytes()

    return read
