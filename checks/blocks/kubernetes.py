"""Kubernetes manifests: objects with `apiVersion` and `kind` (analyzers read the objects)."""

from __future__ import annotations

from checks.blocks.model import Parsed
from checks.collect.documents import ConfigBlock

NAME = "kubernetes"


def read(block: ConfigBlock) -> Parsed | None:
    """Understood when the block holds at least one Kubernetes object; the objects are the block's own."""
    kinds = sorted({o.kind for o in block.objects if "apiVersion" in o.body and "kind" in o.body})
    return Parsed(note=", ".join(kinds)) if kinds else None
