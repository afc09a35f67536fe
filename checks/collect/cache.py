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
from checks.targets import RedisNode, secret


def _client(node: RedisNode) -> redis.Redis:
    password = secret(node.password_env, key="redis.password_env") if node.password_env else None
    # No retries: one refused connection is an answer, and a collector must fail fast and say so.
    return redis.Redis(
        host=node.host, port=node.port, password=password, socket_timeout=5, retry=Retry(NoBackoff(), 0)
    )


def address(node: RedisNode) -> str:
    return f"redis://{node.host}:{node.port}"


@dataclass(frozen=True)
class CommandTimings:
    address: str
    command: str
    latencies_ms: tuple[float, ...]


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


def collect_command_timings(node: RedisNode, count: int) -> CommandTimings:
    """Round-trip time of `count` PINGs (touches no key, so hit/miss counters stay the application's own)."""
    client = _client(node)
    timings = []
    with _failures_named(node):
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
    # True: only keys that appeared while the probe created one (their TTL is the configured lifetime, read
    # at once), not older keys of the class, whose remaining TTL says nothing about today's setting
    created: bool = False


def collect_key_names(node: RedisNode, pattern: str) -> frozenset[bytes]:
    """Every key matching `pattern` (SCAN, never KEYS): the snapshot before the probe creates one."""
    client = _client(node)
    with _failures_named(node):
        return frozenset(client.scan_iter(match=pattern, count=1000))


def collect_key_ttls(
    node: RedisNode, pattern: str, limit: int = 200, *, besides: frozenset[bytes] | None = None
) -> KeyTtls:
    """TTL of up to `limit` keys matching `pattern` (SCAN, never KEYS). With `besides` (a snapshot taken
    before the probe created a key), only the keys that were not in it: the ones just created."""
    client = _client(node)
    ttls: list[int] = []
    with _failures_named(node):
        for key in client.scan_iter(match=pattern, count=500):
            if besides is not None and key in besides:
                continue
            ttls.append(int(client.ttl(key)))
            if len(ttls) >= limit:
                break
    return KeyTtls(address(node), pattern, tuple(ttls), created=besides is not None)


@dataclass(frozen=True)
class HitCounters:
    address: str
    hits: int
    misses: int


def collect_hit_counters(node: RedisNode) -> HitCounters:
    """keyspace_hits / keyspace_misses since the server started (INFO stats)."""
    with _failures_named(node):
        stats = _client(node).info("stats")
    return HitCounters(
        address(node), int(stats.get("keyspace_hits", 0)), int(stats.get("keyspace_misses", 0))
    )
