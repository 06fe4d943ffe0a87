"""Who sees and changes what: roles flow down the tree, never up or sideways."""

import pytest

from gongkai.orgs.models import Organisation, Role
from gongkai.orgs.permissions import (
    can_edit_records,
    can_manage,
    can_read_audit,
    can_view,
    grantable_roles,
    roles_on,
    root_organisations,
    visible_organisations,
)

from .conftest import fresh, make_staff


@pytest.fixture
def tree(county, township, village, other_township):
    return {"county": county, "township": township, "village": village, "other_township": other_township}


def visible_codes(user):
    return set(visible_organisations(user).values_list("code", flat=True))


def test_roles_on_inherit_down_the_tree(admin, township, village):
    assert roles_on(admin, township) == {Role.ADMIN}
    assert roles_on(admin, village) == {Role.ADMIN}


def test_roles_on_do_not_flow_up_or_sideways(admin, county, other_township):
    assert roles_on(admin, county) == set()
    assert roles_on(admin, other_township) == set()


def test_a_path_prefix_of_digits_is_not_mistaken_for_an_ancestor(county, township):
    """/1/2/ must not be read as inside /1/ when the organisation is /1/23/ and the grant is on /1/2/."""
    user = make_staff("prefix", organisation=township, role=Role.ADMIN)
    lookalike = Organisation(path=township.path.rstrip("/") + "9/")
    assert roles_on(user, lookalike) == set()


def test_roles_from_two_grants_add_up(township, village):
    user = make_staff("twohats", organisation=township, role=Role.CLERK)
    user.memberships.create(organisation=village, role=Role.REVIEWER)
    user = fresh(user)
    assert roles_on(user, township) == {Role.CLERK}
    assert roles_on(user, village) == {Role.CLERK, Role.REVIEWER}


def test_visible_organisations_for_each_actor(
    tree,
    admin,
    clerk,
    reviewer,
    village_clerk,
    other_township_clerk,
    other_township_admin,
    county_viewer,
    superuser,
):
    township_side = {"qukou", "qukoucun"}
    assert visible_codes(admin) == township_side
    assert visible_codes(clerk) == township_side
    assert visible_codes(reviewer) == township_side
    assert visible_codes(village_clerk) == {"qukoucun"}
    assert visible_codes(other_township_clerk) == {"tongfu-xiang"}
    assert visible_codes(other_township_admin) == {"tongfu-xiang"}
    assert visible_codes(county_viewer) == {"pingluo", "qukou", "qukoucun", "tongfu-xiang"}
    assert visible_codes(superuser) == {"pingluo", "qukou", "qukoucun", "tongfu-xiang"}


def test_a_user_without_roles_and_an_inactive_user_see_nothing(tree, admin):
    nobody = make_staff("nobody")
    assert visible_codes(nobody) == set()
    admin.is_active = False
    admin.save(update_fields=["is_active"])
    inactive = fresh(admin)
    assert visible_codes(inactive) == set()
    assert not can_view(inactive, tree["township"])


def test_an_anonymous_user_has_no_roles(tree):
    from django.contrib.auth.models import AnonymousUser

    assert roles_on(AnonymousUser(), tree["township"]) == set()
    assert visible_codes(AnonymousUser()) == set()


def test_county_viewer_sees_both_townships_read_only(tree, county_viewer):
    for name in ("county", "township", "other_township", "village"):
        organisation = tree[name]
        assert can_view(county_viewer, organisation), name
        assert not can_manage(county_viewer, organisation), name
        assert not can_edit_records(county_viewer, organisation), name
        assert not can_read_audit(county_viewer, organisation), name


def test_village_clerk_sees_only_their_village(tree, village_clerk):
    assert can_view(village_clerk, tree["village"])
    assert not can_view(village_clerk, tree["township"])
    assert not can_view(village_clerk, tree["other_township"])
    assert not can_view(village_clerk, tree["county"])
    assert not can_manage(village_clerk, tree["village"])
    assert [o.code for o in root_organisations(village_clerk)] == ["qukoucun"]


def test_clerk_and_reviewer_keep_records_but_do_not_manage(tree, clerk, reviewer):
    for user in (clerk, reviewer):
        assert can_edit_records(user, tree["township"])
        assert can_edit_records(user, tree["village"])
        assert not can_manage(user, tree["township"])
        assert not can_edit_records(user, tree["other_township"])


def test_an_admin_manages_their_subtree_only(tree, admin):
    assert can_manage(admin, tree["township"]) and can_manage(admin, tree["village"])
    assert not can_read_audit(admin, tree["township"])  # 三员分立: the audit administrator reads the log
    assert not can_manage(admin, tree["county"])
    assert not can_manage(admin, tree["other_township"])


def test_root_organisations_drop_a_grant_nested_in_another(county, township):
    user = make_staff("nested", organisation=county, role=Role.READONLY)
    user.memberships.create(organisation=township, role=Role.ADMIN)
    assert [o.code for o in root_organisations(fresh(user))] == ["pingluo"]


def test_a_village_clerk_role_is_grantable_only_on_a_village(tree, admin):
    on_township = {value for value, _ in grantable_roles(admin, tree["township"])}
    on_village = {value for value, _ in grantable_roles(admin, tree["village"])}
    assert Role.VILLAGE_CLERK not in on_township
    assert Role.VILLAGE_CLERK in on_village
    assert grantable_roles(admin, tree["other_township"]) == []
