"""The folders are the architecture (issue 11): dependencies point down, no import cycle,
and no module imports another pmgen module inside a function except the CLI's lazy
loading of commands (cli.py, commands/), which keeps `pmgen validate` free of mkdocs and
a warm run free of pydantic.

Read from the source with ``ast``, so a new shortcut fails here with its file and line.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "pmgen"

# Lower layers never import higher ones; a layer may import itself and anything below.
LAYERS = [
    {"errors", "findings", "clock", "git", "fingerprint", "jsontext", "pmgen"},
    {"plans"},
    {"validate"},
    {"history"},
    {"authoring", "bundles", "catalog"},
    {"site"},
    {"cli", "mcp", "commands", "__main__"},
]
RANK = {name: rank for rank, names in enumerate(LAYERS) for name in names}
LAZY_ALLOWED = ("cli", "commands")  # the lazy CLI loading


def _name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def _area(module: str) -> str:
    """The folder (plans, validate, ...) or top-level module a module belongs to."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "pmgen"


def _targets(node: ast.Import | ast.ImportFrom) -> list[str]:
    """The pmgen modules an import statement loads."""
    if isinstance(node, ast.Import):
        return [a.name for a in node.names if a.name in MODULES]
    if node.level or not node.module or not node.module.startswith("pmgen"):
        return []
    named = [f"{node.module}.{a.name}" for a in node.names]
    submodules = [name for name in named if name in MODULES]
    # `from pmgen.x import y` with y a module loads y; with y a name, x itself
    return submodules if len(submodules) == len(named) else [node.module, *submodules]


def _guarded(test: ast.expr) -> bool:
    """``if TYPE_CHECKING:`` (types only) or ``if __name__ == "__main__":`` (an entry)."""
    text = ast.unparse(test)
    return text == "TYPE_CHECKING" or text.replace("'", '"') == '__name__ == "__main__"'


def _imports(tree: ast.Module) -> Iterator[tuple[ast.Import | ast.ImportFrom, str]]:
    """Every import of a module, with where it stands: "top" (runs when the module is
    imported), "guarded" (under a module-level TYPE_CHECKING or __main__ guard) or
    "local" (inside a function or method)."""
    def walk(node: ast.AST, where: str) -> Iterator[tuple[ast.Import | ast.ImportFrom, str]]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.Import, ast.ImportFrom)):
                yield child, where
            elif isinstance(child, ast.If) and where == "top" and _guarded(child.test):
                for inner in child.body:
                    yield from walk(ast.Module(body=[inner], type_ignores=[]), "guarded")
            elif isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                yield from walk(child, "local")
            else:
                yield from walk(child, where)
    return walk(tree, "top")


def _graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {name: set() for name in MODULES}
    for name, path in MODULES.items():
        for node, where in _imports(ast.parse(path.read_text(encoding="utf-8"))):
            if where == "top":
                graph[name].update(t for t in _targets(node) if t != name)
    return graph


def test_every_area_has_a_layer() -> None:
    assert {_area(name) for name in MODULES} <= set(RANK)


def test_dependencies_point_down() -> None:
    upward = sorted(
        f"{name} imports {target} ({_area(target)} is above {_area(name)})"
        for name, targets in _graph().items() for target in targets
        if RANK[_area(target)] > RANK[_area(name)]
    )
    assert upward == []


def test_no_import_cycle() -> None:
    graph = _graph()
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    cycles: list[list[str]] = []

    def visit(name: str, path: list[str]) -> None:
        state[name] = 1
        for target in sorted(graph[name]):
            if state.get(target) == 1:
                cycles.append(path[path.index(target):] + [target])
            elif target not in state:
                visit(target, [*path, target])
        state[name] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    assert cycles == []


@pytest.mark.parametrize("name", sorted(n for n in MODULES if _area(n) not in LAZY_ALLOWED))
def test_no_function_local_pmgen_import(name: str) -> None:
    path = MODULES[name]
    local = [
        f"{path.relative_to(PACKAGE.parent)}:{node.lineno}: {ast.unparse(node)}"
        for node, where in _imports(ast.parse(path.read_text(encoding="utf-8")))
        if where == "local" and _targets(node)
    ]
    assert local == []


def test_the_walk_tells_top_guarded_and_local_imports_apart() -> None:
    """Imports inside functions and methods are found, not only those at the top."""
    tree = ast.parse(
        "import pmgen.git\n"
        "if TYPE_CHECKING:\n    from pmgen.plans.repo import Repo\n"
        "if __name__ == '__main__':\n    from pmgen.cli import main\n"
        "try:\n    import pmgen.clock\nexcept ImportError:\n    pass\n"
        "class A:\n    def f(self):\n        from pmgen.plans import outline\n"
    )
    found = [(ast.unparse(node), where) for node, where in _imports(tree)]
    assert found == [("import pmgen.git", "top"),
                     ("from pmgen.plans.repo import Repo", "guarded"),
                     ("from pmgen.cli import main", "guarded"),
                     ("import pmgen.clock", "top"),
                     ("from pmgen.plans import outline", "local")]
