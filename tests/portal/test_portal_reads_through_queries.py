"""The portal reads other apps only through their queries.py (issue 9): no import of another app's models,
services or views, not even inside a function."""

import ast
from pathlib import Path

PORTAL = Path(__file__).resolve().parents[2] / "src" / "gongkai" / "portal"


def foreign_imports(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module.count(".") == 1:  # from gongkai.<app> import <module>
                found += [f"{node.module}.{alias.name}" for alias in node.names]
            else:
                found.append(node.module)
    return [name for name in found if name.startswith("gongkai.") and not name.startswith("gongkai.portal")]


def test_the_portal_imports_only_the_queries_of_other_apps():
    offending = {
        str(path.relative_to(PORTAL)): [
            name
            for name in foreign_imports(path)
            # core holds shared helpers (text, CSV cells), not another app's records
            if not name.endswith(".queries") and not name.startswith("gongkai.core.")
        ]
        for path in PORTAL.rglob("*.py")
    }
    assert {module: names for module, names in offending.items() if names} == {}
