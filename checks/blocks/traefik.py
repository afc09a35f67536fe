"""Traefik `rateLimit` middleware (file provider `http.middlewares`, or a Middleware resource): `average`
requests per `period` (default 1 s) with `burst`, per source IP unless `sourceCriterion` names a header or
the host. It limits the routers that list the middleware (their `PathPrefix`/`Path` rule); unused, nothing."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from checks.blocks.model import Parsed, PathScope, RateLimitRule, duration_s
from checks.blocks.walk import line_of, mappings, number
from checks.collect.documents import ConfigBlock, ConfigObject

NAME = "traefik"
PATH_RULE = re.compile(r"(PathPrefix|Path)\(\s*`([^`]+)`")


def read(block: ConfigBlock) -> Parsed | None:
    """Every rateLimit middleware of the block, scoped by the routers using it."""
    middlewares = {name: (obj, spec) for obj in block.objects for name, spec in _middlewares(obj)}
    if not middlewares:
        return None
    routers = [r for obj in block.objects for r in _routers(obj.body)]
    rules = []
    for name, (obj, spec) in middlewares.items():
        users = [paths for paths, names in routers if any(n.split("@")[0] == name for n in names)]
        average = number(spec.get("average"))
        if average is None or not average:
            continue
        prefixes = tuple(p for paths in users for p in paths)
        rules.append(
            RateLimitRule(
                NAME,
                name,
                average,
                duration_s(spec.get("period"), 1.0) or 1.0,
                obj.file,
                line_of(obj, "average"),
                key=_key(spec.get("sourceCriterion")),
                burst=number(spec.get("burst", 1)),
                action="reject with 429",
                scope=PathScope(prefixes=prefixes),
                enforced=bool(users) or not routers,
                note="" if users or not routers else "no router uses this middleware",
            )
        )
    return Parsed(tuple(rules))


def _middlewares(obj: ConfigObject) -> list[tuple[str, Mapping[str, Any]]]:
    if obj.kind == "Middleware" and isinstance((obj.body.get("spec") or {}).get("rateLimit"), Mapping):
        return [(obj.name, obj.body["spec"]["rateLimit"])]
    http = obj.body.get("http")
    found = http.get("middlewares") if isinstance(http, Mapping) else None
    if not isinstance(found, Mapping):
        return []
    return [(str(n), m["rateLimit"]) for n, m in found.items() if isinstance(m, Mapping) and "rateLimit" in m]


def _routers(body: Mapping[str, Any]) -> list[tuple[tuple[str, ...], list[str]]]:
    """(paths, middleware names) of every router or IngressRoute route."""
    out = []
    for found, _ in mappings(body):
        rule = found.get("rule") or found.get("match")
        names = found.get("middlewares")
        if isinstance(rule, str) and isinstance(names, list):
            listed = [str(n.get("name")) if isinstance(n, Mapping) else str(n) for n in names]
            out.append((tuple(p for _, p in PATH_RULE.findall(rule)), listed))
    return out


def _key(criterion: Any) -> str:
    if isinstance(criterion, Mapping):
        if criterion.get("requestHeaderName"):
            return f"header:{str(criterion['requestHeaderName']).lower()}"
        if criterion.get("requestHost"):
            return "host"
    return "ip"
