"""What an open-loop run should do, and the governor that refuses runs above a target's allowed rate.

No locust import. The plan travels to the load processes through the environment (never a file) because
its headers may carry an API key. The governor counts the whole process: `reserved_rate` holds a run's
rate (all its workers together) while it sends, and refuses one that would take the sum past max_rps.
"""

from __future__ import annotations

import itertools
import json
import os
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from typing import Any

from checks.errors import ClaimcheckError, CollectionError

PLAN_ENV = "CLAIMCHECK_LOAD_PLAN"
OUT_DIR_ENV = "CLAIMCHECK_LOAD_OUT"


class LoadGeneratorError(CollectionError):
    """The load processes failed or produced no evidence (not the target's fault)."""


class GovernorExceeded(ClaimcheckError):
    """The plan asks for more requests per second than the target allows (targets.yaml max_rps)."""

    def __init__(
        self, rate: float, max_rps: float, *, in_use: float = 0.0, holders: Sequence[str] = ()
    ) -> None:
        self.rate = rate
        self.max_rps = max_rps
        self.in_use = in_use
        busy = f" with {in_use:g} req/s already in use ({', '.join(holders)})" if in_use else ""
        super().__init__(
            f"requested {rate:g} req/s{busy} exceeds the governor limit of {max_rps:g} req/s for this target"
        )


@dataclass(frozen=True)
class LoadPlan:
    """An open-loop run: `rate` requests/s for `duration_s` seconds, request i scheduled at t0 + i/rate.

    `base_url` is scheme://host:port. https certificates are verified against `ca_file` (the system's
    CAs when None; `verify_tls=False` turns verification off); `server_hostname`, when given, is the name
    the certificate must carry and the Host header sent. `max_connections` caps the connection pool per
    process; `workers` is how many Locust workers share the schedule (1: one local process, no master),
    each sending rate/workers with a staggered phase; `rate` is the sum over all of them.
    """

    base_url: str
    path: str
    rate: float
    duration_s: float
    method: str = "GET"
    headers: dict[str, str] = field(default_factory=dict, repr=False)  # may hold an API key
    body: str | None = None
    ca_file: str | None = None
    server_hostname: str | None = None
    verify_tls: bool = True
    timeout_s: float = 10.0
    max_connections: int = 1000
    workers: int = 1

    def __post_init__(self) -> None:
        if self.rate <= 0 or self.duration_s <= 0:
            raise ValueError(
                f"rate and duration must be > 0, got rate={self.rate}, duration={self.duration_s}"
            )
        if self.workers < 1 or self.max_connections < 1:
            raise ValueError("workers and max_connections must be >= 1")
        if not self.path.startswith("/"):
            raise ValueError(f"path must start with '/', got {self.path!r}")

    @property
    def total_requests(self) -> int:
        """Requests scheduled over the whole run (all workers)."""
        return max(1, round(self.rate * self.duration_s))

    @property
    def url(self) -> str:
        return self.base_url.rstrip("/") + self.path

    def to_env(self) -> str:
        """JSON for the PLAN_ENV environment variable of the load processes. The master hands the same
        JSON to its workers in the start message (so workers on other hosts need no claimcheck install)."""
        return json.dumps(asdict(self))

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> LoadPlan:
        """The plan a load process was started with."""
        raw: dict[str, Any] = json.loads((environ or dict(os.environ))[PLAN_ENV])
        return cls(**raw)


def check_governor(plan: LoadPlan, max_rps: float) -> None:
    """Raise GovernorExceeded when the plan's rate is above `max_rps`; nothing is sent before this check."""
    if plan.rate > max_rps:
        raise GovernorExceeded(plan.rate, max_rps)


_BUDGET_LOCK = threading.Lock()
_IN_USE: dict[int, tuple[str, float]] = {}  # this process's traffic now: reservation id -> (what, req/s)
_TOKENS = itertools.count()


def rate_in_use() -> float:
    """Requests/s this process is sending right now, summed over every active reservation."""
    with _BUDGET_LOCK:
        return sum(rate for _, rate in _IN_USE.values())


@contextmanager
def reserved_rate(rate: float, max_rps: float, what: str) -> Iterator[None]:
    """Hold `rate` req/s of the target's `max_rps` for the block. The governor counts the whole process:
    load runs (all of their workers together) and anything else that reserves, such as a probe running
    beside a load phase. Raises GovernorExceeded, before anything is sent, when the sum would exceed it.
    A claimcheck process judges one target, so one budget per process is that target's budget."""
    with _BUDGET_LOCK:
        used = sum(r for _, r in _IN_USE.values())
        if used + rate > max_rps:
            raise GovernorExceeded(rate, max_rps, in_use=used, holders=[w for w, _ in _IN_USE.values()])
        token = next(_TOKENS)
        _IN_USE[token] = (what, rate)
    try:
        yield
    finally:
        with _BUDGET_LOCK:
            del _IN_USE[token]


def worker_schedule(plan: LoadPlan, worker: int) -> tuple[int, ...]:
    """Global request indices worker `worker` sends: i = worker, worker + N, ... (staggered phase)."""
    return tuple(range(worker, plan.total_requests, plan.workers))
