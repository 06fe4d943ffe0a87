"""Benchmark of concurrent public applications against a running Gongkai (any server: runserver, gunicorn).

    GONGKAI_APPLY_LIMIT_PER_ADDRESS=100000 GONGKAI_APPLY_HARD_LIMIT_PER_ADDRESS=100000 \\
    GONGKAI_APPLY_LIMIT_PER_IDENTITY=100000 GONGKAI_APPLY_MIN_FILL_SECONDS=1 \\
        .venv/bin/python tests/applications/gk_wsgi_server.py 8000      # or gunicorn, runserver
    .venv/bin/python bench/bench_apply_concurrency.py --url http://127.0.0.1:8000 --org qukou -c 64 -r 3

Each client is a browser: it fetches the form (CSRF cookie, signed start time), waits the minimum fill time,
and submits; all clients of a round submit at the same moment. Prints accepted / refused / 5xx / duplicate
case numbers and the latency p50/p95 of the submissions. Not a test: nothing here asserts (the correctness
test is tests/applications/test_hardening_concurrency.py).

Measured 2026-12-06 on the shared 2-core development machine, demo data on SQLite, one gk_wsgi_server
process, 2 rounds of 64: 128 accepted, 0 refused, 0 5xx, 0 duplicates, p50 2.27 s, p95 3.05 s.
"""

import argparse
import statistics
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "applications"))

from gk_servers import Browser, applicant_fields, case_number_of  # noqa: E402


def id_number(i: int) -> str:
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    first = f"640221{1950 + i % 50}0101{i % 1000:03d}"
    return first + "10X98765432"[sum(int(c) * w for c, w in zip(first, weights, strict=True)) % 11]


def one_round(url: str, org: str, clients: int, offset: int, fill: float):
    browsers = [Browser(url) for _ in range(clients)]
    with ThreadPoolExecutor(clients) as pool:
        forms = list(pool.map(lambda b: b.open_form(org), browsers))
    time.sleep(fill)
    barrier = threading.Barrier(clients)

    def submit(i):
        barrier.wait()
        started = time.perf_counter()
        reply = browsers[i].submit(applicant_fields(id_number(offset + i)), forms[i], org)
        return reply, time.perf_counter() - started

    with ThreadPoolExecutor(clients) as pool:
        return list(pool.map(submit, range(clients)))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--org", default="qukou")
    parser.add_argument("-c", "--clients", type=int, default=64)
    parser.add_argument("-r", "--rounds", type=int, default=3)
    parser.add_argument("--fill", type=float, default=1.2, help="seconds between fetching and submitting")
    args = parser.parse_args()
    results = []
    for round_no in range(args.rounds):
        results += one_round(args.url, args.org, args.clients, round_no * args.clients, args.fill)
    numbers = [case_number_of(r) for r, _ in results if r.status == 200 and case_number_of(r)]
    statuses = Counter(r.status for r, _ in results)
    times = sorted(t for _, t in results)
    print(f"submissions {len(results)}  statuses {dict(statuses)}")
    print(f"accepted {len(numbers)}  refused {sum(1 for r, _ in results if r.status < 500) - len(numbers)}")
    print(
        f"5xx {sum(1 for r, _ in results if r.status >= 500)}  duplicates {len(numbers) - len(set(numbers))}"
    )
    print(f"latency p50 {statistics.median(times):.3f}s  p95 {times[int(len(times) * 0.95) - 1]:.3f}s")


if __name__ == "__main__":
    main()
