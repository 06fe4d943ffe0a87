"""The catalog itself (公开目录): the standard catalog shipped with the code (26 areas, the standard entries of
基层政务公开标准目录, the 主题分类 tree), its adoption by an organisation, and the organisation's own entries.

Writes follow catalog.services: keyword arguments, one transaction, a CatalogError with a message fit to show,
an audit event.
"""

import json
from functools import cache
from pathlib import Path

from django.db import transaction

from gongkai.audit.services import audit_record, changed_only, snapshot
from gongkai.audit.writes import delete_audited
from gongkai.catalog import permissions
from gongkai.catalog.models import CATALOG_CHANNELS, CatalogArea, CatalogEntry, SubjectClass
from gongkai.catalog.services import GRASSROOTS, CatalogError
from gongkai.core.services import full_clean_or_raise
from gongkai.orgs.models import Organisation

DATA_DIR = Path(__file__).resolve().parent / "data"


@cache
def standard_data() -> dict:
    return json.loads((DATA_DIR / "standard_catalog.json").read_text(encoding="utf-8"))


@cache
def subject_data() -> dict:
    return json.loads((DATA_DIR / "subject_classes.json").read_text(encoding="utf-8"))


def standard_catalog_load() -> int:
    """Make sure the 26 areas, the standard entries (organisation=None) and the 主题分类 tree exist.

    Idempotent: rows are found by name / standard_key. Returns how many rows were created. No audit event:
    this is reference data shipped with the code.
    """
    data = standard_data()
    expected_subjects = sum(1 + len(row["children"]) for row in subject_data()["classes"])
    if (
        CatalogEntry.objects.filter(
            organisation=None, standard_key__in=[r["key"] for r in data["entries"]]
        ).count()
        == len(data["entries"])
        and CatalogArea.objects.filter(name__in=[r["name"] for r in data["areas"]]).count()
        == len(data["areas"])
        and SubjectClass.objects.count() >= expected_subjects
    ):
        return 0
    created = 0
    with transaction.atomic():
        have = set(CatalogArea.objects.values_list("name", flat=True))
        new_areas = [
            CatalogArea(name=r["name"], number=r["number"], is_standard=True)
            for r in data["areas"]
            if r["name"] not in have
        ]
        CatalogArea.objects.bulk_create(new_areas)
        areas = {a.name: a for a in CatalogArea.objects.all()}
        have = set(CatalogEntry.objects.filter(organisation=None).values_list("standard_key", flat=True))
        new_entries = [
            CatalogEntry(organisation=None, **_entry_fields(r, areas))
            for r in data["entries"]
            if r["key"] not in have
        ]
        CatalogEntry.objects.bulk_create(new_entries)
        created += len(new_areas) + len(new_entries)
        for order, row in enumerate(subject_data()["classes"], start=1):
            parent, made = SubjectClass.objects.get_or_create(
                parent=None, name=row["name"], defaults={"sort_order": order}
            )
            created += made
            have = set(parent.children.values_list("name", flat=True))
            children = [
                SubjectClass(parent=parent, name=name, sort_order=sub_order)
                for sub_order, name in enumerate(row["children"], start=1)
                if name not in have
            ]
            SubjectClass.objects.bulk_create(children)
            created += len(children)
    return created


def _entry_fields(row: dict, areas: dict) -> dict:
    return {
        "area": areas.get(row["area"]) if row.get("area") else None,
        "statutory_article": row["statutory_article"],
        "level1": row["level1"],
        "level2": row["level2"],
        "elements": row["elements"],
        "legal_basis": row["legal_basis"],
        "time_limit": row["time_limit"],
        "responsible_org": row["responsible_org"],
        "channels": row["channels"],
        "audience": row["audience"],
        "mode": row["mode"],
        "levels": row["levels"],
        "sort_order": row["sort_order"],
        "standard_key": row["key"],
    }


def _applies_to(row: dict, organisation: Organisation) -> bool:
    # Art. 21 rows and the township area rows are for 乡镇/街道 (and their villages' own catalogs).
    return row["scope"] == "all" or organisation.kind in GRASSROOTS


def catalog_adopt(*, organisation: Organisation, actor) -> int:
    """Copy the standard entries into the organisation's own catalog; townships also get the Art. 21 rows.

    Idempotent via standard_key: entries already adopted (even if edited since) are left alone. Returns the
    number of entries created; writes `catalog.adopt` when any were.
    """
    if actor is not None and not isinstance(actor, str):
        permissions.require(
            permissions.can_edit_catalog(actor, organisation), "您没有权限维护该机构的公开目录"
        )
    standard_catalog_load()
    with transaction.atomic():
        have = set(
            CatalogEntry.objects.filter(organisation=organisation)
            .exclude(standard_key="")
            .values_list("standard_key", flat=True)
        )
        templates = {
            e.standard_key: e for e in CatalogEntry.objects.filter(organisation=None).exclude(standard_key="")
        }
        rows = [
            r for r in standard_data()["entries"] if _applies_to(r, organisation) and r["key"] not in have
        ]
        new = []
        for row in rows:
            template = templates[row["key"]]
            entry = CatalogEntry(organisation=organisation)
            for name in CatalogEntry.AUDIT_FIELDS:
                if name != "organisation_id":
                    setattr(entry, name, getattr(template, name))
            entry.standard_key = template.standard_key
            if entry.responsible_org in ("本行政机关", "乡镇人民政府"):
                entry.responsible_org = organisation.name
            new.append(entry)
        CatalogEntry.objects.bulk_create(new)
        if new:
            audit_record(
                actor=actor,
                action="catalog.adopt",
                obj=organisation,
                object_type="catalog.catalogentry",
                object_repr=f"采用标准目录 {len(new)} 条",
                after={"standard_keys": [e.standard_key for e in new]},
            )
    return len(new)


def catalog_entry_save(*, actor, entry: CatalogEntry) -> CatalogEntry:
    """Create or change a row of an organisation's own catalog (the standard template rows are read-only)."""
    if entry.organisation_id is None:
        raise CatalogError("标准目录模板不能直接修改，请先采用到本机构再编辑")
    permissions.require(
        permissions.can_edit_catalog(actor, entry.organisation), "您没有权限维护该机构的公开目录"
    )
    if entry.pk is not None:
        stored = CatalogEntry.objects.select_related("organisation").get(pk=entry.pk)
        if stored.organisation_id != entry.organisation_id:
            raise CatalogError("目录条目不能移到其他机构")
    entry.level1 = (entry.level1 or "").strip()
    if not entry.level1:
        raise CatalogError("请填写一级事项", field="level1")
    unknown = [c for c in entry.channels if c not in dict(CATALOG_CHANNELS)]
    if unknown:
        raise CatalogError(f"未知的公开渠道：{'、'.join(unknown)}", field="channels")
    action = "catalog.entry_update" if entry.pk else "catalog.entry_create"
    with transaction.atomic():
        before = None
        if entry.pk is not None:
            # order_by(): the default ordering joins the (nullable) area, which FOR UPDATE cannot lock.
            before = snapshot(CatalogEntry.objects.select_for_update().order_by().get(pk=entry.pk))
        full_clean_or_raise(entry)
        entry.save()
        before, after = changed_only(before, snapshot(entry))
        audit_record(actor=actor, action=action, obj=entry, before=before, after=after)
        return entry


def catalog_entry_delete(*, actor, entry: CatalogEntry) -> None:
    if entry.organisation_id is None:
        raise CatalogError("标准目录模板不能删除")
    permissions.require(
        permissions.can_edit_catalog(actor, entry.organisation), "您没有权限维护该机构的公开目录"
    )
    if entry.disclosures.exists():
        raise CatalogError("该目录条目下已有信息，不能删除；可修改其名称")
    delete_audited(actor=actor, obj=entry, action="catalog.entry_delete")
