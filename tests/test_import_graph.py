"""The import graph of the library: checks/ (and fixtures/, suites/) never import the sandbox, the sandbox
uses only checks' public names, and no import cycle exists anywhere (function-level imports count; imports
under `if TYPE_CHECKING:` do not run and count only for the sandbox rule)."""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

from checks.ledger import project_root

LIBRARY = ("checks", "fixtures", "suites")
PACKAGES = (*LIBRARY, "sandbox")
Edge = tuple[str, str, bool]  # (importer, imported module, under TYPE_CHECKING)


@cache
def modules() -> dict[str, Path]:
    """Module name -> file for every module of the project's packages."""
    root, found = project_root(), {}
    for package in PACKAGES:
        for path in (root / package).rglob("*.py"):
            parts = path.relative_to(root).with_suffix("").parts
            found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def _resolve(name: str) -> str | None:
    """The project module `name` refers to (itself, or the nearest package above it), if any."""
    while name and name not in modules():
        name = name.rpartition(".")[0]
    return name or None


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _base(module: str, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    package = module.split(".")
    if modules()[module].name != "__init__.py":
        package = package[:-1]
    package = package[: len(package) - node.level + 1]
    return ".".join([*package, *([node.module] if node.module else [])])


def _targets(module: str, node: ast.AST) -> Iterator[tuple[str, str]]:
    """(imported module, imported name or '') for one import statement."""
    if isinstance(node, ast.Import):
        for alias in node.names:
            yield alias.name, ""
    elif isinstance(node, ast.ImportFrom):
        base = _base(module, node)
        for alias in node.names:
            full = f"{base}.{alias.name}"
            yield (full, "") if full in modules() else (base, alias.name)


def _walk(module: str, node: ast.AST, typing_only: bool) -> Iterator[tuple[str, str, bool]]:
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.If) and _is_type_checking(child):
            for stmt in child.body:
                yield from _walk(module, ast.Module(body=[stmt], type_ignores=[]), True)
            for stmt in child.orelse:
                yield from _walk(module, ast.Module(body=[stmt], type_ignores=[]), typing_only)
        elif isinstance(child, ast.Import | ast.ImportFrom):
            for name, attr in _targets(module, child):
                yield name, attr, typing_only
        else:
            yield from _walk(module, child, typing_only)


@cache
def imports() -> tuple[tuple[str, str, str, bool], ...]:
    """(importer, imported module as written, imported name, under TYPE_CHECKING) of every import."""
    found = []
    for module, path in modules().items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        found += [(module, name, attr, tc) for name, attr, tc in _walk(module, tree, False)]
    return tuple(found)


def edges() -> list[Edge]:
    out = []
    for module, name, _, tc in imports():
        target = _resolve(name)
        if target is not None and target != module:
            out.append((module, target, tc))
    return out


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for start in graph:
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
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


def test_the_library_never_imports_the_sandbox() -> None:
    bad = sorted(
        f"{m} imports {t}"
        for m, t, _ in edges()
        if m.split(".")[0] in LIBRARY and t.split(".")[0] == "sandbox"
    )
    assert bad == []


def test_the_sandbox_uses_only_public_names_of_checks() -> None:
    private = sorted(
        f"{m} imports {name}{'.' + attr if attr else ''}"
        for m, name, attr, _ in imports()
        if m.startswith("sandbox")
        and name.split(".")[0] == "checks"
        and any(part.startswith("_") for part in [*name.split("."), attr] if part)
    )
    assert private == []


def test_no_import_cycle() -> None:
    graph: dict[str, set[str]] = {m: set() for m in modules()}
    for module, target, typing_only in edges():
        if not typing_only:
            graph[module].add(target)
    assert cycles(graph) == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


IO_LIBRARIES = ("kubernetes", "requests", "psycopg", "redis", "boto3", "locust")


@pytest.mark.parametrize(
    "module",
    ["checks.evaluate.dr", "checks.evaluate.dr_scope", "checks.evaluate.autoscaling", "checks.plots"],
)
def test_drill_and_scaling_evaluators_load_no_io_library(module: str) -> None:
    code = f"import sys, {module}; print(','.join(m for m in {IO_LIBRARIES!r} if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=project_root())
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == ""
