"""The Celery application, for the county scale (GONGKAI_CELERY_BROKER_URL set, Redis). The embedded default needs
none of it: `gongkai dispatch` sends, cron runs the periodic commands (docs/deployment.md).

    celery -A gongkai.celery_app worker --concurrency 4        # sends (channels.tasks) and periodic jobs
    celery -A gongkai.celery_app beat -s /srv/gongkai/beat     # one beat for the whole installation

Tasks take ids and call services. `acks_late` only where running a task twice is harmless: a dispatch (its claim
and check make a second run a no-op or a check) and the compare-and-set periodic jobs; a digest mail is not."""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongkai.settings")

app = Celery("gongkai")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["gongkai.channels"])

SWEEP_SECONDS = float(os.environ.get("GONGKAI_DISPATCH_SWEEP_SECONDS", "30"))

# The periodic jobs that are cron commands on the embedded default (docs/deployment.md), as beat entries.
app.conf.beat_schedule = {
    "dispatch-sweep": {"task": "gongkai.channels.tasks.dispatch_sweep", "schedule": SWEEP_SECONDS},
    "publish-due": {
        "task": "gongkai.celery_app.run_idempotent_command",
        "schedule": 60.0,
        "args": ["publish_due"],
    },
    "purge-uploads": {
        "task": "gongkai.celery_app.run_idempotent_command",
        "schedule": crontab(minute=15),
        "args": ["catalog", "purge_uploads"],
    },
    "webhooks-relay": {
        "task": "gongkai.celery_app.run_idempotent_command",
        "schedule": 60.0,
        "args": ["webhooks_relay"],
    },
    "applications-digest": {
        "task": "gongkai.celery_app.run_command",
        "schedule": crontab(minute=0, hour=8, day_of_week="1-5"),
        "args": ["applications", "digest"],
    },
}


@app.task(name="gongkai.celery_app.run_idempotent_command", acks_late=True)
def run_idempotent_command(*args: str) -> None:
    """A `gongkai` command safe to run twice (compare-and-set writes: publish_due, purges; webhooks_relay
    advances its cursor under a row lock)."""
    from django.core.management import call_command

    call_command(*args)


@app.task(name="gongkai.celery_app.run_command")
def run_command(*args: str) -> None:
    """A `gongkai` command that must not run twice for one beat (it sends mail): acknowledged before it runs."""
    from django.core.management import call_command

    call_command(*args)
