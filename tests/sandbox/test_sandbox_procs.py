"""Pid files and process ownership: stale files, foreign pids and stubborn processes."""

from __future__ import annotations

import os
import signal
import sys
import time
from pathlib import Path

import pytest

from sandbox import procs
from sandbox.errors import SandboxError, StartupFailed

SLEEPER = (
    "import signal, sys, time\n"
    "if 'stubborn' in sys.argv: signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
    "time.sleep(60)"
)


def _spec(tmp_path: Path, tag: str, *extra: str) -> procs.ProcSpec:
    argv = [sys.executable, "-c", SLEEPER, f"--tag={tag}", *extra]
    return procs.ProcSpec("sleeper", argv, ("-c", f"--tag={tag}"), tmp_path / "sleeper.log")


def test_spawned_process_is_recognised_and_stopped(tmp_path: Path) -> None:
    spec, pidfile = _spec(tmp_path, "a"), tmp_path / "sleeper.pid"
    pid = procs.spawn(spec, pidfile)
    assert procs.owned_pid(pidfile, spec.markers) == pid
    procs.stop_pidfile(pidfile, spec.markers, timeout_s=5)
    assert procs.cmdline(pid) is None
    assert not pidfile.exists()


def test_stale_pidfile_of_a_dead_process_is_removed(tmp_path: Path) -> None:
    spec, pidfile = _spec(tmp_path, "b"), tmp_path / "sleeper.pid"
    pid = procs.spawn(spec, pidfile)
    os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 5
    while procs.cmdline(pid) is not None and time.monotonic() < deadline:
        procs.reap(pid)
        time.sleep(0.05)
    assert procs.owned_pid(pidfile, spec.markers) is None
    assert not pidfile.exists()


def test_pidfile_naming_a_foreign_process_never_kills_it(tmp_path: Path) -> None:
    pidfile = tmp_path / "sleeper.pid"
    pidfile.write_text(f"{os.getpid()}\n")  # this pytest process: alive, but not a sleeper
    markers = ("-c", "--tag=c")
    assert procs.owned_pid(pidfile, markers) is None
    procs.stop_pidfile(pidfile, markers, timeout_s=1)
    assert procs.cmdline(os.getpid()) is not None


def test_garbage_pidfile_is_treated_as_absent(tmp_path: Path) -> None:
    pidfile = tmp_path / "x.pid"
    pidfile.write_text("not a pid\n")
    assert procs.read_pid(pidfile) is None
    assert procs.owned_pid(pidfile, ("anything",)) is None


def test_process_ignoring_sigterm_is_killed_after_the_timeout(tmp_path: Path) -> None:
    spec, pidfile = _spec(tmp_path, "d", "stubborn"), tmp_path / "sleeper.pid"
    pid = procs.spawn(spec, pidfile)
    time.sleep(0.3)  # let it install its SIGTERM handler
    began = time.monotonic()
    procs.stop_pidfile(pidfile, spec.markers, timeout_s=0.5)
    assert procs.cmdline(pid) is None
    assert time.monotonic() - began >= 0.5


def test_wait_until_times_out_with_the_last_probe_error() -> None:
    def probe() -> bool:
        raise ConnectionRefusedError("nobody home")

    with pytest.raises(SandboxError, match="nobody home"):
        procs.wait_until("thing", probe, timeout_s=0.2, interval_s=0.05)


def test_wait_until_stops_at_once_on_startup_failure() -> None:
    began = time.monotonic()
    with pytest.raises(StartupFailed):
        procs.wait_until("thing", lambda: (_ for _ in ()).throw(StartupFailed("thing", "died")), timeout_s=5)
    assert time.monotonic() - began < 1


def test_wait_until_returns_when_the_check_passes() -> None:
    calls = iter([False, False, True])
    procs.wait_until("thing", lambda: next(calls), timeout_s=5, interval_s=0.01)
