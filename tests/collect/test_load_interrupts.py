"""Interrupting a load run: every Locust process is gone before claimcheck exits, and nothing more is sent
after it has; a steady-state breach stops the load at once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from checks.collect.load.engine import run_open_loop
from checks.collect.load.plan import LoadPlan
from checks.collect.steady import SteadyWatch
from checks.errors import StopConditionBreached
from checks.ledger import project_root
from checks.targets import StopCondition
from tests import hostile

pytestmark = pytest.mark.integration

LOADER = textwrap.dedent("""
    import sys
    from pathlib import Path
    from checks.collect.load.engine import run_open_loop
    from checks.collect.load.plan import LoadPlan
    from checks.interrupts import INTERRUPTS

    INTERRUPTS.install()
    INTERRUPTS.armed = True
    plan = LoadPlan(sys.argv[1], "/", rate=20, duration_s=60, timeout_s=2)
    try:
        run_open_loop(plan, max_rps=100, out_dir=Path(sys.argv[2]))
    except KeyboardInterrupt:
        sys.exit(130)
    finally:
        INTERRUPTS.settle()  # as `claimcheck run` does: a late signal must not kill the exiting interpreter
""")


def processes_with(marker: str) -> list[int]:
    """Live processes whose environment mentions `marker` (the load processes of one run)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            environ = (entry / "environ").read_bytes()
            state = (entry / "stat").read_text().split(") ", 1)[1].split()[0]
        except OSError:
            continue
        if marker.encode() in environ and state != "Z":
            found.append(int(entry.name))
    return found


@pytest.mark.parametrize("signame", ["SIGTERM", "SIGINT"])
def test_a_double_signal_during_load_leaves_no_load_process_and_no_late_request(
    tmp_path: Path, signame: str
) -> None:
    out = tmp_path / "evidence"
    with hostile.http_server(hostile.status("200 OK", "ok", "text/plain")) as server:
        loader = subprocess.Popen(
            [sys.executable, "-c", LOADER, server.url, str(out)],
            cwd=project_root(),
            env={**os.environ, "PYTHONPATH": str(project_root())},
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        )
        deadline = time.monotonic() + 90
        while len(server.requests) < 10 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(server.requests) >= 10, "the load never started"
        for _ in range(2):
            loader.send_signal(getattr(signal, signame))
            time.sleep(0.1)
        assert loader.wait(timeout=60) == 130
        sent_at_exit = len(server.requests)
        assert processes_with(str(out)) == []
        time.sleep(1.5)
        assert len(server.requests) == sent_at_exit


def test_a_breached_stop_condition_stops_the_load_at_once(tmp_path: Path) -> None:
    condition = StopCondition(max_error_ratio=0.5, window=4, interval_s=0.05)
    with hostile.http_server(hostile.status("200 OK", "ok", "text/plain")) as server:
        watch = SteadyWatch(lambda: False, condition, "steady state of the gateway")
        plan = LoadPlan(server.url, "/", rate=20, duration_s=60, timeout_s=2)
        with pytest.raises(StopConditionBreached, match="3 of the last 3 steady-state probes failed"):
            run_open_loop(plan, max_rps=100, out_dir=tmp_path, watch=watch)
        assert processes_with(str(tmp_path)) == []
