"""`gongkai report check FILE`: check a published annual report's arithmetic.

One function per subcommand (`check` now; `build` will follow). Exit codes of `check`: 0 when the
report is consistent, 1 when a check fails, 2 when the file cannot be read.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from gongkai.reports.checks import HARD, check_report, is_consistent
from gongkai.reports.parsing import ReportReadError, read_report
from gongkai.reports.tables import TABLE_TITLES

EXIT_CONSISTENT = 0
EXIT_FINDINGS = 1
EXIT_UNREADABLE = 2

SEVERITY_LABELS = {HARD: "错误", "soft": "提示"}


class Command(BaseCommand):
    help = "政府信息公开工作年度报告：检查已发布报告的表格与正文数字（check）。"
    # Checking a file needs neither the database nor the URL configuration.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", metavar="{check}", required=True)
        check = subcommands.add_parser(
            "check",
            help="检查一份已发布的年度报告（HTML、Markdown、文本、DOCX、PDF）",
            description="检查年度报告的勾稽关系与正文中的合计数。退出码：0 一致，1 有错误，2 文件无法读取。",
        )
        check.add_argument("file", help="报告文件")
        check.add_argument("--format", choices=("text", "json"), default="text", dest="output_format")
        check.add_argument("--strict", action="store_true", help="提示（soft）也视为不一致")

    def handle(self, *args: Any, **options: Any) -> None:
        handlers = {"check": self.handle_check}
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
        findings = check_report(
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
