"""The import graph of ``cleaner`` has no circle: neither between modules nor between packages.

A circle means neither side can be understood, tested or moved without the other, and it
breaks as soon as one side needs the other at import time. The graph is read from the source
with :mod:`ast`, so nothing is imported to check it:

- an edge is ``import cleaner.x`` or ``from cleaner.x import y`` (to ``cleaner.x.y`` when that is
  a module, else to ``cleaner.x``); relative imports are resolved the same way;
- an import inside a function body counts: a lazy import is still a dependency, only a deferred
  one (deferring it is how a circle is hidden, not how it is removed);
- an import under ``if TYPE_CHECKING:`` does not count: it never runs, it only names types;
- packages: every module of ``cleaner/<sub>/`` belongs to the package ``cleaner.<sub>``; a
  top-level module (``cleaner/runner.py``) is a node of its own. An edge between two modules of
  different nodes is an edge between the nodes; a circle there is a package cycle.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "cleaner"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _import_nodes(tree: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    """Every import statement, in function bodies too, except under ``if TYPE_CHECKING:``."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            yield from (n for child in node.orelse for n in _import_nodes_of(child))
            continue
        yield from _import_nodes_of(node)


def _import_nodes_of(node: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    if isinstance(node, ast.Import | ast.ImportFrom):
        yield node
    else:
        yield from _import_nodes(node)


def imports_of(name: str, source: str, is_package: bool) -> set[str]:
    """The ``cleaner`` modules that module ``name`` imports."""
    found: set[str] = set()
    for node in _import_nodes(ast.parse(source)):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        else:
            base = node.module or ""
            if node.level:
                anchor = name.split(".") if is_package else name.split(".")[:-1]
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            targets = [
                f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base for alias in node.names
            ]
        found.update(t for t in targets if t in MODULES and t != name)
    return found


def module_graph() -> dict[str, set[str]]:
    return {
        name: imports_of(name, path.read_text(encoding="utf-8"), path.name == "__init__.py")
        for name, path in MODULES.items()
    }


def package_of(module: str) -> str:
    """``cleaner.report.page`` → ``cleaner.report``; a top-level module is its own node."""
    parts = module.split(".")
    if len(parts) > 2 or (MODULES.get(module) is not None and MODULES[module].name == "__init__.py"):
        return ".".join(parts[:2])
    return module


def package_graph(modules: Mapping[str, Iterable[str]]) -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for name, targets in modules.items():
        node = graph.setdefault(package_of(name), set())
        node.update(package_of(t) for t in targets if package_of(t) != package_of(name))
    return graph


def cycles(graph: Mapping[str, Iterable[str]]) -> list[list[str]]:
    """The strongly connected components of more than one node (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(found)


def test_no_module_imports_itself_back() -> None:
    assert cycles(module_graph()) == []


def test_no_package_imports_itself_back() -> None:
    assert cycles(package_graph(module_graph())) == []


# --- the checker itself ----------------------------------------------------------------------


def test_the_graph_sees_the_imports_that_run_and_only_those() -> None:
    source = """
from typing import TYPE_CHECKING
import cleaner.document
from cleaner.passes import base
from cleaner import rules
from . import layout
if TYPE_CHECKING:
    from cleaner.runner import RunOptions
else:
    from cleaner import stats
def later():
    from cleaner.report.page import esc
"""
    assert imports_of("cleaner.pipeline", source, is_package=False) == {
        "cleaner.document",
        "cleaner.passes.base",
        "cleaner.rules",
        "cleaner.layout",
        "cleaner.stats",
        "cleaner.report.page",
    }


def test_a_circle_is_found_and_a_chain_is_not() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": {"c"}, "c": set()}) == []


@pytest.mark.parametrize(
    ("module", "package"),
    [
        ("cleaner.report.page", "cleaner.report"),
        ("cleaner.report", "cleaner.report"),
        ("cleaner.runner", "cleaner.runner"),
    ],
)
def test_modules_belong_to_their_subpackage(module: str, package: str) -> None:
    assert package_of(module) == package


def test_a_package_cycle_is_found_even_without_a_module_cycle() -> None:
    modules = {"cleaner.runner": {"cleaner.report.model"}, "cleaner.report.commands": {"cleaner.runner"}}
    assert cycles(modules) == []
    assert cycles(package_graph(modules)) == [["cleaner.report", "cleaner.runner"]]
