"""Vendor-neutral declarations, for gateways the registry has no module for:
- a rate limit is any mapping with a numeric `limit` and a `period` ("1m", 60): per `key` (default the client
  IP), with optional `burst`, `action` and `path`/`paths`/`route`;
- a WAF rule is any mapping with a string `match` (a regex) and optional `case_sensitive` (default true),
  `field`/`fields` (path, query, body, uri; default all three), `action` (default block) and `name`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from checks.blocks.model import FIELDS, FieldMatch, Parsed, PathScope, RateLimitRule, WafRule, duration_s
from checks.blocks.walk import line_of, mappings, number
from checks.collect.documents import ConfigBlock, ConfigObject

NAME = "generic"
KEYS = {"client_ip": "ip", "remote_addr": "ip", "source_ip": "ip", "api_key": "header:x-api-key"}


def read(block: ConfigBlock) -> Parsed | None:
    """Every generic rate limit and match rule of the block."""
    rates: list[RateLimitRule] = []
    wafs: list[WafRule] = []
    for obj in block.objects:
        for found, _ in mappings(obj.body):
            rate = _rate(obj, found)
            waf = _waf(obj, found) if rate is None else None
            rates.extend([rate] if rate else [])
            wafs.extend([waf] if waf else [])
    return Parsed(tuple(rates), tuple(wafs)) if rates or wafs else None


def _name(found: Mapping[str, Any], default: str) -> str:
    return str(found.get("name") or found.get("id") or default)


def _named(found: Mapping[str, Any]) -> str | None:
    name = found.get("name") or found.get("id")
    return f": {name}" if name else None


def _rate(obj: ConfigObject, found: Mapping[str, Any]) -> RateLimitRule | None:
    limit = number(found.get("limit"))
    period = duration_s(found.get("period"))
    if limit is None or not period:
        return None
    paths = found.get("paths") or found.get("path") or found.get("route") or ()
    prefixes = tuple(str(p) for p in ([paths] if isinstance(paths, str) else paths))
    key = str(found.get("key", "ip")).lower()
    return RateLimitRule(
        NAME,
        _name(found, f"limit {found.get('limit')}/{found.get('period')}"),
        limit,
        period,
        obj.file,
        line_of(obj, _named(found), f"limit: {found.get('limit')}", "limit:"),
        key=KEYS.get(key, key),
        burst=number(found.get("burst")),
        action=str(found.get("action", "block")),
        scope=PathScope(prefixes=prefixes),
    )


def _waf(obj: ConfigObject, found: Mapping[str, Any]) -> WafRule | None:
    pattern = found.get("match")
    if not isinstance(pattern, str):
        return None
    raw = found.get("fields") or found.get("field") or ("path", "query", "body")
    fields = tuple(f for f in ([raw] if isinstance(raw, str) else raw) if f in FIELDS) or (
        "path",
        "query",
        "body",
    )
    case = found.get("case_sensitive", True) is not False
    return WafRule(
        NAME,
        _name(found, "match rule"),
        FieldMatch(fields, "regex", pattern, case),
        obj.file,
        line_of(obj, _named(found), pattern[:20], "match:"),
        action=str(found.get("action", "block")),
        description=str(found.get("description", "")),
    )
