"""nginx `limit_req_zone` / `limit_req`: a zone counts requests per key (`$binary_remote_addr`: per client IP)
at `rate=Nr/s` or `Nr/m`; it limits the locations (or servers) whose `limit_req zone=...` uses it, with
`burst` extra requests queued (or served at once with `nodelay`). A zone no `limit_req` uses limits nothing.
Directives are found anywhere in the block (an nginx.conf, or one carried in a ConfigMap)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from checks.blocks.model import Parsed, PathScope, RateLimitRule
from checks.collect.documents import ConfigBlock

NAME = "nginx"
ZONE = re.compile(
    r"^\s*limit_req_zone\s+(?P<key>\S+)\s+zone=(?P<zone>[\w-]+):\S+\s+rate=(?P<n>\d+(?:\.\d+)?)r/(?P<u>[sm])"
)
USE = re.compile(r"(?:^|[\s{;])limit_req\s+zone=(?P<zone>[\w-]+)(?P<rest>[^;]*);")
LOCATION = re.compile(r"^\s*location\s+(?P<mod>=|~\*?|\^~)?\s*(?P<path>[^\s{]+)\s*\{")
STATUS = re.compile(r"^\s*limit_req_status\s+(?P<code>\d+)\s*;")
KEYS = {
    "$binary_remote_addr": "ip",
    "$remote_addr": "ip",
    "$server_name": "server",
    "$host": "host",
    "$http_x_api_key": "header:x-api-key",
    "$http_authorization": "header:authorization",
}


@dataclass(frozen=True)
class _Zone:
    key: str
    per_second: float
    line: int


def read(block: ConfigBlock) -> Parsed | None:
    """Every `limit_req` of the block as a rule of its zone; None when the block declares no zone."""
    zones = _zones(block)
    if not zones:
        return None
    rules = []
    status = next((m["code"] for _, t in block.numbered if (m := STATUS.match(t))), "503")
    for line, zone_name, rest, location in _uses(block):
        zone = zones.get(zone_name)
        if zone is None:
            continue
        burst = re.search(r"burst=(\d+)", rest)
        scope = _scope(location)
        period, limit = (1.0, zone.per_second) if zone.per_second >= 1 else (60.0, zone.per_second * 60)
        rules.append(
            RateLimitRule(
                NAME,
                zone_name,
                limit,
                period,
                block.file,
                line,
                key=zone.key,
                burst=float(burst[1]) if burst else 0.0,
                action=f"reject with {status}",
                scope=scope,
                note="nodelay" if "nodelay" in rest else "",
            )
        )
    unused = sorted(set(zones) - {r.name for r in rules})
    note = f"zone(s) {', '.join(unused)} declared but used by no limit_req" if unused else ""
    return Parsed(tuple(rules), note=note)


def _zones(block: ConfigBlock) -> dict[str, _Zone]:
    zones = {}
    for n, text in block.numbered:
        match = ZONE.match(text)
        if match:
            rate = float(match["n"]) / (60 if match["u"] == "m" else 1)
            key = KEYS.get(match["key"], match["key"].lstrip("$"))
            zones[match["zone"]] = _Zone(key, rate, n)
    return zones


def _uses(block: ConfigBlock) -> list[tuple[int, str, str, tuple[str, str] | None]]:
    """(line, zone, options, enclosing location (modifier, path) or None) of every limit_req."""
    stack: list[tuple[str, str] | None] = []
    found = []
    for n, raw in block.numbered:
        text = raw.split("#", 1)[0]
        location = LOCATION.match(text)
        here_line = (location["mod"] or "", location["path"]) if location else None
        use = USE.search(text)
        if use:
            here = here_line or next((s for s in reversed(stack) if s is not None), None)
            found.append((n, use["zone"], use["rest"], here))
        opened, closed = text.count("{"), text.count("}")
        for i in range(opened):
            stack.append((location["mod"] or "", location["path"]) if location and i == 0 else None)
        for _ in range(closed):
            if stack:
                stack.pop()
    return found


def _scope(location: tuple[str, str] | None) -> PathScope:
    if location is None:
        return PathScope()
    modifier, path = location
    if modifier.startswith("~"):
        return PathScope(pattern=("(?i)" if modifier == "~*" else "") + path)
    if modifier == "=":
        return PathScope(pattern=f"^{re.escape(path)}$")
    return PathScope(prefixes=(path,))
