"""Units the ledger uses, converted to one base per dimension (seconds, fraction)."""

from __future__ import annotations

import re

SECONDS = {
    "ms": 0.001,
    "s": 1.0,
    "sec": 1.0,
    "min": 60.0,
    "m": 60.0,
    "h": 3600.0,
    "d": 86400.0,
    "w": 604800.0,
    "mo": 2592000.0,
    "y": 31536000.0,
}
_WINDOW = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|sec|min|m|h|d|w|mo|y)\s*$")


def to_seconds(value: float, unit: str) -> float:
    """`value` in `unit` (ms, s, min, h, d, y) as seconds."""
    if unit not in SECONDS:
        raise ValueError(f"not a duration unit: {unit!r}")
    return value * SECONDS[unit]


def window_seconds(window: str) -> float:
    """'30d' -> 2592000.0."""
    match = _WINDOW.match(window)
    if not match:
        raise ValueError(f"not a window: {window!r} (expected e.g. 30d, 1h, 5m)")
    return to_seconds(float(match[1]), match[2])


def as_fraction(value: float, unit: str | None) -> float:
    """A ratio bound as a fraction: 99.9 % -> 0.999; 0.999 (no unit) stays."""
    return value / 100.0 if unit == "%" else value
