"""AWS WAF (v2) rules, from a web ACL's JSON/YAML (`Rules`, also inside CloudFormation `Properties`):
- `RateBasedStatement`: `Limit` requests per `EvaluationWindowSec` (default 300 s) per `AggregateKeyType`
  (IP by default), on the requests its `ScopeDownStatement` matches;
- `ByteMatchStatement` / `RegexMatchStatement` on a `FieldToMatch` after `TextTransformations`, combined with
  `AndStatement` / `OrStatement` / `NotStatement`; `SqliMatchStatement` / `XssMatchStatement` are detectors
  claimcheck does not emulate (their verdict on a request is not guessed).
An `Action` of `Count` only counts: the rule is declared but not enforced.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from checks.blocks.model import (
    AnyOf,
    FieldMatch,
    Matcher,
    Not,
    Opaque,
    Parsed,
    PathScope,
    RateLimitRule,
    WafRule,
)
from checks.blocks.walk import line_of, mappings, number
from checks.collect.documents import ConfigBlock, ConfigObject

NAME = "aws_waf"
FIELDS = {
    "UriPath": "path",
    "QueryString": "query",
    "Body": "body",
    "Method": "method",
    "AllQueryArguments": "query",
    "SingleQueryArgument": "query",
    "JsonBody": "body",
}
POSITIONS = {
    "EXACTLY": "exact",
    "STARTS_WITH": "starts",
    "ENDS_WITH": "ends",
    "CONTAINS": "contains",
    "CONTAINS_WORD": "word",
}
TRANSFORMS = {
    "LOWERCASE": "lowercase",
    "URL_DECODE": "urldecode",
    "URL_DECODE_UNI": "urldecode",
    "COMPRESS_WHITE_SPACE": "compress_whitespace",
    "HTML_ENTITY_DECODE": "html_entity_decode",
    "REPLACE_COMMENTS": "replace_comments",
    "REMOVE_NULLS": "remove_whitespace",
}
KEYS = {"IP": "ip", "FORWARDED_IP": "ip", "CONSTANT": "constant", "CUSTOM_KEYS": "custom"}


def read(block: ConfigBlock) -> Parsed | None:
    """Every rule with a `Statement` in the block."""
    rates: list[RateLimitRule] = []
    wafs: list[WafRule] = []
    for obj in block.objects:
        for rule, _ in mappings(obj.body):
            statement = rule.get("Statement")
            if "Name" not in rule or not isinstance(statement, Mapping):
                continue
            action = _action(rule)
            rate = statement.get("RateBasedStatement")
            if isinstance(rate, Mapping):
                found = _rate(obj, rule, rate, action)
                rates.extend([found] if found else [])
            else:
                wafs.append(_waf(obj, rule, statement, action))
    return Parsed(tuple(rates), tuple(wafs)) if rates or wafs else None


def _action(rule: Mapping[str, Any]) -> str:
    action = rule.get("Action") or rule.get("OverrideAction") or {}
    return next(iter(action), "block").lower() if isinstance(action, Mapping) else str(action).lower()


def _rate(
    obj: ConfigObject, rule: Mapping[str, Any], rate: Mapping[str, Any], action: str
) -> RateLimitRule | None:
    limit = number(rate.get("Limit"))
    if limit is None:
        return None
    window = number(rate.get("EvaluationWindowSec")) or 300.0
    down = rate.get("ScopeDownStatement")
    scope = PathScope(matcher=matcher(down)) if isinstance(down, Mapping) else PathScope()
    return RateLimitRule(
        NAME,
        str(rule["Name"]),
        limit,
        window,
        obj.file,
        line_of(obj, rule["Name"]),
        key=KEYS.get(str(rate.get("AggregateKeyType", "IP")), "ip"),
        action=action,
        scope=scope,
        enforced=action != "count",
        note="action Count: matching requests are only counted" if action == "count" else "",
    )


def _waf(obj: ConfigObject, rule: Mapping[str, Any], statement: Mapping[str, Any], action: str) -> WafRule:
    return WafRule(
        NAME,
        str(rule["Name"]),
        matcher(statement),
        obj.file,
        line_of(obj, rule["Name"]),
        action=action,
        description=str(rule.get("Description", "")),
        enforced=action != "count",
        note="action Count: matching requests are only counted" if action == "count" else "",
    )


def matcher(statement: Mapping[str, Any]) -> Matcher:
    """A WAF statement as a matcher (unknown statements are opaque)."""
    for combinator, joiner in (("OrStatement", "or"), ("AndStatement", "and")):
        inner = statement.get(combinator)
        if isinstance(inner, Mapping):
            parts = tuple(matcher(s) for s in inner.get("Statements") or [] if isinstance(s, Mapping))
            return AnyOf(parts, joiner)
    if isinstance(statement.get("NotStatement"), Mapping):
        return Not(matcher(statement["NotStatement"].get("Statement") or {}))
    byte = statement.get("ByteMatchStatement")
    if isinstance(byte, Mapping):
        how = POSITIONS.get(str(byte.get("PositionalConstraint", "CONTAINS")), "contains")
        return _field_match(byte, how, str(byte.get("SearchString", "")))
    regex = statement.get("RegexMatchStatement")
    if isinstance(regex, Mapping):
        return _field_match(regex, "regex", str(regex.get("RegexString", "")))
    return Opaque(next(iter(statement), "statement"))


def _field_match(spec: Mapping[str, Any], how: str, value: str) -> FieldMatch:
    field = spec.get("FieldToMatch") or {}
    fields = tuple(FIELDS[k] for k in field if k in FIELDS) if isinstance(field, Mapping) else ()
    steps = sorted(
        (t for t in spec.get("TextTransformations") or [] if isinstance(t, Mapping)),
        key=lambda t: number(t.get("Priority")) or 0,
    )
    transforms = tuple(TRANSFORMS[str(t.get("Type"))] for t in steps if str(t.get("Type")) in TRANSFORMS)
    return FieldMatch(fields or ("uri",), how, value, True, transforms)
