"""The profile's stop condition: a steady-state probe watched while load or a drill runs.

Like AWS FIS stop conditions and k6's `abortOnFail`: a thread probes the target's health route every
`interval_s`; when more than `max_error_ratio` of the last `window` probes failed, the watch is breached.
Load stops at once (the engine polls `raise_if_breached`); a drill is interrupted in the main thread
(`on_breach`), its undo runs, and the run is marked `aborted: "stop condition: ..."`.
"""

from __future__ import annotations

import signal
import threading
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType, TracebackType
from typing import TYPE_CHECKING

from checks.errors import StopConditionBreached
from checks.interrupts import INTERRUPTS

if TYPE_CHECKING:  # the load engine imports this module: checks.targets (pydantic, scipy) stays out
    from checks.targets import StopCondition

MIN_PROBES = 3  # never breach on one or two early failures


class SteadyWatch:
    """Probe `probe()` (True: healthy) every interval while inside `with`; breached = condition exceeded."""

    def __init__(
        self,
        probe: Callable[[], bool],
        condition: StopCondition,
        what: str,
        on_breach: Callable[[], None] | None = None,
    ) -> None:
        self._probe, self.condition, self.what, self.on_breach = probe, condition, what, on_breach
        self._results: deque[bool] = deque(maxlen=condition.window)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.breach: str | None = None
        self.probes = 0

    def __enter__(self) -> SteadyWatch:
        self._thread = threading.Thread(target=self._loop, name="steady-state watch", daemon=True)
        self._thread.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=self.condition.interval_s + 30)

    def _loop(self) -> None:
        while not self._stop.is_set() and self.breach is None:
            try:
                healthy = self._probe()
            except Exception:
                healthy = False
            self._observe(healthy)
            self._stop.wait(self.condition.interval_s)

    def _observe(self, healthy: bool) -> None:
        self.probes += 1
        self._results.append(healthy)
        failed = sum(1 for ok in self._results if not ok)
        if len(self._results) >= min(MIN_PROBES, self.condition.window):
            ratio = failed / len(self._results)
            if ratio > self.condition.max_error_ratio:
                self.breach = (
                    f"{failed} of the last {len(self._results)} steady-state probes failed "
                    f"(error ratio {ratio:.2f} > {self.condition.max_error_ratio:g})"
                )
                if self.on_breach is not None:
                    self.on_breach()

    def raise_if_breached(self, during: str) -> None:
        if self.breach is not None:
            raise StopConditionBreached(self.what, f"{self.breach} during {during}")


@contextmanager
def breach_raises_in_main(watch: SteadyWatch, during: str) -> Iterator[None]:
    """While inside: a breach raises StopConditionBreached in the main thread at once (through SIGUSR1),
    wherever the drill is waiting, but never inside a protected block (the drill's undo)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: FrameType | None) -> None:
        if watch.breach is not None and not INTERRUPTS.is_protected:
            raise StopConditionBreached(watch.what, f"{watch.breach} during {during}")

    main = threading.main_thread().ident or 0
    previous = signal.signal(signal.SIGUSR1, handler)
    watch.on_breach = lambda: signal.pthread_kill(main, signal.SIGUSR1)
    try:
        yield
    finally:
        watch.on_breach = None
        signal.signal(signal.SIGUSR1, previous)
