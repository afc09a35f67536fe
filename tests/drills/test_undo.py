"""DrillRun: undo registered before each change, run on every exit path, proof against a second signal."""

from __future__ import annotations

import json
import os
import signal
import time
from pathlib import Path
from typing import Any

import pytest

from checks.drills.state import StateFile, UndoAction, refusal
from checks.drills.undo import DrillInterrupted, DrillRefused, DrillRun


class Recorder:
    """An executor that records the undo it was asked to run (and can misbehave on request)."""

    def __init__(self, fail: str | None = None, signal_during: str | None = None) -> None:
        self.ran: list[str] = []
        self.fail, self.signal_during = fail, signal_during

    def __call__(self, action: UndoAction) -> None:
        if action.kind == self.signal_during:
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(0.05)  # the handler runs here: it must not interrupt the undo
        if action.kind == self.fail:
            raise RuntimeError("undo step broke")
        self.ran.append(action.kind)


def _run(state_dir: Path, execute: Recorder, run_id: str = "r1") -> DrillRun:
    return DrillRun(state_dir, run_id, "demo", "t", execute)


def _state(state_dir: Path, run_id: str = "r1") -> dict[str, Any]:
    data: dict[str, Any] = json.loads((state_dir / f"{run_id}.demo.json").read_text())
    return data


def _undo(kind: str) -> UndoAction:
    return UndoAction(kind, {}, f"undo {kind}")


def test_undo_runs_newest_first_after_success(tmp_path: Path) -> None:
    execute = Recorder()
    with _run(tmp_path, execute) as run:
        run.register(_undo("first"))
        run.register(_undo("second"))
    assert execute.ran == ["second", "first"]
    state = _state(tmp_path)
    assert state["status"] == "completed" and state["undo_complete"] is True


def test_undo_is_on_disk_before_the_change(tmp_path: Path) -> None:
    with _run(tmp_path, Recorder()) as run:
        run.register(_undo("drop-table"))
        pending = StateFile.load(tmp_path / "r1.demo.json").pending()
        assert [a.kind for _, a in pending] == ["drop-table"]


def test_undo_runs_after_an_exception_which_propagates(tmp_path: Path) -> None:
    execute = Recorder()
    with pytest.raises(ValueError), _run(tmp_path, execute) as run:
        run.register(_undo("restore"))
        raise ValueError("drill step failed")
    assert execute.ran == ["restore"]
    assert _state(tmp_path)["status"] == "failed"


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_interrupts_the_drill_and_the_undo_still_runs(tmp_path: Path, sig: int) -> None:
    execute = Recorder()
    with pytest.raises(DrillInterrupted) as caught, _run(tmp_path, execute) as run:
        run.register(_undo("restore"))
        os.kill(os.getpid(), sig)
        time.sleep(1)
        pytest.fail("the signal did not interrupt the drill")
    assert caught.value.signum == sig
    assert execute.ran == ["restore"]
    state = _state(tmp_path)
    assert state["status"] == "interrupted" and state["undo_complete"] is True


def test_a_signal_during_the_undo_waits_until_the_undo_finished(tmp_path: Path) -> None:
    execute = Recorder(signal_during="second")
    with pytest.raises(DrillInterrupted), _run(tmp_path, execute) as run:
        run.register(_undo("first"))
        run.register(_undo("second"))
    assert execute.ran == ["second", "first"]
    state = _state(tmp_path)
    assert state["status"] == "interrupted" and state["undo_complete"] is True
    assert any("during undo" in s for s in state["signals"])


def test_handlers_are_restored_after_the_drill(tmp_path: Path) -> None:
    before = signal.getsignal(signal.SIGTERM)
    with _run(tmp_path, Recorder()):
        assert signal.getsignal(signal.SIGTERM) is not before
    assert signal.getsignal(signal.SIGTERM) is before


def test_a_failed_undo_step_leaves_state_behind_and_the_next_drill_refuses(tmp_path: Path) -> None:
    execute = Recorder(fail="restore")
    with _run(tmp_path, execute) as run:
        run.register(_undo("restore"))
        run.register(_undo("drop"))
    assert execute.ran == ["drop"]
    assert _state(tmp_path)["undo_complete"] is False
    with (
        pytest.raises(DrillRefused, match=r"claimcheck cleanup --run-id r1"),
        _run(tmp_path, Recorder(), "r2"),
    ):
        pytest.fail("a drill started over another run's leftovers")


def test_leftovers_of_another_target_do_not_block(tmp_path: Path) -> None:
    with DrillRun(tmp_path, "r1", "demo", "other", Recorder(fail="restore")) as run:
        run.register(_undo("restore"))
    assert refusal(tmp_path, "other") is not None
    assert refusal(tmp_path, "t") is None


def test_a_running_drill_blocks_another(tmp_path: Path) -> None:
    with (
        _run(tmp_path, Recorder()),
        pytest.raises(DrillRefused, match="still running"),
        _run(tmp_path, Recorder(), "r2"),
    ):
        pytest.fail("two drills ran at once")
