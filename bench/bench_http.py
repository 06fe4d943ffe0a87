"""Throughput under concurrency: Gongkai against a bare Django baseline, both under the same gunicorn settings
(those of `gongkai serve`), loaded with wrk on loopback; prints req/s, p99 and the ratios per page.

    .venv/bin/python bench/bench_http.py                    # 100,000 items (var/bench/bench-100000.sqlite3)
    .venv/bin/python bench/bench_http.py -n 1000000 --workers 4 --connections 16 --seconds 10
    .venv/bin/python bench/bench_http.py --no-page-cache    # every page built by its view
    .venv/bin/python bench/bench_http.py -n 1000000 --database-url postgres://postgres@127.0.0.1:5432/gongkai_bench_1m

The item database is made by bench/bench_catalog.py (`-n N`, reused when present; for PostgreSQL run it first with
DATABASE_URL set to the same database, as docs/performance.md shows). wrk is Debian's package
`wrk`, installed with apt-get when missing. Not a test: nothing here asserts; figures go to docs/performance.md.
"""

import argparse
import os
import random
import re
import shlex
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv" / "bin"
sys.path.insert(0, str(ROOT / "src"))


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("-n", "--items", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers, for both servers")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--seconds", type=int, default=10, help="measured seconds per page")
    parser.add_argument("--warmup", type=int, default=3, help="seconds of load before each measurement")
    parser.add_argument("--no-page-cache", action="store_true", help="GONGKAI_PAGE_CACHE_SECONDS=0")
    parser.add_argument("--only", default="", help="measure only the Gongkai pages whose label contains this")
    parser.add_argument(
        "--database-url",
        default="",
        help="a PostgreSQL database filled by bench/bench_catalog.py (default: the SQLite file of -n)",
    )
    return parser.parse_args(argv)


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    print("wrk missing: installing Debian's package", flush=True)
    subprocess.run(
        ["apt-get", "install", "-y", "-q", "wrk"],
        check=True,
        env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
    )
    return shutil.which("wrk") or sys.exit("wrk could not be installed")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(url: str, process, limit: float = 600) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"server exited with {process.returncode} before answering {url}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (loopback)
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(1)
    sys.exit(f"no answer from {url} in {limit} s")


def gunicorn_flags(options: dict) -> list[str]:
    flags = []
    for name, value in options.items():
        flags += [f"--{name.replace('_', '-')}", str(value)]
    return flags


def start_bare(workers: int):
    from gongkai.core.management.commands.serve import gunicorn_options

    port = free_port()
    options = gunicorn_options(bind=f"127.0.0.1:{port}", workers=workers)
    options["keep_alive"] = options.pop("keepalive")
    command = [
        str(VENV / "gunicorn"),
        *gunicorn_flags(options),
        "--chdir",
        str(ROOT / "bench" / "bare"),
        "bare_django:application",
    ]
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    wait_until_up(f"http://127.0.0.1:{port}/hello/", process)
    return process, port


def start_gongkai(args, database_url: str, data_dir: Path):
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "GONGKAI_DATA_DIR": str(data_dir),
        "GONGKAI_PAGE_CACHE_SECONDS": "0" if args.no_page_cache else "600",
    }
    env.pop("GONGKAI_REDIS_URL", None)
    command = [str(VENV / "gongkai"), "serve", "--bind", f"127.0.0.1:{port}", "--workers", str(args.workers)]
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    wait_until_up(f"http://127.0.0.1:{port}/healthz", process)
    return process, port


def stop(process) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)


def worker_rss_mb(master_pid: int) -> tuple[float, float, float]:
    """The largest worker's resident memory in MB: (all, anonymous, file-backed). The file-backed part is SQLite's
    memory-mapped database pages, shared with the other workers and the OS's file cache; the anonymous part is
    the worker's own (Python objects, SQLite's page cache, the per-worker page copies)."""
    out = subprocess.run(
        ["ps", "-o", "pid=", "--ppid", str(master_pid)], capture_output=True, text=True
    ).stdout
    found = []
    for pid in out.split():
        fields = {}
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                name, _, value = line.partition(":")
                if name in ("VmRSS", "RssAnon", "RssFile", "RssShmem"):
                    fields[name] = int(value.split()[0]) / 1024
        except OSError:
            continue
        found.append((fields.get("VmRSS", 0.0), fields.get("RssAnon", 0.0), fields.get("RssFile", 0.0)))
    return max(found) if found else (0.0, 0.0, 0.0)


def wrk(binary: str, args, base: str, path: str, script: Path | None, seconds: int) -> dict:
    command = [
        binary,
        "-t",
        str(args.threads),
        "-c",
        str(args.connections),
        "-d",
        f"{seconds}s",
        "--latency",
        "--timeout",
        "10s",
    ]
    if script:
        command += ["-s", str(script)]
    out = subprocess.run([*command, base + path], capture_output=True, text=True, check=True).stdout
    if " 0 requests in" in out:
        print(out, flush=True)  # nothing answered: show what wrk said
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p99 = re.search(r"\s99%\s+([\d.]+)(us|ms|s)\b", out)
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}[p99.group(2)]
    errors = 0
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    if non2xx:
        errors += int(non2xx.group(1))
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    if socket_errors:
        errors += sum(int(x) for x in socket_errors.groups())
    return {"rate": rate, "p99": float(p99.group(1)) * scale, "errors": errors}


def read_rows(database_url: str, sql: str) -> list[tuple]:
    """Rows of the bench database, SQLite or PostgreSQL."""
    if database_url.startswith("sqlite:///"):
        with sqlite3.connect(database_url.removeprefix("sqlite:///")) as db:
            return db.execute(sql).fetchall()
    import psycopg

    with psycopg.connect(database_url) as db:
        return db.execute(sql).fetchall()


def item_script(database_url: str, folder: Path, count: int = 20_000) -> Path:
    """A wrk script requesting random public item pages (most of them not cached yet)."""
    ids = [
        row[0]
        for row in read_rows(database_url, "SELECT id FROM catalog_disclosure WHERE status = 'published'")
    ]
    sample = random.Random(7).sample(ids, min(count, len(ids)))
    script = folder / "items.lua"
    script.write_text(
        "local ids = {" + ",".join(map(str, sample)) + "}\n"
        "request = function()\n"
        '  return wrk.format("GET", "/item/" .. ids[math.random(#ids)] .. "/")\n'
        "end\n"
    )
    return script


def search_script(folder: Path) -> Path:
    """A wrk script of 3,744 different searches (a village and a benefit or task of the bench's text, in one
    year or all), so that most are not cached: the uncached search of the issue's targets."""
    sys.path.insert(0, str(ROOT / "bench"))
    from bench_catalog import BENEFITS, TASKS, VILLAGES

    queries = []
    for village in VILLAGES:
        for topic in BENEFITS + TASKS:
            for year in ("", *map(str, range(2019, 2027))):
                q = urllib.parse.quote(f"{village} {topic}")
                queries.append(f"/search/?q={q}" + (f"&year={year}" if year else ""))
    random.Random(11).shuffle(queries)
    script = folder / "searches.lua"
    script.write_text(
        "local paths = {" + ",".join(f'"{q}"' for q in queries) + "}\n"
        "request = function()\n"
        '  return wrk.format("GET", paths[math.random(#paths)])\n'
        "end\n"
    )
    return script


def deep_catalog_path(base: str, code: str) -> str:
    """Page 6 of the catalog (5 × "next" from page 1): a keyset cursor page, cached like any other URL."""
    path = f"/org/{code}/catalog/"
    for _ in range(5):
        html = urllib.request.urlopen(base + path, timeout=30).read().decode()  # noqa: S310
        found = re.search(r'href="(\?[^"]*after=[^"]+)"', html)
        if not found:
            break
        path = f"/org/{code}/catalog/" + found.group(1).replace("&amp;", "&")
    return path


def main(argv=None):
    args = parse_args(argv)
    binary = ensure_wrk()
    database = ROOT / "var" / "bench" / f"bench-{args.items}.sqlite3"
    database_url = args.database_url or f"sqlite:///{database}"
    engine = "SQLite" if database_url.startswith("sqlite") else "PostgreSQL"
    if not args.database_url and not database.exists():
        subprocess.run(
            [
                str(VENV / "python"),
                str(ROOT / "bench" / "bench_catalog.py"),
                "-n",
                str(args.items),
                "-r",
                "1",
            ],
            check=True,
        )
    township = read_rows(
        database_url, "SELECT code FROM orgs_organisation WHERE kind = 'township' ORDER BY id LIMIT 1"
    )[0][0]
    work = Path(tempfile.mkdtemp(prefix="bench-http-"))
    data_dir = ROOT / "var" / "bench" / "http-data"  # its collected static files are kept between runs
    shutil.rmtree(
        data_dir / "page-cache", ignore_errors=True
    )  # pages of an earlier run (other code, other data)
    script = item_script(database_url, work)
    searches = search_script(work)

    results = {}
    bare, bare_port = start_bare(args.workers)
    try:
        base = f"http://127.0.0.1:{bare_port}"
        for path in ("/hello/", "/rows/"):
            wrk(binary, args, base, path, None, args.warmup)
            results[("bare", path)] = wrk(binary, args, base, path, None, args.seconds)
            print(f"bare {path}: {results[('bare', path)]}", flush=True)
    finally:
        stop(bare)

    gongkai, port = start_gongkai(args, database_url, data_dir)
    pages = [
        ("portal home /", "/", None, "hello"),
        (f"column home /org/{township}/", f"/org/{township}/", None, "hello"),
        ("catalog page 1", f"/org/{township}/catalog/", None, "hello"),
        ("feed.xml", f"/org/{township}/feed.xml", None, "hello"),
        ("search 低保", "/search/?q=%E4%BD%8E%E4%BF%9D", None, "rows"),
        ("random item pages (20k ids)", "/", script, "rows"),
        ("random searches (3,744 queries)", "/", searches, "rows"),
    ]
    try:
        base = f"http://127.0.0.1:{port}"
        pages.insert(5, ("catalog page 6", deep_catalog_path(base, township), None, "hello"))
        pages.insert(
            6, ("catalog filter 公示 2023", f"/org/{township}/catalog/?kind=posting&year=2023", None, "rows")
        )
        pages = [page for page in pages if args.only in page[0]]
        for label, path, lua, _target in pages:
            wrk(binary, args, base, path, lua, args.warmup)
            results[("gongkai", label)] = wrk(binary, args, base, path, lua, args.seconds)
            print(f"{label}: {results[('gongkai', label)]}", flush=True)
        rss = worker_rss_mb(gongkai.pid)
    finally:
        stop(gongkai)

    hello, rows = results[("bare", "/hello/")], results[("bare", "/rows/")]
    load = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    print(
        f"\nGongkai over HTTP — {args.items:,} items, {engine}, gunicorn {args.workers} sync workers, wrk "
        f"{args.connections} connections × {args.seconds} s, page cache {'off' if args.no_page_cache else 'on'}, "
        f"{os.cpu_count()} CPUs; load average at the end {load}"
    )
    print(f"{'page':<44} {'req/s':>8} {'p99 ms':>8} {'errors':>6} {'÷ /hello/':>9} {'÷ 20 rows':>9}")
    for label, rate in (("bare /hello/", hello), ("bare 20-row template /rows/", rows)):
        print(f"{label:<44} {rate['rate']:8.0f} {rate['p99']:8.1f} {rate['errors']:6d}")
    for label, _path, _lua, _target in pages:
        r = results[("gongkai", label)]
        print(
            f"{label:<44} {r['rate']:8.0f} {r['p99']:8.1f} {r['errors']:6d} "
            f"{r['rate'] / hello['rate']:8.0%} {r['rate'] / rows['rate']:9.0%}"
        )
    print(
        f"largest Gongkai worker RSS at the end: {rss[0]:.0f} MB "
        f"({rss[1]:.0f} MB its own, {rss[2]:.0f} MB file-backed: mapped database pages shared by the workers)"
    )
    print(
        "\nreproduce: .venv/bin/python bench/bench_http.py "
        + shlex.join(argv if argv is not None else sys.argv[1:])
    )


if __name__ == "__main__":
    main()
