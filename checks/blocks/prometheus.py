"""Prometheus configuration and rule files (bare, in a ConfigMap, or as a PrometheusRule's groups)."""

from __future__ import annotations

from checks.blocks.model import Parsed
from checks.collect.documents import ConfigBlock

NAME = "prometheus"
KINDS = ("PrometheusRules", "PrometheusConfig")


def read(block: ConfigBlock) -> Parsed | None:
    """Understood when the block holds Prometheus rules or configuration."""
    found = sorted({o.kind for o in block.objects if o.kind in KINDS})
    return Parsed(note=", ".join(found)) if found else None
