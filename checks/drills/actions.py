"""The undo kinds a drill may register, as data (kind + JSON params), and how each is carried out.

Being data, an undo registered by one process can be finished by another (`cleanup_run`). Every kind is
idempotent: it checks before acting, so running it twice, or after a half-finished first attempt, is safe.
"""

from __future__ import annotations

import shutil
import signal
from collections.abc import Callable
from pathlib import Path
from typing import Any

from checks import procs
from checks.drills import nodes, pg_recover, redis_ops
from checks.drills.nodes import DrillError
from checks.drills.state import UndoAction
from checks.drills.steady import http_status
from checks.drills.topology import DrillEnv, PgTopology, RedisTopology, RolloutTopology, require

SCRATCH_MARKER = "claimcheck-scratch"
Params = dict[str, Any]


def _pg(env: DrillEnv) -> PgTopology:
    return require(env.postgres, env, "postgres", "PostgreSQL drill topology")


def _redis(env: DrillEnv) -> RedisTopology:
    return require(env.redis, env, "redis", "Redis drill topology")


def _rollout(env: DrillEnv) -> RolloutTopology:
    return require(env.rollout, env, "app", "app instances")


def drop_table(env: DrillEnv, params: Params) -> None:
    import psycopg

    from checks.drills.canary import read_write_dsn

    table = str(params["table"])
    if not table.startswith("claimcheck_"):
        raise DrillError("postgres", f"refusing to drop {table!r}: not a claimcheck table")
    with psycopg.connect(read_write_dsn(_pg(env)), autocommit=True) as conn:
        conn.execute(f"drop table if exists {table}")


def restore_pg(env: DrillEnv, params: Params) -> None:
    pg_recover.restore_topology(_pg(env), log=params.get("_log"))


def restore_redis(env: DrillEnv, params: Params) -> None:
    redis_ops.restore_master(_redis(env), log=params.get("_log"))


def delete_redis_key(env: DrillEnv, params: Params) -> None:
    key = str(params["key"])
    if not key.startswith("claimcheck:"):
        raise DrillError("redis", f"refusing to delete {key!r}: not a claimcheck key")
    redis_ops.delete_key(_redis(env), key)


def ensure_app_running(env: DrillEnv, params: Params) -> None:
    topo = _rollout(env)
    inst = next(i for i in topo.instances if i.name == params["instance"])
    if nodes.pid(inst) is None:
        nodes.start(inst)
    procs.wait_for(
        f"{inst.name} healthy",
        lambda: http_status(inst.health_url, None, None) == 200,
        topo.settings.instance_timeout_s,
    )


def remove_scratch(env: DrillEnv, params: Params) -> None:
    """Stop a scratch PostgreSQL instance the drill created and delete its directory (marker-checked)."""
    root, data = Path(params["root"]), Path(params["root"]) / "data"
    pid = procs.read_pid(data / "postmaster.pid")
    if pid is not None:
        procs.terminate(pid, ("postgres", str(data)), 30, signal.SIGINT)
    if not root.exists():
        return
    if not (root / SCRATCH_MARKER).exists():
        raise DrillError("scratch", f"refusing to delete {root}: no {SCRATCH_MARKER} marker in it")
    shutil.rmtree(root)


UNDO_KINDS: dict[str, Callable[[DrillEnv, Params], None]] = {
    "pg.drop_table": drop_table,
    "pg.restore_topology": restore_pg,
    "redis.restore_master": restore_redis,
    "redis.delete_key": delete_redis_key,
    "app.ensure_running": ensure_app_running,
    "scratch.remove": remove_scratch,
}


def executor(env: DrillEnv, log: Callable[[str], None] | None = None) -> Callable[[UndoAction], None]:
    """Carry out one registered undo against `env` (`log` hears the steps of the longer ones)."""

    def execute(action: UndoAction) -> None:
        if action.kind not in UNDO_KINDS:
            raise DrillError("undo", f"unknown undo kind {action.kind!r}")
        if log:
            log(f"undo: {action.description}")
        UNDO_KINDS[action.kind](env, {**action.params, "_log": log})

    return execute
