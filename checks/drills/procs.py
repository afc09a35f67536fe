"""Processes a drill stops and starts again: recognise them by pid file + command line, never by name."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from checks.drills.topology import ProcBinding
from checks.errors import CollectionError


class DrillError(CollectionError):
    """A drill step failed (the endpoint names the component)."""


def cmdline(pid: int) -> str | None:
    """The command line of a live (non-zombie) process, or None."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        if stat.rsplit(")", 1)[1].split()[0] in ("Z", "X"):
            return None
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return None


def is_ours(pid: int, markers: Sequence[str]) -> bool:
    line = cmdline(pid)
    return line is not None and all(m in line for m in markers)


def is_stopped(pid: int) -> bool:
    """True when the process is stopped by a signal (SIGSTOP)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "T"
    except (FileNotFoundError, IndexError):
        return False


def read_pid(path: Path) -> int | None:
    try:
        return int(path.read_text().split()[0])
    except (FileNotFoundError, ValueError, IndexError):
        return None


def proc_pid(proc: ProcBinding) -> int | None:
    """The pid recorded in the process's pid file while it is still that process."""
    if proc.pidfile is None:
        return None
    pid = read_pid(Path(proc.pidfile))
    return pid if pid is not None and is_ours(pid, proc.markers) else None


def spawn(proc: ProcBinding) -> int:
    """Start `proc` in its own session, output appended to its log; record its pid."""
    Path(proc.log).parent.mkdir(parents=True, exist_ok=True)
    with open(proc.log, "ab") as log:
        child = subprocess.Popen(
            list(proc.argv),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=proc.cwd,
            env={**os.environ, **proc.env},
            user=proc.user,
            start_new_session=True,
            close_fds=True,
        )
    if proc.pidfile:
        Path(proc.pidfile).parent.mkdir(parents=True, exist_ok=True)
        Path(proc.pidfile).write_text(f"{child.pid}\n")
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and not Path(f"/proc/{child.pid}/cmdline").read_bytes():
        time.sleep(0.005)  # before execve publishes argv the cmdline is empty
    return child.pid


def terminate(pid: int, markers: Sequence[str], timeout_s: float, sig: int = signal.SIGTERM) -> None:
    """Send `sig` to our process, wait up to `timeout_s`, then SIGKILL; a foreign pid is never touched."""
    if not is_ours(pid, markers):
        return
    with contextlib.suppress(ProcessLookupError):
        if is_stopped(pid):
            os.kill(pid, signal.SIGCONT)
        os.kill(pid, sig)
    if wait_gone(pid, timeout_s):
        return
    if is_ours(pid, markers):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    wait_gone(pid, 5.0)


def wait_gone(pid: int, timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        with contextlib.suppress(ChildProcessError, OSError):
            os.waitpid(pid, os.WNOHANG)
        if cmdline(pid) is None:
            return True
        time.sleep(0.02)
    return cmdline(pid) is None


def wait_for(what: str, check: Callable[[], bool], timeout_s: float, interval_s: float = 0.05) -> float:
    """Poll `check` until true (exceptions: not yet); returns the seconds waited, raises DrillError."""
    began = time.monotonic()
    last = "check returned false"
    while True:
        try:
            if check():
                return time.monotonic() - began
        except Exception as exc:
            last = f"{type(exc).__name__}: {exc}"
        if time.monotonic() - began >= timeout_s:
            raise DrillError(what, f"not reached within {timeout_s:.0f} s (last: {last[:300]})")
        time.sleep(interval_s)


def run(
    argv: Sequence[str],
    *,
    user: str | None = None,
    timeout_s: float = 300.0,
    env: dict[str, str] | None = None,
) -> str:
    """Run a short command; a non-zero exit raises DrillError with its stderr."""
    proc = subprocess.run(
        list(argv),
        capture_output=True,
        text=True,
        user=user,
        timeout=timeout_s,
        env={**os.environ, **(env or {})},
    )
    if proc.returncode != 0:
        raise DrillError(Path(argv[0]).name, f"exited {proc.returncode}: {proc.stderr.strip()[:500]}")
    return proc.stdout
