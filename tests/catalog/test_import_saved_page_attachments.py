"""Issue 15: the attachments of saved pages of an old site. Links to attachments are resolved relative to the saved
page (the browser's "xxx_files" folder, the site's own layout, or beside the page), checked by the upload rules (type
by content, size), stored as the item's attachments in the import's one transaction; the dry run lists each one
found, missing, refused or on another site (never fetched)."""

import io
import zipfile
from pathlib import Path

import pytest
from catalog_helpers import docx_bytes, xlsx_bytes
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command

from gongkai.audit.models import AuditEvent
from gongkai.catalog.importing import disclosures_import, page_attachments, rows_from_html_pages
from gongkai.catalog.models import Attachment, Disclosure

pytestmark = [pytest.mark.django_db, pytest.mark.today("2024-05-06")]
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64

PAGE = """<html><head><meta charset="utf-8"><meta name="ArticleTitle" content="渠口乡2023年秸秆禁烧工作方案">
<meta name="PubDate" content="2023-04-03 09:30"></head><body>
<table><tr><td>索引号：</td><td>qukou/2023-00031</td><td>发文字号：</td><td>渠政发〔2023〕9号</td></tr>
<tr><td>成文日期：</td><td>2023-03-31</td><td>发布日期：</td><td>2023-04-03</td></tr></table>
<div class="TRS_Editor"><p>各村：现将方案印发给你们。</p>
<p><a href="fa_files/%E5%B7%A5%E4%BD%9C%E6%96%B9%E6%A1%88.docx">附件1：工作方案.docx</a></p>
<p><a href="../upload/2023/分工表.xlsx">附件2：任务分工表</a></p>
<p><a href="./现场照片.png">现场照片</a></p>
<p><a href="http://www.qukou.gov.cn/u/2023/old-scan.pdf">附件3：扫描件.pdf</a></p>
<p><a href="fa_files/签到表.pdf">附件4：签到表.pdf</a></p>
<p><a href="fa_files/材料.zip">附件5：材料.zip</a></p>
<p><a href="../../../etc/passwd.txt">x</a></p>
<p><a href="/info/2023/other.html">另一篇</a></p>
</div></body></html>"""


def _zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("a.txt", "材料")
    return out.getvalue()


@pytest.fixture
def site(tmp_path):
    """A township's old site saved to a folder: the page in 2023/, the browser's fa_files/ beside it, the site's
    own upload/ folder; 签到表.pdf is not a PDF at all and 材料.zip is not an accepted type."""
    root = tmp_path / "old-site"
    (root / "2023" / "fa_files").mkdir(parents=True)
    (root / "upload" / "2023").mkdir(parents=True)
    (root / "2023" / "fa.html").write_text(PAGE, encoding="utf-8")
    (root / "2023" / "fa_files" / "工作方案.docx").write_bytes(docx_bytes("一、目标", "全乡不发生秸秆焚烧。"))
    (root / "upload" / "2023" / "分工表.xlsx").write_bytes(
        xlsx_bytes([["村", "责任人"], ["渠口村", "包村干部"]])
    )
    (root / "2023" / "现场照片.png").write_bytes(PNG)
    (root / "2023" / "fa_files" / "签到表.pdf").write_bytes("签到表（网页另存为的文本）".encode())
    (root / "2023" / "fa_files" / "材料.zip").write_bytes(_zip())
    return root


def test_each_attachment_link_is_found_missing_refused_or_external(site):
    def read(relative):
        path = site / relative
        return path.read_bytes() if path.is_file() else None

    found = page_attachments("2023/fa.html", PAGE.encode(), read)
    summary = [(f["name"], f["status"], f.get("detail", "")) for f in found]
    assert summary == [
        ("工作方案.docx", "found", "2023/fa_files/工作方案.docx"),
        ("分工表.xlsx", "found", "upload/2023/分工表.xlsx"),
        ("现场照片.png", "found", "2023/现场照片.png"),
        ("扫描件.pdf", "external", "http://www.qukou.gov.cn/u/2023/old-scan.pdf"),
        (
            "签到表.pdf",
            "refused",
            "2023/fa_files/签到表.pdf：不支持的文件类型：仅接受 PDF、Word、Excel、OFD 和 JPG/PNG 图片。",
        ),
        (
            "材料.zip",
            "refused",
            "2023/fa_files/材料.zip：不支持的文件类型：仅接受 PDF、Word、Excel、OFD 和 JPG/PNG 图片。",
        ),
        ("passwd.txt", "missing", "保存的网页文件夹中没有“../../../etc/passwd.txt”"),
    ]


def test_the_dry_run_lists_the_attachments_and_stores_nothing(site, township, admin):
    out = io.StringIO()
    call_command(
        "exchange",
        "import",
        "--org",
        "qukou",
        "--user",
        admin.username,
        "--published",
        "--dry-run",
        str(site),
        stdout=out,
    )
    text = out.getvalue()
    assert "附件 2023/fa.html：工作方案.docx（已找到：2023/fa_files/工作方案.docx）" in text
    assert (
        "附件 2023/fa.html：扫描件.pdf（外部链接（未下载）：http://www.qukou.gov.cn/u/2023/old-scan.pdf）"
        in text
    )
    assert "附件 2023/fa.html：签到表.pdf（拒绝：" in text and "附件 2023/fa.html：passwd.txt（缺失：" in text
    assert "可导入1行" in text
    assert not Disclosure.objects.exists() and not Attachment.objects.exists()
    assert not Path(default_storage.location).exists() or not any(Path(default_storage.location).rglob("*.*"))


def test_the_import_stores_the_accepted_attachments_on_the_item(site, township, admin):
    out = io.StringIO()
    call_command(
        "exchange", "import", "--org", "qukou", "--user", admin.username, "--published", str(site), stdout=out
    )
    assert "附件 2023/fa.html：工作方案.docx（已导入：2023/fa_files/工作方案.docx）" in out.getvalue()
    item = Disclosure.objects.get(index_no="qukou/2023-00031")
    attachments = {a.original_name: a for a in item.attachments.all()}
    assert set(attachments) == {"工作方案.docx", "分工表.xlsx", "现场照片.png"}
    docx = attachments["工作方案.docx"]
    assert docx.file_type == "docx" and "秸秆焚烧" in docx.extracted_text
    with docx.file.open("rb") as stored:
        assert stored.read() == (site / "2023" / "fa_files" / "工作方案.docx").read_bytes()
    assert attachments["现场照片.png"].size == len(PNG)
    assert AuditEvent.objects.filter(action="catalog.attachment_add").count() == 3


def test_an_attachment_holding_personal_data_stops_the_import_and_leaves_no_file(site, township, admin):
    (site / "upload" / "2023" / "分工表.xlsx").write_bytes(
        xlsx_bytes([["村", "责任人", "电话"], ["渠口村", "张三", "13912345678"]])
    )
    with pytest.raises(CommandError, match="附件“分工表.xlsx”.*手机号"):
        call_command(
            "exchange", "import", "--org", "qukou", "--user", admin.username, "--published", str(site)
        )
    assert not Disclosure.objects.exists() and not Attachment.objects.exists()
    media = Path(default_storage.location)
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


def test_pages_without_a_folder_reader_import_their_text_only(township, admin):
    rows, labels = rows_from_html_pages([("fa.html", PAGE.encode())])
    result = disclosures_import(
        organisation=township, actor=admin, rows=rows, dry_run=False, published=True, row_labels=labels
    )
    assert result.ok and result.attachments == [] and not Attachment.objects.exists()
