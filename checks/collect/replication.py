"""Streaming replication from a PostgreSQL primary to its replica, seen from both ends. Read-only."""

from __future__ import annotations

import time
from contextlib import ExitStack
from typing import Any

import psycopg

from checks.collect.postgres import connect, endpoint, fetch_one
from checks.errors import TargetUnreachable
from checks.evidence.origin import UNKNOWN, Origin
from checks.evidence.replication import ReplicationLag, ReplicationSample
from checks.targets import PgNode

_REPLICA_SQL = (
    "SELECT pg_is_in_recovery(), (SELECT status FROM pg_stat_wal_receiver LIMIT 1), "
    "pg_last_wal_replay_lsn()::text, pg_last_wal_receive_lsn()::text, "
    "COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0)::float8"
)
_PRIMARY_SQL = "SELECT pg_current_wal_lsn()::text, (SELECT count(*) FROM pg_stat_replication)"


def _sample(
    primary: psycopg.Connection[Any], replica: psycopg.Connection[Any], names: tuple[str, str]
) -> ReplicationSample:
    current, senders = fetch_one(primary, _PRIMARY_SQL, names[0])
    in_recovery, status, replay, received, since_replay = fetch_one(replica, _REPLICA_SQL, names[1])
    if not in_recovery or replay is None:
        return ReplicationSample(bool(in_recovery), status, -1, float("inf"), received, int(senders))
    (lag_bytes,) = fetch_one(primary, f"SELECT pg_wal_lsn_diff('{current}', '{replay}')::bigint", names[0])
    # Caught up: no lag, however long since the last transaction; behind: the time since the last replay.
    lag_s = 0.0 if int(lag_bytes) <= 0 else float(since_replay)
    return ReplicationSample(True, status, max(0, int(lag_bytes)), lag_s, received, int(senders))


def _primary_only(
    primary: psycopg.Connection[Any], names: tuple[str, str], error: str, count: int, interval_s: float
) -> tuple[int, ...]:
    """The replica did not answer: what the primary's pg_stat_replication shows is still evidence."""
    senders = []
    for _ in range(count):
        senders.append(int(fetch_one(primary, _PRIMARY_SQL, names[0])[1]))
        time.sleep(interval_s)
    return tuple(senders)


def collect_replication_lag(
    primary: PgNode, replica: PgNode, count: int, interval_s: float, *, origin: Origin = UNKNOWN
) -> ReplicationLag:
    """Sample the replica's lag behind the primary `count` times (read-only). A replica that cannot be
    reached is recorded (with the primary's walsender counts), not raised: the primary still shows whether
    anything streams from it. An unreachable primary raises."""
    names = (endpoint(primary), endpoint(replica))
    with connect(primary, "postgres.primary.password_env") as p, ExitStack() as stack:
        try:
            r = stack.enter_context(connect(replica, "postgres.replica.password_env"))
        except TargetUnreachable as exc:
            senders = _primary_only(p, names, str(exc), count, interval_s)
            return ReplicationLag(names[0], names[1], (), str(exc), senders, origin)
        samples = []
        for _ in range(count):
            samples.append(_sample(p, r, names))
            time.sleep(interval_s)
    return ReplicationLag(names[0], names[1], tuple(samples), origin=origin)
