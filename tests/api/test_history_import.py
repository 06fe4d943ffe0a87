import datetime as dt

import pytest

from gongkai.api.history import HistoryError, applications_import
from gongkai.applications import queries
from gongkai.applications.models import Application

pytestmark = pytest.mark.today("2026-03-16")

ROWS = [
    {
        "收到申请日期": "2025-11-03",
        "申请渠道": "平常信函",
        "申请人类别": "自然人",
        "申请人姓名或名称": "李四",
        "证件号码": "640221199003020027",
        "联系电话": "13800138000",
        "所需信息名称": "2024年征地补偿标准",
        "答复类型": "予以公开",
        "答复日期": "2025-11-20",
    },
    {
        "收到申请日期": "2025-12-22",
        "申请渠道": "当面提交",
        "申请人类别": "商业企业",
        "申请人姓名或名称": "平罗县某某农业有限公司",
        "证件号码": "91640221MA76XXXX0X",
        "所需信息名称": "高标准农田建设项目招标文件",
    },
]


def test_past_applications_are_registered_and_decided_through_the_services(township, clerk):
    rows = [dict(ROWS[0])]
    result = applications_import(organisation=township, actor=clerk, rows=rows, dry_run=False)
    assert not result.errors
    case = Application.objects.get()
    assert case.received_on == dt.date(2025, 11, 3) and case.decision == "granted"
    assert case.decided_on == dt.date(2025, 11, 20)
    # counted in Table B of 2025 like any case (received and answered in the year)
    assert sum(queries.table_b(township, 2025).values()) > 0


def test_the_dry_run_lists_each_rows_problems_and_writes_nothing(township, clerk):
    result = applications_import(organisation=township, actor=clerk, rows=ROWS, dry_run=True)
    assert [n for n, _ in result.errors] == [3]  # the credit code's checksum
    assert not Application.objects.exists()
    with pytest.raises(HistoryError, match="全部2行均未导入：第3行"):
        applications_import(organisation=township, actor=clerk, rows=ROWS, dry_run=False)
    assert not Application.objects.exists()


def test_only_staff_who_handle_applications_may_import_them(township, village_clerk):
    result = applications_import(organisation=township, actor=village_clerk, rows=[ROWS[0]], dry_run=True)
    assert "没有权限" in result.errors[0][1]
