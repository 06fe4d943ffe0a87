"""The dependency contract of docs/architecture.md, checked on the code's own import graph.

grimp (the graph library behind import-linter) reads every import statement of the package, including the
ones inside functions, so a cycle cannot hide in a function-level import.
"""

import grimp
import pytest

ROOT = "gongkai"
SHELLS = {"gongkai.office", "gongkai.portal"}
# Wiring, not apps: they import every app by design and nothing imports them.
WIRING = {"gongkai.urls", "gongkai.wsgi", "gongkai.asgi", "gongkai.cli", "gongkai.settings"}


@pytest.fixture(scope="module")
def graph():
    return grimp.build_graph(ROOT)


def _unit(module: str) -> str:
    """gongkai.catalog.services -> gongkai.catalog (an app, or a top-level module)."""
    return ".".join(module.split(".")[:2])


def _cycles(nodes, edges) -> list[list[str]]:
    """Strongly connected components of more than one node (Tarjan, iterative)."""
    index, low, on_stack, stack, found = {}, {}, set(), [], []
    counter = 0
    for root in sorted(nodes):
        if root in index:
            continue
        work = [(root, iter(sorted(edges.get(root, ()))))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def _describe(graph, cycle: list[str]) -> str:
    a, b = cycle[0], cycle[1]
    there = graph.find_shortest_chain(importer=a, imported=b) if a in graph.modules else None
    back = graph.find_shortest_chain(importer=b, imported=a) if b in graph.modules else None
    return f"{' <-> '.join(cycle)} ({' -> '.join(there or ())} / {' -> '.join(back or ())})"


def test_no_module_imports_another_that_imports_it_back(graph):
    edges = {m: graph.find_modules_directly_imported_by(m) for m in graph.modules}
    cycles = _cycles(graph.modules, edges)
    assert not cycles, "import cycles between files:\n" + "\n".join(_describe(graph, c) for c in cycles)


def test_no_two_apps_depend_on_each_other(graph):
    edges: dict[str, set[str]] = {}
    details: dict[tuple[str, str], str] = {}
    for module in graph.modules:
        for imported in graph.find_modules_directly_imported_by(module):
            a, b = _unit(module), _unit(imported)
            if a != b and imported.startswith(ROOT + "."):
                edges.setdefault(a, set()).add(b)
                details.setdefault((a, b), f"{module} -> {imported}")
    nodes = {_unit(m) for m in graph.modules if m != ROOT}
    cycles = _cycles(nodes, edges)
    lines = []
    for cycle in cycles:
        members = set(cycle)
        ties = [details[(a, b)] for (a, b) in details if a in members and b in members]
        lines.append(" <-> ".join(cycle) + ": " + "; ".join(sorted(ties)))
    assert not cycles, "apps that depend on each other:\n" + "\n".join(lines)


def test_domain_apps_never_import_the_office_or_portal_shells(graph):
    offenders = []
    for module in sorted(graph.modules):
        unit = _unit(module)
        if unit in SHELLS or unit in WIRING or module == ROOT:
            continue
        for imported in graph.find_modules_directly_imported_by(module):
            if _unit(imported) in SHELLS:
                offenders.append(f"{module} -> {imported}")
    assert not offenders, "a domain app imports a shell:\n" + "\n".join(offenders)


def test_the_contract_sees_a_cycle_when_there_is_one():
    """The checker itself: a cycle of three and a self-contained pair are found, a chain is not."""
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"e"}, "e": {"d"}, "f": {"g"}}
    assert sorted(_cycles("abcdefg", edges)) == [["a", "b", "c"], ["d", "e"]]


# The layers of docs/architecture.md, bottom up: an app imports only apps of a lower layer (never one of its own
# layer, never one above). Shells and tools sit on top.
LAYERS = [
    {"core"},
    {"audit"},
    {"orgs"},
    {"accounts", "workdays", "privacy"},
    {"search", "channels"},
    {"catalog"},
    {"keyworks"},
    {"applications"},
    {"oversight", "participation"},
    {"reports"},
    {"supervision"},
    {"portal", "api", "demo", "backup"},
    {"office"},  # the dashboard shows the public column's warnings (portal.queries)
]


def test_each_app_imports_only_the_layers_below_it(graph):
    rank = {f"{ROOT}.{app}": level for level, apps in enumerate(LAYERS) for app in apps}
    offenders = set()
    for module in graph.modules:
        unit = _unit(module)
        if unit not in rank:
            continue
        for imported in graph.find_modules_directly_imported_by(module):
            other = _unit(imported)
            if other != unit and other in rank and rank[other] >= rank[unit]:
                offenders.add(f"{module} -> {imported}")
    assert not offenders, "an app imports a layer not below it:\n" + "\n".join(sorted(offenders))


def test_every_app_has_a_layer():
    import pkgutil

    import gongkai

    apps = {m.name for m in pkgutil.iter_modules(gongkai.__path__) if m.ispkg} - {
        "locale",
        "static",
        "templates",
    }
    assert apps == set().union(*LAYERS)
