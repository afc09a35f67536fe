"""What `claimcheck run` checks before it contacts anything, beyond the ledger, targets.yaml, the bindings
(checks/registry.py) and the selection (checks/selection.py): the `-m` expression and the environment
variables the target names. A problem is a ConfigError (exit 2) naming the file, the key and the value.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from checks.errors import ConfigError
from checks.targets import Target


def marker_name(category: str) -> str:
    return category.replace("-", "_")


def check_markexpr(markexpr: str | None) -> None:
    """An -m expression pytest can parse (pytest itself would only say "usage error", exit 4)."""
    if not markexpr:
        return
    from _pytest.mark.expression import Expression

    try:
        Expression.compile(markexpr)
    except SyntaxError as exc:  # pytest 9 raises SyntaxError (ParseError before)
        raise ConfigError("command line", f"bad marker expression {markexpr!r}: {exc}", key="-m") from None


def marks_match(markexpr: str | None, category: str) -> bool:
    """Whether a claim of `category` is selected by -m, as far as is known before collection: its `claim` and
    category markers are set; `load` and `disruptive` (set on suite functions) count as unset."""
    if not markexpr:
        return True
    from _pytest.mark.expression import Expression

    return bool(Expression.compile(markexpr).evaluate(_marks_of(category)))


def _marks_of(category: str) -> Callable[..., bool]:
    names = {"claim", marker_name(category)}

    def has(name: str, /, **kwargs: object) -> bool:
        return name in names

    return has


def check_environment(path: Path, name: str, target: Target) -> None:
    """Every environment variable the target names (`*_env` keys) is set; the message names the key and
    the variable, never a value."""
    for key, variable in sorted(_env_keys(target.model_dump())):
        if variable not in os.environ:
            raise ConfigError(str(path), f"environment variable {variable} is not set", entry=name, key=key)


def _env_keys(node: Any, prefix: str = "") -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    if isinstance(node, dict):
        for key, value in node.items():
            where = f"{prefix}.{key}" if prefix else str(key)
            if str(key).endswith("_env") and isinstance(value, str):
                found.append((where, value))
            else:
                found += _env_keys(value, where)
    elif isinstance(node, list | tuple):
        for index, value in enumerate(node):
            label = value.get("slug") or value.get("name") if isinstance(value, dict) else None
            found += _env_keys(value, f"{prefix}[{label or index}]")
    return found
