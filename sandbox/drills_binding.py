"""What the drills need to know about the sandbox's processes, written by `up` into RUN_DIR/drills.json.

The file is a partial `drills` binding (checks/drills/binding.py, `control: local`): the start command,
markers, log and pid file of every process a drill may stop and start again, plus the PostgreSQL data and
socket directories and the replication user. targets.yaml points at it (`bindings.drills.generated`) and
keeps the drills' settings; claimcheck itself knows nothing of the sandbox.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from checks.drills.binding import (
    AppInstanceBinding,
    DrillsBinding,
    PgDrillBinding,
    PgNodeBinding,
    ProcBinding,
    RedisDrillBinding,
    RolloutDrillBinding,
)
from sandbox.components.app import AppInstance
from sandbox.components.base import ProcessComponent, RunContext
from sandbox.components.postgres import PgPrimary, PgReplica
from sandbox.components.redis import RedisPrimary
from sandbox.secrets_env import REPLICATION_PASSWORD

FILE = "drills.json"


def _proc(component: ProcessComponent, ctx: RunContext) -> dict[str, Any]:
    spec = component.spec(ctx)
    return {
        "name": spec.name,
        "argv": tuple(spec.argv),
        "markers": tuple(spec.markers),
        "log": str(spec.log),
        "pidfile": str(component.pidfile(ctx)),
        "user": spec.user,
        "cwd": str(spec.cwd) if spec.cwd else None,
        "env": dict(spec.env),
    }


def _pg_node(component: PgPrimary | PgReplica, ctx: RunContext) -> PgNodeBinding:
    return PgNodeBinding(
        **_proc(component, ctx),
        port=component.port(ctx),
        data_dir=str(component.data(ctx)),
        socket_dir=str(component.home(ctx)),
    )


def binding(ctx: RunContext) -> DrillsBinding:
    """The drills binding of this sandbox's processes (the settings are left to targets.yaml)."""
    apps = (AppInstance("a"), AppInstance("b"))
    return DrillsBinding(
        postgres=PgDrillBinding(
            primary=_pg_node(PgPrimary(), ctx),
            replica=_pg_node(PgReplica(), ctx),
            replication_user="replicator",
            replication_password_env=REPLICATION_PASSWORD,
        ),
        redis=RedisDrillBinding(primary=ProcBinding(**_proc(RedisPrimary(), ctx))),
        rollout=RolloutDrillBinding(
            instances=tuple(
                AppInstanceBinding(**_proc(a, ctx), health_url=f"{a.address(ctx)}/health") for a in apps
            )
        ),
    )


PROCESS_KEYS = {
    "postgres": ("primary", "replica", "replication_user", "replication_password_env"),
    "redis": ("primary",),
    "rollout": ("instances",),
}


def write(ctx: RunContext) -> Path:
    """Write RUN_DIR/drills.json: only the keys that describe processes (settings stay in targets.yaml)."""
    found = binding(ctx).model_dump(mode="json")
    data = {part: {k: found[part][k] for k in keys} for part, keys in PROCESS_KEYS.items()}
    path = ctx.cfg.path(FILE)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    tmp.replace(path)
    return path
