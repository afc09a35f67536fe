"""A drill under the profile's stop condition: a breach stops it at once, its undo runs, the run aborts."""

from __future__ import annotations

import time

import pytest

from checks.collect.steady import SteadyWatch
from checks.drills import session as drill_session
from checks.drills.session import DrillSession
from checks.errors import StopConditionBreached
from checks.interrupts import protected
from checks.targets import StopCondition, Target

CONDITION = StopCondition(max_error_ratio=0.5, window=4, interval_s=0.05)


class FakeDrill:
    """A drill whose fault lasts 30 s and whose undo is a protected block (as DrillRun's is)."""

    def __init__(self, log: list[str]) -> None:
        self.log = log

    def run(self) -> str:
        self.log.append("fault injected")
        try:
            time.sleep(30)  # the fault is in effect; a breach must not wait for this
            self.log.append("drill ran to its end")
        finally:
            with protected():
                time.sleep(0.2)  # the undo is never cut short, even by a second breach signal
                self.log.append("undone")
        return "timeline"


def session(monkeypatch: pytest.MonkeyPatch, log: list[str], healthy: bool) -> DrillSession:
    monkeypatch.setitem(drill_session.DRILLS, "fake", lambda env, run_id: FakeDrill(log))
    monkeypatch.setattr(drill_session, "run_drill", lambda drill: drill.run())
    made = DrillSession(
        "t",
        Target(kind="staging"),
        "run-1",
        dry_run=False,
        watch=lambda drill: SteadyWatch(lambda: healthy, CONDITION, "steady state of the gateway"),
    )
    made._env, made._env_loaded = object(), True  # type: ignore[assignment]
    return made


def test_a_breach_stops_the_drill_at_once_and_its_undo_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    log: list[str] = []
    with pytest.raises(StopConditionBreached, match=r"3 of the last 3 .* during drill fake"):
        session(monkeypatch, log, healthy=False).result("fake")
    assert log == ["fault injected", "undone"]


def test_a_healthy_target_lets_the_drill_finish(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(time, "sleep", lambda s: None)
    log: list[str] = []
    assert session(monkeypatch, log, healthy=True).result("fake") == "timeline"
    assert log == ["fault injected", "drill ran to its end", "undone"]
