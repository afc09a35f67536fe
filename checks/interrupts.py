"""SIGINT and SIGTERM for `claimcheck run`, from the first instant to the last.

- While the run is being prepared (inputs validated, the selection known, the run directory made), a
  signal is recorded and acted on as soon as there is a verdicts.json to mark: nothing is half-made.
- While the run is armed (sandbox, suites), the first signal raises KeyboardInterrupt once.
- Every later signal, and any signal inside a `protected()` block (a verdicts.json write, a drill's undo),
  is recorded and otherwise ignored until the block ends: shutting down is never itself interrupted.

The handler is installed explicitly, so a run started as a background job (whose SIGINT a shell sets to
"ignore") still honours SIGINT.
"""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Interrupts:
    """The run's signal policy (see the module docstring). One per process: `INTERRUPTS`."""

    def __init__(self) -> None:
        self.received: list[str] = []
        self.armed = False
        self.raised = False
        self._protected = 0
        self._pending = False

    def install(self) -> None:
        if threading.current_thread() is threading.main_thread():
            for sig in SIGNALS:
                signal.signal(sig, self._on_signal)

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        name = signal.Signals(signum).name
        self.received.append(name)
        if self.armed and not self.raised and not self._protected:
            self.raised = True
            raise KeyboardInterrupt(name)
        if self.armed and not self.raised:
            self._pending = True
        elif len(self.received) > 1:
            print(f"claimcheck: {name} again; still stopping (cleaning up first)", file=sys.stderr)

    def note(self, name: str) -> None:
        """Record a signal another handler took (e.g. passed on to a child) without raising here."""
        self.received.append(name)

    @property
    def interrupted(self) -> bool:
        return bool(self.received)

    @property
    def is_protected(self) -> bool:
        return self._protected > 0

    def uninstall(self) -> None:
        """Python's own handling again (a command other than `run`)."""
        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGINT, signal.default_int_handler)
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
        self.received.clear()

    def settle(self) -> None:
        """The run has concluded and the process exits: ignore further signals. (Python resets its own
        handlers to the default while it finalizes; a signal then would kill it and lose the exit code.)"""
        if threading.current_thread() is threading.main_thread():
            for sig in SIGNALS:
                signal.signal(sig, signal.SIG_IGN)

    @contextmanager
    def arm(self) -> Iterator[None]:
        """The body may be interrupted (once); a signal received before it is raised on entry."""
        self.armed = True
        try:
            if self.received and not self.raised:
                self.raised = True
                raise KeyboardInterrupt(self.received[0])
            yield
        finally:
            self.armed = False

    @contextmanager
    def protected(self) -> Iterator[None]:
        """A block no signal may cut short; a signal that arrived meanwhile is raised when it ends."""
        self._protected += 1
        try:
            yield
        finally:
            self._protected -= 1
        if not self._protected and self._pending and self.armed and not self.raised:
            self._pending, self.raised = False, True
            raise KeyboardInterrupt(self.received[0])


INTERRUPTS = Interrupts()
protected = INTERRUPTS.protected
