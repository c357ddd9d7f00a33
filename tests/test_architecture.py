"""Stage boundaries, checked on the source: the year flows one way, so the imports do too.

Every module under ``src/minsheng`` (migrations aside) is parsed with ``ast`` and every import in
it counts, at module level or inside a function. The graph must have no cycle, no stage may import
a later one, and ``core`` (the shared ground every stage stands on) imports no app at all.
Writes follow the same order, through the earlier stage's services (DESIGN.md, "Architecture").
"""

from __future__ import annotations

import ast
from pathlib import Path

import minsheng

# The order of the year, earliest first; a module may import its own stage and the stages before it.
# ``portal`` sits before ``assessment``: it gathers the citizens' ratings during the year, and the
# year-end assessment scores them. ``maps`` draws the plans' sites with their progress, so it follows
# ``progress`` and comes before the pages that show the map (portal, cockpit). ``project`` is the
# package's own top-level modules (settings, URLconf, command line, demo): they assemble everything.
STAGES = ("core", "ingest", "plans", "progress", "supervision", "appeals", "maps", "portal", "assessment",
          "cockpit", "api", "project")

SRC = Path(minsheng.__file__).resolve().parent.parent


def _modules() -> dict[str, Path]:
    modules = {}
    for path in sorted((SRC / "minsheng").rglob("*.py")):
        if "migrations" in path.parts:
            continue
        parts = list(path.relative_to(SRC).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join(parts)] = path
    return modules


MODULES = _modules()


def _known(name: str) -> str | None:
    """The module an imported name lives in: ``minsheng.plans.models.Plan`` -> ``minsheng.plans.models``."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def _type_checking_only(tree: ast.Module) -> set[ast.AST]:
    """Imports under ``if TYPE_CHECKING:``: they never run, so they cannot close a cycle at import."""
    guarded = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and ast.unparse(node.test) in {"TYPE_CHECKING", "typing.TYPE_CHECKING"}:
            guarded |= {n for stmt in node.body for n in ast.walk(stmt)}
    return guarded


def _imports(module: str, path: Path) -> list[tuple[str, int, bool]]:
    """(imported module, line, runs at import time or call time) for every minsheng import in the file."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    guarded = _type_checking_only(tree)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            # ``from minsheng.progress import notice`` imports the module ``minsheng.progress.notice``.
            names = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base for alias in node.names]
        else:
            continue
        for name in names:
            target = _known(name)
            if target and target != module:
                found.append((target, node.lineno, node not in guarded))
    return found


GRAPH = {module: _imports(module, path) for module, path in MODULES.items()}


def stage(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 2 or module.replace("minsheng.", "", 1) in STAGES else "project"


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(edges.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
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

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def test_every_module_belongs_to_a_known_stage():
    unknown = sorted({stage(m) for m in MODULES} - set(STAGES))
    assert not unknown, f"packages missing from STAGES: {unknown}"


def test_the_module_graph_has_no_cycle():
    runtime = {m: {t for t, _line, runs in imports if runs} for m, imports in GRAPH.items()}
    cycles = _cycles(runtime)
    assert not cycles, "import cycles: " + "; ".join(" <-> ".join(c) for c in cycles)


def test_no_stage_imports_a_later_one():
    order = {name: i for i, name in enumerate(STAGES)}
    wrong = sorted({f"{m}:{line} imports {t} ({stage(m)} comes before {stage(t)})"
                    for m, imports in GRAPH.items() for t, line, _runs in imports if order[stage(t)] > order[stage(m)]})
    assert not wrong, "imports from a later stage:\n" + "\n".join(wrong)


def test_core_imports_no_app():
    wrong = sorted({f"{m}:{line} imports {t}" for m, imports in GRAPH.items() if stage(m) == "core"
                    for t, line, _runs in imports if stage(t) != "core"})
    assert not wrong, "core imports an app:\n" + "\n".join(wrong)


def test_the_checks_see_what_they_must():
    """The parser finds an import inside a function, and a planted cycle is reported."""
    # cockpit.selectors imports the appeals' selectors inside appeal_rates only.
    assert ("minsheng.appeals.selectors", True) in {(t, runs) for t, _line, runs in GRAPH["minsheng.cockpit.selectors"]}
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert stage("minsheng.cli") == "project" and stage("minsheng.plans.models") == "plans"
    assert stage("minsheng.ingest") == "ingest"
