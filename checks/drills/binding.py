"""The `drills` binding of targets.yaml: which processes a drill may break on this target, and its settings.

    drills:
      control: local                      # every process is described here (or in the generated file)
      generated: .sandbox/drills.json     # optional: the same keys, written at run time (`sandbox up`)
      postgres: {promotion: drill, rto_timeout_s: 60, max_replica_lag_s: 10}
      redis: {fault: sigstop, failover_timeout_s: 60}
      rollout: {probe_interval_s: 0.02}
      backup: {source: drill}

Processes (start command, markers, pid file, data directories) are described as ProcBinding and its kin. A
reference target that starts its own processes writes them into the `generated` file, as a partial binding;
the keys given in targets.yaml win. Data only: no I/O here (checks/drills/topology.py reads the file).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


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
    """A PostgreSQL node: its process, port, data directory and the socket directory of its local admin."""

    port: int
    data_dir: str
    socket_dir: str


class PgDrillBinding(_Strict):
    """The PostgreSQL failover and restore drills: the two nodes and the drill's timings."""

    primary: PgNodeBinding | None = None
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
    """The Redis failover drill: the primary's process and the drill's timings."""

    primary: ProcBinding | None = None
    fault: Literal["sigstop"] = "sigstop"  # the primary hangs (SIGSTOP); resumed by the undo
    warmup_s: float = Field(default=1.0, ge=0)
    observe_s: float = Field(default=1.0, ge=0)
    write_interval_s: float = Field(default=0.05, gt=0, le=0.1)
    failover_timeout_s: float = Field(default=60.0, gt=0)
    restore_timeout_s: float = Field(default=90.0, gt=0)


class AppInstanceBinding(ProcBinding):
    """An app instance behind the gateway, with the health URL it answers on directly."""

    health_url: str


class RolloutDrillBinding(_Strict):
    """The rolling-restart drill: the app instances and how often the gateway is probed."""

    instances: tuple[AppInstanceBinding, ...] = ()
    probe_path: str = "/health"
    probe_interval_s: float = Field(default=0.02, gt=0)
    settle_s: float = Field(default=1.0, ge=0)
    instance_timeout_s: float = Field(default=60.0, gt=0)


class BackupDrillBinding(_Strict):
    """The backup-restore drill: where its backup comes from and where the scratch instance goes."""

    source: Literal["drill"] = "drill"  # the drill takes its own backup (platform catalogs: not yet)
    scratch_dir: str | None = None


class DrillsBinding(_Strict):
    """`bindings.drills`: the processes drills may act on (each part None when the target offers none)."""

    control: Literal["local"] = "local"
    generated: str | None = None  # a JSON partial binding written at run time; targets.yaml keys win
    state_dir: str | None = None
    postgres: PgDrillBinding | None = PgDrillBinding()
    redis: RedisDrillBinding | None = RedisDrillBinding()
    rollout: RolloutDrillBinding | None = RolloutDrillBinding()
    backup: BackupDrillBinding | None = BackupDrillBinding()
