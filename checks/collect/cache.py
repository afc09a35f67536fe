"""Redis collectors: command timings, key TTLs by pattern, keyspace hit counters. Read-only."""

from __future__ import annotations

import time
from dataclasses import dataclass

import redis

from checks.collect.clients import redis_address, redis_client, redis_failures
from checks.targets import RedisNode, secret


def _client(node: RedisNode) -> redis.Redis:
    password = secret(node.password_env, key="redis.password_env") if node.password_env else None
    client: redis.Redis = redis_client(node, password)
    return client


def address(node: RedisNode) -> str:
    return redis_address(node)


@dataclass(frozen=True)
class CommandTimings:
    address: str
    command: str
    latencies_ms: tuple[float, ...]


def collect_command_timings(node: RedisNode, count: int) -> CommandTimings:
    """Round-trip time of `count` PINGs (touches no key, so hit/miss counters stay the application's own)."""
    client = _client(node)
    timings = []
    with redis_failures(node):
        for _ in range(count):
            started = time.perf_counter()
            client.ping()
            timings.append((time.perf_counter() - started) * 1000)
    return CommandTimings(address(node), "PING", tuple(timings))


@dataclass(frozen=True)
class KeyTtls:
    address: str
    pattern: str
    ttls_s: tuple[int, ...]  # -1: no expiry


def collect_key_ttls(node: RedisNode, pattern: str, limit: int = 200) -> KeyTtls:
    """TTL of up to `limit` keys matching `pattern` (SCAN, never KEYS)."""
    client = _client(node)
    ttls: list[int] = []
    with redis_failures(node):
        for key in client.scan_iter(match=pattern, count=500):
            ttls.append(int(client.ttl(key)))
            if len(ttls) >= limit:
                break
    return KeyTtls(address(node), pattern, tuple(ttls))


@dataclass(frozen=True)
class HitCounters:
    address: str
    hits: int
    misses: int


def collect_hit_counters(node: RedisNode) -> HitCounters:
    """keyspace_hits / keyspace_misses since the server started (INFO stats)."""
    with redis_failures(node):
        stats = _client(node).info("stats")
    return HitCounters(
        address(node), int(stats.get("keyspace_hits", 0)), int(stats.get("keyspace_misses", 0))
    )
