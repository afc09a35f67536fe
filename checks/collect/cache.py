"""Redis collectors: command timings, key TTLs by pattern, keyspace hit counters. Read-only."""

from __future__ import annotations

import time

import redis

from checks.collect.clients import redis_address, redis_client, redis_failures
from checks.evidence.cache import HitCounters as HitCounters  # re-exported for existing callers
from checks.evidence.cache_keys import KeyTtls as KeyTtls
from checks.evidence.origin import UNKNOWN, Origin
from checks.evidence.timings import Timings
from checks.evidence.transport import HopTransport
from checks.targets import RedisNode, secret


def _client(node: RedisNode) -> redis.Redis:
    password = secret(node.password_env, key="redis.password_env") if node.password_env else None
    client: redis.Redis = redis_client(node, password)
    return client


def address(node: RedisNode) -> str:
    return redis_address(node)


def collect_transport(node: RedisNode, hop: str, *, origin: Origin = UNKNOWN) -> HopTransport:
    """Whether the server accepted claimcheck's connection as the target describes it: a PING answered
    over plain TCP (`tls: false`) shows the server serves unencrypted clients."""
    with redis_failures(node):
        _client(node).ping()
    how = "over TLS (rediss://; the version is not reported)" if node.tls else "over plain TCP"
    return HopTransport(hop, address(node), node.tls, None, f"PING answered {how}", origin)


def collect_command_timings(
    node: RedisNode, count: int, *, interval_s: float = 0.0, origin: Origin = UNKNOWN
) -> Timings:
    """Round-trip time of `count` PINGs, `interval_s` apart (touches no key, so hit/miss counters stay the
    application's own)."""
    client = _client(node)
    timings, at = [], []
    began, wall = time.monotonic(), time.time()
    with redis_failures(node):
        for _ in range(count):
            at.append(time.time())
            started = time.perf_counter()
            client.ping()
            timings.append((time.perf_counter() - started) * 1000)
            if interval_s:
                time.sleep(interval_s)
    return Timings(address(node), "PING", tuple(timings), wall, time.monotonic() - began, origin, tuple(at))


def collect_key_names(node: RedisNode, pattern: str) -> frozenset[bytes]:
    """Every key matching `pattern` (SCAN, never KEYS): the snapshot before the probe creates one."""
    client = _client(node)
    with redis_failures(node):
        return frozenset(client.scan_iter(match=pattern, count=1000))


def collect_key_ttls(
    node: RedisNode,
    pattern: str,
    limit: int = 200,
    *,
    besides: frozenset[bytes] | None = None,
    origin: Origin = UNKNOWN,
) -> KeyTtls:
    """TTL of up to `limit` keys matching `pattern` (SCAN, never KEYS). With `besides` (a snapshot taken
    before the probe created a key), only the keys that were not in it: the ones just created."""
    client = _client(node)
    ttls: list[int] = []
    with redis_failures(node):
        for key in client.scan_iter(match=pattern, count=500):
            if besides is not None and key in besides:
                continue
            ttls.append(int(client.ttl(key)))
            if len(ttls) >= limit:
                break
    return KeyTtls(address(node), pattern, tuple(ttls), besides is not None, origin)


def collect_hit_counters(node: RedisNode, *, origin: Origin = UNKNOWN) -> HitCounters:
    """keyspace_hits / keyspace_misses since the server started (INFO stats)."""
    with redis_failures(node):
        stats = _client(node).info("stats")
    return HitCounters(
        address(node), int(stats.get("keyspace_hits", 0)), int(stats.get("keyspace_misses", 0)), origin
    )
