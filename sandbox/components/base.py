"""The component interface the manager drives, and the common shape of a process-backed component."""

from __future__ import annotations

import os
import signal
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from sandbox import procs
from sandbox.config import SandboxConfig
from sandbox.errors import SandboxError, StartupFailed


@dataclass(frozen=True)
class ComponentStatus:
    """One row of `python -m sandbox status`."""

    name: str
    address: str
    pid: int | None
    healthy: bool
    detail: str
    skipped: bool = False
    held_by: str | None = None  # a planted defect (sandbox/defects) keeps it unlike its template

    @property
    def ok(self) -> bool:
        """Healthy, skipped with a recorded reason, or held as planted by a defect."""
        return self.healthy or self.skipped or self.held_by is not None


@dataclass(frozen=True)
class RunContext:
    """What every component needs: the configuration and the generated secrets."""

    cfg: SandboxConfig
    secrets: Mapping[str, str]


class Skipped(SandboxError):
    """The component cannot run here (e.g. not root); the message is the recorded reason."""


class Component(ABC):
    """A piece of the sandbox the manager can start, stop and probe."""

    name: str = "component"

    @abstractmethod
    def address(self, ctx: RunContext) -> str:
        """Where the component listens (for the status table)."""

    @abstractmethod
    def probe(self, ctx: RunContext) -> str:
        """A one-line health detail; raises when the component is not healthy."""

    @abstractmethod
    def start(self, ctx: RunContext) -> None:
        """Bring the component to healthy (restarting it if it is there but unhealthy)."""

    @abstractmethod
    def stop(self, ctx: RunContext) -> None:
        """Remove everything this component started; safe to call when nothing runs."""

    def pid(self, ctx: RunContext) -> int | None:
        """The pid of the component's main process, if it has one and it runs."""
        return None

    def skip_reason(self, ctx: RunContext) -> str | None:
        """Why the component cannot run here, or None when it can."""
        return None

    def status(self, ctx: RunContext) -> ComponentStatus:
        """Probe the component without changing anything."""
        reason = self.skip_reason(ctx) or recorded_skip(ctx.cfg, self.name)
        if reason is not None:
            return ComponentStatus(self.name, self.address(ctx), None, False, f"skipped: {reason}", True)
        try:
            detail, healthy = self.probe(ctx), True
        except Exception as exc:  # any probe failure is "unhealthy", shown in the table
            detail, healthy = f"{type(exc).__name__}: {exc}"[:300], False
        try:
            pid = self.pid(ctx)
        except SandboxError:  # e.g. the server binary is not installed
            pid = None
        return ComponentStatus(self.name, self.address(ctx), pid, healthy, detail)


class ProcessComponent(Component):
    """A component that is one long-running process recorded in RUN_DIR/pids/<name>.pid."""

    stop_signal: int = signal.SIGTERM
    stop_timeout_s: float = 20.0

    @abstractmethod
    def spec(self, ctx: RunContext) -> procs.ProcSpec:
        """How to start the process and recognise it later."""

    @abstractmethod
    def check(self, ctx: RunContext) -> str:
        """Protocol-level health (the process is known to be alive); raises when unhealthy."""

    def listen_ports(self, ctx: RunContext) -> list[int]:
        """TCP ports on 127.0.0.1 the process will bind (checked free before it starts)."""
        return []

    def prepare(self, ctx: RunContext) -> None:
        """Write configuration and data directories before the process starts."""

    def after_start(self, ctx: RunContext) -> None:
        """Provisioning that needs the running process."""

    def pidfile(self, ctx: RunContext) -> Path:
        """RUN_DIR/pids/<name>.pid."""
        return ctx.cfg.path("pids", f"{self.name}.pid")

    def pid(self, ctx: RunContext) -> int | None:
        """The recorded pid while it is still this component's process."""
        return procs.owned_pid(self.pidfile(ctx), self.spec(ctx).markers)

    def probe(self, ctx: RunContext) -> str:
        """Alive (by pid file and command line) and answering its protocol."""
        if self.pid(ctx) is None:
            raise SandboxError(self.name, "not running")
        return self.check(ctx)

    def start(self, ctx: RunContext) -> None:
        """Restart from scratch: stop a leftover, prepare, spawn, wait until healthy, provision."""
        self.stop(ctx)
        busy = [port for port in self.listen_ports(ctx) if procs.port_open("127.0.0.1", port, 0.3)]
        if busy:
            raise SandboxError(
                self.name,
                f"127.0.0.1 port(s) {busy} already in use by a process this run dir "
                "did not start (no pid file): stop it or choose other ports",
            )
        self.prepare(ctx)
        spec = self.spec(ctx)
        procs.spawn(spec, self.pidfile(ctx))
        procs.wait_until(self.name, lambda: self._ready(ctx, spec), ctx.cfg.startup_timeout_s)
        self.after_start(ctx)

    def _ready(self, ctx: RunContext, spec: procs.ProcSpec) -> bool:
        if self.pid(ctx) is None:
            raise StartupFailed(self.name, f"exited during start-up; log tail: {log_tail(spec.log)}")
        self.check(ctx)
        return True

    def stop(self, ctx: RunContext) -> None:
        """Stop the recorded process if it is ours."""
        procs.stop_pidfile(self.pidfile(ctx), self.spec(ctx).markers, self.stop_timeout_s, self.stop_signal)


def skip_record(cfg: SandboxConfig, name: str) -> Path:
    """RUN_DIR/skipped/<name>.txt: why the last `up` skipped the component."""
    return cfg.path("skipped", f"{name}.txt")


def recorded_skip(cfg: SandboxConfig, name: str) -> str | None:
    """The recorded reason for skipping `name`, if the last `up` skipped it."""
    path = skip_record(cfg, name)
    return path.read_text().strip() if path.exists() else None


def log_tail(path: Path, lines: int = 5) -> str:
    """The last lines of a log file, for error messages."""
    try:
        return " | ".join(path.read_text(errors="replace").splitlines()[-lines:])
    except FileNotFoundError:
        return "(no log)"


def is_root() -> bool:
    """True when running as root (needed for namespaces and for running PostgreSQL as `postgres`)."""
    return os.geteuid() == 0
