"""Issue 10 #7: separation of duties. The drafter cannot pass 保密审查, the 保密审查 reviewer cannot approve;
per organisation (on by default), switched off by an admin through the audited organisation edit."""

import pytest
from django.urls import reverse

from gongkai.audit.models import AuditEvent
from gongkai.catalog import services
from gongkai.catalog.models import Disclosure, Status
from gongkai.catalog.permissions import allowed_actions
from gongkai.orgs.models import OrgKind
from gongkai.orgs.services import org_update

pytestmark = pytest.mark.django_db


def test_the_rule_is_on_for_a_new_organisation(township):
    assert township.separate_review_duties is True


def test_a_reviewer_cannot_pass_the_secrecy_review_of_their_own_item(township, reviewer, make_draft):
    d = make_draft(reviewer, township)
    services.disclosure_submit(disclosure=d, actor=reviewer)
    with pytest.raises(services.CatalogError, match="职责分离：起草或提交该信息的人员不能对其进行保密审查"):
        services.disclosure_review_pass(disclosure=d, actor=reviewer)
    d = Disclosure.objects.get(pk=d.pk)
    assert d.status == Status.SECRECY_REVIEW
    assert "review_pass" not in allowed_actions(reviewer, d) and "send_back" in allowed_actions(reviewer, d)


def test_whoever_submitted_a_clerks_draft_cannot_pass_its_review(
    township, clerk, reviewer, approver, make_draft
):
    d = make_draft(clerk, township)
    services.disclosure_submit(disclosure=d, actor=reviewer)  # the reviewer took over the draft
    with pytest.raises(services.CatalogError, match="职责分离"):
        services.disclosure_review_pass(disclosure=d, actor=reviewer)
    services.disclosure_review_pass(disclosure=d, actor=approver)
    assert Disclosure.objects.get(pk=d.pk).status == Status.APPROVAL


def test_the_secrecy_reviewer_cannot_approve_and_another_reviewer_can(
    township, clerk, reviewer, approver, make_draft
):
    d = make_draft(clerk, township)
    services.disclosure_submit(disclosure=d, actor=clerk)
    services.disclosure_review_pass(disclosure=d, actor=reviewer)
    with pytest.raises(services.CatalogError, match="职责分离：对该信息进行保密审查的人员不能再审批发布"):
        services.disclosure_approve(disclosure=d, actor=reviewer)
    assert Disclosure.objects.get(pk=d.pk).index_no is None
    assert "approve" not in allowed_actions(reviewer, Disclosure.objects.get(pk=d.pk))
    assert "approve" in allowed_actions(approver, Disclosure.objects.get(pk=d.pk))
    services.disclosure_approve(disclosure=d, actor=approver)
    assert Disclosure.objects.get(pk=d.pk).status == Status.PUBLISHED


def test_the_creator_may_approve_after_someone_else_reviewed(township, reviewer, approver, make_draft):
    d = make_draft(reviewer, township)
    services.disclosure_submit(disclosure=d, actor=reviewer)
    services.disclosure_review_pass(disclosure=d, actor=approver)
    services.disclosure_approve(disclosure=d, actor=reviewer)
    assert Disclosure.objects.get(pk=d.pk).status == Status.PUBLISHED


def test_a_scheduled_approval_is_refused_to_the_secrecy_reviewer_too(township, clerk, reviewer, make_draft):
    import datetime

    from django.utils import timezone

    d = make_draft(clerk, township)
    services.disclosure_submit(disclosure=d, actor=clerk)
    services.disclosure_review_pass(disclosure=d, actor=reviewer)
    with pytest.raises(services.CatalogError, match="职责分离"):
        services.disclosure_approve(
            disclosure=d, actor=reviewer, publish_at=timezone.now() + datetime.timedelta(days=1)
        )
    assert Disclosure.objects.get(pk=d.pk).approved_at is None


def test_after_a_send_back_only_the_latest_round_counts(township, clerk, reviewer, approver, make_draft):
    d = make_draft(clerk, township)
    services.disclosure_submit(disclosure=d, actor=clerk)
    services.disclosure_review_pass(disclosure=d, actor=reviewer)
    services.disclosure_send_back(disclosure=d, actor=approver, comment="请补充文号")
    services.disclosure_submit(disclosure=d, actor=clerk)
    services.disclosure_review_pass(disclosure=d, actor=approver)
    with pytest.raises(services.CatalogError, match="职责分离"):
        services.disclosure_approve(disclosure=d, actor=approver)
    services.disclosure_approve(disclosure=d, actor=reviewer)  # reviewed in the first round only
    assert Disclosure.objects.get(pk=d.pk).status == Status.PUBLISHED


def test_an_admin_switches_the_rule_off_for_a_one_reviewer_township_and_it_is_audited(
    township, admin, reviewer, make_draft
):
    org_update(actor=admin, organisation=township, separate_review_duties=False)
    event = AuditEvent.objects.get(action="orgs.update")
    assert event.before == {"separate_review_duties": True} and event.after == {
        "separate_review_duties": False
    }
    d = make_draft(reviewer, township)
    services.disclosure_submit(disclosure=d, actor=reviewer)
    services.disclosure_review_pass(disclosure=d, actor=reviewer)
    services.disclosure_approve(disclosure=d, actor=reviewer)
    assert Disclosure.objects.get(pk=d.pk).status == Status.PUBLISHED


def test_the_items_organisation_decides_not_the_reviewers(
    township, village, village_clerk, reviewer, admin, make_draft
):
    """The township switched the rule off; its village keeps it on: the village's items stay separated."""
    org_update(actor=admin, organisation=township, separate_review_duties=False)
    d = make_draft(reviewer, village)
    services.disclosure_submit(disclosure=d, actor=reviewer)
    with pytest.raises(services.CatalogError, match="职责分离"):
        services.disclosure_review_pass(disclosure=d, actor=reviewer)


def test_a_reviewer_cannot_switch_the_rule_off(township, reviewer):
    from gongkai.core.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        org_update(actor=reviewer, organisation=township, separate_review_duties=False)
    township.refresh_from_db()
    assert township.separate_review_duties is True


def test_the_admin_switches_it_off_through_the_organisation_form(login, admin, township):
    data = {"kind": OrgKind.TOWNSHIP, "name": township.name, "code": township.code, "sort_order": 0}
    page = login(admin).get(reverse("office:organisation_edit", args=[township.pk])).content.decode()
    assert "审核职责分离" in page and 'name="separate_review_duties"' in page and "checked" in page
    login(admin).post(reverse("office:organisation_edit", args=[township.pk]), data)
    township.refresh_from_db()
    assert township.separate_review_duties is False
    assert AuditEvent.objects.get(action="orgs.update").after["separate_review_duties"] is False


def test_the_office_hides_the_button_and_says_why(login, township, clerk, reviewer, approver, make_draft):
    d = make_draft(reviewer, township)
    services.disclosure_submit(disclosure=d, actor=reviewer)
    page = login(reviewer).get(reverse("catalog_office:detail", args=[d.pk])).content.decode()
    assert "保密审查通过</button>" not in page and "退回修改" in page
    assert "职责分离：起草或提交该信息的人员不能对其进行保密审查" in page
    page = login(approver).get(reverse("catalog_office:detail", args=[d.pk])).content.decode()
    assert "保密审查通过</button>" in page and "职责分离" not in page


def test_pressing_the_hidden_button_anyway_is_refused_with_the_reason(login, township, reviewer, make_draft):
    d = make_draft(reviewer, township)
    services.disclosure_submit(disclosure=d, actor=reviewer)
    response = login(reviewer).post(
        reverse("catalog_office:transition", args=[d.pk, "review_pass"]), {"comment": "自审"}, follow=True
    )
    assert "职责分离" in response.content.decode()
    assert Disclosure.objects.get(pk=d.pk).status == Status.SECRECY_REVIEW


def test_a_waiver_from_code_is_recorded_in_the_audit_log(township, reviewer, make_draft):
    d = make_draft(reviewer, township)
    services.disclosure_submit(disclosure=d, actor=reviewer)
    services.disclosure_review_pass(disclosure=d, actor=reviewer, separation_waiver="年度报告")
    waived = AuditEvent.objects.get(action="catalog.duties_waived")
    assert waived.after["step"] == "review_pass" and waived.after["reason"] == "年度报告"
