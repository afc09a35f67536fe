"""Envoy `local_ratelimit`: a token bucket (`max_tokens`, `tokens_per_fill` per `fill_interval`) per Envoy
instance, shared by every client (unless `descriptors` split it). Envoy enables and enforces it only for the
fraction of requests `filter_enabled` and `filter_enforced` give; both default to 0%, so a bucket without
them is declared but not enforced. Per-route buckets (`typed_per_filter_config`) apply to that route's match.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from checks.blocks.model import Parsed, PathScope, RateLimitRule, duration_s
from checks.blocks.walk import Ancestry, line_of, mappings, number
from checks.collect.documents import ConfigBlock, ConfigObject

NAME = "envoy"


def read(block: ConfigBlock) -> Parsed | None:
    """Every token bucket of a local rate limit in the block."""
    rules = [
        rule
        for obj in block.objects
        for found, ancestors in mappings(obj.body)
        if _is_local_ratelimit(found)
        for rule in _rules(obj, found, ancestors)
    ]
    return Parsed(tuple(rules)) if rules else None


def _is_local_ratelimit(found: Mapping[str, Any]) -> bool:
    kind = str(found.get("@type", ""))
    return isinstance(found.get("token_bucket"), Mapping) and (
        "local_ratelimit" in kind or "stat_prefix" in found
    )


def _rules(obj: ConfigObject, config: Mapping[str, Any], ancestors: Ancestry) -> list[RateLimitRule]:
    enforced = _percent(config.get("filter_enabled")) > 0 and _percent(config.get("filter_enforced")) > 0
    note = (
        ""
        if enforced
        else "filter_enabled/filter_enforced missing or 0%: Envoy's default is 0% (not enforced)"
    )
    scope = _route_scope(ancestors)
    name = str(config.get("stat_prefix", "local_ratelimit"))
    buckets: list[tuple[str, Mapping[str, Any]]] = [("instance", config["token_bucket"])]
    for descriptor in config.get("descriptors") or []:
        if isinstance(descriptor, Mapping) and isinstance(descriptor.get("token_bucket"), Mapping):
            keys = [str(e.get("key")) for e in descriptor.get("entries") or [] if isinstance(e, Mapping)]
            buckets.append(("descriptor:" + "+".join(keys), descriptor["token_bucket"]))
    out = []
    for key, bucket in buckets:
        tokens = number(bucket.get("tokens_per_fill", 1)) or 1.0
        period = duration_s(bucket.get("fill_interval"))
        if not period:
            continue
        line = line_of(obj, "max_tokens", "token_bucket")
        out.append(
            RateLimitRule(
                NAME,
                name,
                tokens,
                period,
                obj.file,
                line,
                key=key,
                burst=number(bucket.get("max_tokens")),
                action="reject with 429",
                scope=scope,
                enforced=enforced,
                note=note,
            )
        )
    return out


def _percent(value: Any) -> float:
    default = value.get("default_value") if isinstance(value, Mapping) else None
    if not isinstance(default, Mapping):
        return 0.0
    scale = {"HUNDRED": 100, "TEN_THOUSAND": 10000, "MILLION": 1000000}.get(
        str(default.get("denominator")), 100
    )
    return (number(default.get("numerator")) or 0.0) / scale


def _route_scope(ancestors: Ancestry) -> PathScope:
    for enclosing in reversed(ancestors):
        match = enclosing.get("match")
        if isinstance(match, Mapping):
            if "prefix" in match:
                return PathScope(prefixes=(str(match["prefix"]),))
            if "path" in match:
                return PathScope(pattern=f"^{match['path']}$")
            regex = match.get("safe_regex")
            if isinstance(regex, Mapping) and "regex" in regex:
                return PathScope(pattern=str(regex["regex"]))
    return PathScope()
