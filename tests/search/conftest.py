"""Published disclosures made directly with the ORM, then indexed as the catalog's publish service does."""

import datetime as dt
import itertools

import pytest

from gongkai.catalog.models import Disclosure
from gongkai.search.services import index_disclosure

_serial = itertools.count(1)


@pytest.fixture
def publish():
    def _publish(organisation, title, *, body="", summary="", published_on=dt.date(2024, 5, 6), **fields):
        fields.setdefault("status", "published")
        fields.setdefault("kind", "notice")
        fields.setdefault("written_on", published_on)
        fields.setdefault("index_no", f"{organisation.code}/{published_on.year}-{next(_serial):05d}")
        disclosure = Disclosure.objects.create(
            organisation=organisation,
            title=title,
            body=body,
            summary=summary,
            published_on=published_on,
            **fields,
        )
        index_disclosure(disclosure)
        return disclosure

    return _publish
