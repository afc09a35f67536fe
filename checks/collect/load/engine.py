"""Run an open-loop plan in Locust subprocesses and merge their evidence. Does NOT import locust.

Locust monkey-patches gevent on import, which breaks requests/boto3/kubernetes in the same process, so
the load runs in `python -m locust -f locustfile.py` processes: one local process, or a master with N
local workers (each sends rate/N with a staggered phase and writes its own histogram and raw log).
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from checks import children
from checks.collect.load.plan import OUT_DIR_ENV, PLAN_ENV, LoadPlan, check_governor
from checks.collect.load.samples import (
    LatencySamples,
    LogLine,
    merge_histograms,
    read_log,
    summarize,
    write_log,
)
from checks.collect.steady import SteadyWatch
from checks.errors import AccessDenied, CollectionError, TargetUnreachable

LOCUSTFILE = Path(__file__).with_name("locustfile.py")
REPO_ROOT = Path(__file__).resolve().parents[3]
STARTUP_ALLOWANCE_S = 30.0
STOP_GRACE_S = 5.0  # a finished run: Locust writes its evidence and exits on SIGTERM
INTERRUPTED_GRACE_S = 1.0  # an interrupted run: nothing more may be sent


class LoadGeneratorError(CollectionError):
    """The load processes failed or produced no evidence (not the target's fault)."""


def run_open_loop(
    plan: LoadPlan, *, max_rps: float, out_dir: Path | None = None, watch: SteadyWatch | None = None
) -> LatencySamples:
    """Send `plan` open-loop and return what was observed; refuses (GovernorExceeded) above `max_rps`.

    Evidence files land in a new directory (inside `out_dir` when given, else a temp dir): worker-K.log/.hist
    and the merged requests.log. A fresh directory per run, so an earlier run's files (its `.done` markers)
    can never pass for this one's. Raises TargetUnreachable when no request got any HTTP response, and
    AccessDenied (naming the plan's identity and the URL) when the target refused the identity (401/403).
    With `watch`, a steady-state breach stops the load at once (StopConditionBreached).
    """
    check_governor(plan, max_rps)
    if out_dir is not None:
        Path(out_dir).mkdir(parents=True, exist_ok=True)
    out = Path(tempfile.mkdtemp(prefix="load-", dir=out_dir))
    procs = _start_processes(plan, out)
    stopped = False
    try:
        _wait(procs, plan, out, watch)
        children.stop(procs, STOP_GRACE_S)
        stopped = True
    finally:
        if not stopped:  # interrupted, a breach, or a deadline: stop at once
            children.stop(procs, INTERRUPTED_GRACE_S)
    return _collect(plan, out)


def _locust_command(plan: LoadPlan) -> list[str]:
    return [
        sys.executable,
        "-m",
        "locust",
        "-f",
        str(LOCUSTFILE),
        "--headless",
        "--only-summary",
        "--loglevel",
        "WARNING",
        "--exit-code-on-error",
        "0",
        "--stop-timeout",
        str(int(plan.timeout_s) + 5),
    ]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _start_processes(plan: LoadPlan, out: Path) -> list[subprocess.Popen[bytes]]:
    env = {**os.environ, PLAN_ENV: plan.to_env(), OUT_DIR_ENV: str(out)}
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO_ROOT), env.get("PYTHONPATH", "")) if p)
    cap = str(int(plan.duration_s + plan.timeout_s + STARTUP_ALLOWANCE_S))
    users = ["-u", str(plan.workers), "-r", str(plan.workers), "--run-time", f"{cap}s", "-H", plan.base_url]
    if plan.workers == 1:
        return [_spawn(_locust_command(plan) + users, env, out / "locust.out")]
    port = str(_free_port())
    master = [
        "--master",
        "--master-bind-host",
        "127.0.0.1",
        "--master-bind-port",
        port,
        "--expect-workers",
        str(plan.workers),
    ]
    procs = [_spawn(_locust_command(plan) + master + users, env, out / "locust-master.out")]
    worker = ["--worker", "--master-host", "127.0.0.1", "--master-port", port]
    procs += [
        _spawn(_locust_command(plan) + worker, env, out / f"locust-worker-{k}.out")
        for k in range(plan.workers)
    ]
    return procs


def _spawn(cmd: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    return children.spawn(cmd, env, log, REPO_ROOT)


def _wait(procs: list[subprocess.Popen[bytes]], plan: LoadPlan, out: Path, watch: SteadyWatch | None) -> None:
    """Until every worker has written its evidence (the .done marker comes last) or every process ended;
    a steady-state breach raises at once."""
    deadline = time.monotonic() + STARTUP_ALLOWANCE_S + plan.duration_s + plan.timeout_s + 10
    markers = [out / f"worker-{k}.done" for k in range(plan.workers)]
    with watch or contextlib.nullcontext():
        while time.monotonic() < deadline:
            if watch is not None:
                watch.raise_if_breached(f"load on {plan.url}")
            if all(m.exists() for m in markers) or all(p.poll() is not None for p in procs):
                return
            time.sleep(0.05)
    raise LoadGeneratorError(plan.base_url, f"load processes still running after the deadline; see {out}")


def _collect(plan: LoadPlan, out: Path) -> LatencySamples:
    missing = [k for k in range(plan.workers) if not (out / f"worker-{k}.done").exists()]
    if missing:
        tail = "".join(p.read_text(errors="replace")[-800:] for p in sorted(out.glob("locust*.out")))
        raise LoadGeneratorError(
            plan.base_url, f"workers {missing} wrote no evidence in {out}: {tail.strip()}"
        )
    lines: list[LogLine] = []
    for k in range(plan.workers):
        lines += read_log(out / f"worker-{k}.log")
    lines.sort(key=lambda x: x.scheduled_ts)
    hist = merge_histograms((out / f"worker-{k}.hist").read_bytes() for k in range(plan.workers))
    write_log(out / "requests.log", lines)
    if not any(x.status > 0 for x in lines):
        first = next((x.error for x in lines if x.error), "no response")
        raise TargetUnreachable(plan.url, f"none of {len(lines)} requests got an HTTP response ({first})")
    refused = Counter(x.status for x in lines if x.status in (401, 403))
    if refused:
        status, _ = refused.most_common(1)[0]
        raise AccessDenied(
            plan.url,
            f"identity {plan.identity or '(none)'!r} refused with {status} on {sum(refused.values())} of "
            f"{len(lines)} requests: a permission error, not a measurement",
        )
    return summarize(
        plan.url, plan.rate, plan.duration_s, lines, hist, str(out / "requests.log"), plan.workers
    )
