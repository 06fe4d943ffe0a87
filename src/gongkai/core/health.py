"""`/healthz`, for load balancers and the availability probes of an inspection: the database answers, every
migration is applied, and the data disk has room. 200 with the checks as JSON, 503 when one fails."""

import shutil

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.loader import MigrationLoader
from django.http import JsonResponse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_safe


def _database() -> tuple[bool, str]:
    try:
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any failure to reach the database is the answer, not a crash
        return False, f"unreachable: {exc.__class__.__name__}"
    return True, "ok"


def _migrations() -> tuple[bool, str]:
    try:
        loader = MigrationLoader(connections[DEFAULT_DB_ALIAS])
    except Exception as exc:
        return False, f"unknown: {exc.__class__.__name__}"
    # every migration of the code, not only those after the last applied one of each app
    missing = [node for node in loader.graph.nodes if node not in loader.applied_migrations]
    if missing:
        return False, f"{len(missing)} unapplied"
    return True, "ok"


def _disk() -> tuple[bool, str]:
    minimum = settings.HEALTH_MIN_FREE_MB
    worst = None
    for folder in {settings.DATA_DIR, settings.MEDIA_ROOT}:
        existing = next((p for p in (folder, *folder.parents) if p.exists()), None)
        if existing is None:
            continue
        free_mb = shutil.disk_usage(existing).free // (1024 * 1024)
        worst = free_mb if worst is None else min(worst, free_mb)
    if worst is None:
        return False, "no data directory"
    return worst >= minimum, f"{worst} MB free (minimum {minimum} MB)"


@require_safe
def healthz(request):
    checks = {"database": _database()}
    # without a database the migration state cannot be read
    checks["migrations"] = _migrations() if checks["database"][0] else (False, "database unreachable")
    checks["disk"] = _disk()
    healthy = all(ok for ok, _detail in checks.values())
    body = {
        "status": "ok" if healthy else "fail",
        "checks": {name: {"ok": ok, "detail": detail} for name, (ok, detail) in checks.items()},
    }
    response = JsonResponse(body, status=200 if healthy else 503)
    add_never_cache_headers(response)
    return response
