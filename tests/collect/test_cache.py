"""Redis collectors against a throwaway password-protected redis-server on a free loopback port."""

from __future__ import annotations

import functools
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from checks.collect.cache import (
    collect_command_timings,
    collect_hit_counters,
    collect_key_names,
    collect_key_ttls,
)
from checks.errors import AccessDenied, TargetUnreachable
from checks.evidence.origin import Origin
from checks.targets import RedisNode
from tests.drills.servers import free_port, wait_port

pytestmark = pytest.mark.integration
PASSWORD_ENV = "CC_TEST_REDIS_PASSWORD"
PASSWORD = "cc-test-redis-pw"


@pytest.fixture(scope="module")
def redis_port() -> Iterator[int]:
    """redis-server with `requirepass`, no persistence, in its own temporary directory."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server not installed (apt-get install redis-server)")
    work = Path(tempfile.mkdtemp(prefix="cc-redis-"))
    port = free_port()
    proc = subprocess.Popen(
        [
            binary,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--dir",
            str(work),
            "--save",
            "",
            "--appendonly",
            "no",
            "--requirepass",
            PASSWORD,
        ],
        stdout=subprocess.DEVNULL,
    )
    try:
        wait_port(port)
        yield port
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        shutil.rmtree(work, ignore_errors=True)


@pytest.fixture
def node(redis_port: int, monkeypatch: pytest.MonkeyPatch) -> RedisNode:
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    return RedisNode(host="127.0.0.1", port=redis_port, password_env=PASSWORD_ENV)


@pytest.fixture
def admin(redis_port: int) -> Iterator[redis.Redis]:
    """A direct client for arranging keys; the keyspace is emptied after each test."""
    client = redis.Redis(host="127.0.0.1", port=redis_port, password=PASSWORD)
    yield client
    client.flushall()
    client.close()


def closed_node() -> RedisNode:
    return RedisNode(host="127.0.0.1", port=free_port())


@pytest.fixture
def no_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    """redis-py 8 retries a failed connection 3 times with backoff (~4 s); the error mapping is the same."""
    monkeypatch.setattr(redis, "Redis", functools.partial(redis.Redis, retry=Retry(NoBackoff(), 0)))


def test_ping_timings_are_counted_and_positive(node: RedisNode) -> None:
    timings = collect_command_timings(node, 25)
    assert timings.operation == "PING" and timings.where == f"redis://127.0.0.1:{node.port}"
    assert len(timings.latencies_ms) == 25 and all(0 < t < 1000 for t in timings.latencies_ms)


def test_ping_timings_record_when_and_how_long_they_were_taken(node: RedisNode) -> None:
    before = time.time()
    timings = collect_command_timings(node, 5, interval_s=0.02, origin=Origin("t", load_rps=3.0))
    assert before <= timings.started_at <= timings.ended_at <= time.time()
    assert timings.duration_s >= 0.1 and timings.origin.load_rps == 3.0


def test_pings_leave_the_hit_counters_alone(node: RedisNode) -> None:
    before = collect_hit_counters(node)
    collect_command_timings(node, 10)
    assert collect_hit_counters(node) == before


def test_ttls_follow_the_pattern_and_report_no_expiry_as_minus_one(
    node: RedisNode, admin: redis.Redis
) -> None:
    admin.set("session:1", "a", ex=3600)
    admin.set("session:2", "b")
    admin.set("ratelimit:1", "c", ex=60)
    ttls = collect_key_ttls(node, "session:*")
    assert ttls.pattern == "session:*" and sorted(ttls.ttls_s)[0] == -1
    assert 3590 <= sorted(ttls.ttls_s)[1] <= 3600 and len(ttls.ttls_s) == 2


def test_only_the_keys_created_after_the_snapshot_are_read(node: RedisNode, admin: redis.Redis) -> None:
    """Issue 10: an older session key (24 h left) masked a new one created with a 1 h lifetime."""
    admin.set("session:old", "a", ex=86400)
    before = collect_key_names(node, "session:*")
    admin.set("session:new", "b", ex=3600)
    ttls = collect_key_ttls(node, "session:*", besides=before)
    assert ttls.created and len(ttls.ttls_s) == 1 and 3590 <= ttls.ttls_s[0] <= 3600
    assert before == frozenset({b"session:old"})


def test_ttls_stop_at_the_limit(node: RedisNode, admin: redis.Redis) -> None:
    admin.mset({f"franchise:{i}": i for i in range(30)})
    assert len(collect_key_ttls(node, "franchise:*", limit=7).ttls_s) == 7


def test_no_matching_key_gives_no_ttls(node: RedisNode) -> None:
    assert collect_key_ttls(node, "nothing:*").ttls_s == ()


def test_hit_counters_count_hits_and_misses(node: RedisNode, admin: redis.Redis) -> None:
    admin.set("k", "v")
    before = collect_hit_counters(node)
    admin.get("k")
    admin.get("k")
    admin.get("missing")
    after = collect_hit_counters(node)
    assert (after.hits - before.hits, after.misses - before.misses) == (2, 1)


@pytest.mark.parametrize(
    "collect",
    [lambda n: collect_command_timings(n, 1), lambda n: collect_key_ttls(n, "*"), collect_hit_counters],
    ids=["timings", "ttls", "hits"],
)
@pytest.mark.usefixtures("no_retries")
def test_a_closed_port_is_unreachable(collect: object) -> None:
    node = closed_node()
    with pytest.raises(TargetUnreachable) as caught:
        collect(node)  # type: ignore[operator]
    assert caught.value.endpoint == f"redis://127.0.0.1:{node.port}"


@pytest.mark.usefixtures("no_retries")
def test_a_wrong_password_is_access_denied(redis_port: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PASSWORD_ENV, "not-the-password")
    with pytest.raises(AccessDenied):
        collect_hit_counters(RedisNode(host="127.0.0.1", port=redis_port, password_env=PASSWORD_ENV))
