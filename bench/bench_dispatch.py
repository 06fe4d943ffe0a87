"""Benchmarks of the channel outbox (not tests: nothing here asserts; correctness is tests/channels/).

    .venv/bin/python bench/bench_dispatch.py --sends 300            # all three measurements
    .venv/bin/python bench/bench_dispatch.py --only publish

1. Throughput to the fake SMS gateway (tests/channels/channel_fakes.py, on 127.0.0.1) in sends/s: one embedded
   worker (`gongkai dispatch`), then two Celery workers (concurrency 1 each) on Redis db 2/3. Each run uses a
   fresh instance (its own data directory and SQLite file, `gongkai migrate`), seeds N pending sends, starts the
   worker(s) and times until every send is confirmed.
2. The added latency of publishing an item with six channel targets: the median time of
   `disclosure_approve` (which publishes) with none and with six targets, in-process on SQLite. The sending
   happens after commit; what publication pays is writing the outbox rows.

Measured 2026-12-07 on the shared 2-core development machine (load ≈ 12 from other work), SQLite: see
docs/channels.md ("Figures").
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "channels"))

BROKER, RESULTS = "redis://127.0.0.1:6379/2", "redis://127.0.0.1:6379/3"
SEED = """
import json
from gongkai.channels import services
from gongkai.channels.adapters import Item
from gongkai.channels.models import ChannelTarget
from gongkai.orgs.models import OrgKind
from gongkai.orgs.services import org_insert
org = org_insert(parent=None, kind=OrgKind.TOWNSHIP, name="渠口乡人民政府", short_name="渠口乡", code="qukou")
target = ChannelTarget.objects.create(organisation=org, kind="sms_gateway", name="企信通",
    config={{"base_url": "{url}", "sign": "渠口乡", "template": "SMS_001"}},
    secrets=json.dumps({{"token": "gw-token", "mobiles": ["13800000001"]}}))
for n in range({count}):
    services.dispatch_enqueue(organisation=org, target=target, item=Item(id=n, title=f"通知{{n}}", url="u", organisation="o"))
"""


class Instance:
    def __init__(self, celery: bool):
        self.dir = Path(tempfile.mkdtemp(prefix="gk-bench-"))
        self.db = self.dir / "gongkai.sqlite3"
        self.env = {
            **{k: v for k, v in os.environ.items() if k not in ("DATABASE_URL",)},
            "DJANGO_SETTINGS_MODULE": "gongkai.settings",
            "GONGKAI_DATA_DIR": str(self.dir),
            "DATABASE_URL": f"sqlite:///{self.db}",
        }
        if celery:
            self.env |= {"GONGKAI_CELERY_BROKER_URL": BROKER, "GONGKAI_CELERY_RESULT_BACKEND": RESULTS}
        self.processes: list[subprocess.Popen] = []
        self.run("migrate", "--noinput", "-v", "0")

    def run(self, *args):
        subprocess.run(
            [sys.executable, "-m", "gongkai.cli", *args], env=self.env, check=True, capture_output=True
        )

    def start(self, args):
        self.processes.append(
            subprocess.Popen(
                args,
                env=self.env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
        )

    def confirmed(self) -> int:
        with sqlite3.connect(f"file:{self.db}?mode=ro", uri=True, timeout=30) as conn:
            return conn.execute("SELECT count(*) FROM channels_dispatch WHERE status='confirmed'").fetchone()[
                0
            ]

    def close(self):
        for p in self.processes:
            if p.poll() is None:
                os.killpg(p.pid, signal.SIGTERM)
                try:
                    p.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    os.killpg(p.pid, signal.SIGKILL)
        shutil.rmtree(self.dir, ignore_errors=True)


def throughput(sends: int, *, celery: bool) -> float:
    from channel_fakes import FakeSmsGateway

    gateway = FakeSmsGateway().start()
    if celery:
        import redis

        for url in (BROKER, RESULTS):
            redis.Redis.from_url(url).flushdb()
    instance = Instance(celery)
    try:
        if celery:  # queue first, start the workers on a full queue
            instance.run("shell", "-c", SEED.format(url=gateway.url, count=sends))
            start = time.monotonic()
            for n in (1, 2):
                instance.start(
                    [
                        sys.executable,
                        "-m",
                        "celery",
                        "-A",
                        "gongkai.celery_app",
                        "worker",
                        "-n",
                        f"b{n}@%h",
                        "--concurrency",
                        "1",
                        "--pool",
                        "solo",
                        "--without-gossip",
                        "--loglevel",
                        "ERROR",
                    ]
                )
        else:
            instance.run("shell", "-c", SEED.format(url=gateway.url, count=sends))
            start = time.monotonic()
            instance.start([sys.executable, "-m", "gongkai.cli", "dispatch", "--interval", "0.2"])
        while instance.confirmed() < sends:
            time.sleep(0.2)
        elapsed = time.monotonic() - start  # includes the workers' start-up
        return sends / elapsed
    finally:
        instance.close()
        gateway.stop()
        if celery:
            import redis

            for url in (BROKER, RESULTS):
                redis.Redis.from_url(url).flushdb()


def publish_latency(rounds: int) -> tuple[float, float]:
    tmp = Path(tempfile.mkdtemp(prefix="gk-bench-pub-"))
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "gongkai.settings",
            "GONGKAI_DATA_DIR": str(tmp),
            "DATABASE_URL": f"sqlite:///{tmp / 'db.sqlite3'}",
        }
    )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)

    from django.utils import timezone

    from gongkai.accounts.models import User
    from gongkai.catalog import services
    from gongkai.channels.models import ChannelTarget, TargetKind
    from gongkai.orgs.models import Membership, OrgKind, Role
    from gongkai.orgs.services import org_insert

    def org(code):
        return org_insert(
            parent=None, kind=OrgKind.TOWNSHIP, name=f"{code}乡人民政府", short_name=code, code=code
        )

    def people(o):
        made = []
        for role in (Role.CLERK, Role.REVIEWER, Role.ADMIN):
            user = User.objects.create(username=f"{role}.{o.code}", display_name=role)
            Membership.objects.create(user=user, organisation=o, role=role)
            made.append(user)
        return made

    def measure(o, staff):
        drafter, reviewer, approver = staff
        times = []
        for n in range(rounds):
            draft = services.disclosure_create(
                organisation=o,
                actor=drafter,
                title=f"通知{n}",
                kind="notice",
                written_on=timezone.localdate(),
                body="<p>正文</p>",
            )
            services.disclosure_submit(disclosure=draft, actor=drafter)
            services.disclosure_review_pass(disclosure=draft, actor=reviewer)
            start = time.perf_counter()
            services.disclosure_approve(disclosure=draft, actor=approver)
            times.append(time.perf_counter() - start)
        return statistics.median(times) * 1000

    plain, six = org("plain"), org("six")
    for kind in (
        TargetKind.WECHAT,
        TargetKind.SMS_GATEWAY,
        TargetKind.WECOM_ROBOT,
        TargetKind.LED_SCREEN,
        TargetKind.NOTICE_BOARD,
        TargetKind.QQ_GROUP,
    ):
        ChannelTarget.objects.create(
            organisation=six, kind=kind, name=kind, secrets='{"mobiles": ["13800000001"]}'
        )
    result = measure(plain, people(plain)), measure(six, people(six))
    shutil.rmtree(tmp, ignore_errors=True)
    return result


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sends", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--only", choices=["embedded", "celery", "publish"])
    args = parser.parse_args()
    if args.only in (None, "embedded"):
        print(f"embedded worker: {throughput(args.sends, celery=False):.1f} sends/s ({args.sends} sends)")
    if args.only in (None, "celery"):
        print(f"two Celery workers: {throughput(args.sends, celery=True):.1f} sends/s ({args.sends} sends)")
    if args.only in (None, "publish"):
        none, six = publish_latency(args.rounds)
        print(
            f"publish, no channel targets: {none:.1f} ms; with six: {six:.1f} ms; added {six - none:.1f} ms (median of {args.rounds})"
        )


if __name__ == "__main__":
    main()
