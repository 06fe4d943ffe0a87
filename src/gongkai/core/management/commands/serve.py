"""`gongkai serve`: Gongkai under gunicorn, static files from WhiteNoise — one process group, no other service.

Workers: 2 × CPUs + 1 sync workers by default (GONGKAI_WORKERS or --workers). A worker that takes longer than
--timeout on one request is restarted; each worker is replaced after about --max-requests requests.
Graceful reload (new code or settings, no dropped request): `kill -HUP <master pid>` (see --pid);
graceful stop: `kill -TERM`, which lets running requests finish for --graceful-timeout seconds."""

import os

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connections
from gunicorn.app.base import BaseApplication


def default_workers() -> int:
    return int(os.environ.get("GONGKAI_WORKERS") or (2 * (os.cpu_count() or 1) + 1))


def gunicorn_options(
    *, bind: str, workers: int, timeout: int = 120, graceful_timeout: int = 30, **extra
) -> dict:
    """The gunicorn settings of `gongkai serve` (bench/bench_http.py gives the bare baseline the same)."""
    return {
        "bind": bind,
        "workers": workers,
        "worker_class": "sync",
        "timeout": timeout,
        "graceful_timeout": graceful_timeout,
        "keepalive": 5,
        # A guard against slow leaks, not a routine: a worker's restart costs ~1.5 s of CPU (Django and every app
        # loaded again), and at 5,000 four workers restarted every few seconds under load (docs/performance.md).
        "max_requests": 100_000,
        "max_requests_jitter": 10_000,
        **extra,
    }


class Command(BaseCommand):
    help = "Serve Gongkai with gunicorn and WhiteNoise (the production server of one township)."
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--bind", default=os.environ.get("GONGKAI_BIND", "127.0.0.1:8000"))
        parser.add_argument("--workers", type=int, default=default_workers())
        parser.add_argument(
            "--timeout",
            type=int,
            default=120,
            help="seconds before a stuck worker is restarted (the annual-report PDF is the slowest page)",
        )
        parser.add_argument("--graceful-timeout", type=int, default=30)
        parser.add_argument("--pid", default="", help="write the master's process id to this file")
        parser.add_argument("--access-log", action="store_true", help="log every request to standard output")
        parser.add_argument("--no-collectstatic", action="store_true")

    def handle(self, *args, **options):
        if not settings.SERVING:
            raise CommandError(
                "run it as `gongkai serve` (the command sets GONGKAI_SERVE=1 before the settings load)"
            )
        if options["workers"] < 1:
            raise CommandError("--workers must be at least 1")
        if not options["no_collectstatic"]:
            call_command("collectstatic", interactive=False, verbosity=0)
        extra = {"accesslog": "-"} if options["access_log"] else {}
        if options["pid"]:
            extra["pidfile"] = options["pid"]
        config = gunicorn_options(
            bind=options["bind"],
            workers=options["workers"],
            timeout=options["timeout"],
            graceful_timeout=options["graceful_timeout"],
            **extra,
        )
        self.stdout.write(f"Gongkai on http://{options['bind']}/ ({options['workers']} workers)")
        self.stdout.flush()
        # Workers keep their database connection between requests (core.env): none may inherit the master's.
        connections.close_all()
        _Server(config).run()


class _Server(BaseApplication):
    def __init__(self, config: dict):
        self.config = config
        super().__init__()

    def load_config(self):
        for name, value in self.config.items():
            self.cfg.set(name, value)

    def load(self):
        from django.core.wsgi import get_wsgi_application

        return get_wsgi_application()
