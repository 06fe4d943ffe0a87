"""Issue 11: a masking that empties a whole column (地址截断 on addresses with no 乡/镇 or county in them) is
shown in the upload preview, and the 公示 draft is not created until the clerk confirms it or changes the masking."""

import pytest
from catalog_helpers import xlsx_bytes
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from gongkai.catalog import uploads
from gongkai.catalog.models import Disclosure

pytestmark = pytest.mark.django_db

COLUMNS_URL = reverse("catalog_office:posting_columns")
# Addresses as a village writes them: no 乡/镇, no county — 地址截断 leaves nothing of them.
ROSTER = [
    ["户主姓名", "家庭住址", "保障人数"],
    ["马永福", "西关村3组45号", 3],
    ["李桂兰", "东街12号", 2],
    ["王建国", "", 1],
]
FORM = {
    "title": "关于渠口乡2024年第二季度低保对象审批情况的公示",
    "written_on": "2024-06-20",
    "posting_days": 7,
    "col_0": "on",
    "mask_0": "keep",
    "col_1": "on",
    "mask_1": "address",
    "col_2": "on",
    "mask_2": "keep",
}
WARNING = "“家庭住址”列按“地址截断”处理后全部为空（原有2行有内容）"


def _upload(client, roster=ROSTER):
    response = client.post(
        reverse("catalog_office:posting_upload"),
        {"file": SimpleUploadedFile("低保名单.xlsx", xlsx_bytes(roster))},
    )
    assert response.status_code == 302


def test_the_check_names_the_emptied_column_and_only_it():
    headers, rows = ROSTER[0], ROSTER[1:]
    maskings = {0: "keep", 1: "address", 2: "keep"}
    [emptied] = uploads.columns_emptied_by_masking(
        headers=headers, rows=rows, columns=[0, 1, 2], maskings=maskings
    )
    assert (emptied.index, emptied.header, emptied.masking, emptied.filled) == (1, "家庭住址", "地址截断", 2)
    dropped = {**maskings, 1: "drop"}
    assert (
        uploads.columns_emptied_by_masking(headers=headers, rows=rows, columns=[0, 1, 2], maskings=dropped)
        == []
    )
    not_chosen = uploads.columns_emptied_by_masking(
        headers=headers, rows=rows, columns=[0, 2], maskings=maskings
    )
    assert not_chosen == []


def test_addresses_with_their_township_are_not_emptied():
    rows = [["马永福", "宁夏石嘴山市平罗县渠口乡西关村3组45号", 3], ["李桂兰", "东街12号", 2]]
    emptied = uploads.columns_emptied_by_masking(
        headers=ROSTER[0], rows=rows, columns=[0, 1, 2], maskings={1: "address"}
    )
    assert emptied == []  # one row keeps 宁夏石嘴山市平罗县渠口乡: the column is not empty


def test_the_preview_warns_about_the_emptied_column(login, clerk):
    client = login(clerk)
    _upload(client)
    page = client.post(COLUMNS_URL, {**FORM, "preview": "1"}).content.decode()
    assert "有列脱敏后全部为空" in page
    assert WARNING in page
    assert 'name="confirm_emptied" value="1"' in page


def test_the_draft_is_not_created_silently(login, clerk):
    client = login(clerk)
    _upload(client)
    response = client.post(COLUMNS_URL, {**FORM, "create": "1"})
    assert response.status_code == 200
    body = response.content.decode()
    assert WARNING in body
    assert "请更改该列的处理方式，或勾选确认后再生成草稿" in body
    assert not Disclosure.objects.exists()


def test_the_clerk_confirms_and_the_draft_is_created(login, clerk):
    client = login(clerk)
    _upload(client)
    response = client.post(COLUMNS_URL, {**FORM, "create": "1", "confirm_emptied": ["1"]})
    assert response.status_code == 302
    d = Disclosure.objects.get()
    assert d.posting_table["columns"] == ["户主姓名", "家庭住址", "保障人数"]
    assert d.posting_table["maskings"][1] == "address"
    assert all(row[1] == "" for row in d.posting_table["rows"])


def test_a_confirmation_of_another_column_does_not_count(login, clerk):
    client = login(clerk)
    _upload(client)
    client.post(COLUMNS_URL, {**FORM, "create": "1", "confirm_emptied": ["0"]})
    assert not Disclosure.objects.exists()


def test_changing_the_masking_to_hide_the_column_clears_the_warning(login, clerk):
    client = login(clerk)
    _upload(client)
    hidden = {**FORM, "mask_1": "drop"}
    page = client.post(COLUMNS_URL, {**hidden, "preview": "1"}).content.decode()
    assert "有列脱敏后全部为空" not in page
    response = client.post(COLUMNS_URL, {**hidden, "create": "1"})
    assert response.status_code == 302
    assert Disclosure.objects.get().posting_table["columns"] == ["户主姓名", "保障人数"]


def test_the_preview_needs_a_drafting_role_and_a_login(client, login, county_viewer, clerk):
    assert client.post(COLUMNS_URL, {**FORM, "create": "1", "confirm_emptied": ["1"]}).status_code == 302
    assert login(county_viewer).post(COLUMNS_URL, {**FORM, "create": "1"}).status_code == 403
    assert login(clerk).put(COLUMNS_URL).status_code == 405
    assert not Disclosure.objects.exists()


def test_another_townships_clerk_cannot_use_this_townships_upload(login, clerk, other_township_clerk):
    _upload(login(clerk))
    response = login(other_township_clerk).post(
        COLUMNS_URL, {**FORM, "create": "1", "confirm_emptied": ["1"]}
    )
    assert response.status_code == 302  # sent back to upload their own table
    assert not Disclosure.objects.exists()
