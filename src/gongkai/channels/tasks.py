"""The outbox's Celery tasks (used when GONGKAI_CELERY_BROKER_URL is set; `gongkai dispatch` does the same work
without Celery). Both are idempotent: a dispatch is claimed with compare-and-set before it is sent, and a
lapsed claim is checked with the far side before any resend, so they are acknowledged late and a task run twice
(a worker lost, a message redelivered) sends nothing twice."""

import os
import socket

from django.conf import settings

from gongkai.celery_app import app
from gongkai.channels import services


def _worker() -> str:
    return f"celery@{socket.gethostname()}:{os.getpid()}"


@app.task(name="gongkai.channels.tasks.dispatch_send", acks_late=True, reject_on_worker_lost=True)
def dispatch_send(dispatch_id: int) -> str | None:
    """Send one dispatch if it is due and nobody holds it."""
    claim = services.dispatch_claim(dispatch_id=dispatch_id, worker=_worker())
    if claim is None:
        return None
    return services.dispatch_process(dispatch_id=dispatch_id, claim=claim)


@app.task(name="gongkai.channels.tasks.dispatch_sweep", acks_late=True)
def dispatch_sweep() -> int:
    """Beat: queue every send that is due (retries after backoff, claims lapsed by a dead worker, receipts to
    ask for, sends whose enqueue after commit was lost). Claiming happens in dispatch_send."""
    due = services.dispatch_due_ids(limit=settings.DISPATCH_WORKER_BATCH * 10)
    for pk in due:
        dispatch_send.delay(pk)
    return len(due)
