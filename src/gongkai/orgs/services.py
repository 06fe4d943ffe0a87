"""Writes to the organisation tree, roles and the people/funding records that feed the annual report."""

from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Length, Substr

from gongkai.audit.services import audit_record, snapshot
from gongkai.audit.writes import delete_audited, save_audited
from gongkai.core import pagecache
from gongkai.core.errors import DomainError
from gongkai.core.identifiers import credit_code_problem
from gongkai.core.services import full_clean_or_raise
from gongkai.orgs import permissions
from gongkai.orgs.models import (
    Funding,
    LeadershipGroupMember,
    Membership,
    Organisation,
    Role,
    StaffMember,
    TrainingSession,
)


def _check_credit_code(organisation: Organisation) -> None:
    if organisation.credit_code:
        organisation.credit_code = organisation.credit_code.strip().upper()
        problem = credit_code_problem(organisation.credit_code)
        if problem:
            raise DomainError(problem, field="credit_code")


def _check_code_free(code: str, *, exclude_pk=None) -> None:
    clash = Organisation.objects.filter(code=code)
    if exclude_pk is not None:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise DomainError(f"代码“{code}”已被其他机构使用", field="code")


def org_create(*, actor, parent: Organisation | None, **fields) -> Organisation:
    """Create an organisation under `parent` (None: a root, superusers only). Writes `orgs.create`."""
    if parent is None:
        permissions.require(getattr(actor, "is_superuser", False), "只有系统管理员可以创建顶级机构")
    else:
        permissions.require(permissions.can_manage(actor, parent), "您没有权限在该机构下创建下级机构")
    with transaction.atomic():
        organisation = org_insert(parent=parent, **fields)
        audit_record(actor=actor, action="orgs.create", obj=organisation, after=snapshot(organisation))
        return organisation


def org_insert(*, parent: Organisation | None, **fields) -> Organisation:
    """Validate and insert one organisation with its tree path (no permission check: callers do that)."""
    with transaction.atomic():
        organisation = Organisation(parent=parent, **fields)
        organisation.code = (organisation.code or "").strip().lower()
        _check_credit_code(organisation)
        _check_code_free(organisation.code)
        organisation.path = "/pending/"
        full_clean_or_raise(organisation)
        organisation.save()
        organisation.path = f"{parent.path if parent else '/'}{organisation.pk}/"
        organisation.depth = (parent.depth + 1) if parent else 0
        organisation.save(update_fields=["path", "depth"])
        pagecache.changed()  # the portal's tree, column homes and their names
        return organisation


def org_update(*, actor, organisation: Organisation, **fields) -> Organisation:
    """Change an organisation's own fields (not its place in the tree: see org_move)."""
    permissions.require(permissions.can_manage(actor, organisation))
    for blocked in ("parent", "parent_id", "path", "depth"):
        if blocked in fields:
            raise DomainError("更改上级机构请使用“移动”")
    for name, value in fields.items():
        setattr(organisation, name, value)
    organisation.code = organisation.code.strip().lower()
    _check_credit_code(organisation)
    _check_code_free(organisation.code, exclude_pk=organisation.pk)
    if organisation.disclosure_office_id and not organisation.disclosure_office.path.startswith(
        organisation.path
    ):
        raise DomainError("政府信息公开工作机构应为本机构或其下设机构", field="disclosure_office")
    with transaction.atomic():
        saved = save_audited(actor=actor, obj=organisation, action="orgs.update")
        pagecache.changed()
        return saved


def org_move(*, actor, organisation: Organisation, new_parent: Organisation) -> Organisation:
    """Move a subtree under another parent. Its records stay attached; only paths change. Writes `orgs.move`."""
    permissions.require(permissions.can_manage(actor, organisation), "您没有权限移动该机构")
    permissions.require(permissions.can_manage(actor, new_parent), "您没有权限将机构移入目标上级机构")
    with transaction.atomic():
        organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
        new_parent = Organisation.objects.get(pk=new_parent.pk)
        if new_parent.path.startswith(organisation.path):
            raise DomainError("不能把机构移动到它自己或它的下级机构之下（会形成循环）", field="parent")
        old_path = organisation.path
        new_path = f"{new_parent.path}{organisation.pk}/"
        depth_change = (new_parent.depth + 1) - organisation.depth
        before = {"parent_id": organisation.parent_id, "path": old_path}
        Organisation.objects.filter(path__startswith=old_path).update(
            path=Concat(Value(new_path), Substr("path", Length(Value(old_path)) + 1)),
            depth=F("depth") + depth_change,
        )
        Organisation.objects.filter(pk=organisation.pk).update(parent=new_parent)
        organisation.refresh_from_db()
        audit_record(
            actor=actor,
            action="orgs.move",
            obj=organisation,
            before=before,
            after={"parent_id": new_parent.pk, "path": organisation.path},
        )
        pagecache.changed()
        return organisation


def membership_grant(*, actor, user, organisation: Organisation, role: str) -> Membership:
    grantable = {value for value, _ in permissions.grantable_roles(actor, organisation)}
    permissions.require(bool(grantable), "您没有权限在该机构授予角色")
    if role not in grantable:
        if role == Role.VILLAGE_CLERK:
            raise DomainError("村级信息员只能授予在村（社区）上", field="role")
        if role in Role.values:
            raise DomainError(
                f"您不能授予“{Role(role).label}”角色（三员分立：管理员角色由安全管理员授予）", field="role"
            )
        raise DomainError("无效的角色", field="role")
    if role in permissions.ADMINISTRATOR_ROLES and user.pk == getattr(actor, "pk", None):
        raise DomainError("不能为自己授予管理员、安全管理员或审计管理员角色", field="role")
    conflict = permissions.administrator_role_conflict(user, role)
    if conflict:
        raise DomainError(f"三员分立：该用户已是{conflict}，不能再担任{Role(role).label}", field="role")
    with transaction.atomic():
        existing = Membership.objects.filter(user=user, organisation=organisation, role=role).first()
        if existing:
            return existing
        membership = Membership(user=user, organisation=organisation, role=role)
        return save_audited(actor=actor, obj=membership, action="orgs.grant_role", organisation=organisation)


def membership_revoke(*, actor, membership: Membership) -> None:
    if (
        membership.user_id == getattr(actor, "pk", None)
        and membership.role in permissions.ADMINISTRATOR_ROLES
    ):
        remaining = Membership.objects.filter(user=actor, role=membership.role).exclude(pk=membership.pk)
        if not any(membership.organisation.path.startswith(m.organisation.path) for m in remaining):
            raise DomainError(f"不能撤销自己在该机构的{membership.get_role_display()}角色")
    grantable = {value for value, _ in permissions.grantable_roles(actor, membership.organisation)}
    permissions.require(membership.role in grantable, "您没有权限撤销该角色")
    delete_audited(actor=actor, obj=membership, action="orgs.revoke_role")


RECORD_MODELS = {
    "staff": StaffMember,
    "leadership": LeadershipGroupMember,
    "training": TrainingSession,
    "funding": Funding,
}


def record_save(*, actor, record):
    """Create or change a roster, leadership-group, training or funding record of an organisation."""
    organisation = record.organisation
    permissions.require(permissions.can_edit_records(actor, organisation), "您没有权限维护该机构的记录")
    if record.pk is not None:
        stored = type(record).objects.select_related("organisation").get(pk=record.pk)
        permissions.require(
            permissions.can_edit_records(actor, stored.organisation), "您没有权限维护该机构的记录"
        )
    action = f"orgs.{record._meta.model_name}_{'update' if record.pk else 'create'}"
    return save_audited(actor=actor, obj=record, action=action)


def record_delete(*, actor, record) -> None:
    permissions.require(
        permissions.can_edit_records(actor, record.organisation), "您没有权限维护该机构的记录"
    )
    delete_audited(actor=actor, obj=record, action=f"orgs.{record._meta.model_name}_delete")
