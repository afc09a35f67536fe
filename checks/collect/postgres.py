"""PostgreSQL collectors: settings, replication state and lag, timed queries. Read-only."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import psycopg

from checks.collect.clients import pg_options
from checks.collect.deadline import BREAKER
from checks.errors import AccessDenied, CollectionError, DeadlineExceeded, TargetUnreachable
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


@dataclass(frozen=True)
class ReplicationSample:
    """One look at a primary/replica pair: is the replica replaying, how far behind (bytes, seconds)."""

    in_recovery: bool
    receiver_status: str | None  # None: pg_stat_wal_receiver hides it from roles without pg_read_all_stats
    lag_bytes: int
    lag_s: float
    receive_lsn: str | None = None  # visible to any role: WAL this replica has received from its primary

    @property
    def streaming(self) -> bool | None:
        """True/False when the replica says so; None when its status is hidden and nothing else tells."""
        if not self.in_recovery:
            return False
        if self.receiver_status is not None:
            return self.receiver_status == "streaming"
        # Hidden status: a replica that has received WAL and is within 16 MiB of the primary is following it.
        return True if self.receive_lsn is not None and 0 <= self.lag_bytes < 16 * 2**20 else None


@dataclass(frozen=True)
class ReplicationLag:
    """Repeated samples of replication lag."""

    primary: str
    replica: str
    samples: tuple[ReplicationSample, ...]

    @property
    def lags_s(self) -> list[float]:
        return [s.lag_s for s in self.samples]


_REPLICA_SQL = (
    "SELECT pg_is_in_recovery(), (SELECT status FROM pg_stat_wal_receiver LIMIT 1), "
    "pg_last_wal_replay_lsn()::text, pg_last_wal_receive_lsn()::text, "
    "COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0)::float8"
)


def _sample(
    primary: psycopg.Connection[Any], replica: psycopg.Connection[Any], names: tuple[str, str]
) -> ReplicationSample:
    (current,) = fetch_one(primary, "SELECT pg_current_wal_lsn()::text", names[0])
    in_recovery, status, replay, received, since_replay = fetch_one(replica, _REPLICA_SQL, names[1])
    if not in_recovery or replay is None:
        return ReplicationSample(bool(in_recovery), status, -1, float("inf"), received)
    (lag_bytes,) = fetch_one(primary, f"SELECT pg_wal_lsn_diff('{current}', '{replay}')::bigint", names[0])
    # Caught up: no lag, however long since the last transaction; behind: the time since the last replay.
    lag_s = 0.0 if int(lag_bytes) <= 0 else float(since_replay)
    return ReplicationSample(True, status, max(0, int(lag_bytes)), lag_s, received)


def collect_replication_lag(
    primary: PgNode, replica: PgNode, count: int, interval_s: float
) -> ReplicationLag:
    """Sample the replica's lag behind the primary `count` times (read-only)."""
    names = (endpoint(primary), endpoint(replica))
    samples = []
    with (
        connect(primary, "postgres.primary.password_env") as p,
        connect(replica, "postgres.replica.password_env") as r,
    ):
        for _ in range(count):
            samples.append(_sample(p, r, names))
            time.sleep(interval_s)
    return ReplicationLag(names[0], names[1], tuple(samples))


@dataclass(frozen=True)
class QueryTimings:
    """Wall-clock times of one read-only query, repeated."""

    endpoint: str
    sql: str
    latencies_ms: tuple[float, ...]


def collect_query_timings(node: PgNode, sql: str, count: int) -> QueryTimings:
    """Run `sql` `count` times on one connection, timing each round trip (network included)."""
    where = endpoint(node)
    timings = []
    with connect(node, "postgres.primary.password_env") as conn:
        for _ in range(count):
            started = time.perf_counter()
            try:
                conn.execute(sql).fetchall()
            except psycopg.Error as exc:
                raise CollectionError(where, f"{sql!r} failed: {exc}") from exc
            timings.append((time.perf_counter() - started) * 1000)
    return QueryTimings(where, sql, tuple(timings))


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
