"""The one unit system: every unit the ledger, the targets and the evidence use, by dimension.

Each dimension has a base unit (seconds, bytes, events per second, a fraction, a count). A unit that is not
listed raises UnitError: a claim in an unknown unit is a ledger problem, never silently read as ms or s.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


class UnitError(ValueError):
    """A unit claimcheck does not know, or two units of different dimensions."""


TIME = "time"
DATA = "data"
RATE = "rate"
FRACTION = "fraction"
COUNT = "count"
RATIO = "ratio"
MONEY = "money"

_TIME_S = {
    "us": 1e-6, "µs": 1e-6, "ms": 0.001, "s": 1.0, "sec": 1.0, "second": 1.0, "seconds": 1.0,
    "min": 60.0, "m": 60.0, "minute": 60.0, "minutes": 60.0, "h": 3600.0, "hour": 3600.0, "hours": 3600.0,
    "d": 86400.0, "day": 86400.0, "days": 86400.0, "w": 604800.0, "week": 604800.0, "weeks": 604800.0,
    "mo": 2592000.0, "month": 2592000.0, "months": 2592000.0, "y": 31536000.0, "year": 31536000.0,
    "years": 31536000.0,
}  # fmt: skip
_DATA_B = {
    "B": 1.0, "KB": 1e3, "MB": 1e6, "GB": 1e9, "TB": 1e12, "PB": 1e15,
    "KiB": 2.0**10, "MiB": 2.0**20, "GiB": 2.0**30, "TiB": 2.0**40,
    "Ki": 2.0**10, "Mi": 2.0**20, "Gi": 2.0**30,
}  # fmt: skip
_COUNTED = (
    "count", "users", "replicas", "pods", "nodes", "cores", "connections", "regions", "shards", "tenants",
    "requests", "instances", "events", "messages", "transactions", "ops", "metrics", "logs", "queries",
)  # fmt: skip
_PER = {"s": 1.0, "sec": 1.0, "second": 1.0, "min": 1 / 60, "m": 1 / 60, "minute": 1 / 60, "h": 1 / 3600,
        "hour": 1 / 3600, "d": 1 / 86400, "day": 1 / 86400}  # fmt: skip
_RATE_ALIASES = {"rps": "requests/s", "qps": "queries/s", "tps": "transactions/s", "req/s": "requests/s",
                 "req/min": "requests/min", "rpm": "requests/min"}  # fmt: skip
_FRACTION = {"%": 0.01, "percent": 0.01, "fraction": 1.0, "ratio": 1.0, "‰": 0.001}
_RATIO = {"x": 1.0, "×": 1.0, "times": 1.0}
_MONEY = ("USD", "$", "ARS", "EUR", "BRL")
_WINDOW = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([a-zµ]+)\s*$")
_PROMETHEUS_DURATION = re.compile(r"(\d+(?:\.\d+)?)(ms|s|m|h|d|w|y)")


@dataclass(frozen=True)
class Unit:
    """A unit: its dimension and the factor that takes a value in it to the dimension's base unit."""

    name: str
    dimension: str
    factor: float


def unit(name: str) -> Unit:
    """The unit named `name` (surrounding spaces ignored); UnitError when claimcheck does not know it."""
    text = name.strip()
    text = _RATE_ALIASES.get(text, text)
    for table, dim in ((_TIME_S, TIME), (_DATA_B, DATA), (_FRACTION, FRACTION), (_RATIO, RATIO)):
        if text in table:
            return Unit(text, dim, table[text])
    if text in _COUNTED:
        return Unit(text, COUNT, 1.0)
    if text in _MONEY:
        return Unit(text, f"{MONEY}:{text}", 1.0)
    what, slash, per = text.partition("/")
    if slash and per in _PER and (what in _COUNTED or what in ("pods", "req")):
        return Unit(text, RATE, _PER[per])
    raise UnitError(f"unknown unit {name!r}")


def dimension(name: str) -> str:
    """The dimension of a unit: time, data, rate, fraction, ratio, count or money:<currency>."""
    return unit(name).dimension


def to_base(value: float, name: str) -> float:
    """`value` in the base unit of its dimension (s, B, per second, fraction, count)."""
    return value * unit(name).factor


def convert(value: float, source: str, target: str) -> float:
    """`value` in unit `source` expressed in unit `target` (UnitError across dimensions)."""
    a, b = unit(source), unit(target)
    if a.dimension != b.dimension:
        raise UnitError(f"cannot convert {source!r} ({a.dimension}) to {target!r} ({b.dimension})")
    return value * a.factor / b.factor


def is_unit(name: str | None, dim: str) -> bool:
    """True when `name` is a known unit of dimension `dim`."""
    if not name:
        return False
    try:
        return unit(name).dimension == dim
    except UnitError:
        return False


def to_seconds(value: float, name: str) -> float:
    """A duration in seconds; UnitError when `name` is not a time unit."""
    if not is_unit(name, TIME):
        raise UnitError(f"not a duration unit: {name!r}")
    return to_base(value, name)


def per_second(value: float, name: str) -> float:
    """A rate in events per second; UnitError when `name` is not a rate unit."""
    if not is_unit(name, RATE):
        raise UnitError(f"not a rate unit: {name!r}")
    return to_base(value, name)


def window_seconds(window: str) -> float:
    """'30d' -> 2592000.0; '1h' -> 3600.0."""
    match = _WINDOW.match(window)
    if not match:
        raise UnitError(f"not a window: {window!r} (expected e.g. 30d, 1h, 5m)")
    try:
        return to_seconds(float(match[1]), match[2])
    except UnitError:
        raise UnitError(f"not a window: {window!r} (expected e.g. 30d, 1h, 5m)") from None


def prometheus_seconds(text: str) -> float:
    """A Prometheus duration ('1m', '1h30m', '15s', '30d') in seconds; UnitError when it is not one."""
    parts = _PROMETHEUS_DURATION.findall(text.strip())
    if not parts or "".join(v + u for v, u in parts) != text.strip():
        raise UnitError(f"not a Prometheus duration: {text!r}")
    return sum(to_seconds(float(v), "min" if u == "m" else u) for v, u in parts)


def as_fraction(value: float, name: str | None) -> float:
    """A ratio bound as a fraction: 99.9 % -> 0.999; a value with no unit is taken as a fraction already."""
    return value if name is None else convert(value, name, "fraction")


# Kept for callers that index the table directly; new code calls to_seconds().
SECONDS = {k: v for k, v in _TIME_S.items() if k not in ("us", "µs")}
