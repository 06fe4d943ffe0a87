"""The modules of the applications app import each other one way: no cycle, and no import of a sibling module
hidden inside a function (the usual way a cycle is papered over)."""

import ast
from pathlib import Path

import gongkai.applications

APP = "gongkai.applications"
ROOT = Path(gongkai.applications.__file__).parent


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join((APP, *parts))


MODULES = {
    _module_name(path): path
    for path in ROOT.rglob("*.py")
    if "migrations" not in path.relative_to(ROOT).parts
}


def _targets(node: ast.AST) -> list[str]:
    """The modules of this app an import statement loads."""
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
        # `from gongkai.applications import services` names a module; `from …clock import X` names a value.
        names = [f"{node.module}.{alias.name}" for alias in node.names] + [node.module]
    else:
        return []
    return [name for name in names if name in MODULES]


def _imports(path: Path) -> tuple[set[str], list[tuple[int, str]]]:
    """(modules imported at the top level, (line, module) of those imported inside a function)."""
    tree = ast.parse(path.read_text())
    top = {target for node in tree.body for target in _targets(node)}
    top |= {
        target
        for node in tree.body
        if isinstance(node, ast.If)  # `if TYPE_CHECKING:` blocks and the like
        for child in ast.walk(node)
        for target in _targets(child)
    }
    hidden = [
        (child.lineno, target)
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        for child in ast.walk(node)
        for target in _targets(child)
    ]
    return top, hidden


GRAPH = {name: _imports(path) for name, path in MODULES.items()}


def _cycle() -> list[str] | None:
    done: set[str] = set()

    def visit(name: str, trail: list[str]) -> list[str] | None:
        if name in trail:
            return [*trail[trail.index(name) :], name]
        if name in done:
            return None
        for target in sorted(GRAPH[name][0]):
            # A package's __init__ re-exporting its own modules is how a package is built, not a cycle.
            if target.startswith(name + "."):
                continue
            found = visit(target, [*trail, name])
            if found:
                return found
        done.add(name)
        return None

    for name in sorted(GRAPH):
        found = visit(name, [])
        if found:
            return found
    return None


def test_the_graph_sees_the_known_imports():
    assert f"{APP}.queries" in GRAPH[f"{APP}.letters"][0]
    assert f"{APP}.letters" in GRAPH[f"{APP}.services.letter_templates"][0]
    assert f"{APP}.services.intake" in GRAPH[f"{APP}.services"][0]


def test_the_modules_of_the_applications_app_import_each_other_without_a_cycle():
    assert _cycle() is None, " → ".join(_cycle())


def test_no_module_of_the_applications_app_imports_a_sibling_inside_a_function():
    # AppConfig.ready() is where Django wants check and signal modules imported (they need the app registry).
    hidden = [
        f"{name}:{line} imports {target}"
        for name, (_, inner) in GRAPH.items()
        if name != f"{APP}.apps"
        for line, target in inner
    ]
    assert hidden == []
