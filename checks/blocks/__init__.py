"""Block parsers: one module per configuration format, each `read(block) -> Parsed | None`.

A parser returns None when it does not understand a block, else what it read (rate limits, WAF rules, or
just a note when the analyzers read the block's objects themselves, as for Kubernetes and Prometheus). A
block no parser understands is "not understood": `claimcheck claims coverage` lists it with its lines. To add
a format, write a module with `NAME` and `read`, list it in PARSERS, and test it in tests/blocks/.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from types import ModuleType

from checks.blocks import (
    aws_waf,
    cloudflare,
    envoy,
    generic,
    kong,
    kubernetes,
    modsecurity,
    nginx,
    prometheus,
    scripts,
    traefik,
)
from checks.blocks.model import RateLimitRule, WafRule
from checks.collect.documents import ConfigBlock
from checks.collect.markup import guess_language

PARSERS: tuple[ModuleType, ...] = (
    kubernetes,
    prometheus,
    cloudflare,
    aws_waf,
    nginx,
    envoy,
    kong,
    traefik,
    modsecurity,
    generic,
    scripts,
)
# Blocks in these languages are code or pictures, not configuration: listed as such, never "not understood".
NOT_CONFIG = (
    "sql",
    "go",
    "java",
    "rust",
    "c",
    "cpp",
    "ruby",
    "php",
    "mermaid",
    "plantuml",
    "dot",
    "diff",
    "console",
    "output",
    "log",
    "http",
    "graphql",
    "csv",
    "markdown",
    "md",
    "html",
    "css",
)


@dataclass(frozen=True)
class BlockReading:
    """What the registry made of one block: the parsers that understood it and what they read."""

    block: ConfigBlock
    parsers: tuple[str, ...]
    rate_limits: tuple[RateLimitRule, ...] = ()
    waf_rules: tuple[WafRule, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def understood(self) -> bool:
        return bool(self.parsers)

    @property
    def status(self) -> str:
        """'read by nginx', 'not configuration (sql)' or 'NOT UNDERSTOOD (yaml)'."""
        if self.parsers:
            return "read by " + ", ".join(self.parsers)
        if not self.not_understood:
            return f"not configuration ({self.block.kind})"
        return f"NOT UNDERSTOOD ({self.block.kind})"

    @property
    def not_understood(self) -> bool:
        """No parser read it, and it is configuration (not code, a diagram or prose)."""
        if self.parsers or self.block.kind in NOT_CONFIG:
            return False
        return self.block.kind != "text" or guess_language(self.block.numbered) != "text"


def read_block(block: ConfigBlock) -> BlockReading:
    """Run every parser over one block."""
    names: list[str] = []
    rates: list[RateLimitRule] = []
    wafs: list[WafRule] = []
    notes: list[str] = []
    for parser in PARSERS:
        parsed = parser.read(block)
        if parsed is None:
            continue
        names.append(parser.NAME)
        rates.extend(parsed.rate_limits)
        wafs.extend(parsed.waf_rules)
        notes.extend([f"{parser.NAME}: {parsed.note}"] if parsed.note else [])
    return BlockReading(block, tuple(names), tuple(rates), tuple(wafs), tuple(notes))


def read_blocks(blocks: Iterable[ConfigBlock]) -> tuple[BlockReading, ...]:
    """Every block's reading, in order."""
    return tuple(read_block(b) for b in blocks)
