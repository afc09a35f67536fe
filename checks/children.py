"""Child processes claimcheck starts for a run (the Locust load processes): each in its own process group,
every group gone before claimcheck exits.

A group is signalled as a whole (`killpg`), so a Locust master's workers, or anything a child started,
stop with it. `stop_all()` is the runner's last act, whatever ended the run.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import threading
import time
from pathlib import Path

_groups: dict[int, subprocess.Popen[bytes]] = {}
_lock = threading.Lock()


def spawn(cmd: list[str], env: dict[str, str], log: Path, cwd: Path) -> subprocess.Popen[bytes]:
    """Start `cmd` as the leader of a new process group (output to `log`), registered for stop_all()."""
    with log.open("wb") as fh:
        proc = subprocess.Popen(
            cmd, env=env, stdout=fh, stderr=subprocess.STDOUT, cwd=cwd, start_new_session=True
        )
    with _lock:
        _groups[proc.pid] = proc
    return proc


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def stop(procs: list[subprocess.Popen[bytes]], grace_s: float) -> None:
    """SIGTERM every group, SIGKILL what is left after `grace_s`, and reap: no member survives."""
    for proc in procs:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
    deadline = time.monotonic() + grace_s
    for proc in procs:
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=max(0.0, deadline - time.monotonic()))
    for proc in procs:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        _wait_group_gone(proc.pid)
        with _lock:
            _groups.pop(proc.pid, None)


def _wait_group_gone(pgid: int, timeout_s: float = 5.0) -> None:
    deadline = time.monotonic() + timeout_s
    while _group_alive(pgid) and time.monotonic() < deadline:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pgid, signal.SIGKILL)
        time.sleep(0.02)


def running() -> list[int]:
    """Process-group ids still registered (and alive)."""
    with _lock:
        return [pgid for pgid in _groups if _group_alive(pgid)]


def stop_all(grace_s: float = 1.0) -> None:
    """Stop every group still registered (an interrupted run's load processes)."""
    with _lock:
        procs = list(_groups.values())
    if procs:
        stop(procs, grace_s)
