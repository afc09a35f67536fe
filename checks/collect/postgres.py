"""PostgreSQL collectors: settings, replication state and lag, timed queries. Read-only."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg

from checks.errors import AccessDenied, CollectionError, TargetUnreachable
from checks.evidence.origin import UNKNOWN, Origin
from checks.evidence.timings import Timings
from checks.targets import PgNode, secret


def endpoint(node: PgNode) -> str:
    return f"postgresql://{node.user}@{node.host}:{node.port}/{node.dbname}"


@contextmanager
def connect(
    node: PgNode,
    key: str,
    *,
    user: str | None = None,
    password_env: str | None = None,
    autocommit: bool = True,
) -> Iterator[psycopg.Connection[Any]]:
    """A connection to `node` (password from the environment variable targets.yaml names at `key`)."""
    env = password_env or node.password_env
    password = secret(env, key=key) if env else None
    try:
        conn = psycopg.connect(
            host=node.host,
            port=node.port,
            dbname=node.dbname,
            user=user or node.user,
            password=password,
            sslmode=node.sslmode,
            connect_timeout=10,
            autocommit=autocommit,
        )
    except psycopg.OperationalError as exc:
        text = str(exc)
        if "authentication" in text or "permission" in text or "password" in text:
            raise AccessDenied(endpoint(node), text.strip().splitlines()[0]) from exc
        raise TargetUnreachable(
            endpoint(node), text.strip().splitlines()[0] if text else "no answer"
        ) from exc
    try:
        yield conn
    finally:
        conn.close()


def fetch_one(conn: psycopg.Connection[Any], sql: str, where: str) -> tuple[Any, ...]:
    """One row of a read-only query, or CollectionError naming the endpoint."""
    try:
        row = conn.execute(sql).fetchone()
    except psycopg.Error as exc:
        raise CollectionError(where, f"{sql!r} failed: {exc}") from exc
    if row is None:
        raise CollectionError(where, f"{sql!r} returned no row")
    return tuple(row)


def collect_query_timings(
    node: PgNode, sql: str, count: int, *, interval_s: float = 0.0, origin: Origin = UNKNOWN
) -> Timings:
    """Run `sql` `count` times on one connection, `interval_s` apart, timing each round trip (network
    included)."""
    where = endpoint(node)
    timings, at = [], []
    with connect(node, "postgres.primary.password_env") as conn:
        began, wall = time.monotonic(), time.time()
        for _ in range(count):
            at.append(time.time())
            started = time.perf_counter()
            try:
                conn.execute(sql).fetchall()
            except psycopg.Error as exc:
                raise CollectionError(where, f"{sql!r} failed: {exc}") from exc
            timings.append((time.perf_counter() - started) * 1000)
            if interval_s:
                time.sleep(interval_s)
    return Timings(where, sql, tuple(timings), wall, time.monotonic() - began, origin, tuple(at))


def collect_setting(node: PgNode, name: str) -> str:
    """`SHOW name` on the node."""
    if not name.replace("_", "").isalnum():
        raise CollectionError(endpoint(node), f"not a setting name: {name!r}")
    with connect(node, "postgres.primary.password_env") as conn:
        (value,) = fetch_one(conn, f"SHOW {name}", endpoint(node))
    return str(value)


def collect_streaming_replicas(node: PgNode) -> int:
    """How many standbys stream from this primary (rows of pg_stat_replication; visible to any role)."""
    with connect(node, "postgres.primary.password_env") as conn:
        (count,) = fetch_one(conn, "SELECT count(*) FROM pg_stat_replication", endpoint(node))
    return int(count)
