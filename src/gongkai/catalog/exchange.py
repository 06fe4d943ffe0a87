"""Export of published items for other platforms: the province's 集约化 site, the 政策文件库.

Each item's metadata is mapped to the core metadata of GB/T 21063.3 (政务信息资源目录体系 第3部分：核心元数据)
and the 政府网站集约化 field set (索引号, 分类, 发布机构, 成文日期, 名称, 文号, 发布日期, 主题词/主题分类, 有效性). Which
fields go out, under which element names and with which date format is a *profile*, kept as data
(data/exchange_profiles.json): a province adds its own without code.

Incremental by cursor: items are read in the order of their last change (updated_at, id); each page gives the
cursor of its last row, and the next call returns only what changed after it. An item retracted since goes out
once more as a tombstone (索引号 and 状态 "已撤回", no content), so the receiving site takes it down.
"""

import datetime as dt
import json
from functools import cache
from pathlib import Path

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from lxml import etree

from gongkai.catalog.models import Disclosure, Kind, Status, Validity
from gongkai.catalog.queries import public_filter
from gongkai.core.errors import DomainError
from gongkai.core.text import body_text

PROFILES_FILE = Path(__file__).resolve().parent / "data" / "exchange_profiles.json"
MAX_PAGE = 500
KINDS = dict(Kind.choices)
VALIDITIES = dict(Validity.choices)


class ExchangeError(DomainError):
    pass


@cache
def profiles() -> dict:
    return json.loads(PROFILES_FILE.read_text(encoding="utf-8"))


def profile(name: str) -> dict:
    found = profiles().get(name)
    if found is None:
        raise ExchangeError(f"没有名为 {name} 的交换格式；可用：{'、'.join(profiles())}", field="profile")
    return found


def _cursor(updated_at: dt.datetime, pk: int) -> str:
    return f"{int(updated_at.timestamp() * 1_000_000)}.{pk}"


def _parse_cursor(value: str) -> tuple[dt.datetime, int]:
    try:
        micros, pk = value.split(".")
        return dt.datetime.fromtimestamp(int(micros) / 1_000_000, tz=dt.UTC), int(pk)
    except (ValueError, OverflowError, OSError):
        raise ExchangeError("游标无效", field="cursor") from None


def _values(d: Disclosure, *, now) -> dict:
    """Every field a profile may name, for one item (the profile picks and renames)."""
    visible = d.status == Status.PUBLISHED and (d.publish_at is None or d.publish_at <= now)
    common = {
        "index_no": d.index_no,
        "metadata_id": f"gongkai:{d.organisation.code}:{d.pk}",
        "updated_at": d.updated_at,
        "status": "已发布" if visible else "已撤回",
    }
    if not visible:
        return common
    org = d.organisation
    return {
        **common,
        "title": d.title,
        "summary": d.summary,
        "publisher": org.name,
        "publisher_code": org.credit_code or org.code,
        "org_code": org.code,
        "category": KINDS.get(d.kind, d.kind),
        "area": d.catalog_entry.area.name if d.catalog_entry_id and d.catalog_entry.area_id else "",
        "catalog_item": "\\".join(filter(None, (d.catalog_entry.level1, d.catalog_entry.level2)))
        if d.catalog_entry_id
        else "",
        "subject": str(d.subject) if d.subject_id else "",
        "written_on": d.written_on,
        "doc_no": d.doc_no,
        "published_on": d.published_on,
        "validity": VALIDITIES.get(d.validity, d.validity),
        "document_class": d.get_document_class_display(),
        "repealed_on": d.repealed_on,
        "posting_days": str(d.posting_days) if d.posting_days else "",
        "interprets": d.interprets.index_no if d.interprets_id else "",
        "url": reverse("portal_catalog:item", args=[d.pk]),
        "body": body_text(d.body),
    }


def _format(value, date_format: str):
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.strftime(date_format)
    return value if value is not None else ""


def export_page(
    *, organisation, profile_name: str = "national", cursor: str | None = None, limit: int = 100, now=None
) -> dict:
    """One page of the subtree's public items (and tombstones of those retracted), oldest change first:
    {"profile", "items": [{label: value}], "next_cursor"}. `next_cursor` is always given when there were rows
    (keep it for the next incremental run); an empty page means nothing changed since."""
    chosen = profile(profile_name)
    now = now or timezone.now()
    limit = max(1, min(limit, MAX_PAGE))
    rows = (
        Disclosure.objects.filter(organisation__path__startswith=organisation.path)
        .filter(public_filter(now) | Q(status=Status.RETRACTED, index_no__isnull=False))
        .select_related("organisation", "subject__parent", "catalog_entry__area", "interprets")
        .order_by("updated_at", "id")
    )
    if cursor:
        at, pk = _parse_cursor(cursor)
        rows = rows.filter(Q(updated_at__gt=at) | Q(updated_at=at, id__gt=pk))
    page = list(rows[:limit])
    items = []
    for d in page:
        values = _values(d, now=now)
        items.append(
            {
                f["label"]: _format(values[f["key"]], chosen["date_format"])
                for f in chosen["fields"]
                if f["key"] in values
            }
        )
    return {
        "profile": profile_name,
        "items": items,
        "next_cursor": _cursor(page[-1].updated_at, page[-1].pk) if page else cursor,
    }


def as_xml(page: dict) -> bytes:
    """The page as XML under the profile's element names; each element carries its Chinese label."""
    chosen = profile(page["profile"])
    names = {f["label"]: f["xml"] for f in chosen["fields"]}
    root = etree.Element(chosen["root"], profile=page["profile"])
    if page.get("next_cursor"):
        root.set("next_cursor", page["next_cursor"])
    for item in page["items"]:
        node = etree.SubElement(root, chosen["item"])
        for label, value in item.items():
            child = etree.SubElement(node, names[label], label=label)
            child.text = str(value)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def rows_from_export(items: list[dict], profile_name: str = "national") -> list[dict]:
    """Exported items (the `items` of a JSON page) back into import rows (catalog.importing.IMPORT_COLUMNS),
    tombstones left out: what `disclosures_import(..., published=True)` reads to take a site's items over."""
    chosen = profile(profile_name)
    if chosen["date_format"] != "%Y-%m-%d":
        fmt = chosen["date_format"]

        def day(v):
            return dt.datetime.strptime(v, fmt).date().isoformat() if v else v
    else:

        def day(v):
            return v

    rows = []
    for item in items:
        if item.get("状态") == "已撤回":
            continue
        row = {
            "索引号": item.get("索引号") or "",
            "名称": item.get("名称") or "",
            "类别": item.get("分类") or "",
            "成文日期": day(item.get("成文日期") or ""),
            "发布日期": day(item.get("发布日期") or ""),
            "文号": item.get("文号") or "",
            "内容概述": item.get("摘要") or "",
            "正文": item.get("正文") or "",
            "有效性": item.get("有效性") or "",
            "公文种类": item.get("公文种类") or "",
            "废止日期": day(item.get("废止日期") or ""),
            "主题分类": item.get("主题分类") or "",
            "公示期": item.get("公示期") or "",
            "所解读文件索引号": item.get("所解读文件索引号") or "",
            "发布机构代码": item.get("平台机构代码") or "",
            "目录领域": item.get("目录领域") or "",
            "目录事项": item.get("目录事项") or "",
        }
        rows.append({k: v for k, v in row.items() if v})
    return rows
