"""Where the canary search looks: a throwaway Redis (every value type, key names) and log files.

Skipped (with the reason) when redis-server is missing.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from checks.collect.canary import search_logs, search_redis
from checks.errors import TargetUnreachable
from checks.targets import RedisNode

pytestmark = pytest.mark.integration
CANARY = "CANARY-t-run-1-abcd"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisNode]:
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server not found: apt-get install redis-server")
    port, work = _free_port(), tmp_path_factory.mktemp("redis")
    proc = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--dir", str(work), "--save", ""],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    client = redis.Redis(port=port)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            client.ping()
            break
        except redis.ConnectionError:
            time.sleep(0.05)
    try:
        yield RedisNode(host="127.0.0.1", port=port)
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture
def client(node: RedisNode) -> Iterator[redis.Redis]:
    c = redis.Redis(port=node.port)
    c.flushall()
    for i in range(50):
        c.set(f"noise:{i}", f"value {i}")
    yield c
    c.flushall()


def test_nothing_found_when_absent(node: RedisNode, client: redis.Redis) -> None:
    place = search_redis(node, CANARY, 1000)
    assert place.searched and place.found == () and "50 keys" in place.note


@pytest.mark.parametrize(
    "plant",
    [
        lambda c: c.set("cache:t:1", f'{{"notes": "{CANARY}"}}'),
        lambda c: c.hset("h", mapping={"notes": CANARY}),
        lambda c: c.rpush("l", "x", CANARY),
        lambda c: c.sadd("s", CANARY),
        lambda c: c.zadd("z", {CANARY: 1}),
        lambda c: c.xadd("x", {"notes": CANARY}),
        lambda c: c.set(f"by-name:{CANARY}", "1"),
    ],
    ids=["string", "hash", "list", "set", "zset", "stream", "key-name"],
)
def test_found_in_every_value_type(node: RedisNode, client: redis.Redis, plant: object) -> None:
    plant(client)  # type: ignore[operator]
    place = search_redis(node, CANARY, 1000)
    assert len(place.found) == 1 and place.searched


def test_key_limit_marks_the_search_partial(node: RedisNode, client: redis.Redis) -> None:
    place = search_redis(node, CANARY, 10)
    assert not place.searched and "max_redis_keys=10" in place.note


def test_unreachable_redis() -> None:
    with pytest.raises(TargetUnreachable):
        search_redis(RedisNode(host="127.0.0.1", port=9), CANARY, 10)


def test_logs_found_with_line_numbers(tmp_path: Path) -> None:
    (tmp_path / "a.log").write_text(f"GET /x 200\nPOST /s {CANARY}\n")
    (tmp_path / "b.log").write_text("GET /y 200\n")
    places = search_logs((str(tmp_path / "*.log"),), CANARY)
    assert [p.found for p in places] == [(f"{tmp_path / 'a.log'}:2",), ()]


def test_no_matching_log_is_not_searched(tmp_path: Path) -> None:
    (place,) = search_logs((str(tmp_path / "*.log"),), CANARY)
    assert not place.searched
