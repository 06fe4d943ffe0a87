"""Run by tests/scale/test_read_replica.py in its own process, with DATABASE_URL (the primary) and
DATABASE_REPLICA_URL (its streaming replica) set: publishes an item through the office as a logged-in approver
while the replica's replay is paused, reads it as that approver, as a reader holding only the writer's cookie,
and as an anonymous reader, and prints what each saw and which database each request's queries went to, as one
JSON object on the last line of stdout. The test asserts on it."""

import contextlib
import datetime as dt
import json
import os
import sys

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongkai.settings")
django.setup()

import psycopg  # noqa: E402
from django.db import connections  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from gongkai.accounts.models import User  # noqa: E402
from gongkai.catalog import services  # noqa: E402
from gongkai.catalog.models import Disclosure  # noqa: E402
from gongkai.core import dbrouter  # noqa: E402
from gongkai.orgs.models import Membership, OrgKind, Role  # noqa: E402
from gongkai.orgs.services import org_insert  # noqa: E402

REPLICA_CONNINFO = os.environ["PROBE_REPLICA_CONNINFO"]


class QueryCounter:
    """Counts the queries sent on each database alias while active."""

    def __init__(self):
        self.counts = {"default": 0, "replica": 0, "default_reads": 0}

    def _wrapper(self, alias):
        def wrapper(execute, sql, params, many, context):
            self.counts[alias] += 1
            # Reads of the primary other than the database cache (the API's rate counters live there).
            if (
                alias == "default"
                and sql.lstrip().upper().startswith("SELECT")
                and "gongkai_cache" not in sql
            ):
                self.counts["default_reads"] += 1
            return execute(sql, params, many, context)

        return wrapper

    @contextlib.contextmanager
    def active(self):
        self.counts = {"default": 0, "replica": 0, "default_reads": 0}
        with contextlib.ExitStack() as stack:
            for alias in ("default", "replica"):
                stack.enter_context(connections[alias].execute_wrapper(self._wrapper(alias)))
            yield self


def replica_sql(statement: str):
    with psycopg.connect(REPLICA_CONNINFO, autocommit=True) as conn:
        return conn.execute(statement).fetchone()[0]


def get(client: Client, counter: QueryCounter, path: str) -> dict:
    with counter.active():
        response = client.get(path)
    return {"status": response.status_code, "queries": dict(counter.counts)}


def main() -> None:
    setup_test_environment()
    counter = QueryCounter()
    seen: dict = {}
    with connections["replica"].cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery()")
        seen["replica_alias_in_recovery"] = cursor.fetchone()[0]
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery()")
        seen["default_alias_in_recovery"] = cursor.fetchone()[0]

    # Written outside any request: the primary.
    county = org_insert(
        parent=None, kind=OrgKind.COUNTY, name="平罗县人民政府", short_name="平罗县", code="pingluo"
    )
    township = org_insert(
        parent=county, kind=OrgKind.TOWNSHIP, name="渠口乡人民政府", short_name="渠口乡", code="qukou"
    )
    people = {}
    for role in (Role.CLERK, Role.REVIEWER, Role.ADMIN):
        user = User(username=f"{role}.qukou", display_name=str(role))
        user.set_unusable_password()
        user.save()
        Membership.objects.create(user=user, organisation=township, role=role)
        people[role] = user
    first = services.disclosure_create(
        organisation=township, actor=people[Role.CLERK], title="渠口乡2026年低保名单", kind="notice",
        written_on=dt.date(2026, 1, 5), body="第一批",
    )  # fmt: skip
    services.disclosure_submit(disclosure=first, actor=people[Role.CLERK])
    services.disclosure_review_pass(disclosure=first, actor=people[Role.REVIEWER])
    services.disclosure_approve(disclosure=first, actor=people[Role.ADMIN])
    second = services.disclosure_create(
        organisation=township, actor=people[Role.CLERK], title="渠口乡2026年临时救助名单", kind="notice",
        written_on=dt.date(2026, 1, 6), body="第二批",
    )  # fmt: skip
    services.disclosure_submit(disclosure=second, actor=people[Role.CLERK])
    services.disclosure_review_pass(disclosure=second, actor=people[Role.REVIEWER])
    print("READY_FOR_REPLAY", flush=True)
    sys.stdin.readline()  # the test waits until the replica has replayed all of the above

    anonymous = Client()
    seen["anonymous_first_item"] = get(anonymous, counter, f"/item/{first.pk}/")
    seen["anonymous_catalog"] = get(anonymous, counter, "/org/qukou/catalog/")
    seen["anonymous_api"] = get(anonymous, counter, "/api/v1/organisations")

    # Replica lag from here on: the replica stops replaying what the primary writes.
    seen["replay_paused"] = replica_sql("SELECT pg_wal_replay_pause() IS NULL")
    approver = Client()
    approver.force_login(people[Role.ADMIN])
    with counter.active():
        response = approver.post(f"/office/catalog/{second.pk}/do/approve/", {"comment": "同意"})
    seen["approve"] = {"status": response.status_code, "queries": dict(counter.counts)}
    seen["published_on_primary"] = Disclosure.objects.using("default").get(pk=second.pk).status
    seen["wrote_cookie_set"] = dbrouter.WROTE_COOKIE in response.cookies
    seen["approver_item"] = get(approver, counter, f"/item/{second.pk}/")

    # The writer's cookie alone (no session): still the primary, for the lag window.
    just_wrote = Client()
    just_wrote.cookies[dbrouter.WROTE_COOKIE] = response.cookies[dbrouter.WROTE_COOKIE].value
    seen["writer_cookie_item"] = get(just_wrote, counter, f"/item/{second.pk}/")
    forged = Client()
    forged.cookies[dbrouter.WROTE_COOKIE] = "1700000000:forged"
    seen["forged_cookie_item"] = get(forged, counter, f"/item/{second.pk}/")
    seen["anonymous_new_item_lagging"] = get(anonymous, counter, f"/item/{second.pk}/")
    seen["replica_status_lagging"] = replica_sql(
        f"SELECT status FROM catalog_disclosure WHERE id = {second.pk}"
    )

    replica_sql("SELECT pg_wal_replay_resume() IS NULL")
    print("RESUMED", flush=True)
    sys.stdin.readline()  # the test waits until the replica has caught up
    seen["anonymous_new_item_replayed"] = get(anonymous, counter, f"/item/{second.pk}/")
    print(json.dumps(seen, ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
