"""The page cache's cheap hit path (core.pagecache): the generation kept in a file beside the file cache and
read by stat(), and each worker's own copies of its pages. A bump made by another process must be seen by the
very next request of this one, and a page of an old generation must never be served from the worker's memory."""

import pytest
from django.test import override_settings

from gongkai.core import pagecache


@pytest.fixture
def file_pages(tmp_path):
    caches_setting = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "pages": {"BACKEND": "gongkai.core.pagecache.PageFileCache", "LOCATION": str(tmp_path / "pages")},
    }
    with override_settings(CACHES=caches_setting):
        yield tmp_path / "pages"


def test_a_bump_by_another_process_is_seen_by_the_next_read(file_pages):
    this_worker, other_worker = pagecache._Generation(), pagecache._Generation()
    first = this_worker.read()
    assert (file_pages / pagecache.GENERATION_FILE).exists()
    assert other_worker.read() == first
    for _ in range(5):  # several bumps within the clock's resolution are each seen
        before = this_worker.read()
        other_worker.bump()
        after = this_worker.read()
        assert after != before
        assert after[0] == before[0] + 1


def test_a_worker_never_serves_its_copy_of_an_older_generation():
    local = pagecache._LocalPages(limit=10_000)
    entry = {"body": b"old page", "expires_at": 2**40}
    local.put((1, 1.0), "page", entry)
    assert local.get((1, 1.0), "page") is entry
    assert local.get((2, 2.0), "page") is None
    assert local.get((1, 1.0), "page") is None  # the old generation's copies are gone for good


def test_a_worker_keeps_at_most_its_byte_limit_dropping_the_least_recently_used():
    local = pagecache._LocalPages(limit=8_000)
    for n in range(10):
        local.put((1, 1.0), n, {"body": b"x" * 1000, "expires_at": 2**40})
        local.get((1, 1.0), 0)  # page 0 stays in use
    assert local.size <= 8_000
    assert local.get((1, 1.0), 0) is not None
    assert local.get((1, 1.0), 1) is None
    assert local.get((1, 1.0), 9) is not None


def test_an_expired_copy_is_not_served():
    local = pagecache._LocalPages(limit=8_000)
    local.put((1, 1.0), "page", {"body": b"x", "expires_at": 0})
    assert local.get((1, 1.0), "page") is None
