"""Writes of key works: kinds customised per organisation, works and their stage plans, items linked to stages.

Each write is one transaction with one audit event (audit.writes.save_audited / delete_audited) and raises
`KeyWorkError` with a message fit to show.
"""

import datetime

from django.db import transaction

from gongkai.audit.services import audit_record
from gongkai.audit.writes import delete_audited, save_audited
from gongkai.catalog.models import Status
from gongkai.core.errors import DomainError
from gongkai.keyworks.kinds import DEFAULT_KINDS
from gongkai.keyworks.models import KeyWork, KindStage, StageItem, WorkKind, WorkStage
from gongkai.keyworks.rules import Rule
from gongkai.orgs.models import Organisation, OrgKind

STAGE_FIELDS = ("name", "category", "sort_order", "rule", "rule_days", "basis", "note")


class KeyWorkError(DomainError):
    pass


def kinds_install_defaults(*, actor) -> int:
    """Add the default kinds of keyworks.kinds (kinds of no organisation) that are missing, with their stages;
    returns how many were added. Installed on demand (the kinds page's button, the demo), never by a migration:
    a freshly migrated instance stays empty, as a restore requires (backup.services.nonempty_tables).

    Writes: keyworks.kind.install (once, when anything was added).
    """
    added = []
    with transaction.atomic():
        for n, spec in enumerate(DEFAULT_KINDS):
            if WorkKind.objects.filter(organisation=None, code=spec.code).exists():
                continue
            kind = WorkKind.objects.create(
                organisation=None,
                code=spec.code,
                name=spec.name,
                description=spec.description,
                sort_order=n * 10,
            )
            KindStage.objects.bulk_create(
                KindStage(
                    kind=kind,
                    name=stage.name,
                    category=stage.category,
                    sort_order=i * 10,
                    rule=stage.rule,
                    rule_days=stage.days,
                    basis=stage.basis,
                    note=stage.note,
                )
                for i, stage in enumerate(spec.stages)
            )
            added.append(spec.name)
        if added:
            audit_record(
                actor=actor,
                action="keyworks.kind.install",
                object_type="keyworks.workkind",
                object_repr=f"默认重点工作类型 {len(added)} 个",
                after={"kinds": added},
            )
    return len(added)


def kind_customise(*, organisation: Organisation, kind: WorkKind, actor) -> WorkKind:
    """A copy of `kind` (a default kind or an ancestor's) owned by `organisation`, with its stages, to edit.

    Requires: no kind of the same code already owned by the organisation. Writes: keyworks.kind.customise.
    """
    if kind.organisation_id == organisation.pk:
        return kind
    if WorkKind.objects.filter(organisation=organisation, code=kind.code).exists():
        raise KeyWorkError("本机构已有该类型的自定义版本")
    with transaction.atomic():
        copy = save_audited(
            actor=actor,
            obj=WorkKind(
                organisation=organisation,
                code=kind.code,
                name=kind.name,
                description=kind.description,
                based_on=kind,
                sort_order=kind.sort_order,
            ),
            action="keyworks.kind.customise",
            organisation=organisation,
        )
        KindStage.objects.bulk_create(
            KindStage(kind=copy, **{f: getattr(stage, f) for f in STAGE_FIELDS})
            for stage in kind.stages.all()
        )
    return copy


def _check_rule(rule: str, days: int) -> None:
    if rule in (Rule.AFTER_COMPLETION, Rule.BEFORE_COMPLETION) and not 0 <= (days or 0) <= 365:
        raise KeyWorkError("天数应在0至365之间", field="rule_days")


def kind_stage_save(*, kind: WorkKind, actor, stage: KindStage | None = None, **fields) -> KindStage:
    """Add a stage to an organisation's own kind, or change one. Default kinds are customised first."""
    if kind.organisation_id is None:
        raise KeyWorkError("默认类型不能直接修改，请先为本机构定制")
    stage = stage or KindStage(kind=kind)
    if stage.kind_id != kind.pk:
        raise KeyWorkError("该阶段不属于此类型")
    for name, value in fields.items():
        if name not in STAGE_FIELDS:
            raise TypeError(f"unknown stage field {name}")
        setattr(stage, name, value)
    _check_rule(stage.rule, stage.rule_days)
    return save_audited(actor=actor, obj=stage, action="keyworks.kind.stage", organisation=kind.organisation)


def kind_stage_remove(*, stage: KindStage, actor) -> None:
    if stage.kind.organisation_id is None:
        raise KeyWorkError("默认类型不能直接修改，请先为本机构定制")
    delete_audited(
        actor=actor, obj=stage, action="keyworks.kind.stage_remove", organisation=stage.kind.organisation
    )


def _check_work(work: KeyWork, villages) -> None:
    work.title = (work.title or "").strip()
    if not work.title:
        raise KeyWorkError("请填写名称", field="title")
    if work.ends_on and work.starts_on and work.ends_on < work.starts_on:
        raise KeyWorkError("结束日期不能早于开始日期", field="ends_on")
    if (
        work.kind.organisation_id is not None
        and work.kind.organisation_id not in work.organisation.ancestor_ids()
    ):
        raise KeyWorkError("该类型属于其他机构", field="kind")
    for village in villages:
        if village.kind != OrgKind.VILLAGE or not village.path.startswith(work.organisation.path):
            raise KeyWorkError(f"{village.name}不是本机构所辖的村（社区）", field="villages")


def work_create(
    *,
    organisation: Organisation,
    actor,
    title: str,
    kind: WorkKind,
    starts_on: datetime.date,
    ends_on: datetime.date | None = None,
    completed_on: datetime.date | None = None,
    villages=(),
    responsible=None,
    summary: str = "",
    is_public: bool = True,
) -> KeyWork:
    """A key work with its stage plan copied from `kind`'s stages. Writes: keyworks.work.create."""
    villages = list(villages)
    work = KeyWork(
        organisation=organisation,
        title=title,
        kind=kind,
        starts_on=starts_on,
        ends_on=ends_on,
        completed_on=completed_on,
        responsible=responsible,
        summary=summary,
        is_public=is_public,
    )
    _check_work(work, villages)
    with transaction.atomic():
        save_audited(actor=actor, obj=work, action="keyworks.work.create", organisation=organisation)
        work.villages.set(villages)
        WorkStage.objects.bulk_create(
            WorkStage(work=work, **{f: getattr(stage, f) for f in STAGE_FIELDS})
            for stage in kind.stages.all()
        )
    return work


WORK_FIELDS = ("title", "summary", "starts_on", "ends_on", "completed_on", "responsible", "is_public")


def work_update(*, work: KeyWork, actor, villages=None, **fields) -> KeyWork:
    """Change a work's description, period, key date, responsible person or villages (not its kind)."""
    for name, value in fields.items():
        if name not in WORK_FIELDS:
            raise TypeError(f"unknown work field {name}")
        setattr(work, name, value)
    villages = list(work.villages.all()) if villages is None else list(villages)
    _check_work(work, villages)
    with transaction.atomic():
        save_audited(
            actor=actor,
            obj=work,
            action="keyworks.work.update",
            organisation=work.organisation,
            fields=fields,
        )
        work.villages.set(villages)
    return work


PLAN_FIELDS = ("planned_on", "rule", "rule_days", "not_applicable", "not_applicable_reason", "basis")


def stage_plan(*, stage: WorkStage, actor, **fields) -> WorkStage:
    """Set a stage's expected date or rule, or mark it not applicable (a reason is required).

    Writes: keyworks.stage.plan.
    """
    for name, value in fields.items():
        if name not in PLAN_FIELDS:
            raise TypeError(f"unknown stage field {name}")
        setattr(stage, name, value)
    stage.not_applicable_reason = (stage.not_applicable_reason or "").strip()
    if stage.not_applicable and not stage.not_applicable_reason:
        raise KeyWorkError("标为不适用时须说明理由", field="not_applicable_reason")
    if not stage.not_applicable:
        stage.not_applicable_reason = ""
    if stage.rule == Rule.FIXED and not stage.planned_on and not stage.not_applicable:
        raise KeyWorkError("按计划日期的阶段须填写计划公开日期", field="planned_on")
    _check_rule(stage.rule, stage.rule_days)
    return save_audited(
        actor=actor,
        obj=stage,
        action="keyworks.stage.plan",
        organisation=stage.work.organisation,
        fields=[*fields, "not_applicable_reason"],
    )


def item_link(*, stage: WorkStage, disclosure, actor) -> StageItem:
    """Link a catalog item (a draft or a published one) of the work's organisation or its villages to a stage.

    Requires: the item is in the work's organisation's subtree, not retracted, not linked to any work yet.
    Writes: keyworks.item.link.
    """
    work = stage.work
    if not disclosure.organisation.path.startswith(work.organisation.path):
        raise KeyWorkError("只能关联本机构及所辖村（社区）的信息")
    if disclosure.status == Status.RETRACTED:
        raise KeyWorkError("已撤回的信息不能关联")
    existing = StageItem.objects.filter(disclosure=disclosure).select_related("stage__work").first()
    if existing is not None:
        raise KeyWorkError(
            f"该信息已关联到重点工作“{existing.stage.work.title}”的“{existing.stage.name}”阶段"
        )
    return save_audited(
        actor=actor,
        obj=StageItem(stage=stage, disclosure=disclosure, linked_by=_user(actor)),
        action="keyworks.item.link",
        organisation=work.organisation,
    )


def item_unlink(*, link: StageItem, actor) -> None:
    delete_audited(
        actor=actor, obj=link, action="keyworks.item.unlink", organisation=link.stage.work.organisation
    )


def _user(actor):
    """The acting user, or None for a named process (the demo loader, an import)."""
    return actor if getattr(actor, "is_authenticated", False) else None
