import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from gongkai.catalog.models import Disclosure

pytestmark = pytest.mark.today("2026-03-16")

PAGE = """<html><head><meta charset="gbk"><meta name="ArticleTitle" content="{title}"></head><body>
<table><tr><td>发布日期：</td><td>2021-06-01</td></tr></table><div class="content"><p>正文。</p></div></body></html>"""


def test_export_then_a_dry_run_import_of_saved_pages_from_the_command_line(
    township, admin, publish, tmp_path
):
    publish(township, "关于春耕的通知", published_on=dt.date(2026, 3, 2))
    out = StringIO()
    call_command("exchange", "export", "--org", "qukou", stdout=out, stderr=StringIO())
    assert json.loads(out.getvalue())["items"][0]["名称"] == "关于春耕的通知"

    site = tmp_path / "old-site"
    (site / "2021").mkdir(parents=True)
    (site / "2021" / "a.html").write_bytes(PAGE.format(title="防汛通知").encode("gbk"))
    (site / "2021" / "b.html").write_bytes(b"<html><body><p>no metadata</p></body></html>")
    out = StringIO()
    call_command(
        "exchange",
        "import",
        "--org",
        "qukou",
        "--user",
        "admin",
        "--published",
        "--dry-run",
        str(site),
        stdout=out,
    )
    report = out.getvalue()
    assert "2021/b.html：缺少“名称”" in report
    assert "共2行：可导入1行，有问题1行" in report
    assert not Disclosure.objects.filter(title="防汛通知").exists()


def test_a_real_import_with_a_bad_page_imports_nothing(township, admin, tmp_path):
    (tmp_path / "b.html").write_bytes(b"<html><body><p>no metadata</p></body></html>")
    with pytest.raises(CommandError, match="全部1行均未导入"):
        call_command("exchange", "import", "--org", "qukou", "--user", "admin", "--published", str(tmp_path))


def test_past_applications_from_a_spreadsheet_in_a_dry_run(township, clerk, tmp_path):
    sheet = tmp_path / "applications.csv"
    sheet.write_text(
        "收到申请日期,申请渠道,申请人类别,申请人姓名或名称,证件号码,联系电话,所需信息名称,答复类型,答复日期\n"
        "2025-11-03,平常信函,自然人,李四,640221199003020027,13800138000,征地补偿标准,予以公开,2025-11-20\n"
        "2025-11-04,平常信函,自然人,王五,640221199003020028,13800138000,低保名单,,\n",
        encoding="utf-8",
    )
    out = StringIO()
    call_command(
        "exchange",
        "import-applications",
        "--org",
        "qukou",
        "--user",
        "clerk",
        "--dry-run",
        str(sheet),
        stdout=out,
    )
    assert "第3行：" in out.getvalue() and "共2行：可导入1件，有问题1行" in out.getvalue()
