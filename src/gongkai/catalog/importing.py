"""Bulk import of items from a spreadsheet (rows keyed by the Chinese column headers of IMPORT_COLUMNS).

By default every row becomes a 草稿 that goes through 保密审查 and approval like any other item (issue 10 #7:
an import must not bypass review). Only an administrator (管理员) of the organisation may choose to record the
rows as already published with their original dates (historical items, e.g. when moving from an old website);
that choice is audited (`catalog.disclosures_import`, ``mode: "published"``).

Three sources give the rows: a spreadsheet (XLSX/CSV, catalog.spreadsheets), a folder of pages saved from the old
website (`rows_from_html_pages`: the 政府网站 meta tags and the metadata table each page carries), and another
platform's export (catalog.exchange.rows_from_export). A published row keeps its 索引号 when it is valid and free
(`keep_index_no`); the counter then moves past it, so a number is never given twice.
"""

import dataclasses
import datetime
import posixpath
import re
import sys
import urllib.parse
import uuid
from collections.abc import Callable

import lxml.html
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone

from gongkai.audit.services import audit_record, snapshot
from gongkai.catalog import indexing, permissions
from gongkai.catalog.models import (
    Attachment,
    CatalogEntry,
    Disclosure,
    DocumentClass,
    IndexCounter,
    Kind,
    Status,
    SubjectClass,
    Validity,
)
from gongkai.catalog.services import (
    CatalogError,
    FindingLocation,
    PrivacyBlocked,
    _event,
    _next_index_no,
    _privacy_message,
    _user,
    _validate,
    disclosure_create,
    posting_fields,
    privacy_findings,
)
from gongkai.catalog.uploads import attachment_refusal
from gongkai.channels.models import Channel, Publication
from gongkai.core import pagecache
from gongkai.core.errors import DomainError
from gongkai.core.services import full_clean_or_raise
from gongkai.core.text import cell_date
from gongkai.orgs.models import Organisation
from gongkai.privacy.detect import scan_text
from gongkai.privacy.extract import extract_text
from gongkai.workdays.queries import calendar_for

IMPORT_COLUMNS = {
    "名称": "title",
    "类别": "kind",
    "成文日期": "written_on",
    "发布日期": "published_on",
    "文号": "doc_no",
    "内容概述": "summary",
    "正文": "body",
    "发布机构代码": "org_code",
    "公文种类": "document_class",
    "有效性": "validity",
    "废止日期": "repealed_on",
    "公示期": "posting_days",
    "发布渠道": "channels",
    "索引号": "index_no",
    "主题分类": "subject",
    "所解读文件索引号": "interprets",
    "目录领域": "area",
    "目录事项": "catalog_item",
}
# 索引号 as this platform writes it (catalog.md §3) or as other platforms do: an organ code, the year, a serial.
INDEX_NO_FORMAT = re.compile(
    r"^(?P<code>[0-9A-Za-z][0-9A-Za-z_\-]{1,39})/(?P<year>\d{4})-(?P<serial>\d{1,6})$"
)
REQUIRED_IMPORT_COLUMNS = ("名称", "类别", "成文日期")
REQUIRED_PUBLISHED_COLUMNS = ("发布日期",)  # only when an administrator imports items as already published


@dataclasses.dataclass
class ImportResult:
    rows: int = 0
    errors: list[tuple[int, str]] = dataclasses.field(default_factory=list)
    created: list[Disclosure] = dataclasses.field(default_factory=list)
    # saved pages: every attachment link found, as (row label, file name, 已找到/已导入/缺失/拒绝/外部链接, detail)
    attachments: list[tuple[str, str, str, str]] = dataclasses.field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


class _DryRun(Exception):
    pass


def _parse_date(value, label: str) -> datetime.date:
    try:
        return cell_date(value)
    except ValueError:
        raise CatalogError(f"{label}“{value}”不是有效日期（应为 2024-03-15）") from None


def _choice(value, choices, label: str) -> str:
    text = str(value or "").strip()
    for code, name in choices:
        if text in (code, name):
            return code
    raise CatalogError(f"{label}“{text}”无效，应为：{'、'.join(n for _, n in choices)}")


def disclosure_import_one(
    *, organisation: Organisation, actor, data: dict, calendar=None, index: bool = True
) -> Disclosure:
    """Create one already-published item with its original dates, a new 索引号 (in its publication year) and a
    Publication per channel (default 政府网站). The text must pass the privacy guard. Used by
    `disclosures_import` (which allows it to administrators only) and by the demo; it checks no role itself.
    `data` holds the model field values (dates parsed, codes resolved) and `channels`."""
    data = dict(data)
    channels = data.pop("channels", None) or [Channel.WEBSITE]
    published_on = data.pop("published_on")
    kept_index_no = data.pop("index_no", "")
    if published_on > timezone.localdate():
        raise CatalogError("发布日期不能晚于今天")
    if published_on < data["written_on"]:
        raise CatalogError("发布日期不能早于成文日期")
    calendar = calendar or calendar_for(organisation)
    with transaction.atomic():
        disclosure = Disclosure(organisation=organisation, created_by=_user(actor), **data)
        _validate(disclosure, calendar=calendar)
        locations = privacy_findings(disclosure)
        if locations:
            raise PrivacyBlocked(_privacy_message(locations), locations=locations)
        disclosure.status = Status.PUBLISHED
        disclosure.published_on = published_on
        disclosure.approved_at = timezone.now()
        disclosure.index_no = (
            keep_index_no(organisation, kept_index_no, published_on.year)
            if kept_index_no
            else _next_index_no(organisation, published_on.year)
        )
        if disclosure.kind == Kind.POSTING and disclosure.posting_days:
            for name, value in posting_fields(
                organisation, published_on, disclosure.posting_days, calendar=calendar
            ).items():
                setattr(disclosure, name, value)
        # The foreign keys come from objects the caller already holds; validating them costs a query each.
        full_clean_or_raise(
            disclosure,
            exclude=["index_no", "organisation", "subject", "catalog_entry", "interprets", "created_by"],
        )
        try:
            disclosure.save()
        except IntegrityError as exc:
            raise CatalogError(f"保存失败：{exc}") from None
        _event(disclosure, "", Status.PUBLISHED, actor, "导入已发布的历史信息")
        pagecache.changed()
        Publication.objects.bulk_create(
            [
                Publication(
                    disclosure=disclosure, channel=ch, published_on=published_on, recorded_by=_user(actor)
                )
                for ch in dict.fromkeys(channels)
            ]
        )
        audit_record(
            actor=actor,
            action="catalog.disclosure_import",
            obj=disclosure,
            after={**snapshot(disclosure), "channels": list(dict.fromkeys(channels))},
        )
        if index:  # a bulk caller indexes everything at the end with indexing.index_new
            indexing.index_disclosure(disclosure)
        return disclosure


def keep_index_no(organisation: Organisation, index_no: str, year: int) -> str:
    """An imported item's own 索引号, kept when well formed and not already taken. When it has this organisation's
    own form (its code and a year), the year's counter moves past its serial: a new item never gets it again."""
    match = INDEX_NO_FORMAT.match(index_no)
    if match is None:
        raise CatalogError(f"索引号“{index_no}”格式无效（应为 机构代码/年份-序号，如 qukou/2024-00012）")
    if Disclosure.objects.filter(index_no=index_no).exists():
        raise CatalogError(f"索引号“{index_no}”已被其他信息使用")
    if match["code"] in (organisation.code, organisation.credit_code):
        counter, _ = IndexCounter.objects.get_or_create(organisation=organisation, year=int(match["year"]))
        serial = int(match["serial"])
        if serial > counter.last_serial:
            IndexCounter.objects.filter(pk=counter.pk, last_serial__lt=serial).update(last_serial=serial)
    return index_no


def _subject(value) -> SubjectClass:
    """主题分类 by its name, or "上级\\名称" as exported."""
    text = str(value).strip()
    parent, _, name = text.rpartition("\\")
    rows = SubjectClass.objects.filter(name=name)
    if parent:
        rows = rows.filter(parent__name=parent)
    found = list(rows[:2])
    if len(found) != 1:
        problem = "不存在" if not found else "有重名，请写作 上级\\名称"
        raise CatalogError(f"主题分类“{text}”{problem}")
    return found[0]


def _catalog_entry(target: Organisation, area: str, item: str) -> CatalogEntry | None:
    """The entry of the 公开目录 (the target's own, else the nearest ancestor's) named by 目录领域 and 目录事项
    ("一级事项\\二级事项", as exported). With 目录领域 alone: its one entry, else none (the item stays unfiled)."""
    ancestors = [int(pk) for pk in target.path.strip("/").split("/") if pk]
    entries = CatalogEntry.objects.filter(organisation_id__in=ancestors).select_related("organisation")
    if area:
        entries = entries.filter(area__name=area)
    if item:
        level1, _, level2 = item.partition("\\")
        entries = entries.filter(level1=level1, level2=level2)
    found = sorted(entries, key=lambda e: (-e.organisation.depth, e.pk))
    if item:
        if not found:
            raise CatalogError(
                f"目录事项“{area + '：' if area else ''}{item}”不在本机构或上级机构的公开目录中，请先采用标准目录"
            )
        return found[0]
    nearest = [e for e in found if e.organisation_id == found[0].organisation_id] if found else []
    return nearest[0] if len(nearest) == 1 else None


def _import_row_data(row: dict, organisation: Organisation, *, published: bool) -> tuple[Organisation, dict]:
    if row.get("_problem"):
        raise CatalogError(row["_problem"])
    values = {IMPORT_COLUMNS[k]: v for k, v in row.items() if k in IMPORT_COLUMNS}
    required = REQUIRED_IMPORT_COLUMNS + (REQUIRED_PUBLISHED_COLUMNS if published else ())
    for label in required:
        if not str(row.get(label) or "").strip():
            raise CatalogError(f"缺少“{label}”")
    target = organisation
    code = str(values.pop("org_code", "") or "").strip().lower()
    if code:
        target = Organisation.objects.filter(code=code, path__startswith=organisation.path).first()
        if target is None:
            raise CatalogError(f"发布机构代码“{code}”不是本机构或其下级机构")
    data = {
        "title": str(values.get("title") or "").strip(),
        "kind": _choice(values.get("kind"), Kind.choices, "类别"),
        "written_on": _parse_date(values.get("written_on"), "成文日期"),
        "doc_no": str(values.get("doc_no") or "").strip(),
        "summary": str(values.get("summary") or "").strip(),
        "body": str(values.get("body") or "").strip(),
    }
    if str(values.get("document_class") or "").strip():
        data["document_class"] = _choice(values["document_class"], DocumentClass.choices, "公文种类")
    if str(values.get("validity") or "").strip():
        data["validity"] = _choice(values["validity"], Validity.choices, "有效性")
    if str(values.get("repealed_on") or "").strip():
        data["repealed_on"] = _parse_date(values["repealed_on"], "废止日期")
    if str(values.get("posting_days") or "").strip():
        try:
            data["posting_days"] = int(float(str(values["posting_days"])))
        except ValueError:
            raise CatalogError(f"公示期“{values['posting_days']}”应为工作日天数") from None
    if str(values.get("subject") or "").strip():
        data["subject"] = _subject(values["subject"])
    if str(values.get("interprets") or "").strip():
        index_no = str(values["interprets"]).strip()
        data["interprets"] = Disclosure.objects.filter(
            index_no=index_no, organisation__path__startswith=organisation.path
        ).first()
        if data["interprets"] is None:
            raise CatalogError(f"所解读的文件（索引号 {index_no}）不在本机构，请先导入该文件")
    area, item = str(values.get("area") or "").strip(), str(values.get("catalog_item") or "").strip()
    if area or item:
        data["catalog_entry"] = _catalog_entry(target, area, item)
    if not published:
        return target, data  # a draft: 索引号, 发布日期 and 发布渠道 come from its own publication
    data["published_on"] = _parse_date(values.get("published_on"), "发布日期")
    data["index_no"] = str(values.get("index_no") or "").strip()
    channel_text = str(values.get("channels") or "").strip()
    if channel_text:
        parts = [
            p.strip()
            for p in channel_text.replace("，", "、").replace(",", "、").replace(";", "、").split("、")
        ]
        data["channels"] = [_choice(p, Channel.choices, "发布渠道") for p in parts if p]
    return target, data


def _import_row(
    *, organisation: Organisation, actor, row: dict, published: bool, dry_run: bool = False, stored=None
) -> Disclosure:
    target, data = _import_row_data(row, organisation, published=published)
    if not published:
        disclosure = disclosure_create(organisation=target, actor=actor, **data)
    else:
        permissions.require(permissions.can_draft(actor, target), f"您没有权限为“{target.name}”导入信息")
        disclosure = disclosure_import_one(organisation=target, actor=actor, data=data)
    if row.get("_attachments"):
        _attach_from_page(disclosure, actor, row["_attachments"], dry_run=dry_run, stored=stored)
    return disclosure


def disclosures_import(
    *,
    organisation: Organisation,
    actor,
    rows: list[dict],
    dry_run: bool,
    published: bool = False,
    row_labels: list[str] | None = None,
) -> ImportResult:
    """Import items (rows keyed by the Chinese column headers of IMPORT_COLUMNS); rows may name a child
    organisation by its code.

    `published=False` (the default): each row becomes a 草稿 of its organisation (`disclosure_create`, which
    requires a drafting role there), to be reviewed and approved like any item; 发布日期 and 发布渠道 are ignored.
    `published=True`: the rows are recorded as already published with their original dates
    (`disclosure_import_one`); only an administrator (管理员) of `organisation` may choose it.
    Either way one `catalog.disclosures_import` audit row records the choice (mode), the rows and the items.

    Dry run: every row is tried and rolled back, with per-row errors (row numbers as in the spreadsheet,
    header = row 1; with `row_labels`, e.g. the file names of saved pages, each message starts with its row's
    label). Real run: one transaction for all rows; any bad row aborts everything (DomainError).
    """
    if published:
        permissions.require(
            permissions.can_import_published(actor, organisation),
            "只有管理员可以将导入的信息直接记为已发布；请以草稿导入，经审核后发布",
        )
    else:
        permissions.require(permissions.can_draft(actor, organisation), "您没有权限为该机构导入信息")
    if not rows:
        raise CatalogError("文件中没有数据行")
    result = ImportResult(rows=len(rows))
    stored: list[str] = []  # attachment files written to storage: removed again when the import rolls back
    try:
        with transaction.atomic():
            for number, row in enumerate(rows, start=2):
                label = row_labels[number - 2] if row_labels else ""
                try:
                    with transaction.atomic():
                        result.created.append(
                            _import_row(
                                organisation=organisation,
                                actor=actor,
                                row=row,
                                published=published,
                                dry_run=dry_run,
                                stored=stored,
                            )
                        )
                except DomainError as exc:
                    result.errors.append((number, f"{label}：{exc.message}" if label else exc.message))
                for found in row.get("_attachments") or ():
                    status = found["status"]
                    if status == "found" and not dry_run:
                        status = "imported"
                    result.attachments.append(
                        (label, found["name"], ATTACHMENT_STATUS[status], found.get("detail", ""))
                    )
            if dry_run or result.errors:
                raise _DryRun
            audit_record(
                actor=actor,
                action="catalog.disclosures_import",
                obj=organisation,
                object_type="catalog.disclosure",
                object_repr=f"批量导入 {len(result.created)} 条（{'直接发布' if published else '草稿'}）",
                after={
                    "mode": "published" if published else "draft",
                    "rows": len(rows),
                    "disclosure_ids": [d.pk for d in result.created],
                },
            )
    except BaseException:
        for name in stored:
            default_storage.delete(name)
        if sys.exc_info()[0] is not _DryRun:
            raise
        if not dry_run:
            number, message = result.errors[0]
            raise CatalogError(
                f"导入未完成，全部{len(rows)}行均未导入：第{number}行：{message}"
                + (f"（另有{len(result.errors) - 1}行有误）" if len(result.errors) > 1 else "")
            ) from None
    return result


# ---- pages saved from an old website ------------------------------------------------------------------------------

# The 政府网站 page meta tags (政府网站发展指引, 国办发〔2017〕47号) and the labels of the metadata table that a
# 政府信息公开 page carries above its text.
PAGE_META = {"ArticleTitle": "名称", "PubDate": "发布日期"}
PAGE_LABELS = {
    "索引号": "索引号",
    "名称": "名称",
    "标题": "名称",
    "文号": "文号",
    "发文字号": "文号",
    "成文日期": "成文日期",
    "发布日期": "发布日期",
    "发文日期": "发布日期",
    "主题分类": "主题分类",
    "有效性": "有效性",
}
CONTENT_MARKERS = ("TRS_Editor", "zoom", "content", "article", "zwnr", "main-text")
MAX_PAGE_BYTES = 5 * 1024 * 1024


def _label(text: str) -> str:
    return re.sub(r"[\s:：\u3000]+", "", text or "")


def _page_text(data: bytes) -> str:
    """The page's text in the charset it declares; else UTF-8; else GB18030 (older sites save GBK pages)."""
    if b"\x00" in data:
        raise CatalogError("不是可以读取的网页文件")
    declared = re.search(rb"charset=[\"']?([A-Za-z0-9_\-]+)", data[:4096])
    for charset in ([declared[1].decode("ascii")] if declared else []) + ["utf-8", "gb18030"]:
        try:
            return data.decode(charset)
        except (LookupError, UnicodeDecodeError):
            continue
    raise CatalogError("无法识别网页的字符编码")


def row_from_html_page(data: bytes) -> dict:
    """One item from one saved page: the meta tags, then the metadata table (label cell, value cell; or
    "索引号：…" in one element), then the text of the page's content block. What a page lacks stays out of the
    row, so the dry run names it. 类别: 公文 when the page has a 文号, otherwise 通知公告 (change it in the
    spreadsheet route if that is wrong)."""

    if len(data) > MAX_PAGE_BYTES:
        raise CatalogError("网页文件过大（超过5MB）")
    try:
        tree = lxml.html.fromstring(_page_text(data))
    except (ValueError, lxml.etree.ParserError):
        raise CatalogError("不是可以读取的网页文件") from None
    for bad in tree.xpath("//script|//style|//noscript"):
        bad.drop_tree()
    row: dict = {}
    for name, column in PAGE_META.items():
        content = tree.xpath(f"string(//meta[@name='{name}']/@content)").strip()
        if content:
            row[column] = content[:10] if column == "发布日期" else content
    for cell in tree.xpath("//td|//th|//span|//li|//p|//div[not(*)]|//dt|//label"):
        text = cell.text_content().strip()
        key = _label(text)
        if key in PAGE_LABELS:
            value_cell = cell.getnext()
            value = value_cell.text_content().strip() if value_cell is not None else ""
        else:
            match = re.match(r"^\s*([^:：]{2,6})[:：]\s*(.+?)\s*$", text)
            if not match or _label(match[1]) not in PAGE_LABELS:
                continue
            key, value = _label(match[1]), match[2]
        if value and PAGE_LABELS[key] not in row:
            row[PAGE_LABELS[key]] = value[:10] if "日期" in PAGE_LABELS[key] else value
    if "名称" not in row:
        title = tree.xpath("string(//title)").strip()
        if title:
            row["名称"] = re.split(r"[_|\-－—]", title)[0].strip()
    blocks = [
        element
        for marker in CONTENT_MARKERS
        for element in tree.xpath(f"//*[contains(@class, '{marker}') or contains(@id, '{marker}')]")
    ]
    if blocks:
        content = max(blocks, key=lambda element: len(element.text_content()))
        row["正文"] = lxml.html.tostring(content, encoding="unicode")
    row["类别"] = "公文" if row.get("文号") else "通知公告"
    if "成文日期" not in row and "发布日期" in row:
        row["成文日期"] = row["发布日期"]
    return row


def rows_from_html_pages(
    pages: list[tuple[str, bytes]], read_file: Callable[[str], bytes | None] | None = None
) -> tuple[list[dict], list[str]]:
    """Rows for `disclosures_import` from saved pages [(file name, bytes)], with the file names as row labels.
    A page that cannot be read becomes a row that fails with the reason, so the dry run lists it too.

    `read_file(path)`: the bytes of a file of the saved folder (a path relative to it, "/"-separated), or None when
    there is none; with it each page's attachment links are looked up (`page_attachments`)."""
    rows, labels = [], []
    for name, data in pages:
        try:
            row = row_from_html_page(data)
            if read_file is not None:
                row["_attachments"] = page_attachments(name, data, read_file)
            rows.append(row)
        except CatalogError as exc:
            rows.append({"名称": "", "_problem": exc.message})
        labels.append(name)
    return rows, labels


# ---- the attachments of a saved page --------------------------------------------------------------------------------

# What an old site links as an item's attachment (by the link's file name); the upload rules then decide.
ATTACHMENT_SUFFIXES = {
    ".pdf", ".doc", ".docx", ".xls", ".xlsx", ".wps", ".et", ".dps", ".ppt", ".pptx", ".ofd", ".zip", ".rar",
    ".7z", ".jpg", ".jpeg", ".png", ".gif", ".bmp", ".tif", ".tiff", ".txt", ".csv",
}  # fmt: skip
ATTACHMENT_STATUS = {
    "found": "已找到",
    "imported": "已导入",
    "missing": "缺失",
    "refused": "拒绝",
    "external": "外部链接（未下载）",
}


def _candidates(page_name: str, href: str) -> tuple[list[str], bool]:
    """Where a saved folder may hold the file a link points to: (paths relative to the folder, whether the link
    points to another site). A browser's "网页，全部" puts a page's files in "<page>_files/"; other tools keep
    the site's relative layout or put them beside the page."""
    parts = urllib.parse.urlsplit(href)
    external = bool(parts.scheme or parts.netloc)
    file_path = urllib.parse.unquote(parts.path)
    base = posixpath.basename(file_path)
    folder = posixpath.dirname(page_name.replace("\\", "/"))
    stem = posixpath.splitext(posixpath.basename(page_name))[0]
    found = []
    if not external and not file_path.startswith("/"):
        found.append(posixpath.normpath(posixpath.join(folder, file_path)))
    found += [posixpath.join(folder, f"{stem}_files", base), posixpath.join(folder, base)]
    found = [posixpath.normpath(p) for p in found]
    return [
        p for p in dict.fromkeys(found) if not p.startswith(("../", "/")) and p not in ("..", ".")
    ], external


def page_attachments(page_name: str, data: bytes, read_file: Callable[[str], bytes | None]) -> list[dict]:
    """Each attachment link of a saved page (a file name with an attachment's suffix), resolved relative to the
    page in the saved folder and checked by the upload rules: found (with its bytes and type), missing,
    refused (the reason), or on another site (listed, never fetched)."""
    tree = lxml.html.fromstring(_page_text(data))
    out, seen = [], set()
    for link in tree.xpath("//a[@href]"):
        href = link.get("href").strip()
        path = urllib.parse.unquote(urllib.parse.urlsplit(href).path)
        if posixpath.splitext(path)[1].lower() not in ATTACHMENT_SUFFIXES or href in seen:
            continue
        seen.add(href)
        text = re.sub(r"^附件\s*\d*\s*[:：、.]?\s*", "", link.text_content().strip())  # “附件1：方案.pdf”
        name = (
            text if posixpath.splitext(text)[1].lower() in ATTACHMENT_SUFFIXES else ""
        ) or posixpath.basename(path)
        candidates, external = _candidates(page_name, href)
        content, where = None, ""
        for candidate in candidates:
            content = read_file(candidate)
            if content is not None:
                where = candidate
                break
        entry = {"name": name[:200], "href": href}
        if content is None:
            entry |= (
                {"status": "external", "detail": href}
                if external
                else {"status": "missing", "detail": f"保存的网页文件夹中没有“{path}”"}
            )
        else:
            file_type, problem = attachment_refusal(content)
            if problem:
                entry |= {"status": "refused", "detail": f"{where}：{problem}"}
            else:
                entry |= {"status": "found", "detail": where, "data": content, "type": file_type}
        out.append(entry)
    return out


def _attach_from_page(
    disclosure: Disclosure, actor, found: list[dict], *, dry_run: bool, stored: list
) -> None:
    """Store a page's accepted attachments on its item, in the import's transaction; their text passes the
    privacy guard like the item's own (a finding fails the row). Nothing is written to storage in a dry run."""
    for entry in found:
        if entry["status"] != "found":
            continue
        text = extract_text(entry["data"]).text
        locations = [
            FindingLocation(f"附件“{entry['name']}”", f"第{f.start + 1}字", f.label, f.masked)
            for f in scan_text(text or "")
        ]
        if locations:
            raise PrivacyBlocked(_privacy_message(locations), locations=locations)
        if dry_run:
            continue
        attachment = Attachment(
            disclosure=disclosure,
            original_name=entry["name"],
            file_type=entry["type"],
            size=len(entry["data"]),
            extracted_text=text,
        )
        attachment.file.save(f"{uuid.uuid4().hex}.{entry['type']}", ContentFile(entry["data"]), save=False)
        stored.append(attachment.file.name)
        attachment.save()
        audit_record(
            actor=actor,
            action="catalog.attachment_add",
            obj=attachment,
            organisation=disclosure.organisation,
            after={
                "disclosure_id": disclosure.pk,
                "name": entry["name"],
                "type": entry["type"],
                "size": len(entry["data"]),
                "source": entry["detail"],
            },
        )
