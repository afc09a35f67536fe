"""Collects a drill's events while it runs and turns them into its frozen evidence at the end."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from checks.drills.state import StateFile
from checks.evidence.drills import Event, FailoverTimeline, Write

Log = Callable[[str], None]


def stderr_log(line: str) -> None:
    """Default progress log: one line per step on stderr."""
    stamp = time.strftime("%H:%M:%S") + f".{int(time.time() * 1000) % 1000:03d}"
    print(f"[drill {stamp}] {line}", file=sys.stderr, flush=True)


@dataclass
class Recorder:
    """Mutable while the drill runs; `failover()` freezes it."""

    run_id: str
    log: Log = stderr_log
    origin: float = field(default_factory=time.monotonic)
    started_wall: float = field(default_factory=time.time)
    events: list[Event] = field(default_factory=list)
    writes: tuple[Write, ...] = ()
    lost: tuple[int, ...] = ()
    duplicates: tuple[int, ...] = ()
    completed: bool = False
    error: str | None = None
    restored: bool = False

    def now(self) -> float:
        return time.monotonic() - self.origin

    def event(self, kind: str, detail: str = "", at: float | None = None) -> float:
        t = self.now() if at is None else at
        self.events.append(Event(t, kind, detail))
        self.log(f"{t:8.3f} s  {kind}  {detail}".rstrip())
        return t

    def finish(self, state: StateFile | None, exc: BaseException | None) -> None:
        """Record how the run ended: the error (if any) and whether the target is steady again."""
        if exc is not None:
            self.error = f"{type(exc).__name__}: {exc}"
        if state is not None:
            after: dict[str, Any] = state.data.get("steady_after") or {}
            self.restored = bool(after.get("ok")) and bool(state.data.get("undo_complete"))
            self.event("restored" if self.restored else "not_restored", "; ".join(after.get("problems", [])))

    def failover(
        self,
        system: str,
        promotion: str,
        timeout_s: float,
        resolution_s: float,
        *,
        target: str = "",
        obtained: str = "",
    ) -> FailoverTimeline:
        return FailoverTimeline(
            system,
            self.run_id,
            self.started_wall,
            promotion,
            timeout_s,
            resolution_s,
            tuple(sorted(self.events, key=lambda e: e.t)),
            self.writes,
            self.lost,
            self.duplicates,
            self.completed and self.error is None,
            self.error,
            self.restored,
            target=target,
            obtained=obtained,
        )
