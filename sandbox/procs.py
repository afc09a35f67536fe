"""Processes the sandbox starts, on claimcheck's one process helper (checks/procs.py).

What is the sandbox's own here: a ProcSpec (how a component's process is started and recognised) and the
errors the manager reports (SandboxError naming the component; StartupFailed ends a wait at once).
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from checks import procs as _procs
from checks.procs import cmdline, is_ours, owned_pid, port_open, read_pid, reap, stop_pidfile, terminate
from sandbox.errors import SandboxError, StartupFailed

__all__ = [
    "ProcSpec",
    "cmdline",
    "is_ours",
    "owned_pid",
    "port_open",
    "read_pid",
    "reap",
    "run",
    "spawn",
    "stop_pidfile",
    "terminate",
    "wait_until",
]


@dataclass(frozen=True)
class ProcSpec:
    """How to start one long-running process and how to recognise it later."""

    name: str
    argv: Sequence[str]
    markers: tuple[str, ...]
    log: Path
    user: str | None = None
    cwd: Path | None = None
    env: dict[str, str] = field(default_factory=dict)


def spawn(spec: ProcSpec, pidfile: Path) -> int:
    """Start `spec` in its own session with output appended to its log; record its pid."""
    return _procs.spawn(spec.argv, log=spec.log, pidfile=pidfile, user=spec.user, cwd=spec.cwd, env=spec.env)


def wait_until(what: str, check: Callable[[], bool], timeout_s: float, interval_s: float = 0.1) -> None:
    """Poll `check` until it is true; raise SandboxError naming `what` after `timeout_s`.

    Other exceptions from `check` mean "not ready yet"; StartupFailed (e.g. the process died) aborts at once.
    """
    try:
        _procs.wait_for(what, check, timeout_s, interval_s, abort=(StartupFailed,))
    except _procs.ProcError as exc:
        raise SandboxError(what, exc.detail) from None


def run(
    argv: Sequence[str],
    *,
    user: str | None = None,
    check: bool = True,
    timeout_s: float = 60.0,
    input_text: str | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run a short command; a non-zero exit raises SandboxError with its stderr when `check`."""
    done = _procs.run(argv, user=user, timeout_s=timeout_s, input_text=input_text, check=False)
    if check and done.returncode != 0:
        raise SandboxError(argv[0], f"{' '.join(argv)} exited {done.returncode}: {done.stderr.strip()[:500]}")
    return done
