"""The one YAML loader for claimcheck's inputs (targets.yaml, the ledger): UTF-8 only, duplicate keys refused.

PyYAML's safe loader keeps the last of two equal keys silently (a duplicated target name once turned a
target into `kind: none`); this loader raises a ConfigError naming the file, the line and the key instead.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import ConstructorError
from yaml.nodes import MappingNode

from checks import cache
from checks.errors import ConfigError


class _UniqueKeys:
    """Mappings that refuse a key that appears twice (mixed into a safe loader)."""

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue
            key = self.construct_object(key_node, deep=True)  # type: ignore[attr-defined]
            line = key_node.start_mark.line + 1
            if key in seen:
                raise DuplicateKey(key, line, seen[key])
            seen[key] = line
        return super().construct_mapping(node, deep=deep)  # type: ignore[misc,no-any-return]


class _UniqueKeyLoader(_UniqueKeys, yaml.SafeLoader):
    """PyYAML's pure-Python safe loader, strict: its errors are the ones a user reads."""


class _FastUniqueKeyLoader(_UniqueKeys, getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """libyaml's parser where present (about 8x faster on the ledger), the same constructor and values."""


class DuplicateKey(ConstructorError):
    """A mapping key given twice."""

    def __init__(self, key: Any, line: int, first: int) -> None:
        super().__init__(problem=f"duplicate key {key!r} at line {line} (first at line {first})")
        self.key, self.line, self.first = key, line, first


def read_text(path: Path) -> str:
    """The file as UTF-8 text; a missing or undecodable file is a ConfigError naming it."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError(str(path), "file not found") from None
    except OSError as exc:
        raise ConfigError(str(path), f"cannot read: {exc.strerror}") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ConfigError(
            str(path), f"not UTF-8: byte {data[exc.start]:#04x} at offset {exc.start} (line {line})"
        ) from None


def _parse(text: str) -> Any:
    """libyaml's parse where it accepts the text, else the pure loader's (its error is the one read)."""
    try:
        return yaml.load(text, Loader=_FastUniqueKeyLoader)
    except DuplicateKey:
        raise
    except yaml.YAMLError:
        return yaml.load(text, Loader=_UniqueKeyLoader)


def load_yaml(path: Path) -> Any:
    """Parse one YAML file strictly (UTF-8, unique keys), through the signed cache (checks/cache.py); every
    problem is a ConfigError naming the file (and never cached)."""
    text = read_text(path)
    try:
        return cache.cached(cache.key_of("yaml-strict", text), lambda: _parse(text))
    except DuplicateKey as exc:
        raise ConfigError(
            str(path), f"duplicate key at line {exc.line} (first at line {exc.first})", key=str(exc.key)
        ) from None
    except yaml.YAMLError as exc:
        raise ConfigError(str(path), f"not valid YAML: {exc}") from None
