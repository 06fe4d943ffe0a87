"""The demo's items go out through the export (GB/T 21063.3 / 集约化 profile) and come back, through the import,
into a brand-new database — `gongkai migrate` on a new SQLite file, in a subprocess, set up as an operator sets up a
new site — with identical metadata (索引号 kept). Then that site exports them, and both exports are compared.

Run time: the demo export in-process, then four `gongkai` subprocesses (migrate, the operator's set-up, the
import of the 渠口乡 subtree's items, the export back) — about 1–2 minutes on the shared 2-core machine."""

import json
import os
import subprocess
import sys
import time

import pytest

from gongkai.catalog import exchange
from gongkai.orgs import queries as org_queries
from gongkai.orgs.models import Organisation

# What differs between two sites by construction: the item's address and metadata identifier carry the site's own
# row ids, and the update time is the moment of the import.
PER_SITE = ("在线资源链接地址", "元数据标识符", "元数据更新日期")
GONGKAI = [sys.executable, "-m", "gongkai.cli"]

# The operator's set-up of the new site, after `gongkai migrate` and `gongkai createsuperuser`: the organisations
# as in the office (机构管理 → 新建下级机构, orgs.services.org_create) and each one's 公开目录 adopted from the
# standard (目录 → 采用标准目录, catalog.standard.catalog_adopt).
SETUP = """
import json, sys
from gongkai.accounts.models import User
from gongkai.catalog.standard import catalog_adopt
from gongkai.orgs.models import Organisation
from gongkai.orgs.services import org_create

root = User.objects.get(username="operator")
for row in json.load(open(sys.argv[1], encoding="utf-8")):
    parent = Organisation.objects.get(code=row.pop("parent")) if row["parent"] else None
    row.pop("parent", None)
    organisation = org_create(actor=root, parent=parent, **row)
    catalog_adopt(organisation=organisation, actor=root)
print(Organisation.objects.count())
"""


def _export_all(root) -> list[dict]:
    items, cursor = [], None
    while True:
        page = exchange.export_page(organisation=root, cursor=cursor, limit=200)
        if not page["items"]:
            return items
        items += page["items"]
        cursor = page["next_cursor"]


def _organisations(root) -> list[dict]:
    """The subtree as an operator would type it in: name, code, kind, credit code, parent (in tree order)."""
    rows = []
    for org in org_queries.subtree(root).select_related("parent").order_by("path"):
        rows.append(
            {
                "parent": org.parent.code if org.pk != root.pk and org.parent else "",
                "name": org.name,
                "short_name": org.short_name,
                "code": org.code,
                "kind": org.kind,
                "credit_code": org.credit_code,
            }
        )
    return rows


def _metadata(items: list[dict]) -> dict[str, dict]:
    return {
        item["索引号"]: {k: v for k, v in item.items() if k not in PER_SITE}
        for item in items
        if item["状态"] == "已发布"
    }


def _gongkai(env, *args, timeout=600) -> str:
    done = subprocess.run(
        [*GONGKAI, *args], env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    assert done.returncode == 0, (
        f"gongkai {' '.join(args)} failed:\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}"
    )
    return done.stdout


@pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="the round trip runs once, in the SQLite run: its new database is a SQLite file either way",
)
def test_the_demos_items_round_trip_into_a_brand_new_database(demo, tmp_path):
    root = Organisation.objects.get(code="qukou")
    exported = _export_all(root)
    before = _metadata(exported)
    assert len(before) > 50
    (tmp_path / "items.json").write_text(
        json.dumps({"profile": "national", "items": exported}, ensure_ascii=False), encoding="utf-8"
    )
    (tmp_path / "organisations.json").write_text(
        json.dumps(_organisations(root), ensure_ascii=False), encoding="utf-8"
    )
    (tmp_path / "setup.py").write_text(SETUP, encoding="utf-8")

    database = tmp_path / "fresh.sqlite3"
    assert not database.exists()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database}",
        "GONGKAI_DATA_DIR": str(tmp_path / "data"),
        "DJANGO_SUPERUSER_USERNAME": "operator",
        "DJANGO_SUPERUSER_PASSWORD": "Fresh-site-pass-2026",
        "DJANGO_SUPERUSER_EMAIL": "operator@example.cn",
    }
    env.pop("GONGKAI_REDIS_URL", None)  # the new site runs on the embedded defaults
    env.pop("DJANGO_SETTINGS_MODULE", None)
    started = time.monotonic()
    _gongkai(env, "migrate", "--no-input")
    assert database.exists()
    _gongkai(env, "createsuperuser", "--no-input")
    count = _gongkai(
        env, "shell", "-c", SETUP.replace("sys.argv[1]", repr(str(tmp_path / "organisations.json")))
    )
    assert int(count.strip().splitlines()[-1]) == len(_organisations(root))
    out = _gongkai(
        env,
        "exchange",
        "import",
        "--org",
        "qukou",
        "--user",
        "operator",
        "--published",
        str(tmp_path / "items.json"),
    )
    assert "有问题0" in out or "✗" not in out, out[-2000:]
    items, cursor = [], []
    while True:  # the new site's export, page by page as a client reads it
        page = json.loads(_gongkai(env, "exchange", "export", "--org", "qukou", *cursor))
        if not page["items"]:
            break
        items += page["items"]
        cursor = ["--cursor", page["next_cursor"]]
    elapsed = time.monotonic() - started
    after = _metadata(items)

    assert set(after) == set(before)  # every published item, by its 索引号
    differing = {
        no: {
            label: (value, after[no].get(label))
            for label, value in before[no].items()
            if after[no].get(label) != value
        }
        for no in before
        if before[no] != after[no]
    }
    assert not differing, (len(differing), list(differing.items())[:5])
    print(f"round trip of {len(before)} items into a new database: {elapsed:.0f} s")
