"""Every process the load engine starts, so that one call stops them all: `stop_load_children()`.

Local Locust processes run in their own process group (a terminal's Ctrl-C reaches claimcheck, never
them directly), and each is killed by the kernel when claimcheck dies (PR_SET_PDEATHSIG, set in the child
before it runs anything, so even a SIGKILLed claimcheck leaves none behind). Workers on ssh hosts are
stopped through ssh and quit on their own within 10 s of losing the master.
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import itertools
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

PARENT_ENV = "CLAIMCHECK_LOAD_PARENT"  # the pid the load processes die with (locustfile.py reads it)
GRACE_S = 2.0
PR_SET_PDEATHSIG = 1
_PRCTL = ctypes.CDLL(None, use_errno=True).prctl if sys.platform.startswith("linux") else None


@dataclass(frozen=True)
class Remote:
    """A worker process claimcheck started on another host; `stop(hurry)` ends it there."""

    label: str
    stop: Callable[[bool], None]


_LOCK = threading.RLock()  # re-entrant: a signal handler may call in while the main thread holds it
_LOCAL: dict[int, tuple[int, subprocess.Popen[bytes]]] = {}  # pid -> (run, process)
_REMOTE: dict[int, tuple[int, Remote]] = {}
_IDS = itertools.count()
_depth = [0]  # > 0 while a stop is waiting: a second call (a second signal) kills at once


def new_run() -> int:
    """An id for one load run's processes."""
    return next(_IDS)


def spawn(run: int, cmd: list[str], env: dict[str, str], log: Path, cwd: Path) -> subprocess.Popen[bytes]:
    """Start `cmd` in its own process group, output to `log`, registered under `run`."""
    parent = os.getpid()
    env = {**env, PARENT_ENV: str(parent)}
    with _LOCK, log.open("wb") as fh:
        proc = subprocess.Popen(
            cmd,
            env=env,
            stdout=fh,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            cwd=cwd,
            process_group=0,
            preexec_fn=None if _PRCTL is None else lambda: _die_with(parent),
        )
        _LOCAL[proc.pid] = (run, proc)
    return proc


def _die_with(parent: int) -> None:
    """In the child, before it runs anything: the kernel kills it when claimcheck dies. Set here, not only
    by locustfile.py once Locust has imported it (seconds on a busy machine), so a claimcheck killed while
    its load processes start leaves none behind either."""
    assert _PRCTL is not None
    _PRCTL(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # claimcheck died between the fork and the line above
        os._exit(1)


def register_remote(run: int, remote: Remote) -> None:
    with _LOCK:
        _REMOTE[id(remote)] = (run, remote)


def child_pids(run: int | None = None) -> list[int]:
    """Pids of the local load processes (of `run`, or of every run) not yet reaped."""
    with _LOCK:
        return [p.pid for r, p in _LOCAL.values() if run is None or r == run]


def stop_load_children(run: int | None = None, grace_s: float = GRACE_S) -> None:
    """Stop every process the load engine started (only those of `run` when given) and reap them.

    SIGTERM to each local process group and a stop through ssh for remote workers; whatever is left after
    `grace_s` gets SIGKILL. A call made while another is waiting (a second SIGTERM or Ctrl-C whose handler
    calls this again) sends SIGKILL at once and returns when they are gone. Safe from any thread, from a
    signal handler, and any number of times; returns within about grace_s + 1 s."""
    with _LOCK:
        hurry = _depth[0] > 0
        _depth[0] += 1
        local = [p for r, p in _LOCAL.values() if run is None or r == run]
        remote = [x for r, x in _REMOTE.values() if run is None or r == run]
    try:
        for proc in local:
            _signal_group(proc, signal.SIGKILL if hurry else signal.SIGTERM)
        for rem in remote:
            with contextlib.suppress(Exception):  # best effort: the worker also quits without its master
                rem.stop(hurry)
        deadline = time.monotonic() + (0.0 if hurry else grace_s)
        for proc in local:
            _reap(proc, deadline)
    finally:
        with _LOCK:
            _depth[0] -= 1
            for proc in local:
                if proc.returncode is not None:
                    _LOCAL.pop(proc.pid, None)
            for rem in remote:
                _REMOTE.pop(id(rem), None)


def _signal_group(proc: subprocess.Popen[bytes], sig: signal.Signals) -> None:
    """Signal the process group (its pgid is its pid) while the leader is not reaped, so never a
    recycled pid."""
    if proc.returncode is None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, sig)


def _reap(proc: subprocess.Popen[bytes], deadline: float) -> None:
    try:
        proc.wait(timeout=max(0.0, deadline - time.monotonic()))
    except subprocess.TimeoutExpired:
        pass
    finally:  # also when interrupted while waiting: never leave the group running
        _signal_group(proc, signal.SIGKILL)
        if proc.returncode is None:
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=1.0)


atexit.register(stop_load_children)
