"""The restore drill: the demo instance is backed up while another process keeps writing, restored into a fresh
empty instance, and the copy is proved identical to the snapshot — on SQLite always, on PostgreSQL when
DATABASE_URL is PostgreSQL (into a second database the test creates). Real `gongkai` processes, real files,
real pg_dump/pg_restore."""

import json
import time

import dj_database_url
import pytest

from backup.instance import Instance, postgres_base_url, read_manifest
from gongkai.backup import crypto
from gongkai.backup.database import pg_current_stats, pg_params, sqlite_table_stats

ENGINES = ["sqlite"] + (["postgresql"] if postgres_base_url() else [])

# Each transaction of the writer inserts one organisation and one audit row: a backup that is not one consistent
# snapshot could hold one without the other.
WRITER = """
import pathlib
from django.db import transaction
from gongkai.audit.services import audit_record
from gongkai.orgs.models import Organisation, OrgKind
from gongkai.orgs.services import org_insert
parent = Organisation.objects.filter(kind=OrgKind.TOWNSHIP).order_by("pk").first()
stop, progress = pathlib.Path({stop!r}), pathlib.Path({progress!r})
scratch = progress.with_suffix(".tmp")
i = 0
while not stop.exists():
    with transaction.atomic():
        org = org_insert(parent=parent, kind=OrgKind.VILLAGE, name=f"演练村{{i}}", short_name=f"演练{{i}}",
                         code=f"drill-{{i}}")
        audit_record(actor=None, action="drill.write", obj=org)
    i += 1
    scratch.write_text(str(i))
    scratch.replace(progress)  # atomically: a reader never sees a half-written number
"""

COUNTS = """
import json
from gongkai.audit.models import AuditEvent
from gongkai.orgs.models import Organisation
print(json.dumps([Organisation.objects.filter(code__startswith="drill-").count(),
                  AuditEvent.objects.filter(action="drill.write").count()]))
"""

SEARCHES = """
import json
from gongkai.catalog.queries import public_disclosures
from gongkai.search.queries import search
titles = list(public_disclosures().order_by("pk").values_list("title", flat=True)[:3])
queries = titles + ["公开", "通知", "渠口", "2025"]
print(json.dumps({q: [h.disclosure.pk for h in search(scope=public_disclosures(), q=q, per_page=1000).hits]
                  for q in queries}))
"""


def wait_for(predicate, what, timeout=300):
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.2)


def progress_of(path):
    try:
        return int(path.read_text() or 0)
    except (FileNotFoundError, ValueError):
        return 0


def table_stats(instance):
    if instance.engine == "sqlite":
        return sqlite_table_stats(instance.sqlite_file)
    return pg_current_stats(pg_params(dj_database_url.parse(instance.database_url)))


@pytest.mark.parametrize("engine", ENGINES)
def test_the_demo_backed_up_under_load_restores_identically(engine, tmp_path):
    key = crypto.generate_key()
    source = Instance(tmp_path / "source", engine=engine, name="drill_src", GONGKAI_BACKUP_KEY=key)
    target = Instance(tmp_path / "target", engine=engine, name="drill_dst", GONGKAI_BACKUP_KEY=key)
    try:
        source.run("migrate", "-v0")
        source.run("demo")
        if engine == "postgresql":
            target.run("migrate", "-v0")  # migrated but empty: restored over with pg_restore --clean
        (source.media / "attachments" / "2026").mkdir(parents=True)
        (source.media / "attachments" / "2026" / "通知.pdf").write_bytes(
            b"%PDF-1.4\n" + bytes(range(256)) * 64
        )

        stop, progress = tmp_path / "stop", tmp_path / "progress"
        writer = source.start("shell", "-c", WRITER.format(stop=str(stop), progress=str(progress)))
        try:
            wait_for(lambda: progress_of(progress) >= 5 or writer.poll() is not None, "the writer to start")
            assert writer.poll() is None, writer.communicate()
            before = progress_of(progress)
            archive = tmp_path / "drill.gkbak"
            backed_up = source.run("backup", "--output", str(archive))
            after = progress_of(progress)
            wait_for(lambda: progress_of(progress) >= after + 5, "more writes after the backup")
        finally:
            stop.write_text("stop")
            out, err = writer.communicate(timeout=120)
        assert writer.returncode == 0, err
        assert after > before, "the writer must have been writing while the backup ran"
        assert "已加密" in backed_up.stdout
        assert crypto.is_encrypted(archive)

        restored = target.run("restore", str(archive))
        assert "恢复完成并已校验" in restored.stdout, restored.stdout + restored.stderr

        # Table by table, the restored database holds exactly the snapshot the manifest describes.
        manifest = read_manifest(archive, key)
        stats = table_stats(target)
        assert stats == manifest["tables"]
        assert manifest["tables"]["audit_auditevent"]["rows"] > 900  # the demo's history is in it
        assert manifest["files"]["media/attachments/2026/通知.pdf"]["size"] == 9 + 256 * 64
        assert (target.media / "attachments" / "2026" / "通知.pdf").read_bytes() == (
            source.media / "attachments" / "2026" / "通知.pdf"
        ).read_bytes()

        # One consistent snapshot, taken in the middle of the writes: every writer transaction is wholly in or out.
        organisations, audit_rows = target.json(COUNTS)
        assert organisations == audit_rows
        assert before <= organisations <= after
        assert source.json(COUNTS)[0] > organisations

        # Apart from what the writer touched, the restored instance equals the source.
        source_stats = table_stats(source)
        moving = {"orgs_organisation", "audit_auditevent", "sqlite_sequence"}
        assert {t: s for t, s in stats.items() if t not in moving} == {
            t: s for t, s in source_stats.items() if t not in moving
        }

        # The audit chain verifies against the backup's checkpoint, now the restored instance's first one.
        verified = target.run("audit", "verify")
        assert "哈希链完整，与 1 个检查点一致" in verified.stdout
        checkpoint = json.loads((target.data_dir / "audit-checkpoints.jsonl").read_text())
        assert checkpoint["count"] == manifest["tables"]["audit_auditevent"]["rows"]

        # Search answers the same on both.
        assert target.json(SEARCHES) == source.json(SEARCHES)
        assert any(target.json(SEARCHES).values())
    finally:
        source.drop()
        target.drop()
