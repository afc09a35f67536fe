"""How drills reach a target's processes: the `drills` binding of targets.yaml, resolved into a DrillEnv.

targets.yaml, under a target's `bindings`:

    drills:
      control: sandbox            # sandbox: processes of `claimcheck sandbox up`; local: described below
      postgres: {promotion: drill, rto_timeout_s: 60, max_replica_lag_s: 10}
      redis: {fault: sigstop, failover_timeout_s: 60}
      rollout: {probe_interval_s: 0.02}
      backup: {source: drill}

With `control: local` every process is described explicitly (data dirs, start command, pid file): see the
*Binding models. Without a `drills` binding a sandbox target gets `{control: sandbox}`; others have no drills.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from checks.drills.state import default_state_dir
from checks.errors import ConfigError
from checks.ledger import project_root
from checks.targets import Target


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ProcBinding(_Strict):
    """A long-running process the drill may stop and start again: its command and how to recognise it."""

    name: str
    argv: tuple[str, ...]
    markers: tuple[str, ...] = ()
    log: str
    pidfile: str | None = None
    user: str | None = None
    cwd: str | None = None
    env: dict[str, str] = Field(default_factory=dict)


class PgNodeBinding(ProcBinding):
    port: int
    data_dir: str
    socket_dir: str


class PgDrillBinding(_Strict):
    primary: PgNodeBinding | None = None  # control: local only
    replica: PgNodeBinding | None = None
    replication_user: str = "postgres"
    replication_password_env: str | None = None
    promotion: Literal["drill", "automatic"] = "drill"
    promote_after_s: float = Field(default=0.0, ge=0)  # emulated detection delay before the drill promotes
    warmup_s: float = Field(default=2.0, ge=0)
    observe_s: float = Field(default=2.0, ge=0)
    write_interval_s: float = Field(default=0.05, gt=0, le=0.1)
    rto_timeout_s: float = Field(default=60.0, gt=0)
    max_replica_lag_s: float = Field(default=10.0, gt=0)


class RedisDrillBinding(_Strict):
    primary: ProcBinding | None = None  # control: local only
    fault: Literal["sigstop"] = "sigstop"  # the primary hangs (SIGSTOP); resumed by the undo
    warmup_s: float = Field(default=1.0, ge=0)
    observe_s: float = Field(default=1.0, ge=0)
    write_interval_s: float = Field(default=0.05, gt=0, le=0.1)
    failover_timeout_s: float = Field(default=60.0, gt=0)
    restore_timeout_s: float = Field(default=90.0, gt=0)


class AppInstanceBinding(ProcBinding):
    health_url: str


class RolloutDrillBinding(_Strict):
    instances: tuple[AppInstanceBinding, ...] = ()  # control: local only
    app_ports: tuple[int, ...] = ()  # control: sandbox, when the instances do not listen on the default ports
    probe_path: str = "/health"
    probe_interval_s: float = Field(default=0.02, gt=0)
    settle_s: float = Field(default=1.0, ge=0)
    instance_timeout_s: float = Field(default=60.0, gt=0)


class BackupDrillBinding(_Strict):
    source: Literal["drill"] = "drill"  # the drill takes its own backup (platform catalogs: not yet)
    scratch_dir: str | None = None


class DrillsBinding(_Strict):
    control: Literal["sandbox", "local"] = "sandbox"
    run_dir: str | None = None  # sandbox run dir; default $CLAIMCHECK_SANDBOX_DIR or .sandbox
    state_dir: str | None = None
    postgres: PgDrillBinding | None = PgDrillBinding()
    redis: RedisDrillBinding | None = RedisDrillBinding()
    rollout: RolloutDrillBinding | None = RolloutDrillBinding()
    backup: BackupDrillBinding | None = BackupDrillBinding()


@dataclass(frozen=True)
class PgTopology:
    primary: PgNodeBinding
    replica: PgNodeBinding
    dbname: str
    settings: PgDrillBinding


@dataclass(frozen=True)
class RedisTopology:
    primary_port: int
    replica_port: int
    sentinel_port: int
    master_name: str
    primary: ProcBinding
    settings: RedisDrillBinding


@dataclass(frozen=True)
class RolloutTopology:
    gateway_url: str
    ca_file: str | None
    server_hostname: str | None
    instances: tuple[AppInstanceBinding, ...]
    settings: RolloutDrillBinding


@dataclass(frozen=True)
class DrillEnv:
    """Everything a drill (or cleanup_run) needs to act on one target; None parts the target lacks."""

    target_name: str
    state_dir: Path
    postgres: PgTopology | None
    redis: RedisTopology | None
    rollout: RolloutTopology | None
    backup: BackupDrillBinding | None


def drills_binding(target: Target) -> DrillsBinding | None:
    """The target's validated `drills` binding (a sandbox target without one gets the defaults)."""
    raw = target.bindings.get("drills")
    if raw is None:
        return DrillsBinding() if target.kind == "sandbox" else None
    try:
        return DrillsBinding.model_validate(raw)
    except ValidationError as exc:
        err = exc.errors()[0]
        key = "bindings.drills." + ".".join(str(p) for p in err["loc"])
        raise ConfigError("targets.yaml", err["msg"], key=key) from None


def drill_env(target_name: str, target: Target) -> DrillEnv | None:
    """The resolved DrillEnv of a target, or None when it describes no drills."""
    binding = drills_binding(target)
    if binding is None:
        return None
    state_dir = Path(binding.state_dir) if binding.state_dir else default_state_dir()
    if not state_dir.is_absolute():
        state_dir = project_root() / state_dir
    if binding.control == "sandbox":
        from checks.drills.sandbox_binding import sandbox_env

        return sandbox_env(target_name, target, binding, state_dir)
    return DrillEnv(
        target_name,
        state_dir,
        _local_pg(target, binding),
        _local_redis(target, binding),
        _local_rollout(target, binding),
        binding.backup,
    )


def _local_pg(target: Target, binding: DrillsBinding) -> PgTopology | None:
    pg = binding.postgres
    if pg is None or target.postgres is None or pg.primary is None or pg.replica is None:
        return None
    return PgTopology(pg.primary, pg.replica, target.postgres.primary.dbname, pg)


def _local_redis(target: Target, binding: DrillsBinding) -> RedisTopology | None:
    rd, tr = binding.redis, target.redis
    if rd is None or tr is None or tr.replica is None or tr.sentinel is None or rd.primary is None:
        return None
    return RedisTopology(
        tr.primary.port, tr.replica.port, tr.sentinel.port, tr.sentinel.master_name, rd.primary, rd
    )


def _local_rollout(target: Target, binding: DrillsBinding) -> RolloutTopology | None:
    ro = binding.rollout
    if ro is None or target.http is None or not ro.instances:
        return None
    return RolloutTopology(
        target.http.base_url, target.http.ca_file, target.http.server_hostname, ro.instances, ro
    )
