"""One template for every drill: steady state, probe, fault, recovery, measurement, and the undo on any exit.

A drill is a Drill subclass that supplies its own steps: `probe` starts observing the target (a canary writer,
a prober), `arm` registers the undo of the fault, `fault` breaks the target, `recover` waits for
the target to recover and finishes the measurement, `evidence` freezes what was measured. `run_drill` runs
the steps in that order inside a DrillRun (state file, signal handling, the registered undo on every exit,
the steady state verified afterwards) and always returns the evidence, `completed` False when a step failed.

Phases written to the state file, in order: steady_before, warmup, fault, observe (then undo, done).
"""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from typing import ClassVar, Generic, TypeVar

from checks.drills.actions import executor
from checks.drills.nodes import DrillError
from checks.drills.recorder import Log, Recorder, stderr_log
from checks.drills.steady import steady_state
from checks.drills.topology import DrillEnv
from checks.drills.undo import DrillRun

E = TypeVar("E")


class Drill(ABC, Generic[E]):
    """One kind of drill on one target, for one run id. Subclasses supply the steps."""

    name: ClassVar[str]
    part: ClassVar[str]  # the steady-state check that must pass before and after ("postgres", "redis"...)

    def __init__(self, env: DrillEnv, run_id: str) -> None:
        self.env, self.run_id = env, run_id

    @abstractmethod
    def plan(self) -> list[str]:
        """What the drill would touch (the dry run lists this and touches nothing)."""

    @abstractmethod
    def steady(self) -> str:
        """A one-line account of the steady state; raises when the target is not steady."""

    def warmup_s(self) -> float:
        """How long the probe runs before the fault."""
        return 0.0

    def probe(self, run: DrillRun, rec: Recorder) -> None:
        """Start observing the target (register the undo of anything created for it first)."""

    def arm(self, run: DrillRun) -> None:
        """Register the undo of the fault before the fault phase starts (a fault that changes several things
        may instead register each undo in `fault`, just before that change)."""

    @abstractmethod
    def fault(self, run: DrillRun, rec: Recorder) -> float:
        """Break the target (its undo registered first); returns the time of the fault (rec.event's clock)."""

    @abstractmethod
    def recover(self, run: DrillRun, rec: Recorder, fault_t: float) -> None:
        """Wait for the target to recover, stop the probe and record the measurement on `rec`."""

    @abstractmethod
    def evidence(self, rec: Recorder) -> E:
        """The frozen evidence of this run (also when it did not complete)."""


def run_drill(drill: Drill[E], log: Log = stderr_log) -> E:
    """Run `drill` once; a drill that could not finish returns evidence with `completed` False.

    SIGINT/SIGTERM propagate as DrillInterrupted after the undo has run."""
    env = drill.env
    rec = Recorder(drill.run_id, log)
    run = DrillRun(
        env.state_dir,
        drill.run_id,
        drill.name,
        env.target_name,
        executor(env, log),
        verify=lambda: steady_state(env, (drill.part,)).to_dict(),
    )
    failure: BaseException | None = None
    try:
        with run:
            _steps(drill, run, rec)
    except KeyboardInterrupt:
        rec.finish(run.state, None)
        raise
    except Exception as exc:
        failure = exc
    rec.finish(run.state, failure)
    return drill.evidence(rec)


def _steps(drill: Drill[E], run: DrillRun, rec: Recorder) -> None:
    run.phase("steady_before")
    try:
        before = drill.steady()
    except Exception as exc:
        raise DrillError("steady state before the drill", str(exc)) from exc
    run.phase("steady_before", steady_before=before)
    rec.event("steady", before)
    drill.probe(run, rec)
    run.phase("warmup")
    time.sleep(drill.warmup_s())
    drill.arm(run)
    run.phase("fault")
    fault_t = drill.fault(run, rec)
    run.phase("observe")
    drill.recover(run, rec, fault_t)
    rec.completed = True


def planned(drill: Drill[E]) -> list[str]:
    """The drill's plan and where its state file will be."""
    state = f"state file {drill.env.state_dir}/{drill.run_id}.{drill.name}.json"
    return [*drill.plan(), state]
