"""What the PostgreSQL and Redis failover drills share: a canary writer as the probe, the first acknowledged
write after the fault as the recovery, and the acknowledged writes missing afterwards as the loss."""

from __future__ import annotations

import time
from abc import abstractmethod
from dataclasses import dataclass
from typing import ClassVar

from checks import procs
from checks.drills.canary import Canary, CanaryWriter, integrity
from checks.drills.harness import Drill
from checks.drills.recorder import Recorder
from checks.drills.undo import DrillRun
from checks.evidence.drills import FailoverTimeline


@dataclass(frozen=True)
class FailoverTiming:
    """How long the canary writes before and after the fault, how often, and how long recovery may take."""

    warmup_s: float
    observe_s: float
    write_interval_s: float
    timeout_s: float
    promotion: str  # "drill", "automatic" or "sentinel"


class FailoverDrill(Drill[FailoverTimeline]):
    """A failover drill: canary writes throughout, a fault, the first acknowledged write after it."""

    system: ClassVar[str]
    # True: no acknowledged write after the fault fails the drill (its evidence then never proves anything);
    # False: the timeout is recorded and the evaluator judges "no recovery" against the claim's bound.
    writes_must_resume: ClassVar[bool] = False
    _canary: Canary | None = None
    _writer: CanaryWriter | None = None

    @abstractmethod
    def timing(self) -> FailoverTiming:
        """The drill's timings from its binding."""

    @abstractmethod
    def open_canary(self, run: DrillRun) -> Canary:
        """Register the canary's undo, then create it."""

    def warmup_s(self) -> float:
        return self.timing().warmup_s

    def probe(self, run: DrillRun, rec: Recorder) -> None:
        self._canary = canary = self.open_canary(run)
        self._writer = writer = CanaryWriter(
            canary.write, canary.reset, self.timing().write_interval_s, rec.origin
        )
        run.defer(writer.stop)
        writer.start()

    def recover(self, run: DrillRun, rec: Recorder, fault_t: float) -> None:
        if self._writer is None or self._canary is None:
            raise RuntimeError("recover() before probe()")
        writer, timing = self._writer, self.timing()
        _await_first_write(writer, fault_t, timing.timeout_s, rec, self.writes_must_resume)
        time.sleep(timing.observe_s)
        writer.stop()
        rec.writes = writer.writes()
        rec.lost, rec.duplicates = integrity([w.seq for w in rec.writes if w.ok], self._canary.surviving())
        rec.event(
            "integrity", f"{len(rec.lost)} acknowledged write(s) lost, {len(rec.duplicates)} duplicate(s)"
        )

    @abstractmethod
    def obtained(self) -> str:
        """How the evidence was obtained: the fault and the probe, in one phrase."""

    def evidence(self, rec: Recorder) -> FailoverTimeline:
        t = self.timing()
        return rec.failover(
            self.system,
            t.promotion,
            t.timeout_s,
            t.write_interval_s,
            target=self.env.target_name,
            obtained=self.obtained(),
        )


def _await_first_write(
    writer: CanaryWriter, fault_t: float, timeout_s: float, rec: Recorder, required: bool
) -> None:
    try:
        procs.wait_for(
            "first write after the fault",
            lambda: writer.first_ok_after(fault_t) is not None,
            timeout_s,
            interval_s=0.01,
        )
    except procs.ProcError:
        rec.event("timeout", f"no acknowledged write within {timeout_s:g} s of the fault")
        if required:
            raise
        return
    rec.event("first_success", "first acknowledged write after the fault", at=writer.first_ok_after(fault_t))
