"""`gongkai report check FILE`: check a published annual report's arithmetic and text;
`gongkai report build --org CODE --year YEAR`: compile a report from the records and export it.

One method per subcommand. Exit codes of `check`: 0 when the report is consistent, 1 when a check fails, 2 when the
file cannot be read.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from gongkai.reports.checks import check_reading, check_report
from gongkai.reports.findings import HARD, SOFT, is_consistent
from gongkai.reports.parsing import ReportReadError, read_report
from gongkai.reports.tables import TABLE_TITLES

EXIT_CONSISTENT = 0
EXIT_FINDINGS = 1
EXIT_UNREADABLE = 2

SEVERITY_LABELS = {HARD: "错误", SOFT: "提示"}


class Command(BaseCommand):
    help = "政府信息公开工作年度报告：检查已发布报告的表格与正文数字（check），由记录编制报告（build）。"
    # Checking a file needs neither the database nor the URL configuration.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", metavar="{check,build}", required=True)
        build = subcommands.add_parser(
            "build",
            help="由平台记录编制某机构某年度的年度报告并导出",
            description="由记录计算全部数字，按该年度适用的格式编制报告，导出为 html、docx、pdf、xlsx 或 json。",
        )
        build.add_argument("--org", required=True, help="机构代码，例如 qukou")
        build.add_argument("--year", required=True, type=int)
        build.add_argument(
            "--format", choices=("html", "docx", "pdf", "xlsx", "json"), default="html", dest="output_format"
        )
        build.add_argument("--output", help="输出文件；缺省时写到标准输出（pdf、docx、xlsx 必须指定）")
        build.add_argument("--no-children", action="store_true", help="不汇总下级机构")
        check = subcommands.add_parser(
            "check",
            help="检查一份已发布的年度报告（HTML、Markdown、文本、DOCX、PDF）",
            description="检查年度报告的勾稽关系与正文中的合计数。退出码：0 一致，1 有错误，2 文件无法读取。",
        )
        check.add_argument("file", help="报告文件")
        check.add_argument("--format", choices=("text", "json"), default="text", dest="output_format")
        check.add_argument("--strict", action="store_true", help="提示（soft）也视为不一致")

    def handle(self, *args: Any, **options: Any) -> None:
        handlers = {"check": self.handle_check, "build": self.handle_build}
        code = handlers[options["subcommand"]](**options)
        if code:
            sys.exit(code)

    def handle_check(self, *, file: str, output_format: str, strict: bool = False, **_: Any) -> int:
        try:
            report = read_report(file)
        except ReportReadError as exc:
            if output_format == "json":
                self.stdout.write(json.dumps({"file": file, "error": str(exc)}, ensure_ascii=False))
            self.stderr.write(f"无法读取 {file}：{exc}")
            return EXIT_UNREADABLE
        reading = report.reading
        findings = check_reading(
            tables_found=bool(report.tables),
            year=report.year,
            assumptions=reading.assumptions if reading else (),
            units=reading.units if reading else (),
        )
        if not report.tables and report.year is not None and report.year < 2019:
            report.notes.append("2019 年以前的年度报告为自由格式，无表格，仅检查正文")
        findings += check_report(
            tables=report.tables,
            text=report.text,
            township=report.township,
            year=report.year,
            format_code=report.format_code,
        )
        consistent = is_consistent(findings, strict=strict)
        if output_format == "json":
            payload = {
                "file": file,
                "consistent": consistent,
                "findings": [f.to_dict() for f in findings],
                "tables_found": [TABLE_TITLES[key] for key in report.tables_found],
                "format": report.format_code,
                "year": report.year,
                "organisation": report.organisation,
                "notes": report.notes,
            }
            self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2))
        else:
            self._print_check(file, report, findings, consistent)
        return EXIT_CONSISTENT if consistent else EXIT_FINDINGS

    def handle_build(
        self, *, org: str, year: int, output_format: str, output: str | None, no_children: bool, **_: Any
    ) -> int:
        from django.core.management.base import CommandError

        from gongkai.orgs.models import Organisation
        from gongkai.reports import render
        from gongkai.reports.compile import compile_report
        from gongkai.reports.models import AnnualReport

        organisation = Organisation.objects.filter(code=org).first()
        if organisation is None:
            raise CommandError(f"没有代码为“{org}”的机构")
        stored = AnnualReport.objects.filter(organisation=organisation, year=year).first()
        previous = AnnualReport.objects.filter(organisation=organisation, year=year - 1).first()
        compiled = compile_report(
            organisation,
            year,
            include_children=not no_children if stored is None or no_children else stored.include_children,
            narrative=stored.narrative if stored else None,
            previous_narrative=previous.narrative if previous else None,
        )
        content = render.render(compiled, output_format)
        if output:
            with open(output, "wb") as handle:
                handle.write(content)
            self.stderr.write(f"已写入 {output}（{len(content)} 字节）")
        elif output_format in ("pdf", "docx", "xlsx"):
            raise CommandError(f"{output_format} 是二进制格式，请用 --output 指定文件")
        else:
            self.stdout.write(content.decode())
        return EXIT_CONSISTENT

    def _print_check(self, file, report, findings, consistent) -> None:
        found = (
            "、".join(TABLE_TITLES[key] for key in report.tables_found) or "无（自由格式报告，仅检查正文）"
        )
        fmt = f"{report.format_code} 年格式" if report.format_code else "无表格"
        self.stdout.write(f"{file}")
        year = f"{report.year} 年度" if report.year else "（未识别年度）"
        organisation = report.organisation or "（未识别机关）"
        self.stdout.write(f"  {organisation} {year}；{fmt}；识别到的表格：{found}")
        for note in report.notes:
            self.stdout.write(f"  注：{note}")
        for finding in findings:
            self.stdout.write(
                f"[{SEVERITY_LABELS.get(finding.severity, finding.severity)}] {finding.message}"
            )
        hard = sum(f.severity == HARD for f in findings)
        if consistent and not findings:
            self.stdout.write(self.style.SUCCESS("一致：未发现问题"))
        elif consistent:
            self.stdout.write(self.style.WARNING(f"一致：无错误，{len(findings)} 条提示"))
        else:
            self.stdout.write(self.style.ERROR(f"不一致：{hard} 条错误，{len(findings) - hard} 条提示"))
