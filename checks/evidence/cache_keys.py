"""Cache key lifetime evidence: the TTLs of a class of keys in the target's Redis."""

from __future__ import annotations

from dataclasses import dataclass

from checks.evidence.origin import UNKNOWN, Origin


@dataclass(frozen=True)
class KeyTtls:
    """TTL (seconds; -1: no expiry) of the keys matching `pattern`. With `created`, only the keys that
    appeared while the probe created one: their TTL, read at once, is the lifetime configured today, unlike
    an older key's remaining TTL."""

    address: str
    pattern: str
    ttls_s: tuple[int, ...]
    created: bool = False
    origin: Origin = UNKNOWN
