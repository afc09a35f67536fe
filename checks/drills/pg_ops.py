"""PostgreSQL node operations for drills: role, kill, start, stop, promote, rebuild as a standby.

Admin access is the trusted local superuser over the node's socket directory (the sandbox's pg_hba allows
exactly that); replication rebuilds use the binding's replication user over TCP on 127.0.0.1.
"""

from __future__ import annotations

import os
import shutil
import signal
from pathlib import Path
from typing import Any

from checks import procs
from checks.drills import nodes
from checks.drills.nodes import DrillError
from checks.drills.topology import PgNodeBinding, PgTopology

PRIMARY, STANDBY, DOWN = "primary", "standby", "down"


def admin_dsn(node: PgNodeBinding, dbname: str = "postgres", timeout_s: int = 2) -> str:
    return (
        f"host={node.socket_dir} port={node.port} user=postgres dbname={dbname} connect_timeout={timeout_s}"
    )


def query(
    node: PgNodeBinding, statement: str, params: tuple[Any, ...] = (), dbname: str = "postgres"
) -> list[Any]:
    """Rows of one autocommit statement on `node` (empty list for statements without rows)."""
    import psycopg

    with psycopg.connect(admin_dsn(node, dbname), autocommit=True) as conn, conn.cursor() as cur:
        cur.execute(statement.encode(), params or None)
        return list(cur.fetchall()) if cur.description else []


def postmaster_pid(node: PgNodeBinding) -> int | None:
    """The running postmaster of the node's data directory (postmaster.pid checked against /proc)."""
    pid = procs.read_pid(Path(node.data_dir) / "postmaster.pid")
    if pid is None:
        return None
    return pid if procs.is_ours(pid, ("postgres", node.data_dir)) else None


def role(node: PgNodeBinding) -> str:
    """primary, standby or down (not accepting connections)."""
    try:
        rows = query(node, "select pg_is_in_recovery()")
    except Exception:
        return DOWN
    return STANDBY if rows[0][0] else PRIMARY


def kill(node: PgNodeBinding) -> int:
    """SIGKILL the postmaster and its backends at once (a crashed host); returns the postmaster pid."""
    pid = postmaster_pid(node)
    if pid is None:
        raise DrillError(node.name, "no running postmaster to kill")
    if os.getpgid(pid) == pid:
        os.killpg(pid, signal.SIGKILL)
    else:
        os.kill(pid, signal.SIGKILL)
    procs.wait_gone(pid, 10)
    return pid


def stop(node: PgNodeBinding, timeout_s: float = 60) -> None:
    """Fast shutdown (SIGINT) of the node's postmaster, if it runs."""
    pid = postmaster_pid(node)
    if pid is not None:
        procs.terminate(pid, ("postgres", node.data_dir), timeout_s, signal.SIGINT)


def start(node: PgNodeBinding, timeout_s: float = 60) -> int:
    """Start the node with its own command (crash recovery if needed); wait until it accepts connections."""
    if postmaster_pid(node) is None:
        _remove_stale_locks(node)
    pid = nodes.start(node)
    procs.wait_for(f"{node.name} accepting connections", lambda: role(node) != DOWN, timeout_s)
    return pid


def _remove_stale_locks(node: PgNodeBinding) -> None:
    """A killed postmaster leaves lock files naming its pid; while that pid is a zombie (nobody reaped it) or
    belongs to another process, PostgreSQL refuses to start. Only dead postmasters' lock files go."""
    for lock in (
        Path(node.data_dir) / "postmaster.pid",
        Path(node.socket_dir) / f".s.PGSQL.{node.port}.lock",
    ):
        pid = procs.read_pid(lock)
        if pid is None or not procs.is_ours(pid, ("postgres",)):
            lock.unlink(missing_ok=True)


def promote(node: PgNodeBinding, timeout_s: int = 60) -> None:
    """Promote a standby (pg_promote, waiting for the promotion to finish)."""
    rows = query(node, "select pg_promote(true, %s)", (timeout_s,))
    if not rows or not rows[0][0]:
        raise DrillError(node.name, "pg_promote() did not finish")


def current_lsn(node: PgNodeBinding) -> str:
    return str(query(node, "select pg_current_wal_lsn()")[0][0])


def replayed_to(standby: PgNodeBinding, lsn: str) -> bool:
    """True when the standby has replayed WAL up to `lsn`."""
    rows = query(standby, "select pg_wal_lsn_diff(pg_last_wal_replay_lsn(), %s::pg_lsn) >= 0", (lsn,))
    return bool(rows[0][0])


def streaming(standby: PgNodeBinding) -> bool:
    rows = query(standby, "select pg_is_in_recovery(), (select status from pg_stat_wal_receiver)")
    return bool(rows[0][0]) and rows[0][1] == "streaming"


def rebuild_standby(topo: PgTopology, node: PgNodeBinding, source: PgNodeBinding) -> None:
    """Replace `node`'s data directory with a pg_basebackup -R of `source` and start it as a standby."""
    stop(node)
    data = Path(node.data_dir)
    shutil.rmtree(data, ignore_errors=True)
    user = topo.settings.replication_user
    conninfo = f"host=127.0.0.1 port={source.port} user={user} application_name={node.name}"
    env = {}
    if topo.settings.replication_password_env:
        env["PGPASSWORD"] = os.environ.get(topo.settings.replication_password_env, "")
    tool = str(Path(node.argv[0]).with_name("pg_basebackup"))
    procs.run(
        [tool, "-D", str(data), "-R", "-X", "stream", "-c", "fast", "-d", conninfo], user=node.user, env=env
    )
    data.chmod(0o700)
    start(node)
