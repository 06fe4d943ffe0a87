"""`gongkai dispatch`: the embedded worker of the channel outbox. Runs beside the web server (systemd unit in
docs/deployment.md); any number may run at once: each claims its rows with a compare-and-set update
(PostgreSQL: SELECT … FOR UPDATE SKIP LOCKED), and a claim left by a killed worker lapses and is taken over."""

import os
import signal
import socket
import time

from django.conf import settings
from django.core.management.base import BaseCommand

from gongkai.channels import services


class Command(BaseCommand):
    help = "发送渠道分发队列（发件箱）中到期的消息"

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="只处理一轮后退出")
        parser.add_argument("--interval", type=float, default=2.0, help="队列为空时的等待秒数")
        parser.add_argument("--batch", type=int, default=settings.DISPATCH_WORKER_BATCH)

    def handle(self, *args, once=False, interval=2.0, batch=20, **options):
        worker = f"{socket.gethostname()}:{os.getpid()}"
        stopping = []
        signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
        while True:
            counts = services.dispatch_run_once(worker=worker, limit=batch)
            if counts and (once or options["verbosity"] > 1):
                self.stdout.write(" ".join(f"{k}={v}" for k, v in sorted(counts.items())))
            if once or stopping:
                return
            if not counts:
                time.sleep(interval)
