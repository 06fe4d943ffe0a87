"""Refuse TRUNCATE of the audit log on PostgreSQL (a TRUNCATE fires no row trigger, so 0002 does not stop it).

SQLite has no TRUNCATE statement (its "truncate optimisation" of an unfiltered DELETE is a DELETE); there an
emptied log is found by `gongkai audit verify` against the last checkpoint. A superuser can still disable the
trigger; the signed checkpoints outside the database catch that too. Test databases are flushed with
`session_replication_role = replica` (tests/conftest.py), which only a superuser may set.
"""

from django.db import migrations

PG_UP = [
    """CREATE OR REPLACE FUNCTION audit_event_refuse_truncate() RETURNS trigger AS $$
       BEGIN
         RAISE EXCEPTION 'audit log is append-only: TRUNCATE refused';
       END; $$ LANGUAGE plpgsql;""",
    """CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_auditevent
       FOR EACH STATEMENT EXECUTE FUNCTION audit_event_refuse_truncate();""",
]
PG_DOWN = [
    "DROP TRIGGER IF EXISTS audit_event_no_truncate ON audit_auditevent;",
    "DROP FUNCTION IF EXISTS audit_event_refuse_truncate();",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_keyed_chain_key_id")]

    operations = [migrations.RunPython(_run(PG_UP), _run(PG_DOWN))]
