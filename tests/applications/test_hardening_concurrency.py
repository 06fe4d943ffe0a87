"""Issue 10, High 2: 64 applicants submitting at the same moment against real servers (two threaded WSGI
server processes, gk_wsgi_server.py, on the test's engine: SQLite with WAL + BEGIN IMMEDIATE, or PostgreSQL):
nobody is refused, no 5xx, no case number twice, and the rows are exactly the accepted submissions."""

import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from gk_servers import Browser, Database, applicant_fields, case_number_of, start_servers, stop_servers

from gongkai.core.counters import next_value

CLIENTS = 64


@pytest.fixture
def servers(township, tmp_path):
    database = Database(tmp_path)
    running = start_servers(
        database,
        tmp_path,
        count=2,
        GONGKAI_APPLY_LIMIT_PER_ADDRESS=10_000,  # every client comes from 127.0.0.1
        GONGKAI_APPLY_HARD_LIMIT_PER_ADDRESS=10_000,
    )
    yield database, running
    stop_servers(running)


@pytest.mark.django_db(transaction=True)
def test_64_concurrent_public_submissions_are_all_stored_with_distinct_case_numbers(servers, data):
    database, running = servers
    browsers = [Browser(running[i % len(running)].base) for i in range(CLIENTS)]
    try:
        forms = list(ThreadPoolExecutor(CLIENTS).map(lambda b: b.open_form(), browsers))
    except AssertionError as failure:  # a form page refused under load: the servers' logs say why
        logs = "\n".join(f"--- {s.log.name}\n{s.log.read_text()[-3000:]}" for s in running)
        raise AssertionError(f"{failure}\n{logs}") from None
    time.sleep(1.2)  # the servers' minimum fill time (GONGKAI_APPLY_MIN_FILL_SECONDS=1)
    start = threading.Barrier(CLIENTS)

    def submit(i):
        start.wait()
        fields = applicant_fields(data.make_id(birth=f"19{60 + i % 40:02d}0101", seq=f"{i:03d}"))
        return browsers[i].submit(fields, forms[i])

    with ThreadPoolExecutor(CLIENTS) as pool:
        replies = list(pool.map(submit, range(CLIENTS)))

    statuses = Counter(r.status for r in replies)
    server_errors = [r for r in replies if r.status >= 500]
    accepted = [case_number_of(r) for r in replies if r.status == 200 and case_number_of(r)]
    refused = [r for r in replies if r.status < 500 and not case_number_of(r)]
    assert not server_errors, (statuses, server_errors[0].body[:2000])
    assert not refused, (statuses, refused[0].body[-3000:])
    assert len(accepted) == CLIENTS
    assert len(set(accepted)) == CLIENTS, Counter(accepted).most_common(3)
    rows = database.rows("SELECT case_number FROM applications_application")
    assert sorted(r[0] for r in rows) == sorted(accepted)
    year = accepted[0].split("-")[1]
    assert sorted(int(n.rsplit("-", 1)[1]) for n in accepted) == list(range(1, CLIENTS + 1))
    assert database.rows("SELECT last FROM applications_casecounter WHERE year = ?", (int(year),)) == [
        (CLIENTS,)
    ]


@pytest.mark.django_db(transaction=True)
def test_the_counter_creates_its_row_once_and_counts_on(township):
    from gongkai.applications.models import CaseCounter

    assert [next_value(CaseCounter, "last", organisation=township, year=2030) for _ in range(3)] == [1, 2, 3]
    assert CaseCounter.objects.filter(organisation=township, year=2030).count() == 1
