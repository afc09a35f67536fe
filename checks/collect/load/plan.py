"""What an open-loop run should do, and the governor that refuses runs above a target's allowed rate.

Pure data; no locust import. The plan travels to the load processes through the environment
(never a file) because its headers may carry an API key.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from typing import Any

from checks.errors import ClaimcheckError

PLAN_ENV = "CLAIMCHECK_LOAD_PLAN"
OUT_DIR_ENV = "CLAIMCHECK_LOAD_OUT"


class GovernorExceeded(ClaimcheckError):
    """The plan asks for more requests per second than the target allows (targets.yaml max_rps)."""

    def __init__(self, rate: float, max_rps: float) -> None:
        self.rate = rate
        self.max_rps = max_rps
        super().__init__(
            f"requested {rate:g} req/s exceeds the governor limit of {max_rps:g} req/s for this target"
        )


@dataclass(frozen=True)
class LoadPlan:
    """An open-loop run: `rate` requests/s for `duration_s` seconds, request i scheduled at t0 + i/rate.

    `base_url` is scheme://host:port. https certificates are verified against `ca_file` (the system's
    CAs when None; `verify_tls=False` turns verification off); `server_hostname`, when given, is the name
    the certificate must carry and the Host header sent. `max_connections` caps the connection pool per
    process; `workers` > 1 runs a Locust master with that many local worker processes, each sending
    rate/workers with a staggered phase.
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
    identity: str | None = None  # the test identity the headers authenticate as (named in errors)

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
        """JSON for the PLAN_ENV environment variable of the load processes."""
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


def worker_schedule(plan: LoadPlan, worker: int) -> tuple[int, ...]:
    """Global request indices worker `worker` sends: i = worker, worker + N, ... (staggered phase)."""
    return tuple(range(worker, plan.total_requests, plan.workers))
