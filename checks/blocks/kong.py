"""Kong `rate-limiting` plugin (declarative config, or a KongPlugin resource): one rule per window it sets
(`second`, `minute`, `hour`, `day`, `month`, `year`), counted per `limit_by` (default the consumer). A plugin
inside a route (or naming one) limits that route's `paths`; inside a service, the service's routes; else all.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from checks.blocks.model import WINDOWS_S, Parsed, PathScope, RateLimitRule
from checks.blocks.walk import Ancestry, line_of, mappings, number
from checks.collect.documents import ConfigBlock, ConfigObject

NAME = "kong"
PLUGINS = ("rate-limiting", "rate-limiting-advanced")
KEYS = {"consumer": "consumer", "credential": "credential", "ip": "ip", "service": "service", "path": "route"}


def read(block: ConfigBlock) -> Parsed | None:
    """Every window of every rate-limiting plugin in the block."""
    rules: list[RateLimitRule] = []
    for obj in block.objects:
        routes = _route_paths(obj.body)
        for found, ancestors in mappings(obj.body):
            name = found.get("plugin") if obj.kind == "KongPlugin" else found.get("name")
            if name in PLUGINS and isinstance(found.get("config"), Mapping):
                rules.extend(_rules(obj, found, _scope(found, ancestors, routes)))
    return Parsed(tuple(rules)) if rules else None


def _rules(obj: ConfigObject, plugin: Mapping[str, Any], scope: PathScope) -> list[RateLimitRule]:
    config = plugin["config"]
    limit_by = str(config.get("limit_by", "consumer"))
    key = (
        f"header:{config.get('header_name', '').lower()}"
        if limit_by == "header"
        else KEYS.get(limit_by, limit_by)
    )
    out = []
    for window, seconds in WINDOWS_S.items():
        limit = number(config.get(window))
        if limit is None:
            continue
        line = line_of(obj, f"{window}:", f'"{window}"', "rate-limiting")
        out.append(
            RateLimitRule(
                NAME,
                f"rate-limiting/{window}",
                limit,
                seconds,
                obj.file,
                line,
                key=key,
                action="reject with 429",
                scope=scope,
            )
        )
    return out


def _route_paths(body: Mapping[str, Any]) -> dict[str, tuple[str, ...]]:
    """Route name (and service name) -> the paths it serves."""
    out: dict[str, tuple[str, ...]] = {}
    for service in body.get("services") or []:
        if not isinstance(service, Mapping):
            continue
        paths: list[str] = []
        for route in service.get("routes") or []:
            if isinstance(route, Mapping):
                mine = tuple(str(p) for p in route.get("paths") or [])
                out[str(route.get("name"))] = mine
                paths.extend(mine)
        out[str(service.get("name"))] = tuple(paths)
    return out


def _scope(plugin: Mapping[str, Any], ancestors: Ancestry, routes: dict[str, tuple[str, ...]]) -> PathScope:
    for enclosing in reversed(ancestors):
        if "paths" in enclosing:
            return PathScope(prefixes=tuple(str(p) for p in enclosing["paths"]))
        if "routes" in enclosing and "name" in enclosing:
            return PathScope(prefixes=routes.get(str(enclosing["name"]), ()))
    for owner in ("route", "service"):
        named = plugin.get(owner)
        name = named.get("name") if isinstance(named, Mapping) else named
        if name is not None and str(name) in routes:
            return PathScope(prefixes=routes[str(name)])
    return PathScope()
