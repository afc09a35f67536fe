"""Planted defects on disk (RUN_DIR/defects/<name>.json): written before the change is made, removed only
after the undo was verified, so an interrupted plant or a crashed selftest can always be undone."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sandbox.config import SandboxConfig


@dataclass(frozen=True)
class PlantedRecord:
    """One planted (or half-planted) defect and what its undo needs."""

    name: str
    touches: tuple[str, ...]
    saved: dict[str, Any]
    planted_at: float


def _dir(cfg: SandboxConfig) -> Path:
    return cfg.path("defects")


def write(cfg: SandboxConfig, name: str, touches: tuple[str, ...], saved: dict[str, Any]) -> PlantedRecord:
    """Record `name` as planted (mode 0600: the saved state may hold configuration)."""
    record = PlantedRecord(name, touches, saved, time.time())
    _dir(cfg).mkdir(parents=True, exist_ok=True)
    path = _dir(cfg) / f"{name}.json"
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(record.__dict__, indent=1, default=list))
    tmp.chmod(0o600)
    tmp.replace(path)
    return record


def read(cfg: SandboxConfig, name: str) -> PlantedRecord | None:
    """The record of `name`, if it is planted."""
    path = _dir(cfg) / f"{name}.json"
    if not path.is_file():
        return None
    raw = json.loads(path.read_text())
    return PlantedRecord(raw["name"], tuple(raw["touches"]), raw["saved"], float(raw["planted_at"]))


def remove(cfg: SandboxConfig, name: str) -> None:
    (_dir(cfg) / f"{name}.json").unlink(missing_ok=True)


def planted(cfg: SandboxConfig) -> list[PlantedRecord]:
    """Every planted defect of this run dir, oldest first."""
    if not _dir(cfg).is_dir():
        return []
    found = [read(cfg, p.stem) for p in _dir(cfg).glob("*.json")]
    return sorted((r for r in found if r is not None), key=lambda r: r.planted_at)


def held_components(cfg: SandboxConfig) -> dict[str, str]:
    """Component name -> the planted defect that keeps it unlike its template."""
    return {comp: record.name for record in planted(cfg) for comp in record.touches}
