"""Run an open-loop plan in Locust processes and merge their evidence. Does NOT import locust.

Locust monkey-patches gevent on import, which breaks requests/boto3/kubernetes in the same process, so
the load runs in `python -m locust -f locustfile.py` processes: one local process, or Locust's own
distributed mode, a master with workers (local processes, processes in network namespaces or on ssh
hosts, pods). Every worker sends its share of one schedule, rate/N with a staggered phase; the master
gathers their rows into the evidence directory and says which workers were lost. Every process started
here is stopped by `stop_load_children` (children.py) on every way out of `run_open_loop`.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

from checks.collect.load.children import new_run, spawn, stop_load_children
from checks.collect.load.plan import (
    OUT_DIR_ENV,
    PLAN_ENV,
    LoadGeneratorError,
    LoadPlan,
    check_governor,
    reserved_rate,
)
from checks.collect.load.rows import RunInfo, WorkerRows, merged_rows, read_worker_rows
from checks.collect.load.samples import LatencySamples, histogram_of_ns, merge_histograms, summarize
from checks.collect.load.workers import MasterAddress, start_hosts, start_local_workers
from checks.errors import TargetUnreachable

if TYPE_CHECKING:  # checks.targets (pydantic and the policy's scipy) stays out of a lone engine run
    from checks.targets import LoadMaster, LoadWorker

LOCUSTFILE = Path(__file__).with_name("locustfile.py")
REPO_ROOT = Path(__file__).resolve().parents[3]
STARTUP_ALLOWANCE_S = 30.0

__all__ = ["LoadGeneratorError", "run_open_loop", "stop_load_children"]


def run_open_loop(
    plan: LoadPlan,
    *,
    max_rps: float,
    out_dir: Path | None = None,
    hosts: tuple[LoadWorker, ...] = (),
    master: LoadMaster | None = None,
) -> LatencySamples:
    """Send `plan` open-loop and return what was observed; refuses (GovernorExceeded) when the plan's
    rate, added to what this process already sends, is above `max_rps`.

    `hosts` places the workers (netns, ssh, pods; their count must be plan.workers); without hosts,
    plan.workers > 1 starts that many local workers. `master` says where the master binds. Evidence lands
    in a new directory (inside `out_dir` when given, else a temp dir): worker-K.rows (each worker's raw
    rows, binary), worker-K.hist (its HdrHistogram), run.json, the merged requests.log and, with several
    workers, each worker's text log worker-K.log. Raises
    TargetUnreachable when no request got any HTTP response.
    """
    check_governor(plan, max_rps)
    if hosts and _count(hosts) != plan.workers:
        raise ValueError(f"the hosts run {_count(hosts)} workers but the plan has {plan.workers}")
    with reserved_rate(plan.rate, max_rps, f"load on {plan.url}"):
        if out_dir is not None:
            Path(out_dir).mkdir(parents=True, exist_ok=True)
        out = Path(tempfile.mkdtemp(prefix="load-", dir=out_dir))
        run = new_run()
        try:
            lead = _start(run, plan, out, hosts, master)
            _wait(lead, plan, out)
        finally:
            stop_load_children(run)
            for tmp in out.glob("worker-tmp-*"):  # the locustfile copies netns workers fetched
                shutil.rmtree(tmp, ignore_errors=True)
        return _collect(plan, out)


def _count(hosts: tuple[LoadWorker, ...]) -> int:
    return sum(h.replicas if h.kind == "pod" else h.processes for h in hosts)


def _locust_command(plan: LoadPlan) -> list[str]:
    cap = str(int(plan.duration_s + plan.timeout_s + STARTUP_ALLOWANCE_S))
    users = ["-u", str(plan.workers), "-r", str(plan.workers), "--run-time", f"{cap}s", "-H", plan.base_url]
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
        *users,
    ]


def _free_port(host: str) -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def _start(
    run: int, plan: LoadPlan, out: Path, hosts: tuple[LoadWorker, ...], master: LoadMaster | None
) -> subprocess.Popen[bytes]:
    """Start the run's processes; returns the one that writes run.json (the master, or the lone process)."""
    env = {**os.environ, PLAN_ENV: plan.to_env(), OUT_DIR_ENV: str(out)}
    if plan.workers == 1 and not hosts:
        return spawn(run, _locust_command(plan), env, out / "locust.out", REPO_ROOT)
    bind = master.bind_host if master else "127.0.0.1"
    port = (master.port if master else 0) or _free_port(bind)
    master_args = ["--master", "--master-bind-host", bind, "--master-bind-port", str(port)]
    expect = [
        "--expect-workers",
        str(plan.workers),
        "--expect-workers-max-wait",
        str(int(STARTUP_ALLOWANCE_S)),
    ]
    command = [*_locust_command(plan), *master_args, *expect]
    lead = spawn(run, command, env, out / "locust-master.out", REPO_ROOT)
    worker_env = {k: v for k, v in os.environ.items() if k != PLAN_ENV}  # the plan comes from the master
    dial = master.dial_host if master else bind
    if hosts:
        start_hosts(run, hosts, MasterAddress(dial, port), worker_env, out)
    else:
        local = "127.0.0.1" if bind in ("0.0.0.0", "::") else dial
        start_local_workers(run, plan.workers, MasterAddress(local, port), LOCUSTFILE, worker_env, out)
    return lead


def _wait(lead: subprocess.Popen[bytes], plan: LoadPlan, out: Path) -> None:
    """Until run.json appears (the master's last act), the master (or lone process) ended, or the
    deadline."""
    deadline = time.monotonic() + STARTUP_ALLOWANCE_S + plan.duration_s + plan.timeout_s + 15
    while time.monotonic() < deadline:
        if (out / "run.json").exists() or lead.poll() is not None:
            return
        time.sleep(0.05)
    raise LoadGeneratorError(plan.base_url, f"load processes still running after the deadline; see {out}")


def _collect(plan: LoadPlan, out: Path) -> LatencySamples:
    if not (out / "run.json").exists():
        raise LoadGeneratorError(
            plan.base_url, f"the load processes wrote no evidence in {out}: {_tails(out)}"
        )
    info = RunInfo.read(out)
    done = [w["share"] for w in info.workers if w["state"] == "done"]
    shares = {k: read_worker_rows(out / f"worker-{k}.rows") for k in done}
    lost = tuple(f"worker {w['share']} ({w['label']}): {w['why']}" for w in info.lost())
    if not shares:
        raise LoadGeneratorError(plan.base_url, f"every worker was lost: {'; '.join(lost)}")
    rows = merged_rows(info, plan.rate, plan.total_requests, shares)
    rows.write_log(out / "requests.log")
    if info.shares > 1:
        for k in shares:
            rows.every(k, info.shares).write_log(out / f"worker-{k}.log")
    if not (rows.status > 0).any():
        failed = rows.error[rows.status == 0]
        first = failed[0] if len(failed) else "no response"
        raise TargetUnreachable(
            plan.url, f"none of {len(rows.status)} requests got an HTTP response ({first})"
        )
    return summarize(
        plan.url,
        plan.rate,
        plan.duration_s,
        rows,
        merge_histograms(_write_histograms(out, shares)),
        str(out / "requests.log"),
        plan.workers,
        lost_workers=lost,
        generator_cpu_s=sum(w.cpu_s for w in shares.values()),
    )


def _write_histograms(out: Path, shares: dict[int, WorkerRows]) -> list[bytes]:
    """worker-K.hist: each worker's HdrHistogram, from its raw rows (the merge adds these)."""
    encoded = []
    for k, worker in sorted(shares.items()):
        blob = histogram_of_ns(worker.latency_ns[worker.latency_ns >= 0]).encode()
        (out / f"worker-{k}.hist").write_bytes(blob)
        encoded.append(blob)
    return encoded


def _tails(out: Path) -> str:
    return " | ".join(
        f"{p.name}: {p.read_text(errors='replace')[-600:].strip()}" for p in sorted(out.glob("locust*.out"))
    )
