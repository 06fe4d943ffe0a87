"""Separation of duties in the review of an item (职责分离; issue 10 #7).

The Regulations (Art. 17) require a 保密审查 before publication; the design has it and the approval done by two
different people, and neither by the person who wrote the item. So, when the item's organisation keeps
`separate_review_duties` on (the default):

- the drafter — who created the item, or submitted it this time — cannot pass its 保密审查;
- whoever passed its 保密审查 this time cannot approve (publish) it.

Who did what is read from the item's DisclosureEvent rows, the workflow's own record. "This time": after a
send-back the item goes round again and only the latest submission and review count. An organisation's
admin may switch the rule off (a township with a single reviewer) through the audited organisation edit.
"""

from gongkai.catalog.models import Disclosure, DisclosureEvent, Status

REVIEW_PASS = "review_pass"
APPROVE = "approve"

DRAFTER_MAY_NOT_REVIEW = "职责分离：起草或提交该信息的人员不能对其进行保密审查，请由其他审核人审查"
REVIEWER_MAY_NOT_APPROVE = "职责分离：对该信息进行保密审查的人员不能再审批发布，请由其他审核人或管理员审批"
COMPILER_MAY_NOT_PUBLISH_REPORT = "职责分离：编制该年度报告的人员不能发布该报告，请由其他审核人或管理员发布"


def applies(disclosure: Disclosure) -> bool:
    return disclosure.organisation.separate_review_duties


def _latest_actor(disclosure: Disclosure, from_status: str, to_status: str) -> int | None:
    return (
        DisclosureEvent.objects.filter(disclosure=disclosure, from_status=from_status, to_status=to_status)
        .order_by("-at", "-id")
        .values_list("actor_id", flat=True)
        .first()
    )


def drafters(disclosure: Disclosure) -> set[int]:
    """Ids of the creator and of the latest submitter."""
    ids = {disclosure.created_by_id, _latest_actor(disclosure, Status.DRAFT, Status.SECRECY_REVIEW)}
    return {i for i in ids if i is not None}


def secrecy_reviewer(disclosure: Disclosure) -> int | None:
    """Id of whoever passed the latest 保密审查."""
    return _latest_actor(disclosure, Status.SECRECY_REVIEW, Status.APPROVAL)


def conflict(user, disclosure: Disclosure, action: str) -> str | None:
    """Why `user` may not take `action` (review_pass / approve) on the item under the rule, or None.

    Only people are bound: the scheduled publication (no actor) was approved by a person before."""
    if not getattr(user, "is_authenticated", False) or not applies(disclosure):
        return None
    if action == REVIEW_PASS and user.pk in drafters(disclosure):
        return DRAFTER_MAY_NOT_REVIEW
    if action == APPROVE and user.pk == secrecy_reviewer(disclosure):
        return REVIEWER_MAY_NOT_APPROVE
    return None


def report_conflict(user, organisation, compiler_ids: set[int]) -> str | None:
    """Why `user` may not publish an annual report compiled by `compiler_ids` (who created it or saved its text),
    or None. The report is published as an item of the organisation, so the organisation's rule applies to it
    too (issue 14: "publishing an annual report needs an approver other than the compiler")."""
    if not getattr(user, "is_authenticated", False) or not organisation.separate_review_duties:
        return None
    return COMPILER_MAY_NOT_PUBLISH_REPORT if user.pk in compiler_ids else None
