"""Bring the sandbox up (idempotently), report its status, and take it down again.

`up` starts, in dependency order, every component that is not already healthy; `down` stops, in reverse
order, exactly what the pid files under RUN_DIR/pids name (checked against /proc/PID/cmdline) and removes the
namespaces and iptables chains of this configuration.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from sandbox import drills_binding, secrets_env
from sandbox.components.base import Component, ComponentStatus, RunContext, Skipped, skip_record
from sandbox.config import SandboxConfig
from sandbox.defects import store
from sandbox.errors import SandboxError
from sandbox.inventory import components, status

RUN_SUBDIRS = (
    "pg-primary",
    "pg-replica",
    "redis",
    "app",
    "nginx",
    "prometheus",
    "moto",
    "tls",
    "static",
    "logs",
    "pids",
    "netns",
    "skipped",
)


@dataclass(frozen=True)
class UpReport:
    """What one `up` did and how long it took."""

    seconds: float
    started: tuple[str, ...]
    already_healthy: tuple[str, ...]
    skipped: tuple[tuple[str, str], ...]
    statuses: tuple[ComponentStatus, ...]

    @property
    def all_healthy(self) -> bool:
        """Every component is healthy, skipped with a recorded reason, or held by a planted defect."""
        return all(s.ok for s in self.statuses)


def context(cfg: SandboxConfig) -> RunContext:
    """Create the run dir layout (world-traversable: servers run as other users) and load the secrets."""
    cfg.run_dir.mkdir(parents=True, exist_ok=True)
    cfg.run_dir.chmod(0o755)
    for sub in RUN_SUBDIRS:
        cfg.path(sub).mkdir(exist_ok=True)
    return RunContext(cfg, secrets_env.load_or_create(cfg))


def _bring_up(ctx: RunContext, comp: Component, held: dict[str, str]) -> str:
    """'healthy', 'started', 'skipped' or 'held'; Skipped reasons are recorded for `status`. A component a
    planted defect holds is left as it is: `up` must not quietly undo a defect a user is watching."""
    if comp.name in held:
        return "held"
    record = skip_record(ctx.cfg, comp.name)
    record.unlink(missing_ok=True)
    before = comp.status(ctx)
    if before.skipped:
        return "skipped"
    if before.healthy:
        return "healthy"
    try:
        comp.start(ctx)
    except Skipped as exc:
        record.write_text(str(exc) + "\n")
        return "skipped"
    return "started"


def up(cfg: SandboxConfig, progress: Callable[[str], None] | None = None) -> UpReport:
    """Start every component that is not healthy; raise SandboxError on the first that cannot start."""
    began = time.monotonic()
    ctx = context(cfg)
    outcome: dict[str, list[str]] = {"healthy": [], "started": [], "skipped": [], "held": []}
    held = store.held_components(cfg)
    for comp in components(cfg):
        t0 = time.monotonic()
        result = _bring_up(ctx, comp, held)
        outcome[result].append(comp.name)
        if progress:
            progress(f"{comp.name}: {result} ({time.monotonic() - t0:.1f} s)")
    drills_binding.write(ctx)  # what the drills need to act on these processes (bindings.drills.generated)
    final = tuple(status(cfg))
    skipped = tuple((s.name, s.detail) for s in final if s.skipped)
    return UpReport(
        time.monotonic() - began, tuple(outcome["started"]), tuple(outcome["healthy"]), skipped, final
    )


def down(cfg: SandboxConfig, progress: Callable[[str], None] | None = None) -> float:
    """Stop everything this run dir started, in reverse order; returns the seconds it took. Planted defects
    are undone first: some live in data that outlives the processes (PostgreSQL catalogs)."""
    began = time.monotonic()
    if not cfg.run_dir.exists():
        return 0.0
    ctx = RunContext(cfg, secrets_env.parse_env_file(cfg.path("secrets.env")))
    errors: list[str] = []
    if store.planted(cfg):
        from sandbox.defects.lifecycle import unplant_all  # the defects use the manager's components

        try:
            unplant_all(cfg, progress or (lambda line: None))
        except SandboxError as exc:
            errors.append(str(exc))
    for comp in reversed(components(cfg)):
        try:
            comp.stop(ctx)
        except SandboxError as exc:  # keep going: everything else must still be stopped
            errors.append(str(exc))
        skip_record(cfg, comp.name).unlink(missing_ok=True)
        if progress:
            progress(f"{comp.name}: stopped")
    if errors:
        raise SandboxError("down", "; ".join(errors))
    return time.monotonic() - began
