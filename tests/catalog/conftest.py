"""Helpers for the catalog tests: drafts and files."""

import datetime

import pytest

from gongkai.catalog import services

WRITTEN = datetime.date(2024, 3, 4)


@pytest.fixture
def make_draft():
    def _make(actor, organisation, **fields):
        fields.setdefault("title", "关于开展2024年春季农田水利建设的通知")
        fields.setdefault("written_on", WRITTEN)
        return services.disclosure_create(organisation=organisation, actor=actor, **fields)

    return _make


@pytest.fixture
def publish():
    """Take a draft through the whole workflow with the given reviewer."""

    def _publish(disclosure, reviewer, *, submitter=None, now=None):
        services.disclosure_submit(disclosure=disclosure, actor=submitter or reviewer)
        services.disclosure_review_pass(disclosure=disclosure, actor=reviewer)
        return services.disclosure_approve(disclosure=disclosure, actor=reviewer, now=now)

    return _publish
