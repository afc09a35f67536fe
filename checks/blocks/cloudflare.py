"""Cloudflare rules: `{"rules": [{"expression", "action", "rateLimit"/"ratelimit"}]}` (a rules.json, a
Rulesets API payload). A rule with a rate limit counts `threshold` (`requests_per_period`) requests per
`period` seconds per client (`characteristics`, default the source IP) on the requests its expression matches;
any other rule is a WAF rule whose expression is run on concrete requests."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from checks.blocks.cf_expression import Expression
from checks.blocks.model import Parsed, PathScope, RateLimitRule, WafRule, duration_s
from checks.blocks.walk import line_of, number
from checks.collect.documents import ConfigBlock, ConfigObject

NAME = "cloudflare"
KEYS = {"ip.src": "ip", "cf.colo.id": "instance", "http.request.headers": "header"}


def read(block: ConfigBlock) -> Parsed | None:
    """Rate limits and WAF rules of every Cloudflare rule list in the block."""
    rates: list[RateLimitRule] = []
    wafs: list[WafRule] = []
    for obj in block.objects:
        for rule in _rules(obj.body):
            limit = rule.get("rateLimit") or rule.get("ratelimit")
            if isinstance(limit, Mapping):
                found = _rate(obj, rule, limit)
                rates.extend([found] if found else [])
            else:
                wafs.append(_waf(obj, rule))
    return Parsed(tuple(rates), tuple(wafs)) if rates or wafs else None


def _rules(body: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    rules = body.get("rules")
    if not isinstance(rules, list):
        return []
    return [r for r in rules if isinstance(r, Mapping) and isinstance(r.get("expression"), str)]


def _name(rule: Mapping[str, Any]) -> str:
    return str(rule.get("id") or rule.get("ref") or rule.get("description") or "rule")


def _line(obj: ConfigObject, rule: Mapping[str, Any]) -> int:
    return line_of(obj, f'"id": "{rule.get("id")}"' if rule.get("id") else None, rule.get("description"))


def _rate(obj: ConfigObject, rule: Mapping[str, Any], limit: Mapping[str, Any]) -> RateLimitRule | None:
    threshold = number(limit.get("threshold", limit.get("requests_per_period")))
    period = duration_s(limit.get("period"))
    if threshold is None or not period:
        return None
    characteristics = limit.get("characteristics") or ["ip.src"]
    key = "+".join(KEYS.get(str(c), str(c)) for c in characteristics)
    return RateLimitRule(
        NAME,
        _name(rule),
        threshold,
        period,
        obj.file,
        _line(obj, rule),
        key=key,
        action=str(rule.get("action", "block")),
        scope=PathScope(matcher=Expression(str(rule["expression"]))),
    )


def _waf(obj: ConfigObject, rule: Mapping[str, Any]) -> WafRule:
    return WafRule(
        NAME,
        _name(rule),
        Expression(str(rule["expression"])),
        obj.file,
        _line(obj, rule),
        action=str(rule.get("action", "block")),
        description=str(rule.get("description", "")),
        enforced=rule.get("enabled", True) is not False,
    )
