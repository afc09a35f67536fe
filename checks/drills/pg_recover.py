"""Bring a PostgreSQL primary/replica pair back to its steady state from wherever a drill left it.

Idempotent and state-driven (it looks before it acts), so the same function is the failover drill's undo,
the cleanup of a run that was killed half-way, and a no-op on a healthy pair:

- replica promoted (it holds the newest data): rebuild the original primary as its standby, switch over
  (clean stop of the promoted replica, promote the original primary), then rebuild the replica;
- primary down, replica never promoted: start the primary again (crash recovery);
- original primary still a standby (a switch-over cut short): promote it;
- finally: the replica must stream from the primary, else it is rebuilt with pg_basebackup.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from checks import procs
from checks.drills import pg_ops
from checks.drills.pg_ops import DOWN, PRIMARY, STANDBY
from checks.drills.topology import PgNodeBinding, PgTopology

Log = Callable[[str], None]


def restore_topology(topo: PgTopology, log: Log | None = None) -> list[str]:
    """Converge to: original primary writable on its port, replica streaming from it. Returns the steps."""
    steps: list[str] = []

    def note(step: str) -> None:
        steps.append(step)
        if log:
            log(step)

    primary, replica = topo.primary, topo.replica
    p_role, r_role = _settled_role(primary), _settled_role(replica)
    if r_role == PRIMARY:
        _switch_back(topo, p_role, note)
    elif p_role == DOWN:
        pg_ops.start(primary)
        note(f"started {primary.name} again (crash recovery)")
    elif p_role == STANDBY:
        pg_ops.promote(primary)
        note(f"promoted {primary.name} (a switch-over had been cut short)")
    procs.wait_for(f"{primary.name} accepting writes", lambda: _writable(topo), 60)
    _ensure_streaming(topo, note)
    return steps


def _settled_role(node: PgNodeBinding, wait_s: float = 10) -> str:
    """The node's role; a postmaster that runs but does not answer yet (recovery) gets `wait_s` to settle."""
    deadline = time.monotonic() + wait_s
    while True:
        found = pg_ops.role(node)
        if found != DOWN or pg_ops.postmaster_pid(node) is None or time.monotonic() > deadline:
            return found
        time.sleep(0.2)


def _switch_back(topo: PgTopology, p_role: str, note: Log) -> None:
    primary, replica = topo.primary, topo.replica
    if p_role != STANDBY or not _follows(primary):
        pg_ops.rebuild_standby(topo, primary, source=replica)
        note(f"rebuilt {primary.name} as a standby of the promoted {replica.name} (pg_basebackup)")
    lsn = pg_ops.current_lsn(replica)
    procs.wait_for(f"{primary.name} caught up", lambda: pg_ops.replayed_to(primary, lsn), 120)
    pg_ops.stop(replica)
    note(f"stopped the promoted {replica.name} (clean shutdown)")
    pg_ops.promote(primary)
    note(f"promoted {primary.name} back to primary")


def _follows(node: PgNodeBinding) -> bool:
    try:
        return pg_ops.streaming(node)
    except Exception:
        return False


def _writable(topo: PgTopology) -> bool:
    return bool(pg_ops.query(topo.primary, "select not pg_is_in_recovery(), txid_current() > 0")[0][0])


def _ensure_streaming(topo: PgTopology, note: Log) -> None:
    replica = topo.replica
    found = _settled_role(replica)
    if found == DOWN and _has_standby_signal(topo):
        pg_ops.start(replica)
        note(f"started {replica.name} again")
        found = pg_ops.role(replica)
    if found == STANDBY:
        try:
            procs.wait_for(f"{replica.name} streaming", lambda: pg_ops.streaming(replica), 15)
            return
        except procs.ProcError:
            pass
    pg_ops.rebuild_standby(topo, replica, source=topo.primary)
    note(f"rebuilt {replica.name} as a standby of {topo.primary.name} (pg_basebackup)")
    procs.wait_for(f"{replica.name} streaming", lambda: pg_ops.streaming(replica), 60)


def _has_standby_signal(topo: PgTopology) -> bool:
    return (Path(topo.replica.data_dir) / "standby.signal").exists()
