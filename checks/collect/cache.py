"""Redis collectors: command timings, key TTLs by pattern, keyspace hit counters. Read-only."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from checks.errors import AccessDenied, CollectionError, TargetUnreachable
from checks.evidence.cache import HitCounters as HitCounters  # re-exported for existing callers
from checks.evidence.origin import UNKNOWN, Origin
from checks.evidence.timings import Timings
from checks.targets import RedisNode, secret


def _client(node: RedisNode) -> redis.Redis:
    password = secret(node.password_env, key="redis.password_env") if node.password_env else None
    # No retries: one refused connection is an answer, and a collector must fail fast and say so.
    return redis.Redis(
        host=node.host, port=node.port, password=password, socket_timeout=5, retry=Retry(NoBackoff(), 0)
    )


def address(node: RedisNode) -> str:
    return f"redis://{node.host}:{node.port}"


@contextmanager
def _failures_named(node: RedisNode) -> Iterator[None]:
    """Turn redis-py failures into collection errors naming the server (a wrong password is AccessDenied)."""
    try:
        yield
    except redis.AuthenticationError as exc:
        raise AccessDenied(address(node), str(exc)) from exc
    except redis.ConnectionError as exc:
        raise TargetUnreachable(address(node), str(exc)) from exc
    except redis.RedisError as exc:
        raise CollectionError(address(node), str(exc)) from exc


def collect_command_timings(
    node: RedisNode, count: int, *, interval_s: float = 0.0, origin: Origin = UNKNOWN
) -> Timings:
    """Round-trip time of `count` PINGs, `interval_s` apart (touches no key, so hit/miss counters stay the
    application's own)."""
    client = _client(node)
    timings, at = [], []
    began, wall = time.monotonic(), time.time()
    with _failures_named(node):
        for _ in range(count):
            at.append(time.time())
            started = time.perf_counter()
            client.ping()
            timings.append((time.perf_counter() - started) * 1000)
            if interval_s:
                time.sleep(interval_s)
    return Timings(address(node), "PING", tuple(timings), wall, time.monotonic() - began, origin, tuple(at))


@dataclass(frozen=True)
class KeyTtls:
    address: str
    pattern: str
    ttls_s: tuple[int, ...]  # -1: no expiry


def collect_key_ttls(node: RedisNode, pattern: str, limit: int = 200) -> KeyTtls:
    """TTL of up to `limit` keys matching `pattern` (SCAN, never KEYS)."""
    client = _client(node)
    ttls: list[int] = []
    with _failures_named(node):
        for key in client.scan_iter(match=pattern, count=500):
            ttls.append(int(client.ttl(key)))
            if len(ttls) >= limit:
                break
    return KeyTtls(address(node), pattern, tuple(ttls))


def collect_hit_counters(node: RedisNode, *, origin: Origin = UNKNOWN) -> HitCounters:
    """keyspace_hits / keyspace_misses since the server started (INFO stats)."""
    with _failures_named(node):
        stats = _client(node).info("stats")
    return HitCounters(
        address(node), int(stats.get("keyspace_hits", 0)), int(stats.get("keyspace_misses", 0)), origin
    )
