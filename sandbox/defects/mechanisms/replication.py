"""Defects in PostgreSQL streaming replication: the replica stopped, its stream refused by the primary while
it keeps serving reads, or its replay held back behind the WAL it has received."""

from __future__ import annotations

import time
from typing import ClassVar

from sandbox import procs
from sandbox.components.postgres import HBA, REPLICATION_ROLE, PgReplica
from sandbox.defects.live import Live, wait_for
from sandbox.defects.mechanism import Mechanism, Saved, mechanism


def senders(live: Live) -> int:
    """Rows of pg_stat_replication on the primary (walsenders streaming to a standby)."""
    return int(live.sql("SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'")[0][0])


def replica_streams(live: Live) -> bool:
    return bool(PgReplica().check(live.ctx)) and senders(live) > 0


@mechanism("replication.replica_stopped")
class ReplicaStopped(Mechanism):
    """The replica's server is stopped (the primary keeps running)."""

    touches: ClassVar[tuple[str, ...]] = ("pg-replica",)

    def apply(self, live: Live, saved: Saved) -> None:
        PgReplica().stop(live.ctx)

    def restore(self, live: Live, saved: Saved) -> None:
        replica = PgReplica()
        if replica.pid(live.ctx) is None:
            replica.start(live.ctx)
        wait_for("the replica streams again", lambda: replica_streams(live), 30)

    def present(self, live: Live) -> bool:
        return not procs.port_open("127.0.0.1", live.cfg.ports.pg_replica, 0.5)


@mechanism("replication.stream_refused")
class StreamRefused(Mechanism):
    """The primary's pg_hba.conf refuses the replication connection: the replica stays up, in recovery,
    answering reads, but receives nothing (what an expired replication password or a firewall does)."""

    touches: ClassVar[tuple[str, ...]] = ("pg-replica",)

    def hba(self, live: Live) -> str:
        return str(live.cfg.path("pg-primary", "data", "pg_hba.conf"))

    def apply(self, live: Live, saved: Saved) -> None:
        reject = f"host    replication     {REPLICATION_ROLE}    127.0.0.1/32      reject\n"
        text = HBA.format(repl=REPLICATION_ROLE)
        with open(self.hba(live), "w") as handle:
            handle.write(
                text.replace("local   all             all", reject + "local   all             all", 1)
            )
        live.sql("SELECT pg_reload_conf()")
        time.sleep(0.2)  # the postmaster rereads pg_hba.conf on SIGHUP, asynchronously
        live.sql("SELECT pg_terminate_backend(pid) FROM pg_stat_replication")

    def restore(self, live: Live, saved: Saved) -> None:
        with open(self.hba(live), "w") as handle:
            handle.write(HBA.format(repl=REPLICATION_ROLE))
        live.sql("SELECT pg_reload_conf()")
        # the replica's WAL receiver retries every wal_retrieve_retry_interval (5 s)
        wait_for("the replica streams again", lambda: replica_streams(live), 40)

    def present(self, live: Live) -> bool:
        up = procs.port_open("127.0.0.1", live.cfg.ports.pg_replica, 0.5)
        return up and senders(live) == 0


@mechanism("replication.replay_delayed")
class ReplayDelayed(Mechanism):
    """The replica receives WAL but applies commits only after `recovery_min_apply_delay` (a delayed standby
    left in place): it streams, and falls behind by every commit since."""

    touches: ClassVar[tuple[str, ...]] = ()
    plant_timeout_s: ClassVar[float] = 30.0

    def __init__(self, delay: str, behind_s: float) -> None:
        self.delay, self.behind_s = delay, float(behind_s)

    def setting(self, live: Live) -> str:
        return str(live.sql("SHOW recovery_min_apply_delay", node="replica")[0][0])

    def save(self, live: Live) -> Saved:
        return {"delay": self.setting(live)}

    def apply(self, live: Live, saved: Saved) -> None:
        live.sql(f"ALTER SYSTEM SET recovery_min_apply_delay = '{self.delay}'", node="replica")
        live.sql("SELECT pg_reload_conf()", node="replica")
        wait_for("the delay is in force", lambda: self.setting(live) != saved["delay"], 10)
        # a transaction with an id writes a commit record: the replica will hold it for the delay
        live.sql("SELECT pg_current_xact_id()")
        wait_for(f"the replica is {self.behind_s:g} s behind", lambda: self.behind(live) >= self.behind_s, 25)

    def behind(self, live: Live) -> float:
        """Seconds since the replica's last replayed commit, while it has received WAL it has not replayed."""
        rows = live.sql(
            "SELECT pg_last_wal_receive_lsn() > pg_last_wal_replay_lsn(),"
            " extract(epoch FROM now() - pg_last_xact_replay_timestamp())",
            node="replica",
        )
        waiting, since = rows[0]
        return float(since or 0.0) if waiting else 0.0

    def restore(self, live: Live, saved: Saved) -> None:
        live.sql("ALTER SYSTEM RESET recovery_min_apply_delay", node="replica")
        live.sql("SELECT pg_reload_conf()", node="replica")
        wait_for(
            "the replica caught up", lambda: self.setting(live) == saved["delay"] and self.caught_up(live), 30
        )

    def caught_up(self, live: Live) -> bool:
        rows = live.sql("SELECT pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn()", node="replica")
        return bool(rows[0][0])

    def present(self, live: Live) -> bool:
        return self.setting(live) != "0" and not self.caught_up(live)
