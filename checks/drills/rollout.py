"""Zero-downtime rollout drill: continuous probes through the gateway while the app instances are restarted
one after another (SIGTERM, wait for exit, start the same command again, wait until healthy); errors counted.

The undo of each restart is "this instance runs and is healthy", registered before it is stopped.
"""

from __future__ import annotations

import threading
import time

from checks.drills import procs
from checks.drills.actions import executor
from checks.drills.evidence import Probe, RolloutResult
from checks.drills.recorder import Log, Recorder, stderr_log
from checks.drills.state import UndoAction
from checks.drills.steady import check_app, http_status, steady_state
from checks.drills.topology import AppInstanceBinding, DrillEnv, RolloutTopology
from checks.drills.undo import DrillRun

DRILL = "rollout"


def _topology(env: DrillEnv) -> RolloutTopology:
    if env.rollout is None:
        raise procs.DrillError("app", f"target {env.target_name} describes no app instances to restart")
    return env.rollout


def plan(env: DrillEnv, run_id: str) -> list[str]:
    """What the drill would touch (the dry run lists this and touches nothing)."""
    topo = _topology(env)
    steps = [f"GET {_probe_url(topo)} every {topo.settings.probe_interval_s:g} s throughout"]
    steps += [
        f"restart {i.name}: SIGTERM pid from {i.pidfile}, start `{' '.join(i.argv[:3])} ...`, "
        f"wait for {i.health_url}"
        for i in topo.instances
    ]
    return [*steps, f"state file {env.state_dir}/{run_id}.{DRILL}.json"]


def _probe_url(topo: RolloutTopology) -> str:
    return topo.gateway_url.rstrip("/") + topo.settings.probe_path


class Prober(threading.Thread):
    """GETs the gateway at a fixed interval and records each answer."""

    def __init__(self, topo: RolloutTopology, origin: float) -> None:
        super().__init__(daemon=True, name="rollout-prober")
        self.topo, self.origin = topo, origin
        self._stop_event = threading.Event()
        self.probes: list[Probe] = []

    def run(self) -> None:
        url, interval = _probe_url(self.topo), self.topo.settings.probe_interval_s
        while not self._stop_event.is_set():
            began = time.monotonic()
            status = http_status(url, self.topo.ca_file, self.topo.server_hostname)
            self.probes.append(
                Probe(time.monotonic() - self.origin, status == 200, status, "" if status else "no response")
            )
            self._stop_event.wait(max(0.0, interval - (time.monotonic() - began)))

    def stop(self) -> None:
        self._stop_event.set()
        if self.is_alive():
            self.join(timeout=10)


def run_rollout(env: DrillEnv, run_id: str, log: Log = stderr_log) -> RolloutResult:
    """Run the drill once; a drill that could not finish returns a result with `completed` False."""
    topo = _topology(env)
    rec = Recorder(run_id, log)
    prober = Prober(topo, rec.origin)
    run = DrillRun(
        env.state_dir,
        run_id,
        DRILL,
        env.target_name,
        executor(env, log),
        verify=lambda: steady_state(env, ("rollout",)).to_dict(),
    )
    restarted: list[str] = []
    failure: BaseException | None = None
    try:
        with run:
            _drill(run, topo, rec, prober, restarted)
    except KeyboardInterrupt:
        raise
    except Exception as exc:
        failure = exc
    rec.finish(run.state, failure)
    return RolloutResult(
        run_id,
        tuple(i.name for i in topo.instances),
        tuple(prober.probes),
        tuple(rec.events),
        rec.completed and rec.error is None,
        rec.error,
        tuple(restarted),
    )


def _drill(run: DrillRun, topo: RolloutTopology, rec: Recorder, prober: Prober, restarted: list[str]) -> None:
    run.phase("steady_before")
    try:
        before = check_app(topo)
    except Exception as exc:
        raise procs.DrillError("steady state before the drill", str(exc)) from exc
    run.phase("steady_before", steady_before=before)
    run.defer(prober.stop)
    prober.start()
    time.sleep(topo.settings.settle_s)
    for inst in topo.instances:
        run.phase(f"restart {inst.name}")
        _restart(run, topo, inst, rec)
        restarted.append(inst.name)
        time.sleep(topo.settings.settle_s)
    prober.stop()
    rec.completed = True


def _restart(run: DrillRun, topo: RolloutTopology, inst: AppInstanceBinding, rec: Recorder) -> None:
    pid = procs.proc_pid(inst)
    if pid is None:
        raise procs.DrillError(inst.name, f"not running (pid file {inst.pidfile})")
    run.register(UndoAction("app.ensure_running", {"instance": inst.name}, f"make sure {inst.name} runs"))
    rec.event("stop", f"SIGTERM {inst.name} (pid {pid})")
    procs.terminate(pid, inst.markers, topo.settings.instance_timeout_s)
    rec.event("stopped", inst.name)
    procs.spawn(inst)
    procs.wait_for(
        f"{inst.name} healthy",
        lambda: http_status(inst.health_url, None, None) == 200,
        topo.settings.instance_timeout_s,
    )
    rec.event("healthy", f"{inst.name} answers its health check again")
