"""Blocks from text for the parser tests."""

from __future__ import annotations

from checks.collect.documents import ConfigBlock, make_block


def block(text: str, kind: str = "yaml", first_line: int = 1) -> ConfigBlock:
    """A block of a document `doc.md` from text, lines numbered from `first_line`."""
    numbered = tuple((first_line + i, t) for i, t in enumerate(text.strip("\n").splitlines()))
    return make_block("doc.md", numbered, kind)
