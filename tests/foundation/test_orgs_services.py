"""Writes to the organisation tree and roles: validation, tree paths, permissions and the audit trail."""

import re
from decimal import Decimal

import pytest

from gongkai.audit.models import AuditEvent
from gongkai.core.errors import DomainError, PermissionDenied
from gongkai.orgs.models import Funding, Membership, Organisation, OrgKind, Role, StaffMember
from gongkai.orgs.services import (
    membership_grant,
    membership_revoke,
    org_create,
    org_insert,
    org_move,
    org_update,
    record_save,
)

from .conftest import fresh, make_staff

CHINESE = re.compile(r"[\u4e00-\u9fff]")


def paths():
    return dict(Organisation.objects.values_list("code", "path"))


def depths():
    return dict(Organisation.objects.values_list("code", "depth"))


# ---- inserting and creating ------------------------------------------------------------------------------


def test_org_insert_builds_the_path_and_depth_from_the_parent(county, township, village):
    assert county.path == f"/{county.pk}/" and county.depth == 0
    assert township.path == f"/{county.pk}/{township.pk}/" and township.depth == 1
    assert village.path == f"/{county.pk}/{township.pk}/{village.pk}/" and village.depth == 2
    assert village.ancestor_ids() == [county.pk, township.pk, village.pk]


def test_org_create_by_an_admin_adds_a_child_with_its_path_and_an_audit_event(admin, township):
    created = org_create(
        actor=admin, parent=township, kind=OrgKind.VILLAGE, name="渠口乡太沙村", code="taisha"
    )
    created.refresh_from_db()
    assert created.parent == township
    assert created.path == f"{township.path}{created.pk}/"
    assert created.depth == township.depth + 1
    event = AuditEvent.objects.get(action="orgs.create")
    assert event.actor == admin
    assert event.object_id == str(created.pk)
    assert event.org_path == created.path
    assert event.before is None
    assert event.after["code"] == "taisha" and event.after["path"] == created.path


def test_org_create_lowercases_the_code(admin, township):
    created = org_create(
        actor=admin, parent=township, kind=OrgKind.VILLAGE, name="渠口乡永光村", code="YongGuang"
    )
    assert created.code == "yongguang"


def test_a_duplicate_code_is_refused_in_chinese_and_nothing_is_saved(admin, township):
    count, events = Organisation.objects.count(), AuditEvent.objects.count()
    with pytest.raises(DomainError) as caught:
        org_create(actor=admin, parent=township, kind=OrgKind.VILLAGE, name="另一个渠口", code="QUKOU")
    assert "qukou" in caught.value.message and "已被其他机构使用" in caught.value.message
    assert caught.value.field == "code"
    assert Organisation.objects.count() == count
    assert AuditEvent.objects.count() == events


@pytest.mark.parametrize(
    ("credit_code", "expected"),
    [
        ("9135010", "应为18位"),
        ("91350100M000100Y4", "应为18位"),
        ("91350100M000100YO3", "不允许的字符：O"),
        ("91350100M000100Y4I", "不允许的字符：I"),
        ("91350100M000100Y44", "校验位错误：应为3，实为4"),
        ("11640221MB1959741A", "校验位错误：应为M"),
    ],
)
def test_an_invalid_credit_code_is_refused_with_its_reason_and_nothing_is_saved(
    admin, township, credit_code, expected
):
    count, events = Organisation.objects.count(), AuditEvent.objects.count()
    with pytest.raises(DomainError) as caught:
        org_create(
            actor=admin,
            parent=township,
            kind=OrgKind.STATION,
            name="渠口乡财政所",
            code="caizheng",
            credit_code=credit_code,
        )
    assert expected in caught.value.message
    assert caught.value.field == "credit_code"
    assert Organisation.objects.count() == count
    assert not Organisation.objects.filter(code="caizheng").exists()
    assert AuditEvent.objects.count() == events


@pytest.mark.parametrize("credit_code", ["11640221MB1959741M", "91350100M000100Y43", "91350100m000100y43"])
def test_a_valid_credit_code_is_accepted_and_stored_upper_case(admin, township, credit_code):
    created = org_create(
        actor=admin,
        parent=township,
        kind=OrgKind.STATION,
        name="渠口乡财政所",
        code="caizheng",
        credit_code=credit_code,
    )
    created.refresh_from_db()
    assert created.credit_code == credit_code.upper()


def test_an_invalid_credit_code_is_refused_on_update_too(admin, township):
    with pytest.raises(DomainError, match="校验位错误"):
        org_update(
            actor=admin,
            organisation=Organisation.objects.get(pk=township.pk),
            credit_code="91350100M000100Y44",
        )
    township.refresh_from_db()
    assert township.credit_code == ""


def test_org_update_refuses_a_code_already_in_use(admin, township, village):
    with pytest.raises(DomainError, match="已被其他机构使用"):
        org_update(actor=admin, organisation=Organisation.objects.get(pk=village.pk), code="qukou")
    assert Organisation.objects.get(pk=village.pk).code == "qukoucun"


def test_org_update_refuses_a_disclosure_office_outside_the_organisation(
    county_admin, township, other_township
):
    with pytest.raises(DomainError, match="本机构或其下设机构"):
        org_update(
            actor=county_admin,
            organisation=Organisation.objects.get(pk=township.pk),
            disclosure_office=other_township,
        )
    assert Organisation.objects.get(pk=township.pk).disclosure_office_id is None


def test_org_update_records_only_the_changed_fields_before_and_after(admin, township):
    org_update(actor=admin, organisation=Organisation.objects.get(pk=township.pk), phone="0952-6860000")
    township.refresh_from_db()
    assert township.phone == "0952-6860000"
    event = AuditEvent.objects.get(action="orgs.update")
    assert event.before == {"phone": "0952-6860685"}
    assert event.after == {"phone": "0952-6860000"}


def test_org_update_refuses_to_change_the_parent(admin, township, other_township):
    with pytest.raises(DomainError, match="移动"):
        org_update(actor=admin, organisation=township, parent=other_township)


# ---- moving a subtree -------------------------------------------------------------------------------------------


@pytest.fixture
def subtree_with_records(township, village):
    """A village with a child below it, and roster and funding records attached to both."""
    group = org_insert(parent=village, kind=OrgKind.STATION, name="渠口村一组", code="qukoucun-1")
    StaffMember.objects.create(organisation=village, year=2018, name="王海燕", duty="full_time")
    StaffMember.objects.create(organisation=group, year=2018, name="李志强", duty="part_time")
    Funding.objects.create(organisation=village, year=2018, amount_wan=Decimal("1.10"), purpose="公开栏")
    return group


def test_org_move_moves_the_subtree_and_keeps_its_records(
    county_admin, township, village, other_township, subtree_with_records
):
    group = subtree_with_records
    org_move(actor=county_admin, organisation=village, new_parent=other_township)
    village.refresh_from_db()
    group.refresh_from_db()
    assert village.parent_id == other_township.pk
    assert village.path == f"{other_township.path}{village.pk}/"
    assert group.path == f"{other_township.path}{village.pk}/{group.pk}/"
    assert (village.depth, group.depth) == (2, 3)
    assert list(StaffMember.objects.filter(organisation=village).values_list("name", flat=True)) == ["王海燕"]
    assert list(StaffMember.objects.filter(organisation=group).values_list("name", flat=True)) == ["李志强"]
    assert Funding.objects.get(organisation=village).amount_wan == Decimal("1.10")
    assert set(other_township.subtree().values_list("pk", flat=True)) == {
        other_township.pk,
        village.pk,
        group.pk,
    }
    assert set(township.subtree().values_list("pk", flat=True)) == {township.pk}


def test_org_move_changes_depth_when_moving_up_a_level(county_admin, county, village, subtree_with_records):
    group = subtree_with_records
    org_move(actor=county_admin, organisation=village, new_parent=county)
    group.refresh_from_db()
    village.refresh_from_db()
    assert (village.depth, group.depth) == (1, 2)
    assert group.path == f"/{county.pk}/{village.pk}/{group.pk}/"


def test_org_move_writes_an_audit_event_with_the_old_and_new_parent(
    county_admin, township, village, other_township
):
    org_move(actor=county_admin, organisation=village, new_parent=other_township)
    event = AuditEvent.objects.get(action="orgs.move")
    assert event.actor == county_admin
    assert event.before == {"parent_id": township.pk, "path": f"{township.path}{village.pk}/"}
    assert event.after == {"parent_id": other_township.pk, "path": f"{other_township.path}{village.pk}/"}


@pytest.mark.parametrize("target", ["itself", "child", "grandchild"])
def test_org_move_refuses_a_cycle_and_leaves_every_path_unchanged(
    county_admin, township, village, subtree_with_records, target
):
    new_parent = {"itself": township, "child": village, "grandchild": subtree_with_records}[target]
    before_paths, before_depths, events = paths(), depths(), AuditEvent.objects.count()
    with pytest.raises(DomainError, match="循环"):
        org_move(actor=county_admin, organisation=township, new_parent=new_parent)
    assert paths() == before_paths
    assert depths() == before_depths
    assert Organisation.objects.get(pk=township.pk).parent_id == township.parent_id
    assert AuditEvent.objects.count() == events


# ---- permission ----------------------------------------------------------------------------------------------------


def test_a_clerk_cannot_create_an_organisation(clerk, township):
    with pytest.raises(PermissionDenied):
        org_create(actor=clerk, parent=township, kind=OrgKind.VILLAGE, name="渠口乡平原村", code="pingyuan")
    assert not Organisation.objects.filter(code="pingyuan").exists()


def test_a_clerk_cannot_move_an_organisation(clerk, township, village):
    child = org_insert(parent=village, kind=OrgKind.STATION, name="渠口村一组", code="qukoucun-1")
    with pytest.raises(PermissionDenied):
        org_move(actor=clerk, organisation=child, new_parent=township)
    child.refresh_from_db()
    assert child.parent_id == village.pk


def test_only_a_superuser_may_create_a_root_organisation(admin, superuser):
    with pytest.raises(PermissionDenied):
        org_create(actor=admin, parent=None, kind=OrgKind.PROVINCE, name="宁夏回族自治区", code="ningxia")
    root = org_create(
        actor=superuser, parent=None, kind=OrgKind.PROVINCE, name="宁夏回族自治区", code="ningxia"
    )
    assert root.depth == 0 and root.path == f"/{root.pk}/"


def test_an_admin_of_another_township_cannot_touch_this_one(
    other_township_admin, township, village, other_township
):
    before_paths, events = paths(), AuditEvent.objects.count()
    with pytest.raises(PermissionDenied):
        org_create(
            actor=other_township_admin,
            parent=township,
            kind=OrgKind.VILLAGE,
            name="渠口乡丰庆村",
            code="fengqing",
        )
    with pytest.raises(PermissionDenied):
        org_update(actor=other_township_admin, organisation=township, phone="110")
    with pytest.raises(PermissionDenied):
        org_move(actor=other_township_admin, organisation=village, new_parent=other_township)
    with pytest.raises(PermissionDenied):
        membership_grant(
            actor=other_township_admin, user=other_township_admin, organisation=township, role=Role.ADMIN
        )
    assert paths() == before_paths
    assert Organisation.objects.get(pk=township.pk).phone == "0952-6860685"
    assert not Membership.objects.filter(user=other_township_admin, organisation=township).exists()
    assert AuditEvent.objects.count() == events


def test_an_admin_cannot_move_a_village_into_a_township_they_do_not_manage(admin, village, other_township):
    with pytest.raises(PermissionDenied):
        org_move(actor=admin, organisation=village, new_parent=other_township)
    assert Organisation.objects.get(pk=village.pk).path == village.path


def test_a_clerk_may_keep_records_but_another_township_may_not(clerk, other_township_staff, township):
    record_save(
        actor=clerk, record=StaffMember(organisation=township, year=2018, name="马建军", duty="full_time")
    )
    with pytest.raises(PermissionDenied):
        record_save(
            actor=other_township_staff,
            record=StaffMember(organisation=township, year=2018, name="外人", duty="full_time"),
        )
    assert list(StaffMember.objects.values_list("name", flat=True)) == ["马建军"]
    event = AuditEvent.objects.get(action="orgs.staffmember_create")
    assert event.after["name"] == "马建军" and event.before is None


# ---- roles --------------------------------------------------------------------------------------------------------------


def test_membership_grant_refuses_a_village_clerk_role_on_a_township(admin, township):
    user = make_staff("newcomer")
    with pytest.raises(DomainError) as caught:
        membership_grant(actor=admin, user=user, organisation=township, role=Role.VILLAGE_CLERK)
    assert caught.value.message == "村级信息员只能授予在村（社区）上"
    assert not Membership.objects.filter(user=user).exists()


def test_membership_grant_gives_a_village_clerk_role_on_a_village_and_audits_it(admin, village):
    user = make_staff("newcomer")
    membership = membership_grant(actor=admin, user=user, organisation=village, role=Role.VILLAGE_CLERK)
    assert Membership.objects.get(user=user).pk == membership.pk
    event = AuditEvent.objects.get(action="orgs.grant_role")
    assert event.actor == admin
    assert event.org_path == village.path
    assert event.before is None
    assert event.after == {"user_id": user.pk, "organisation_id": village.pk, "role": "village_clerk"}


def test_a_clerk_cannot_grant_roles(clerk, township):
    user = make_staff("newcomer")
    with pytest.raises(PermissionDenied):
        membership_grant(actor=clerk, user=user, organisation=township, role=Role.CLERK)
    assert not Membership.objects.filter(user=user).exists()


def test_membership_revoke_refuses_revoking_your_own_last_admin_role(admin, township):
    own = Membership.objects.get(user=admin, role=Role.ADMIN)
    with pytest.raises(DomainError, match="不能撤销自己"):
        membership_revoke(actor=admin, membership=own)
    assert Membership.objects.filter(pk=own.pk).exists()
    assert not AuditEvent.objects.filter(action="orgs.revoke_role").exists()


def test_membership_revoke_allows_your_own_admin_role_when_an_admin_role_above_remains(
    settings, county, township
):
    settings.SEPARATE_ADMIN_DUTIES = (
        False  # with 三员分立 only a security administrator revokes an admin role
    )
    user = make_staff("double", organisation=county, role=Role.ADMIN)
    lower = Membership.objects.create(user=user, organisation=township, role=Role.ADMIN)
    membership_revoke(actor=fresh(user), membership=lower)
    assert not Membership.objects.filter(pk=lower.pk).exists()


def test_membership_revoke_removes_another_users_role_and_audits_the_before(admin, clerk, township):
    membership = Membership.objects.get(user=clerk)
    membership_revoke(actor=admin, membership=membership)
    assert not Membership.objects.filter(user=clerk).exists()
    event = AuditEvent.objects.get(action="orgs.revoke_role")
    assert event.actor == admin
    assert event.before == {"user_id": clerk.pk, "organisation_id": township.pk, "role": "clerk"}
    assert event.after is None
    assert event.org_path == township.path


def test_every_domain_error_message_is_chinese(admin, township):
    messages = []
    for kwargs in (
        {"code": "qukou", "name": "重复"},
        {"code": "ok-code", "name": "坏代码", "credit_code": "123"},
        {"code": "Bad Code!", "name": "坏代码"},
    ):
        with pytest.raises(DomainError) as caught:
            org_create(actor=admin, parent=township, kind=OrgKind.VILLAGE, **kwargs)
        messages.append(caught.value.message)
    assert all(CHINESE.search(message) for message in messages), messages
