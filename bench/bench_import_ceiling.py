"""How fast can the engines index this text at all? The ceiling under bench_catalog.py's import rate.

    .venv/bin/python bench/bench_import_ceiling.py                 # 20,000 items
    .venv/bin/python bench/bench_import_ceiling.py -n 50000 --postgres postgres://postgres@127.0.0.1:5432/postgres

Writes the bench's township items (bench_catalog.Writer), tokenises them with Gongkai's tokeniser, and
times, each on its own:
  - tokenising (Python, search.tokens);
  - SQLite: the bare FTS5 table Gongkai uses (unicode61 over the space-separated tokens, rowid given), fed
    the ready token strings in one executemany per 5,000 — no other table, no Python work per row;
  - the same FTS5 table with detail=none (no positions, so no phrase queries: what dropping phrases would
    buy);
  - the same FTS5 table fed rowids out of order, as sort_keys of old items arrive in an import (FTS5 must
    flush its pending terms whenever a rowid is not above the last one);
  - PostgreSQL (with --postgres): a bare table of the token strings with Gongkai's generated tsvector and
    its GIN index, fed the same way, in a scratch schema that is dropped afterwards.
Nothing here is Gongkai's import; it is the floor under it. Not a test: nothing asserts.
"""

import argparse
import random
import shlex
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

BATCH = 5000


def token_strings(items: int, seed: int):
    from bench_catalog import KINDS, Writer

    from gongkai.search.tokens import tokens_for_document

    texts = [Writer(seed * 7919 + n).item(KINDS[n % len(KINDS)], 2019 + n % 8) for n in range(items)]
    started = time.perf_counter()
    rows = [
        (n + 1, " ".join(tokens_for_document(title)), " ".join(tokens_for_document(f"{summary} {body}")))
        for n, (title, summary, body) in enumerate(texts)
    ]
    return rows, time.perf_counter() - started


def sqlite_rate(rows, detail: str) -> float:
    (ROOT / "var" / "bench").mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=ROOT / "var" / "bench") as folder:
        db = sqlite3.connect(Path(folder) / "ceiling.sqlite3", isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute(
            f"CREATE VIRTUAL TABLE f USING fts5(title_tokens, body_tokens, tokenize='unicode61', detail={detail})"
        )
        started = time.perf_counter()
        for start in range(0, len(rows), BATCH):
            db.execute("BEGIN")
            db.executemany(
                "INSERT INTO f(rowid, title_tokens, body_tokens) VALUES (?, ?, ?)",
                rows[start : start + BATCH],
            )
            db.execute("COMMIT")
        elapsed = time.perf_counter() - started
        db.close()
    return len(rows) / elapsed


def postgres_rate(rows, url: str) -> float:
    import psycopg

    with psycopg.connect(url, autocommit=True) as db:
        db.execute("DROP SCHEMA IF EXISTS gongkai_ceiling CASCADE")
        db.execute("CREATE SCHEMA gongkai_ceiling")
        try:
            db.execute(
                "CREATE TABLE gongkai_ceiling.doc (id bigint PRIMARY KEY, title_tokens text, body_tokens text, "
                "tsv tsvector GENERATED ALWAYS AS (setweight(to_tsvector('simple', title_tokens), 'A') || "
                "setweight(to_tsvector('simple', body_tokens), 'B')) STORED)"
            )
            db.execute("CREATE INDEX ON gongkai_ceiling.doc USING gin (tsv)")
            started = time.perf_counter()
            for start in range(0, len(rows), BATCH):
                with db.transaction(), db.cursor() as cursor:
                    cursor.executemany(
                        "INSERT INTO gongkai_ceiling.doc (id, title_tokens, body_tokens) VALUES (%s, %s, %s)",
                        rows[start : start + BATCH],
                    )
            elapsed = time.perf_counter() - started
        finally:
            db.execute("DROP SCHEMA gongkai_ceiling CASCADE")
    return len(rows) / elapsed


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("-n", "--items", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=20260101)
    parser.add_argument(
        "--postgres", help="a PostgreSQL URL; a scratch schema gongkai_ceiling is made and dropped"
    )
    args = parser.parse_args(argv)

    rows, tokenise_seconds = token_strings(args.items, args.seed)
    tokens = sum(len(title.split()) + len(body.split()) for _, title, body in rows) / len(rows)
    print(
        f"Import ceiling — {args.items:,} items, {tokens:.0f} tokens per item, SQLite {sqlite3.sqlite_version}"
    )
    print(f"{'tokenising (Python, one core)':<62} {args.items / tokenise_seconds:>10,.0f} items/s")
    print(
        f"{'SQLite FTS5 alone, token strings ready (detail=full)':<62} {sqlite_rate(rows, 'full'):>10,.0f} items/s"
    )
    print(
        f"{'SQLite FTS5 alone, detail=none (no phrase queries)':<62} {sqlite_rate(rows, 'none'):>10,.0f} items/s"
    )
    # Rowids as an import of old items gives them (sort_key: publication day, then id): not ascending.
    shuffled = random.Random(args.seed).sample(rows, len(rows))
    label = "SQLite FTS5 alone, rowids not ascending within a batch"
    print(f"{label:<62} {sqlite_rate(shuffled, 'full'):>10,.0f} items/s")
    if args.postgres:
        print(
            f"{'PostgreSQL tsvector + GIN alone, token strings ready':<62} {postgres_rate(rows, args.postgres):>10,.0f} items/s"
        )
    command = ".venv/bin/python bench/bench_import_ceiling.py " + shlex.join(
        argv if argv is not None else sys.argv[1:]
    )
    print(f"\nreproduce: {command.strip()}")


if __name__ == "__main__":
    main()
