"""Independent probes in parallel, within the governor, never beside a load phase.

A run's probes are of two kinds:
- QUIET probes send little and measure something load would skew: vantage-point latency (one per network
  namespace, ssh host or pod), datastore round trips, TLS posture, header and cache checks, Prometheus, AWS
  and Kubernetes reads. Quiet probes run concurrently with each other, up to `workers` at once.
- LOAD phases hold the target exclusively: a load phase starts once every running quiet probe has finished,
  and no quiet probe starts until it ends (a readers-writer lock that lets a waiting load phase in first, so
  quiet probes cannot starve it).

Every probe declares the most requests per second it sends (`rps`). Probes start only while the sum over
the running ones stays within the target's `max_rps`, so all of them together never exceed the governor; a
probe that alone would exceed it is refused before it starts (GovernorExceeded). Probes whose rate is
enforced by another part (the load engine) declare that rate.

Which overlaps are allowed was measured first: benchmarks/bench_overlap.py (numbers in benchmarks/README.md).

`Scheduler.submit` returns a Future; a suite item waits on the one it needs, so an item's verdict is the same
whether its probe ran alone or beside others (tests/test_scheduler.py compares the two).
"""

from __future__ import annotations

import enum
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from checks.collect.load.plan import GovernorExceeded

T = TypeVar("T")


class Kind(enum.Enum):
    QUIET = "quiet"
    LOAD = "load"


@dataclass(frozen=True)
class Probe(Generic[T]):
    """One unit of measurement: its name, its kind, the most requests per second it sends, and the call."""

    name: str
    kind: Kind
    rps: float
    run: Callable[[], T]


@dataclass(frozen=True)
class Ran:
    """When a probe ran (monotonic seconds), for the record and for the tests of the rules above."""

    name: str
    kind: Kind
    rps: float
    started: float
    finished: float


@dataclass
class _State:
    quiet: int = 0
    load: bool = False
    load_waiting: int = 0
    rps: float = 0.0
    log: list[Ran] = field(default_factory=list)


class Scheduler:
    """Runs probes by the rules of the module docstring. Use as a context manager (joins at exit)."""

    def __init__(
        self, max_rps: float, *, workers: int = 4, clock: Callable[[], float] = time.monotonic
    ) -> None:
        if workers < 1:
            raise ValueError("workers must be at least 1")
        self.max_rps = max_rps
        self.workers = workers
        self._clock = clock
        self._state = _State()
        self._changed = threading.Condition()
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="claimcheck-probe")

    def __enter__(self) -> Scheduler:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Wait for every submitted probe, then release the threads."""
        self._pool.shutdown(wait=True)

    @property
    def log(self) -> list[Ran]:
        """Every finished probe with its start and end, in order of finishing."""
        with self._changed:
            return list(self._state.log)

    def submit(self, probe: Probe[T]) -> Future[T]:
        """Start `probe` when the rules allow; its result (or exception) arrives in the Future."""
        if probe.rps > self.max_rps:
            raise GovernorExceeded(probe.rps, self.max_rps)
        if probe.kind is Kind.LOAD:
            return self._pool.submit(self._run_load, probe)
        return self._pool.submit(self._run_quiet, probe)

    def run_all(self, probes: list[Probe[T]]) -> dict[str, T]:
        """Submit every probe and wait for all; raises the first probe's exception, if any."""
        futures = {p.name: self.submit(p) for p in probes}
        return {name: future.result() for name, future in futures.items()}

    def _run_quiet(self, probe: Probe[T]) -> T:
        with self._quiet_slot(probe.rps):
            return self._timed(probe)

    def _run_load(self, probe: Probe[T]) -> T:
        with self.exclusive(probe.rps):
            return self._timed(probe)

    def _timed(self, probe: Probe[T]) -> T:
        started = self._clock()
        try:
            return probe.run()
        finally:
            with self._changed:
                self._state.log.append(Ran(probe.name, probe.kind, probe.rps, started, self._clock()))

    @contextmanager
    def _quiet_slot(self, rps: float) -> Iterator[None]:
        with self._changed:
            self._changed.wait_for(lambda: self._quiet_may_start(rps))
            self._state.quiet += 1
            self._state.rps += rps
        try:
            yield
        finally:
            with self._changed:
                self._state.quiet -= 1
                self._state.rps -= rps
                self._changed.notify_all()

    def _quiet_may_start(self, rps: float) -> bool:
        state = self._state
        return not state.load and not state.load_waiting and state.rps + rps <= self.max_rps

    @contextmanager
    def exclusive(self, rps: float) -> Iterator[None]:
        """Hold the target for a load phase run by the caller itself: waits for running quiet probes to
        finish, and keeps new ones from starting until it exits."""
        if rps > self.max_rps:
            raise GovernorExceeded(rps, self.max_rps)
        with self._changed:
            self._state.load_waiting += 1
            self._changed.wait_for(lambda: not self._state.load and self._state.quiet == 0)
            self._state.load_waiting -= 1
            self._state.load = True
            self._state.rps += rps
        try:
            yield
        finally:
            with self._changed:
                self._state.load = False
                self._state.rps -= rps
                self._changed.notify_all()


def serial(probes: list[Probe[T]]) -> dict[str, T]:
    """The same probes one after another, in the order given: what a run did before the scheduler."""
    return {p.name: p.run() for p in probes}
