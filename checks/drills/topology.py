"""How drills reach a target's processes: its `drills` binding (checks/drills/binding.py) resolved into a
DrillEnv, with the run-time `generated` file merged in.

Without a `drills` binding a target has no drills. A part the binding does not describe (no PostgreSQL nodes,
no app instances) is None in the DrillEnv, and the claims that need it are NOT_APPLICABLE with the reason.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from pydantic import ValidationError

from checks.drills.binding import (
    AppInstanceBinding,
    BackupDrillBinding,
    DrillsBinding,
    PgDrillBinding,
    PgNodeBinding,
    ProcBinding,
    RedisDrillBinding,
    RolloutDrillBinding,
)
from checks.drills.nodes import DrillError
from checks.drills.state import default_state_dir
from checks.errors import ConfigError
from checks.evidence.drills import DrillCapabilities
from checks.ledger import project_root
from checks.targets import Target

T = TypeVar("T")

__all__ = [
    "AppInstanceBinding",
    "DrillEnv",
    "DrillsBinding",
    "PgNodeBinding",
    "PgTopology",
    "ProcBinding",
    "RedisTopology",
    "RolloutTopology",
    "drill_env",
    "drills_binding",
    "require",
]


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
    """Everything a drill (or cleanup_run) needs to act on one target; None parts the target lacks.

    `note` says why parts may be missing (e.g. the generated file was not written yet)."""

    target_name: str
    state_dir: Path
    postgres: PgTopology | None
    redis: RedisTopology | None
    rollout: RolloutTopology | None
    backup: BackupDrillBinding | None
    note: str | None = None

    def capabilities(self) -> DrillCapabilities:
        """What this target lets drills exercise."""
        return DrillCapabilities(
            postgres=self.postgres is not None,
            promotion=self.postgres.settings.promotion if self.postgres else None,
            redis=self.redis is not None,
            rollout=self.rollout is not None,
            backup=self.postgres is not None and self.backup is not None,
            note=self.note,
        )


def require(part: T | None, env: DrillEnv, component: str, what: str) -> T:
    """`part` of the DrillEnv, or a DrillError saying the target describes no `what`."""
    if part is None:
        note = f" ({env.note})" if env.note else ""
        raise DrillError(component, f"target {env.target_name} describes no {what}{note}")
    return part


def _merged(base: Mapping[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    """`base` with `over` laid on top, mapping by mapping (`over` wins)."""
    out = dict(base)
    for key, value in over.items():
        below = out.get(key)
        out[key] = _merged(below, value) if isinstance(below, dict) and isinstance(value, dict) else value
    return out


def _generated(path: Path) -> dict[str, Any] | None:
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ConfigError(str(path), f"not valid JSON: {exc}") from None
    if not isinstance(data, dict):
        raise ConfigError(str(path), "expected a JSON object (a partial drills binding)")
    return data


def _resolve(path: str, root: Path) -> Path:
    found = Path(path)
    return found if found.is_absolute() else root / found


def drills_binding(target: Target, root: Path | None = None) -> tuple[DrillsBinding, str | None] | None:
    """The target's `drills` binding with its generated file merged in, and a note when that file is missing
    (None when the target has no drills binding). A broken generated file is a ConfigError naming it."""
    raw = target.bindings.get("drills")
    if raw is None:
        return None
    generated, note, where = raw.get("generated"), None, "targets.yaml"
    if isinstance(generated, str):
        path = _resolve(generated, root or project_root())
        found, where = _generated(path), str(path)
        if found is None:
            note = f"bindings.drills.generated: {path} has not been written (`sandbox up` writes it)"
        raw = _merged(found or {}, raw)
    try:
        return DrillsBinding.model_validate(raw), note
    except ValidationError as exc:
        err = exc.errors()[0]
        key = "bindings.drills." + ".".join(str(p) for p in err["loc"])
        raise ConfigError(where, err["msg"], key=key) from None


def drill_env(target_name: str, target: Target, root: Path | None = None) -> DrillEnv | None:
    """The resolved DrillEnv of a target, or None when it describes no drills."""
    found = drills_binding(target, root)
    if found is None:
        return None
    binding, note = found
    state_dir = Path(binding.state_dir) if binding.state_dir else default_state_dir()
    if not state_dir.is_absolute():
        state_dir = (root or project_root()) / state_dir
    return DrillEnv(
        target_name,
        state_dir,
        _pg(target, binding),
        _redis(target, binding),
        _rollout(target, binding),
        binding.backup,
        note,
    )


def _pg(target: Target, binding: DrillsBinding) -> PgTopology | None:
    pg = binding.postgres
    if pg is None or target.postgres is None or pg.primary is None or pg.replica is None:
        return None
    return PgTopology(pg.primary, pg.replica, target.postgres.primary.dbname, pg)


def _redis(target: Target, binding: DrillsBinding) -> RedisTopology | None:
    rd, tr = binding.redis, target.redis
    if rd is None or tr is None or tr.replica is None or tr.sentinel is None or rd.primary is None:
        return None
    return RedisTopology(
        tr.primary.port, tr.replica.port, tr.sentinel.port, tr.sentinel.master_name, rd.primary, rd
    )


def _rollout(target: Target, binding: DrillsBinding) -> RolloutTopology | None:
    ro = binding.rollout
    if ro is None or target.http is None or not ro.instances:
        return None
    return RolloutTopology(
        target.http.base_url, target.http.ca_file, target.http.server_hostname, ro.instances, ro
    )
