"""`control: sandbox`: the drill topology of a target started by `claimcheck sandbox up`, from its components.

Start commands, data directories and pid files come from sandbox.components, so a node the drill restarts is
the same process `sandbox status` and `sandbox down` know about.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from checks.drills.topology import (
    AppInstanceBinding,
    DrillEnv,
    DrillsBinding,
    PgDrillBinding,
    PgNodeBinding,
    PgTopology,
    ProcBinding,
    RedisDrillBinding,
    RedisTopology,
    RolloutDrillBinding,
    RolloutTopology,
)
from checks.ledger import project_root
from checks.targets import Target

if TYPE_CHECKING:
    from sandbox.components.base import ProcessComponent, RunContext


def sandbox_env(target_name: str, target: Target, binding: DrillsBinding, state_dir: Path) -> DrillEnv:
    """DrillEnv of a sandbox target (ports from targets.yaml, the rest from the sandbox's components)."""
    from sandbox.components.base import RunContext as Context
    from sandbox.config import SandboxConfig, default_run_dir

    run_dir = Path(binding.run_dir) if binding.run_dir else default_run_dir()
    cfg = SandboxConfig(run_dir=run_dir if run_dir.is_absolute() else project_root() / run_dir)
    if target.postgres and target.postgres.replica:
        cfg = cfg.with_ports(pg_primary=target.postgres.primary.port, pg_replica=target.postgres.replica.port)
    if target.redis and target.redis.replica and target.redis.sentinel:
        cfg = cfg.with_ports(
            redis_primary=target.redis.primary.port,
            redis_replica=target.redis.replica.port,
            redis_sentinel=target.redis.sentinel.port,
        )
    ctx = Context(cfg, {})
    return DrillEnv(
        target_name,
        state_dir,
        _pg(ctx, target, binding.postgres),
        _redis(ctx, target, binding.redis),
        _rollout(ctx, target, binding.rollout),
        binding.backup,
    )


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


def _pg(ctx: RunContext, target: Target, settings: PgDrillBinding | None) -> PgTopology | None:
    if settings is None or target.postgres is None or target.postgres.replica is None:
        return None
    from sandbox.components.postgres import PgPrimary, PgReplica
    from sandbox.secrets_env import REPLICATION_PASSWORD

    primary, replica = PgPrimary(), PgReplica()
    nodes = [
        PgNodeBinding(
            **_proc(c, ctx), port=c.port(ctx), data_dir=str(c.data(ctx)), socket_dir=str(c.home(ctx))
        )
        for c in (primary, replica)
    ]
    tuned = settings.model_copy(
        update={"replication_user": "replicator", "replication_password_env": REPLICATION_PASSWORD}
    )
    return PgTopology(nodes[0], nodes[1], target.postgres.primary.dbname, tuned)


def _redis(ctx: RunContext, target: Target, settings: RedisDrillBinding | None) -> RedisTopology | None:
    tr = target.redis
    if settings is None or tr is None or tr.replica is None or tr.sentinel is None:
        return None
    from sandbox.components.redis import RedisPrimary

    primary = ProcBinding(**_proc(RedisPrimary(), ctx))
    return RedisTopology(
        tr.primary.port, tr.replica.port, tr.sentinel.port, tr.sentinel.master_name, primary, settings
    )


def _rollout(ctx: RunContext, target: Target, settings: RolloutDrillBinding | None) -> RolloutTopology | None:
    if settings is None or target.http is None:
        return None
    from sandbox.components.app import AppInstance

    if len(settings.app_ports) == 2:
        ctx = replace(ctx, cfg=ctx.cfg.with_ports(app_a=settings.app_ports[0], app_b=settings.app_ports[1]))
    instances = tuple(
        AppInstanceBinding(**_proc(c, ctx), health_url=f"{c.address(ctx)}/health")
        for c in (AppInstance("a"), AppInstance("b"))
    )
    return RolloutTopology(
        target.http.base_url, target.http.ca_file, target.http.server_hostname, instances, settings
    )
