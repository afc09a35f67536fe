"""Helpers the block parsers share: walking parsed YAML/JSON, finding the document line of a value."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from checks.collect.documents import ConfigBlock, ConfigObject

Ancestry = tuple[Mapping[str, Any], ...]


def mappings(value: Any, ancestors: Ancestry = ()) -> Iterator[tuple[Mapping[str, Any], Ancestry]]:
    """Every mapping inside a parsed value, with the mappings enclosing it (outermost first)."""
    if isinstance(value, Mapping):
        yield value, ancestors
        for child in value.values():
            yield from mappings(child, (*ancestors, value))
    elif isinstance(value, list):
        for child in value:
            yield from mappings(child, ancestors)


def bodies(block: ConfigBlock) -> Iterator[ConfigObject]:
    """The parsed objects of a block (a ConfigMap's embedded files included)."""
    yield from block.objects


def line_of(obj: ConfigObject | ConfigBlock, *needles: object) -> int:
    """The first line of an object (or block) holding one of `needles` (tried in order); else its start."""
    numbered = obj.lines if isinstance(obj, ConfigObject) else obj.numbered
    for needle in needles:
        if needle is None or needle == "":
            continue
        text = str(needle)
        found = next((n for n, t in numbered if text in t), None)
        if found is not None:
            return found
    return obj.start


def number(value: Any) -> float | None:
    """A number from a parsed value (10, "10", "1,000"); None otherwise."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    try:
        return float(str(value).replace(",", "").strip())
    except ValueError:
        return None
