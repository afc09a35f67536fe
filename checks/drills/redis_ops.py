"""Redis and sentinel operations for drills, and the convergence back to the original master.

restore_master is idempotent: it resumes a paused primary, restarts a dead one, waits until sentinel has
turned it into a replica of the elected master, then asks sentinel to fail over back (SENTINEL FAILOVER) and
waits until sentinel, roles and the replica link all agree on the original primary again.
"""

from __future__ import annotations

import contextlib
import os
import signal
from collections.abc import Callable
from typing import Any

from checks import procs
from checks.drills import nodes
from checks.drills.nodes import DrillError
from checks.drills.topology import RedisTopology

Log = Callable[[str], None]


def client(port: int, timeout_s: float = 1.0) -> Any:
    import redis
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    # no client-side retries: a drill must see each failure when it happens, not seconds later
    return redis.Redis(
        host="127.0.0.1",
        port=port,
        socket_timeout=timeout_s,
        socket_connect_timeout=timeout_s,
        retry=Retry(NoBackoff(), 0),
    )


def sentinel_master(topo: RedisTopology) -> int:
    """The port sentinel currently names as master."""
    addr = client(topo.sentinel_port).execute_command("SENTINEL", "get-master-addr-by-name", topo.master_name)
    if not addr:
        raise DrillError("sentinel", f"does not know master {topo.master_name}")
    return int(addr[1])


def role(port: int) -> str:
    return str(client(port).info("replication")["role"])


def replica_linked(port: int, master_port: int) -> bool:
    info = client(port).info("replication")
    return (
        info.get("role") == "slave"
        and int(info.get("master_port", 0)) == master_port
        and info.get("master_link_status") == "up"
    )


def primary_pid(topo: RedisTopology) -> int | None:
    return nodes.pid(topo.primary)


def pause(pid: int) -> None:
    """SIGSTOP: the primary hangs (connections stay open, nothing answers)."""
    os.kill(pid, signal.SIGSTOP)


def resume(pid: int | None) -> None:
    """SIGCONT a paused primary (no-op when it runs or is gone)."""
    if pid is not None and procs.is_stopped(pid):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGCONT)


def restore_master(topo: RedisTopology, log: Log | None = None) -> list[str]:
    """Converge to: sentinel names the original primary, it is master, the replica's link to it is up."""
    steps: list[str] = []

    def note(step: str) -> None:
        steps.append(step)
        if log:
            log(step)

    pid = primary_pid(topo)
    if pid is not None and procs.is_stopped(pid):
        resume(pid)
        note(f"resumed paused primary {topo.primary_port} (SIGCONT)")
    if pid is None:
        nodes.start(topo.primary)
        note(f"restarted primary {topo.primary_port}")
    timeout = topo.settings.restore_timeout_s
    procs.wait_for("redis primary answering", lambda: role(topo.primary_port) in ("master", "slave"), timeout)
    if sentinel_master(topo) != topo.primary_port:
        _follow(topo.primary_port, sentinel_master(topo), timeout)
        _failover_back(topo, timeout)
        note(f"sentinel failed over back to {topo.primary_port}")
    procs.wait_for("original primary is master", lambda: role(topo.primary_port) == "master", timeout)
    _follow(topo.replica_port, topo.primary_port, timeout)
    return steps


def _follow(port: int, master_port: int, timeout_s: float, grace_s: float = 1.0) -> None:
    """Wait until `port` replicates from `master_port`; after `grace_s` say REPLICAOF ourselves (what sentinel
    would send too, only sentinel waits for its own periodic reconfiguration)."""
    try:
        procs.wait_for(
            f"{port} replicating from {master_port}", lambda: replica_linked(port, master_port), grace_s
        )
        return
    except procs.ProcError:
        client(port).execute_command("REPLICAOF", "127.0.0.1", str(master_port))
    procs.wait_for(
        f"{port} replicating from {master_port}", lambda: replica_linked(port, master_port), timeout_s
    )


def _failover_back(topo: RedisTopology, timeout_s: float) -> None:
    def asked() -> bool:
        if sentinel_master(topo) == topo.primary_port:
            return True
        with contextlib.suppress(Exception):  # "INPROG" while a failover runs, "NOGOODSLAVE" until synced
            client(topo.sentinel_port).execute_command("SENTINEL", "FAILOVER", topo.master_name)
        return False

    procs.wait_for(f"sentinel naming {topo.primary_port} again", asked, timeout_s, interval_s=0.5)


def delete_key(topo: RedisTopology, key: str) -> None:
    """Delete the drill's canary key on whichever node is master now."""
    client(sentinel_master(topo), timeout_s=2).delete(key)
