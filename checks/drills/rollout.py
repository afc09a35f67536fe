"""Zero-downtime rollout drill: continuous probes through the gateway while the app instances are restarted
one after another (SIGTERM, wait for exit, start the same command again, wait until healthy); errors counted.

The undo of each restart is "this instance runs and is healthy", registered before it is stopped.
"""

from __future__ import annotations

import threading
import time

from checks import procs
from checks.drills import nodes
from checks.drills.harness import Drill, planned, run_drill
from checks.drills.nodes import DrillError
from checks.drills.recorder import Log, Recorder, stderr_log
from checks.drills.state import UndoAction
from checks.drills.steady import check_app, http_status
from checks.drills.topology import AppInstanceBinding, DrillEnv, RolloutTopology, require
from checks.drills.undo import DrillRun
from checks.evidence.drills import Probe, RolloutResult

DRILL = "rollout"


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


class Rollout(Drill[RolloutResult]):
    """Restart every app instance in turn while a prober reads the gateway."""

    name = DRILL
    part = "rollout"

    def __init__(self, env: DrillEnv, run_id: str) -> None:
        super().__init__(env, run_id)
        self.topo: RolloutTopology = require(env.rollout, env, "app", "app instances to restart")
        self.restarted: list[str] = []
        self._prober: Prober | None = None

    def plan(self) -> list[str]:
        topo = self.topo
        return [f"GET {_probe_url(topo)} every {topo.settings.probe_interval_s:g} s throughout"] + [
            f"restart {i.name}: SIGTERM pid from {i.pidfile}, start `{' '.join(i.argv[:3])} ...`, "
            f"wait for {i.health_url}"
            for i in topo.instances
        ]

    def steady(self) -> str:
        return check_app(self.topo)

    def warmup_s(self) -> float:
        return self.topo.settings.settle_s

    def probe(self, run: DrillRun, rec: Recorder) -> None:
        self._prober = prober = Prober(self.topo, rec.origin)
        run.defer(prober.stop)
        prober.start()

    def fault(self, run: DrillRun, rec: Recorder) -> float:
        """Restart the instances one after another, each undo registered before that instance stops."""
        first = rec.now()
        for inst in self.topo.instances:
            run.phase(f"restart {inst.name}")
            self._restart(run, inst, rec)
            self.restarted.append(inst.name)
            time.sleep(self.topo.settings.settle_s)
        return first

    def _restart(self, run: DrillRun, inst: AppInstanceBinding, rec: Recorder) -> None:
        pid, timeout = nodes.pid(inst), self.topo.settings.instance_timeout_s
        if pid is None:
            raise DrillError(inst.name, f"not running (pid file {inst.pidfile})")
        run.register(UndoAction("app.ensure_running", {"instance": inst.name}, f"make sure {inst.name} runs"))
        rec.event("stop", f"SIGTERM {inst.name} (pid {pid})")
        procs.terminate(pid, inst.markers, timeout)
        rec.event("stopped", inst.name)
        nodes.start(inst)
        procs.wait_for(
            f"{inst.name} healthy", lambda: http_status(inst.health_url, None, None) == 200, timeout
        )
        rec.event("healthy", f"{inst.name} answers its health check again")

    def recover(self, run: DrillRun, rec: Recorder, fault_t: float) -> None:
        if self._prober is not None:
            self._prober.stop()

    def evidence(self, rec: Recorder) -> RolloutResult:
        probes = tuple(self._prober.probes) if self._prober else ()
        every = self.topo.settings.probe_interval_s
        return RolloutResult(
            self.run_id,
            tuple(i.name for i in self.topo.instances),
            probes,
            tuple(rec.events),
            rec.completed and rec.error is None,
            rec.error,
            tuple(self.restarted),
            target=self.env.target_name,
            obtained=f"drill: rolling restart with a gateway probe every {every:g} s",
        )


def plan(env: DrillEnv, run_id: str) -> list[str]:
    """What the drill would touch (the dry run lists this and touches nothing)."""
    return planned(Rollout(env, run_id))


def run_rollout(env: DrillEnv, run_id: str, log: Log = stderr_log) -> RolloutResult:
    """Run the drill once; a drill that could not finish returns a result with `completed` False."""
    return run_drill(Rollout(env, run_id), log)
