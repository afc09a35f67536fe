"""Undo that always runs: every change registers its undo (on disk) before it is made; it runs on every exit.

`DrillRun` is the context manager a drill runs inside. While the drill body runs, SIGINT and SIGTERM raise
DrillInterrupted (a KeyboardInterrupt, so `except Exception` in drill code never swallows it). On exit, for
any reason, in-process cleanups run first (stop writer threads), then the registered undo in reverse order.
During the undo a second (third...) signal is recorded and otherwise ignored: an interrupted undo is exactly
the state this module exists to prevent. The state file ends as completed, failed or interrupted, with each
undo step marked done or failed.
"""

from __future__ import annotations

import contextlib
import signal
import threading
import time
from collections.abc import Callable
from pathlib import Path
from types import FrameType, TracebackType
from typing import Any

from checks.drills.state import DONE, FAILED, StateFile, UndoAction, refusal
from checks.interrupts import protected

Executor = Callable[[UndoAction], None]
SIGNALS = (signal.SIGINT, signal.SIGTERM)


class DrillInterrupted(KeyboardInterrupt):
    """A signal (SIGINT/SIGTERM) arrived while a drill ran; its undo has run by the time this propagates."""

    def __init__(self, signum: int) -> None:
        self.signum = signum
        super().__init__(f"drill interrupted by {signal.Signals(signum).name}")


class DrillRefused(RuntimeError):
    """An earlier run left state behind (or is still running): the message says how to clean it."""


def unwind(state: StateFile, execute: Executor, log: Callable[[str], None] | None = None) -> list[str]:
    """Run the pending undo of `state` newest first; each step is marked done or failed. Returns what ran."""
    ran: list[str] = []
    for index, action in state.pending():
        try:
            execute(action)
        except Exception as exc:
            state.mark_undo(index, FAILED, f"{type(exc).__name__}: {exc}"[:500])
            ran.append(f"FAILED {action.description}: {exc}")
            continue
        state.mark_undo(index, DONE)
        ran.append(action.description)
        if log:
            log(f"undo: {action.description}")
    return ran


class DrillRun:
    """One drill run: state file, undo stack, signal handling. Use as `with DrillRun(...) as run:`."""

    def __init__(
        self,
        state_dir: Path,
        run_id: str,
        drill: str,
        target_name: str,
        execute: Executor,
        verify: Callable[[], dict[str, Any]] | None = None,
    ) -> None:
        self.state_dir, self.run_id, self.drill, self.target_name = state_dir, run_id, drill, target_name
        self._execute = execute
        self._verify = verify
        self._cleanups: list[Callable[[], None]] = []
        self._unwinding = False
        self._late_signal: int | None = None
        self._previous: dict[int, Any] = {}
        self.state: StateFile | None = None

    # -- the drill body's API -------------------------------------------------------------------------
    def register(self, action: UndoAction) -> None:
        """Register `action` (written to the state file) BEFORE making the change it undoes."""
        self._state.add_undo(action)

    def created(self, kind: str, name: str, where: str) -> None:
        self._state.add_created(kind, name, where)

    def defer(self, cleanup: Callable[[], None]) -> None:
        """An in-process cleanup (e.g. stop a writer thread) run before the undo, on every exit."""
        self._cleanups.append(cleanup)

    def phase(self, name: str, **fields: Any) -> None:
        """Record the drill's current phase (tests signal a drill at a chosen phase)."""
        self._state.update(phase=name, **fields)

    @property
    def _state(self) -> StateFile:
        if self.state is None:
            raise RuntimeError("DrillRun used outside its `with` block")
        return self.state

    # -- context manager --------------------------------------------------------------------------------
    def __enter__(self) -> DrillRun:
        why = refusal(self.state_dir, self.target_name)
        if why is not None:
            raise DrillRefused(f"refusing to start drill {self.drill}: {why}")
        self.state = StateFile.create(self.state_dir, self.run_id, self.drill, self.target_name)
        self._install()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._unwinding = True
        with protected():  # no item budget (SIGALRM) cuts the undo short either
            for _ in range(5):
                try:
                    self._finish(exc)
                    break
                except KeyboardInterrupt as again:  # a signal that raced the switch to deferred handling
                    self._state.data["signals"].append(f"{again} (before undo started; ignored)")
        self._restore()
        if self._late_signal is not None and not isinstance(exc, KeyboardInterrupt):
            # the undo finished despite the signal; now honour it
            self._state.update(status="interrupted")
            raise DrillInterrupted(self._late_signal) from exc
        if isinstance(exc, KeyboardInterrupt) and not isinstance(exc, DrillInterrupted):
            raise DrillInterrupted(signal.SIGINT) from exc

    def _finish(self, exc: BaseException | None) -> None:
        state = self._state
        status = (
            "completed" if exc is None else "interrupted" if isinstance(exc, KeyboardInterrupt) else "failed"
        )
        state.update(
            status=status, phase="undo", error=None if exc is None else f"{type(exc).__name__}: {exc}"
        )
        while self._cleanups:
            with contextlib.suppress(Exception):
                self._cleanups.pop()()
        unwind(state, self._execute)
        after = self._verify() if self._verify else {}
        state.update(
            phase="done",
            finished_at=time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            steady_after=after,
            undo_complete=not state.pending(),
        )

    # -- signals ------------------------------------------------------------------------------------------
    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        name = signal.Signals(signum).name
        if self._unwinding:
            self._state.data["signals"].append(f"{name} during undo (ignored until the undo finished)")
            self._late_signal = self._late_signal or signum
            return
        self._state.data["signals"].append(f"{name} during phase {self._state.data['phase']}")
        raise DrillInterrupted(signum)

    def _install(self) -> None:
        if threading.current_thread() is not threading.main_thread():
            return  # signal handlers can only be set from the main thread; the undo still runs on exit
        for sig in SIGNALS:
            self._previous[sig] = signal.signal(sig, self._on_signal)

    def _restore(self) -> None:
        for sig, handler in self._previous.items():
            signal.signal(sig, handler)
        self._previous.clear()
