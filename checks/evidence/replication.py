"""Streaming replication evidence: repeated looks at a primary/replica pair from both ends (the replica's
receiver and replay position, the primary's walsenders), or the primary's view alone when the replica did
not answer."""

from __future__ import annotations

from dataclasses import dataclass

from checks.evidence.origin import UNKNOWN, Origin

FOLLOWING_BYTES = 16 * 2**20  # a replica that has received WAL and is this close to the primary follows it


@dataclass(frozen=True)
class ReplicationSample:
    """One look at a primary/replica pair: is the replica replaying, how far behind (bytes, seconds)."""

    in_recovery: bool
    receiver_status: str | None  # None: pg_stat_wal_receiver hides it from roles without pg_read_all_stats
    lag_bytes: int
    lag_s: float
    receive_lsn: str | None = None  # visible to any role: WAL this replica has received from its primary
    primary_senders: int | None = None  # rows of the primary's pg_stat_replication (visible to any role)

    @property
    def streaming(self) -> bool | None:
        """True/False when the replica (or the primary) says so; None when the replica's status is hidden
        and nothing else tells. A primary with no walsender streams to nobody, whatever the replica says."""
        if self.primary_senders == 0 or not self.in_recovery:
            return False
        if self.receiver_status is not None:
            return self.receiver_status == "streaming"
        return True if self.receive_lsn is not None and 0 <= self.lag_bytes < FOLLOWING_BYTES else None


@dataclass(frozen=True)
class ReplicationLag:
    """Repeated samples of replication lag. When the replica could not be reached, `samples` is empty,
    `replica_error` says why and `primary_senders` holds what the primary showed meanwhile."""

    primary: str
    replica: str
    samples: tuple[ReplicationSample, ...]
    replica_error: str | None = None
    primary_senders: tuple[int, ...] = ()
    origin: Origin = UNKNOWN

    @property
    def lags_s(self) -> list[float]:
        return [s.lag_s for s in self.samples]
