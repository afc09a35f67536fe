"""Processes claimcheck starts, stops and recognises: one helper for the drills and for the sandbox.

A pid file alone is not proof of ownership (a crashed run leaves stale files and pids are reused), so a pid
counts as ours only while /proc/PID/cmdline contains every marker the process is known by. A foreign pid is
never signalled.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from checks.errors import CollectionError


class ProcError(CollectionError):
    """A process step failed: a command exited non-zero, or a wait ran out (the endpoint names what)."""

    def __init__(self, endpoint: str, message: str) -> None:
        self.detail = message
        super().__init__(endpoint, message)


def _state(pid: int) -> str | None:
    """The one-letter state of /proc/PID/stat (R, S, T, Z...), or None when there is no such process."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return None


def cmdline(pid: int) -> str | None:
    """The command line of a live process, or None when it is gone (or a zombie)."""
    if _state(pid) in (None, "Z", "X"):
        return None
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except (FileNotFoundError, ProcessLookupError):
        return None
    return raw.replace(b"\0", b" ").decode(errors="replace").strip()


def is_ours(pid: int, markers: Sequence[str]) -> bool:
    """True when `pid` is alive and its command line contains every marker."""
    line = cmdline(pid)
    return line is not None and all(m in line for m in markers)


def is_stopped(pid: int) -> bool:
    """True when the process is stopped by a signal (SIGSTOP)."""
    return _state(pid) == "T"


def read_pid(pidfile: Path) -> int | None:
    """The integer in a pid file, or None when the file is missing or garbage."""
    try:
        return int(pidfile.read_text().split()[0])
    except (FileNotFoundError, ValueError, IndexError):
        return None


def pid_of(pidfile: Path, markers: Sequence[str]) -> int | None:
    """The pid recorded in `pidfile` while it is still that process (the file is left as it is)."""
    pid = read_pid(pidfile)
    return pid if pid is not None and is_ours(pid, markers) else None


def owned_pid(pidfile: Path, markers: Sequence[str]) -> int | None:
    """The pid in `pidfile` if it is still our process; a stale file is removed."""
    pid = pid_of(pidfile, markers)
    if pid is None:
        pidfile.unlink(missing_ok=True)
    return pid


def spawn(
    argv: Sequence[str],
    *,
    log: Path | str,
    pidfile: Path | str | None = None,
    user: str | None = None,
    cwd: Path | str | None = None,
    env: Mapping[str, str] | None = None,
) -> int:
    """Start `argv` in its own session with output appended to `log`; record its pid in `pidfile`."""
    Path(log).parent.mkdir(parents=True, exist_ok=True)
    with open(log, "ab") as out:
        child = subprocess.Popen(
            list(argv),
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=cwd,
            env={**os.environ, **(env or {})},
            user=user,
            start_new_session=True,
            close_fds=True,
        )
    if pidfile is not None:
        Path(pidfile).parent.mkdir(parents=True, exist_ok=True)
        Path(pidfile).write_text(f"{child.pid}\n")
    _await_cmdline(child.pid, timeout_s=5.0)
    return child.pid


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


def reap(pid: int) -> None:
    """Collect the exit status of a child of ours that has ended (a no-op for anyone else's)."""
    with contextlib.suppress(ChildProcessError, OSError):
        os.waitpid(pid, os.WNOHANG)


def wait_gone(pid: int, timeout_s: float) -> bool:
    """Wait until `pid` is gone (or a zombie); True when it went within `timeout_s`."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        reap(pid)
        if cmdline(pid) is None:
            return True
        time.sleep(0.02)
    return cmdline(pid) is None


def terminate(pid: int, markers: Sequence[str], timeout_s: float, sig: int = signal.SIGTERM) -> None:
    """Send `sig` to our process (resuming it first if it is stopped), wait up to `timeout_s`, then SIGKILL.

    A pid whose command line lacks the markers is never touched."""
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


def stop_pidfile(pidfile: Path, markers: Sequence[str], timeout_s: float, sig: int = signal.SIGTERM) -> None:
    """Stop the process recorded in `pidfile` if it is ours, and remove the file."""
    pid = owned_pid(pidfile, markers)
    if pid is not None:
        terminate(pid, markers, timeout_s, sig)
    pidfile.unlink(missing_ok=True)


def wait_for(
    what: str,
    check: Callable[[], bool],
    timeout_s: float,
    interval_s: float = 0.05,
    *,
    abort: tuple[type[BaseException], ...] = (),
) -> float:
    """Poll `check` until it is true and return the seconds waited; ProcError naming `what` after `timeout_s`.

    An exception from `check` means "not yet", except those in `abort`, which end the wait at once."""
    began = time.monotonic()
    last = "check returned false"
    while True:
        try:
            if check():
                return time.monotonic() - began
        except abort:
            raise
        except Exception as exc:
            last = f"{type(exc).__name__}: {exc}"
        if time.monotonic() - began >= timeout_s:
            raise ProcError(what, f"not reached within {timeout_s:.0f} s (last: {last[:300]})")
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
    timeout_s: float = 300.0,
    env: Mapping[str, str] | None = None,
    input_text: str | None = None,
    check: bool = True,
) -> subprocess.CompletedProcess[str]:
    """Run a short command (extra `env` on top of ours); with `check`, a non-zero exit raises ProcError."""
    done = subprocess.run(
        list(argv),
        capture_output=True,
        text=True,
        user=user,
        timeout=timeout_s,
        input=input_text,
        env=None if env is None else {**os.environ, **env},
    )
    if check and done.returncode != 0:
        raise ProcError(Path(argv[0]).name, f"exited {done.returncode}: {done.stderr.strip()[:500]}")
    return done
