"""Every load process ends with claimcheck: stop_load_children, Ctrl-C, SIGTERM (once or twice), SIGKILL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from checks.collect.load import LoadGeneratorError, LoadPlan, run_open_loop, stop_load_children
from checks.collect.load.children import child_pids, new_run, spawn
from tests.drills.servers import free_port

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]


def _alive(pid: int) -> bool:
    """Running (a zombie nobody reaps counts as gone: PID 1 here reaps nothing)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except FileNotFoundError:
        return False
    return fields[0] != "Z"


def _wait_gone(pids: list[int], timeout_s: float = 5.0) -> list[int]:
    deadline = time.monotonic() + timeout_s
    while any(_alive(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    return [p for p in pids if _alive(p)]


def _wait_for_children(count: int) -> list[int]:
    deadline = time.monotonic() + 30
    while len(child_pids()) < count and time.monotonic() < deadline:
        time.sleep(0.05)
    return child_pids()


def test_stop_load_children_ends_a_run_in_progress(tmp_path: Path) -> None:
    plan = LoadPlan(f"http://127.0.0.1:{free_port()}", "/", rate=20, duration_s=60, workers=2)
    failures: list[BaseException] = []

    def run() -> None:
        try:
            run_open_loop(plan, max_rps=100, out_dir=tmp_path)
        except BaseException as exc:
            failures.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    pids = _wait_for_children(3)  # master and two workers
    stop_load_children()
    thread.join(timeout=20)
    assert not thread.is_alive() and isinstance(failures[0], LoadGeneratorError)
    assert len(pids) == 3 and not _wait_gone(pids, 0.1) and not child_pids()


def test_a_second_call_kills_at_once_what_ignores_sigterm(tmp_path: Path) -> None:
    stubborn = spawn(
        new_run(), ["sh", "-c", "trap '' TERM; sleep 60"], dict(os.environ), tmp_path / "o", tmp_path
    )
    time.sleep(0.2)  # let the shell set its trap
    first = threading.Thread(target=stop_load_children, kwargs={"grace_s": 60.0})
    first.start()
    time.sleep(0.3)
    stop_load_children()  # what a second SIGTERM's handler does
    first.join(timeout=10)
    assert not first.is_alive() and stubborn.returncode is not None and not child_pids()


CHILD = """
import signal, sys, time
from checks.collect.load import LoadPlan, run_open_loop, stop_load_children
from checks.collect.load.children import child_pids
if sys.argv[1] == "handler":  # what the run's interruption handler does: stop the children, then exit
    signal.signal(signal.SIGTERM, lambda *_: (stop_load_children(), sys.exit(143)))
import threading
def report():
    while len(child_pids()) < 3:
        time.sleep(0.05)
    print(" ".join(map(str, child_pids())), flush=True)
threading.Thread(target=report, daemon=True).start()
plan = LoadPlan(sys.argv[2], "/", rate=20, duration_s=60, workers=2)
run_open_loop(plan, max_rps=100)
"""


@pytest.mark.parametrize(
    ("handler", "signals"),
    [
        ("none", [signal.SIGINT]),  # Ctrl-C: KeyboardInterrupt, the engine's finally stops them
        ("none", [signal.SIGTERM]),  # no handler: the kernel kills them with claimcheck (PDEATHSIG)
        ("handler", [signal.SIGTERM]),
        ("handler", [signal.SIGTERM, signal.SIGTERM]),  # the second arrives while the first waits
        ("none", [signal.SIGKILL]),
    ],
)
def test_an_interrupted_claimcheck_leaves_no_load_process(handler: str, signals: list[int]) -> None:
    child = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(CHILD), handler, f"http://127.0.0.1:{free_port()}"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),  # a background shell ignores it
    )
    assert child.stdout is not None
    pids = [int(p) for p in child.stdout.readline().split()]
    for sig in signals:
        child.send_signal(sig)
        time.sleep(0.1)
    child.wait(timeout=30)
    assert len(pids) == 3 and not _wait_gone(pids)


SPAWNER = """
import os, sys
from pathlib import Path
from checks.collect.load.children import new_run, spawn
out = Path(sys.argv[1])
cmd = [sys.executable, "-c", "import time; time.sleep(60)"]
proc = spawn(new_run(), cmd, dict(os.environ), out / "log", out)
print(proc.pid, flush=True)
sys.stdin.read()
"""


def test_a_load_process_still_starting_dies_with_a_killed_claimcheck(tmp_path: Path) -> None:
    # the child never imports locustfile.py (which sets PR_SET_PDEATHSIG too): only spawn's own setting
    # can end it when claimcheck is killed during the seconds Locust takes to start on a busy machine
    parent = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(SPAWNER), str(tmp_path)],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert parent.stdout is not None
    pid = int(parent.stdout.readline())
    assert _alive(pid)
    parent.kill()
    parent.wait(timeout=10)
    assert not _wait_gone([pid])
