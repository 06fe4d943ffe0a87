"""The layering of proactive disclosure, read from the source (every import, including those inside functions):

    portal  →  catalog  →  search, channels  →  orgs, core, audit, …

Search and channels sit below the catalog: they are told what to index or record (plain values, or objects
passed in) and import nothing of it. The catalog imports neither the portal nor the search screen.
"""

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "gongkai"


def imported_apps(app: str) -> dict[str, set[str]]:
    """{module path: the gongkai apps it imports}, for every module of `app` (migrations excluded)."""
    out = {}
    for path in (SRC / app).rglob("*.py"):
        if "migrations" in path.parts:
            continue
        found = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            found |= {name.split(".")[1] for name in names if name.startswith("gongkai.") and "." in name}
        out[str(path.relative_to(SRC))] = found - {app}
    return out


@pytest.mark.parametrize("app", ["search", "channels"])
def test_search_and_channels_import_nothing_above_them(app):
    above = {"catalog", "portal", "office", "reports"}
    offending = {module: apps & above for module, apps in imported_apps(app).items() if apps & above}
    assert offending == {}


def test_the_catalog_imports_no_portal():
    offending = {module: apps for module, apps in imported_apps("catalog").items() if "portal" in apps}
    assert offending == {}


def test_no_cycle_between_catalog_search_channels_and_portal():
    apps = ["catalog", "search", "channels", "portal"]
    edges = {app: set().union(*imported_apps(app).values()) & set(apps) for app in apps}

    def reaches(start, goal, seen=()):
        return any(
            nxt == goal or (nxt not in seen and reaches(nxt, goal, (*seen, nxt))) for nxt in edges[start]
        )

    assert [app for app in apps if reaches(app, app)] == []
