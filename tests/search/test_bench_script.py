"""bench/bench_catalog.py still runs end to end (small N, two import workers, one request per case).

Not a timing test: it asserts only that the script imports every item and prints a figure for every case.
"""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_benchmark_imports_with_two_workers_and_prints_every_case(tmp_path):
    database = tmp_path / "bench-smoke.sqlite3"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    run = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "bench_catalog.py"),
            "-n",
            "600",
            "-r",
            "1",
            "--batch",
            "100",
            "--workers",
            "2",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    out = run.stdout
    assert "600 items" in out
    assert "with 2 worker(s)" in out
    for case in ("catalog page 1", "catalog deep page", "item page", "search rare term", "search no match"):
        assert case in out
    assert "reproduce: .venv/bin/python bench/bench_catalog.py -n 600" in out

    # A second run reuses the database and refuses a different N.
    again = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "bench_catalog.py"), "-n", "700", "-r", "1"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert again.returncode != 0 and "holds 600 bench items" in again.stderr

    # The forgiving search's own paths, on the same database.
    forgiving = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "bench_search_forgiving.py"), "-n", "600", "-r", "1"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert forgiving.returncode == 0, forgiving.stderr[-3000:]
    for case in ("vocabulary:", "pinyin “dibao”", "miswriting “低宝”", "initials “db”"):
        assert case in forgiving.stdout


def test_the_import_ceiling_script_prints_every_figure():
    command = [sys.executable, str(ROOT / "bench" / "bench_import_ceiling.py"), "-n", "300"]
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        command += ["--postgres", url.rsplit("/", 1)[0] + "/postgres"]
    run = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-3000:]
    assert "tokenising" in run.stdout and "SQLite FTS5 alone" in run.stdout and "detail=none" in run.stdout
    assert ("PostgreSQL tsvector + GIN alone" in run.stdout) == url.startswith("postgres")
    assert "reproduce: .venv/bin/python bench/bench_import_ceiling.py -n 300" in run.stdout
