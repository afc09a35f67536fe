"""Processes the sandbox starts: spawn with a pid file, recognise them again, stop exactly them.

A pid file alone is not proof of ownership (a crashed run leaves stale files and pids are reused), so a
pid counts as ours only while /proc/PID/cmdline contains every marker the component expects.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sandbox.errors import SandboxError, StartupFailed


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


def cmdline(pid: int) -> str | None:
    """The command line of a live process, or None when it is gone (or a zombie)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        if stat.rsplit(")", 1)[1].split()[0] in ("Z", "X"):
            return None
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return None
    return raw.replace(b"\0", b" ").decode(errors="replace").strip()


def is_ours(pid: int, markers: Sequence[str]) -> bool:
    """True when `pid` is alive and its command line contains every marker."""
    line = cmdline(pid)
    return line is not None and all(m in line for m in markers)


def read_pid(pidfile: Path) -> int | None:
    """The integer in a pid file, or None when the file is missing or garbage."""
    try:
        return int(pidfile.read_text().split()[0])
    except (FileNotFoundError, ValueError, IndexError):
        return None


def owned_pid(pidfile: Path, markers: Sequence[str]) -> int | None:
    """The pid in `pidfile` if it is still our process; a stale file is removed."""
    pid = read_pid(pidfile)
    if pid is not None and is_ours(pid, markers):
        return pid
    pidfile.unlink(missing_ok=True)
    return None


def spawn(spec: ProcSpec, pidfile: Path) -> int:
    """Start `spec` in its own session with output appended to its log; record its pid."""
    spec.log.parent.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, **spec.env}
    with open(spec.log, "ab") as log:
        proc = subprocess.Popen(
            list(spec.argv),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=spec.cwd,
            env=env,
            user=spec.user,
            start_new_session=True,
            close_fds=True,
        )
    pidfile.parent.mkdir(parents=True, exist_ok=True)
    pidfile.write_text(f"{proc.pid}\n")
    _await_cmdline(proc.pid, timeout_s=5.0)
    return proc.pid


def _await_cmdline(pid: int, timeout_s: float) -> None:
    """Popen returns inside execve, before the kernel publishes the new argv: /proc/PID/cmdline is briefly
    empty, and a marker check at that moment would call our own process foreign."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            if Path(f"/proc/{pid}/cmdline").read_bytes():
                return
        except FileNotFoundError:
            return
        time.sleep(0.005)


def _reap(pid: int) -> None:
    with contextlib.suppress(ChildProcessError, OSError):
        os.waitpid(pid, os.WNOHANG)


def terminate(pid: int, markers: Sequence[str], timeout_s: float, sig: int = signal.SIGTERM) -> None:
    """Send `sig` to our process, wait up to `timeout_s`, then SIGKILL; never touch a foreign pid."""
    if not is_ours(pid, markers):
        return
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, sig)
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        _reap(pid)
        if cmdline(pid) is None:
            return
        time.sleep(0.05)
    if is_ours(pid, markers):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    kill_deadline = time.monotonic() + 5.0
    while cmdline(pid) is not None and time.monotonic() < kill_deadline:
        _reap(pid)
        time.sleep(0.05)


def stop_pidfile(pidfile: Path, markers: Sequence[str], timeout_s: float, sig: int = signal.SIGTERM) -> None:
    """Stop the process recorded in `pidfile` if it is ours, and remove the file."""
    pid = owned_pid(pidfile, markers)
    if pid is not None:
        terminate(pid, markers, timeout_s, sig)
    pidfile.unlink(missing_ok=True)


def wait_until(what: str, check: Callable[[], bool], timeout_s: float, interval_s: float = 0.1) -> None:
    """Poll `check` until it is true; raise SandboxError naming `what` after `timeout_s`.

    Other exceptions from `check` mean "not ready yet"; StartupFailed (e.g. the process died) aborts at once.
    """
    deadline = time.monotonic() + timeout_s
    while True:
        last = "check returned false"
        try:
            if check():
                return
        except StartupFailed:
            raise
        except Exception as exc:
            last = f"{type(exc).__name__}: {exc}"
        if time.monotonic() >= deadline:
            raise SandboxError(what, f"not ready after {timeout_s:.0f} s (last probe: {last[:300]})")
        time.sleep(interval_s)


def port_open(host: str, port: int, timeout_s: float = 0.5) -> bool:
    """True when a TCP connection to host:port succeeds."""
    try:
        with socket.create_connection((host, port), timeout=timeout_s):
            return True
    except OSError:
        return False


def run(
    argv: Sequence[str],
    *,
    user: str | None = None,
    check: bool = True,
    timeout_s: float = 60.0,
    input_text: str | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run a short command; a non-zero exit raises SandboxError with its stderr when `check`."""
    proc = subprocess.run(
        list(argv),
        capture_output=True,
        text=True,
        user=user,
        timeout=timeout_s,
        input=input_text,
    )
    if check and proc.returncode != 0:
        raise SandboxError(argv[0], f"{' '.join(argv)} exited {proc.returncode}: {proc.stderr.strip()[:500]}")
    return proc
