"""Which way the code depends: read from the imports (ast), never by running the modules.

The apps depend one way, regions ← plans ← kpis ← reports (a lower app tells a higher one through a
signal). Inside reports the capabilities depend one way too:

    models ← display ← audit ← posted ← dashboards ← {progress, central, case_studies, plans_page} ← meetings
    ← the rest

(urls, admin, apps, signals, context processors, management commands and template tags sit on top).
Three capabilities of one layer do not import each other. No module that is not a view imports a
view module (a package or module named `views`; urls.py excepted), and there is no import cycle.

Deferred imports inside functions count: a rule broken at call time is broken all the same.
The checker is a plain function of {module: imports}, so the test of the test below feeds it
a module that breaks each rule and reads the message it gives.
"""

import ast
import functools
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = ("regions", "plans", "kpis", "reports")
APP_LAYERS = {app: rank for rank, app in enumerate(APPS)}
# Inside reports, bottom to top; a tuple is one layer whose members may not import each other.
REPORTS_LAYERS = [
    ("reports.models", "reports.converters"),
    ("reports.display",),
    ("reports.audit",),
    ("reports.posted",),
    ("reports.dashboards",),
    ("reports.progress", "reports.central", "reports.case_studies", "reports.plans_page"),
    ("reports.meetings",),
]
TOP = len(REPORTS_LAYERS)  # everything else in reports: urls, admin, apps, signals, management, …
DIRECTION = "regions ← plans ← kpis ← reports"
REPORTS_DIRECTION = "models ← display ← audit ← posted ← dashboards ← progress, central, case_studies, plans_page ← meetings ← urls"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@functools.cache
def portal_modules() -> dict[str, Path]:
    """Every module of the portal's apps and settings package, migrations aside."""
    found = {}
    for package in (*APPS, "chizai_portal"):
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" not in path.parts:
                found[module_name(path)] = path
    return found


def imports_of(source: str, module: str, known: set[str]) -> set[str]:
    """The portal modules `source` imports, wherever the import stands (module level or in a function).
    `from a import b` is the module a.b when there is one, else a."""
    package = module if module in known and any(k.startswith(module + ".") for k in known) else None
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = (package or module).split(".")
                anchor = anchor[: len(anchor) - node.level + (1 if package else 0)]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                found.add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base)
    return {name for name in found if name.split(".")[0] in (*APPS, "chizai_portal")}


def import_graph() -> dict[str, set[str]]:
    modules = portal_modules()
    known = set(modules)
    return {name: imports_of(path.read_text(), name, known) for name, path in modules.items()}


# --- the rules -------------------------------------------------------------------------------------


def reports_layer(module: str) -> tuple[int, str | None]:
    """(layer, capability) of a module of reports: its package's place in REPORTS_LAYERS, else the top."""
    for rank, layer in enumerate(REPORTS_LAYERS):
        for capability in layer:
            if module == capability or module.startswith(capability + "."):
                return rank, capability
    return TOP, None


def is_view(module: str) -> bool:
    return "views" in module.split(".")


def direction_problems(graph: dict[str, set[str]]) -> list[str]:
    problems = []
    for module, imported in sorted(graph.items()):
        app = module.split(".")[0]
        for target in sorted(imported):
            problem = edge_problem(module, app, target)
            if problem:
                problems.append(f"{path_of(module)} imports {target}: {problem}")
    return problems


def edge_problem(module: str, app: str, target: str) -> str | None:
    target_app = target.split(".")[0]
    if target_app == "chizai_portal" and app != "chizai_portal":
        return "the apps do not import the settings package (read django.conf.settings)"
    if app in APP_LAYERS and target_app in APP_LAYERS and APP_LAYERS[target_app] > APP_LAYERS[app]:
        return f"{app} may not import {target_app} (apps depend {DIRECTION}; send a signal instead)"
    if is_view(target) and not is_view(module) and not module.endswith(".urls"):
        return "only views (and urls) import a view module; move what it needs out of the view"
    if app == "reports" and target_app == "reports":
        return reports_problem(module, target)
    return None


def reports_problem(module: str, target: str) -> str | None:
    rank, capability = reports_layer(module)
    target_rank, target_capability = reports_layer(target)
    if target_rank > rank:
        return f"{capability or module} may not import {target_capability or target} ({REPORTS_DIRECTION})"
    if target_rank == rank and capability and target_capability != capability:
        return f"{capability} and {target_capability} are one layer and do not import each other"
    return None


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The import cycles (strongly connected components of more than one module, or a self-import)."""
    index, low, on_stack, stack, found = {}, {}, set(), [], []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in graph:
                continue
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1 or node in graph.get(node, ()):
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def path_of(module: str) -> str:
    """The file a message names: reports/dashboards/caching.py (a package: its __init__.py)."""
    path = portal_modules().get(module)
    return str(path.relative_to(ROOT)) if path else module.replace(".", "/") + ".py"


# --- the tests -------------------------------------------------------------------------------------


def test_every_import_runs_the_way_the_layers_go():
    problems = direction_problems(import_graph())
    assert not problems, "Imports against the direction of dependencies:\n" + "\n".join(problems)


def test_no_module_imports_itself_back_through_others():
    found = cycles(import_graph())
    assert not found, "Import cycles:\n" + "\n".join(" → ".join(cycle) for cycle in found)


def test_no_lower_app_imports_reports():
    graph = import_graph()
    offenders = [
        module
        for module, imported in graph.items()
        if module.split(".")[0] in ("plans", "kpis", "regions")
        and any(target.split(".")[0] == "reports" for target in imported)
    ]
    assert offenders == []


def test_reports_keeps_at_most_a_dozen_modules_at_its_top_level():
    top = [path.name for path in (ROOT / "reports").glob("*.py") if path.name != "__init__.py"]
    assert len(top) <= 12, sorted(top)


# --- the test of the test ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("module", "source", "expected"),
    [
        (
            "kpis.added",
            "from reports.dashboards import caching\n",
            "kpis/added.py imports reports.dashboards.caching: kpis may not import reports",
        ),
        (
            "kpis.added",
            "def later():\n    from reports.dashboards.caching import bump_data_version\n",
            "kpis may not import reports",
        ),
        ("plans.added", "import kpis.models\n", "plans may not import kpis"),
        (
            "reports.dashboards.added",
            "from reports.progress import workflow\n",
            "reports.dashboards may not import reports.progress",
        ),
        (
            "reports.central.added",
            "from reports.case_studies import rules\n",
            "reports.central and reports.case_studies are one layer",
        ),
        (
            "reports.meetings.added",
            "from reports.dashboards.views.block import block\n",
            "only views (and urls) import a view module",
        ),
        ("regions.added", "from chizai_portal import settings\n", "do not import the settings package"),
    ],
)
def test_the_checker_names_the_file_and_the_rule_it_breaks(module, source, expected):
    graph = import_graph()
    known = set(graph) | {module}
    graph[module] = imports_of(source, module, known)
    problems = direction_problems(graph)
    assert any(expected in problem for problem in problems), problems


def test_the_checker_finds_a_cycle_through_a_deferred_import():
    graph = {
        "kpis.resources": imports_of(
            "from kpis.figure_import import import_figures\n", "kpis.resources", set()
        ),
        "kpis.figure_import": imports_of(
            "def write():\n    from kpis.resources import KeyIndex\n", "kpis.figure_import", set()
        ),
    }
    assert cycles(graph) == [["kpis.figure_import", "kpis.resources"]]
