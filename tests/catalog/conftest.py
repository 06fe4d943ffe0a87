"""Helpers for the catalog tests: drafts, reviewers and the whole workflow."""

import datetime
import itertools

import pytest

from gongkai.accounts.models import User
from gongkai.catalog import services
from gongkai.orgs.models import Membership, Role

WRITTEN = datetime.date(2024, 3, 4)
_serial = itertools.count(1)


@pytest.fixture
def make_draft():
    def _make(actor, organisation, **fields):
        fields.setdefault("title", "关于开展2024年春季农田水利建设的通知")
        fields.setdefault("written_on", WRITTEN)
        return services.disclosure_create(organisation=organisation, actor=actor, **fields)

    return _make


def _new_reviewer(organisation, username=None, display_name="审核人"):
    user = User.objects.create(username=username or f"reviewer-{next(_serial)}", display_name=display_name)
    Membership.objects.create(user=user, organisation=organisation, role=Role.REVIEWER)
    return user


@pytest.fixture
def make_reviewer(db):
    """Another reviewer of an organisation (separation of duties needs two people for review and approval)."""
    return _new_reviewer


@pytest.fixture
def approver(township):
    """A second township reviewer, who approves what `reviewer` passed in 保密审查."""
    return _new_reviewer(township, "approver", "乡审批人")


@pytest.fixture
def publish():
    """Take a draft through the whole workflow: submitted by its drafter (or `submitter`), 保密审查 by
    `reviewer`, approved by `approver` (by default a new reviewer of the item's organisation)."""

    def _publish(disclosure, reviewer, *, submitter=None, approver=None, now=None):
        services.disclosure_submit(disclosure=disclosure, actor=submitter or disclosure.created_by)
        services.disclosure_review_pass(disclosure=disclosure, actor=reviewer)
        approver = approver or _new_reviewer(disclosure.organisation)
        return services.disclosure_approve(disclosure=disclosure, actor=approver, now=now)

    return _publish
