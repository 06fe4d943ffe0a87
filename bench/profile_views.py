"""Where a public page's time goes: each page called through Gongkai's WSGI application in one process (no
server, no network), timed per request, and optionally profiled with cProfile.

    .venv/bin/python bench/profile_views.py                       # 100,000 items, page cache on (hits) and off
    .venv/bin/python bench/profile_views.py --profile "random item pages" --top 30
    .venv/bin/python bench/profile_views.py -n 1000000 --repeat 100

Uses the database of bench/bench_catalog.py (`-n N`, made there). CPU milliseconds per request (process time, less
sensitive to the machine's load than wall time) are what one gunicorn sync worker spends; with W workers on C cores the ceiling is about C × 1000 / ms req/s. Not a test.
"""

import argparse
import cProfile
import io
import os
import pstats
import random
import shutil
import sqlite3
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("-n", "--items", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=200, help="timed requests per page")
    parser.add_argument("--profile", default="", help="label of the page to profile (cProfile)")
    parser.add_argument("--top", type=int, default=25, help="rows of the profile to print")
    parser.add_argument("--cache", choices=("both", "on", "off"), default="both")
    return parser.parse_args(argv)


def environ_for(path: str) -> dict:
    from wsgiref.util import setup_testing_defaults

    raw_path, _, query = path.partition("?")
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": raw_path.encode("utf-8").decode("latin-1"),
        "QUERY_STRING": query,
        "HTTP_HOST": "127.0.0.1",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
    }
    setup_testing_defaults(environ)
    return environ


def call(application, path: str) -> int:
    status = []

    def start_response(value, headers, exc_info=None):
        status.append(value)

    body = application(environ_for(path), start_response)
    for _chunk in body:
        pass
    if hasattr(body, "close"):
        body.close()
    return int(status[0].split()[0])


def main(argv=None):
    args = parse_args(argv)
    database = ROOT / "var" / "bench" / f"bench-{args.items}.sqlite3"
    if not database.exists():
        sys.exit(f"{database} missing: run bench/bench_catalog.py -n {args.items} first")
    with sqlite3.connect(database) as db:
        township = db.execute(
            "SELECT code FROM orgs_organisation WHERE kind = 'township' ORDER BY id LIMIT 1"
        ).fetchone()[0]
        ids = [r[0] for r in db.execute("SELECT id FROM catalog_disclosure WHERE status = 'published'")]
    data_dir = ROOT / "var" / "bench" / "profile-data"  # collected static files are kept between runs
    shutil.rmtree(data_dir / "page-cache", ignore_errors=True)
    os.environ.update(
        {
            "DATABASE_URL": f"sqlite:///{database}",
            "GONGKAI_DATA_DIR": str(data_dir),
            "GONGKAI_SERVE": "1",  # as under `gongkai serve`: DEBUG off, WhiteNoise
            "DJANGO_SETTINGS_MODULE": "gongkai.settings",
        }
    )
    os.environ.pop("GONGKAI_REDIS_URL", None)
    import django
    from django.conf import settings
    from django.core.wsgi import get_wsgi_application

    django.setup()
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)  # the manifest storage needs its manifest
    application = get_wsgi_application()
    rng = random.Random(7)
    pages = [
        ("portal home /", lambda: "/"),
        ("column home", lambda: f"/org/{township}/"),
        ("catalog page 1", lambda: f"/org/{township}/catalog/"),
        ("catalog filter kind+year", lambda: f"/org/{township}/catalog/?kind=posting&year=2023"),
        ("feed.xml", lambda: f"/org/{township}/feed.xml"),
        ("search 低保", lambda: "/search/?q=%E4%BD%8E%E4%BF%9D"),
        ("random item pages", lambda: f"/item/{rng.choice(ids)}/"),
    ]
    modes = {"both": (True, False), "on": (True,), "off": (False,)}[args.cache]
    print(
        f"{args.items:,} items, SQLite, one process; CPU ms per request (this machine's load: "
        f"{' / '.join(f'{x:.1f}' for x in os.getloadavg())})"
    )
    for cached in modes:
        settings.PAGE_CACHE_SECONDS = 600 if cached else 0
        for label, make_path in pages:
            for _ in range(3):  # warm: the first request fills the cache (and Django's template cache)
                call(application, make_path())
            profiler = cProfile.Profile() if args.profile == label else None
            started = time.process_time()
            if profiler:
                profiler.enable()
            statuses = {call(application, make_path()) for _ in range(args.repeat)}
            if profiler:
                profiler.disable()
            ms = (time.process_time() - started) * 1000 / args.repeat
            # Random ids are misses even with the cache on (but reads shared by pages are remembered).
            mode = ("miss" if label == "random item pages" else "hit ") if cached else "view"
            print(f"  {mode} {label:<28} {ms:7.2f} ms  statuses {sorted(statuses)}", flush=True)
            if profiler:
                out = io.StringIO()
                pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(args.top)
                out2 = io.StringIO()
                pstats.Stats(profiler, stream=out2).sort_stats("tottime").print_stats(args.top)
                print(out.getvalue()[-12000:])
                print(out2.getvalue()[-8000:])


if __name__ == "__main__":
    main()
