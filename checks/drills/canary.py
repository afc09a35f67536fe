"""Canary writers: a thread writes sequence numbers at a fixed interval and records every acknowledgement.

A write counts as acknowledged only when the server's reply came back (a committed INSERT, an HSET reply).
A failed attempt is recorded too (its commit may or may not have happened: it is never counted as lost).
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable
from typing import Any, Protocol

from checks.drills import pg_ops, redis_ops
from checks.drills.topology import PgTopology, RedisTopology
from checks.evidence.drills import Write


class Canary(Protocol):
    """Where canary writes go: one write per sequence number, a reset after a failure, the survivors."""

    def write(self, seq: int) -> None: ...

    def reset(self) -> None: ...

    def surviving(self) -> list[int]: ...


class CanaryWriter(threading.Thread):
    """Calls `write(seq)` every `interval_s`; `reset()` after a failure (drop the connection)."""

    def __init__(
        self, write: Callable[[int], None], reset: Callable[[], None], interval_s: float, origin: float
    ) -> None:
        super().__init__(daemon=True, name="canary-writer")
        self._write, self._reset, self._interval, self._origin = write, reset, interval_s, origin
        self._stop_event = threading.Event()
        self._lock = threading.Lock()
        self._writes: list[Write] = []

    def run(self) -> None:
        seq = 0
        while not self._stop_event.is_set():
            seq += 1
            began = time.monotonic()
            try:
                self._write(seq)
                record = Write(seq, time.monotonic() - self._origin, True, sent=began - self._origin)
            except Exception as exc:
                record = Write(
                    seq,
                    time.monotonic() - self._origin,
                    False,
                    f"{type(exc).__name__}: {exc}"[:200],
                    sent=began - self._origin,
                )
                self._safe_reset()
            with self._lock:
                self._writes.append(record)
            self._stop_event.wait(max(0.0, self._interval - (time.monotonic() - began)))

    def _safe_reset(self) -> None:
        with contextlib.suppress(Exception):  # the next write reconnects
            self._reset()

    def stop(self) -> None:
        self._stop_event.set()
        if self.is_alive() and threading.current_thread() is not self:
            self.join(timeout=10)

    def writes(self) -> tuple[Write, ...]:
        with self._lock:
            return tuple(self._writes)

    def first_ok_after(self, t: float) -> float | None:
        with self._lock:
            return next((w.t for w in self._writes if w.ok and w.sent is not None and w.sent > t), None)


def canary_table(run_id: str) -> str:
    """`claimcheck_canary_<runid>` with the run id made a safe identifier."""
    return "claimcheck_canary_" + "".join(c if c.isalnum() else "_" for c in run_id.lower())


def read_write_dsn(topo: PgTopology) -> str:
    """Both nodes, libpq picks the one accepting writes: the client side of a failover."""
    p, r = topo.primary, topo.replica
    return (
        f"host={p.socket_dir},{r.socket_dir} port={p.port},{r.port} user=postgres dbname={topo.dbname} "
        "connect_timeout=1 target_session_attrs=read-write options='-c statement_timeout=2000'"
    )


class PgCanary:
    """INSERTs into the drill's canary table over a read-write session that follows the primary."""

    def __init__(self, topo: PgTopology, table: str) -> None:
        self.topo, self.table = topo, table
        self._conn: Any = None

    def create(self) -> None:
        pg_ops.query(
            self.topo.primary,
            f"create table {self.table} (id bigserial primary key, seq bigint not null, "
            "written_at timestamptz not null default clock_timestamp())",
            dbname=self.topo.dbname,
        )

    def write(self, seq: int) -> None:
        import psycopg

        if self._conn is None:
            self._conn = psycopg.connect(read_write_dsn(self.topo), autocommit=True)
        self._conn.execute(f"insert into {self.table} (seq) values (%s)", (seq,))

    def reset(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            conn.close()

    def surviving(self) -> list[int]:
        """Every seq on the current primary (duplicates kept)."""
        import psycopg

        with psycopg.connect(read_write_dsn(self.topo), autocommit=True) as conn:
            return [int(r[0]) for r in conn.execute(f"select seq from {self.table}").fetchall()]


class RedisCanary:
    """HSETs into one hash on whichever node sentinel names as master."""

    def __init__(self, topo: RedisTopology, key: str) -> None:
        self.topo, self.key = topo, key
        self._client: Any = None

    def write(self, seq: int) -> None:
        if self._client is None:
            self._client = redis_ops.client(redis_ops.sentinel_master(self.topo), timeout_s=0.5)
        self._client.hset(self.key, str(seq), f"{time.time():.3f}")

    def reset(self) -> None:
        self._client = None

    def surviving(self) -> list[int]:
        master = redis_ops.client(redis_ops.sentinel_master(self.topo), timeout_s=2)
        return [int(k) for k in master.hkeys(self.key)]


def integrity(acked: list[int], surviving: list[int]) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """(lost, duplicates): acknowledged seqs missing among the survivors, and seqs that survive twice."""
    seen: set[int] = set()
    dupes: set[int] = set()
    for seq in surviving:
        (dupes if seq in seen else seen).add(seq)
    return tuple(sorted(set(acked) - seen)), tuple(sorted(dupes))
