"""Benchmark of the forgiving search's own paths on bench_catalog.py's database (run that first with the same -n).

    .venv/bin/python bench/bench_search_forgiving.py -n 100000

Times, through Django's test Client with the public-page cache off (so every request searches): pinyin queries
that are corrected (no hit, then the suggestion's search), a miswriting widened by a default synonym, a
no-match query (which now also asks the vocabulary), and the vocabulary's build from cold (the newest
queries.VOCABULARY_TITLES titles and pypinyin), which a process pays once per queries.VOCABULARY_SECONDS or synonym
change. Not a test: nothing here asserts.
"""

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_catalog  # noqa: E402 (after the path)


def main(argv=None):
    args = bench_catalog.parse_args(argv)
    os.environ["GONGKAI_PAGE_CACHE_SECONDS"] = "0"
    bench_catalog.configure(args)
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from gongkai.search import queries, services
    from gongkai.search.models import SearchDocument

    call_command("migrate", verbosity=0)
    indexed = SearchDocument.objects.count()
    if indexed < args.items:
        sys.exit(f"run bench/bench_catalog.py -n {args.items} first (the database holds {indexed:,} items)")

    cache.delete(f"{services.VOCABULARY_STAMP_KEY}:{connection.alias}")
    queries._vocabularies.clear()
    started = time.perf_counter()
    vocabulary = queries.vocabulary()
    cold = (time.perf_counter() - started) * 1000
    started = time.perf_counter()
    queries.vocabulary()
    warm = (time.perf_counter() - started) * 1000

    client = Client(SERVER_NAME="localhost")
    search = reverse("search:search")
    cases = [
        ("pinyin “dibao” (corrected to 低保)", {"q": "dibao"}),
        ("spaced pinyin “di bao”", {"q": "di bao"}),
        ("pinyin “linshijiuzhu” (临时救助)", {"q": "linshijiuzhu"}),
        ("miswriting “低宝” (synonym 低保, suggestion)", {"q": "低宝"}),
        ("two-way synonym “低保” (+ 最低生活保障)", {"q": "低保"}),
        ("no match “火星基地” (vocabulary asked)", {"q": "火星基地"}),
        ("initials “db” (never guessed)", {"q": "db"}),
    ]
    print(
        f"\nGongkai forgiving-search benchmark — {indexed:,} items, {connection.vendor}, {os.cpu_count()} CPUs; "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    print(f"vocabulary: {len(vocabulary.counts):,} words; build from cold {cold:.0f} ms, then {warm:.2f} ms")
    print(f"{'case':<60}{'p50 ms':>9}{'p95 ms':>9}")
    for label, params in cases:
        p50, p95 = bench_catalog.timed(client, search, params, args.repeat)
        print(f"{label:<60}{p50:>9.1f}{p95:>9.1f}")
    print(f"\nreproduce: .venv/bin/python bench/bench_search_forgiving.py -n {args.items}")


if __name__ == "__main__":
    main()
