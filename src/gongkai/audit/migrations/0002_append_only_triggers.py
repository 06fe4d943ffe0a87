"""Refuse UPDATE (and, on PostgreSQL, DELETE outside the retention purge) of audit rows in the database itself.

SQLite's test-database flush deletes rows one table at a time, so on SQLite deletion is refused by the
application and detected by `gongkai audit verify`; updates are refused by a trigger on both engines.
"""

from django.db import migrations

SQLITE_UP = [
    """CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_auditevent
       BEGIN SELECT RAISE(ABORT, 'audit log is append-only: update refused'); END;""",
]
SQLITE_DOWN = ["DROP TRIGGER IF EXISTS audit_event_no_update;"]

PG_UP = [
    """CREATE OR REPLACE FUNCTION audit_event_guard() RETURNS trigger AS $$
       BEGIN
         IF TG_OP = 'DELETE' AND OLD.id <= (SELECT COALESCE(MAX(last_purged_id), 0) FROM audit_auditanchor) THEN
           RETURN OLD;
         END IF;
         RAISE EXCEPTION 'audit log is append-only: % refused', TG_OP;
       END; $$ LANGUAGE plpgsql;""",
    """CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_auditevent
       FOR EACH ROW EXECUTE FUNCTION audit_event_guard();""",
]
PG_DOWN = [
    "DROP TRIGGER IF EXISTS audit_event_append_only ON audit_auditevent;",
    "DROP FUNCTION IF EXISTS audit_event_guard();",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_UP, "postgresql": PG_UP}),
            _run({"sqlite": SQLITE_DOWN, "postgresql": PG_DOWN}),
        )
    ]
