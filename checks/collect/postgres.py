"""PostgreSQL collectors: settings, replication state and lag, timed queries. Read-only."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg

from checks.collect.clients import pg_options
from checks.collect.deadline import BREAKER
from checks.errors import AccessDenied, CollectionError, DeadlineExceeded, TargetUnreachable
from checks.evidence.origin import UNKNOWN, Origin
from checks.evidence.timings import Timings
from checks.evidence.transport import HopTransport
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
    where, breaker_key = endpoint(node), f"{node.host}:{node.port}"
    BREAKER.check(breaker_key, where)
    try:
        conn = psycopg.connect(
            host=node.host,
            port=node.port,
            dbname=node.dbname,
            user=user or node.user,
            password=password,
            autocommit=autocommit,
            **pg_options(node),
        )
    except psycopg.OperationalError as exc:
        text = str(exc).strip()
        first = text.splitlines()[0] if text else "no answer"
        if "authentication" in text or "permission" in text or "password" in text:
            raise AccessDenied(where, first) from exc
        if "timeout expired" in text:
            BREAKER.no_answer(breaker_key, f"no answer within {node.timeout_s:g} s")
            raise DeadlineExceeded(where, f"no answer within {node.timeout_s:g} s ({first})") from exc
        raise TargetUnreachable(where, first) from exc
    BREAKER.answered(breaker_key)
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


def collect_transport(node: PgNode, hop: str, *, origin: Origin = UNKNOWN) -> HopTransport:
    """Whether claimcheck's own connection to `node` is encrypted, as the server sees it (pg_stat_ssl)."""
    where = endpoint(node)
    with connect(node, "postgres.password_env") as conn:
        ssl, version = fetch_one(
            conn, "SELECT ssl, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()", where
        )
    detail = f"pg_stat_ssl of this connection: ssl={ssl}, version={version} (sslmode {node.sslmode})"
    return HopTransport(hop, where, bool(ssl), version, detail, origin)


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
